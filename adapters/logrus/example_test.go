package codexlogrus_test

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/sirupsen/logrus"

	codexlogrus "github.com/codextel/codextel/adapters/logrus"
	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// Wiring codextel into an application that already logs with logrus: attach
// the bus to the application's logger (or an entry with its fields), and
// events come out as its own entries do, with the Python logger name under
// "logger" and the event's time. logrus' JSONFormatter sorts the keys.
func Example() {
	// The application's existing logger.
	logger := logrus.New()
	logger.SetOutput(os.Stdout)
	logger.SetFormatter(&logrus.JSONFormatter{})

	// codextel: the events of a Codex session go to the same logger. (The
	// fixed clock only keeps this example's output reproducible.)
	bus := telemetry.New(telemetry.WithClock(func() time.Time { return time.Date(2025, 12, 2, 10, 52, 12, 0, time.UTC) }))
	detach, err := codexlogrus.Attach(bus, logger.WithField("service", "checkout"))
	if err != nil {
		logger.WithError(err).Error("codextel not attached")
		return
	}
	defer detach()

	// What codextel's instrumentation emits during a session.
	ctx := correlation.WithThread(context.Background(), "0199a213-81c0")
	bus.Emit(ctx, catalog.ApprovalDenied, []telemetry.Measurement{telemetry.Float("duration_ms", 1500)},
		slog.String("approval_kind", "command_execution"), slog.String("call_id", "item_2"), slog.String("decision", "decline"))
	// Output:
	// {"approval_kind":"command_execution","call_id":"item_2","decision":"decline","duration_ms":1500,"level":"warning","logger":"codex.approval","msg":"Approval denied for command_execution item_2: decline","service":"checkout","thread_id":"0199a213-81c0","time":"2025-12-02T10:52:12Z"}
}

// Events written as python-json-logger writes them, fields in order, through
// a *logrus.Logger that the application can use for its own lines too.
func ExampleNewPythonLogger() {
	f, err := pylog.NewJSONFormatter("%(levelname)s %(name)s %(message)s")
	if err != nil {
		panic(err)
	}
	logger := codexlogrus.NewPythonLogger(os.Stdout, f)
	bus := telemetry.New()
	detach, err := codexlogrus.Attach(bus, logger)
	if err != nil {
		panic(err)
	}
	defer detach()

	bus.Emit(context.Background(), catalog.ToolStart, nil,
		slog.String("tool", "shell"), slog.String("tool_kind", "command_execution"), slog.String("call_id", "item_1"))
	logger.WithField(codexlogrus.LoggerKey, "checkout").Warn("cart abandoned")
	// Output:
	// {"levelname": "DEBUG", "name": "codex.tool", "message": "Invoking tool shell", "tool": "shell", "tool_kind": "command_execution", "call_id": "item_1"}
	// {"levelname": "WARNING", "name": "checkout", "message": "cart abandoned"}
}
