package codexzerolog_test

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/rs/zerolog"

	codexzerolog "github.com/codextel/codextel/adapters/zerolog"
	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// Wiring codextel into an application that already logs with zerolog: attach
// the bus to the application's logger, and events come out as its own lines
// do, with its context fields, the Python logger name under "logger" and the
// event's time.
func Example() {
	// The application's existing logger.
	logger := zerolog.New(os.Stdout).With().Str("service", "checkout").Logger()

	// codextel: the events of a Codex session go to the same logger. (The
	// fixed clock only keeps this example's output reproducible.)
	bus := telemetry.New(telemetry.WithClock(func() time.Time { return time.Date(2025, 12, 2, 10, 52, 12, 0, time.UTC) }))
	detach, err := codexzerolog.Attach(bus, logger)
	if err != nil {
		logger.Error().Err(err).Msg("codextel not attached")
		return
	}
	defer detach()

	// What codextel's instrumentation emits during a session.
	ctx := correlation.WithThread(context.Background(), "0199a213-81c0")
	bus.Emit(ctx, catalog.ApprovalDenied, []telemetry.Measurement{telemetry.Duration("duration", 1500*time.Millisecond)},
		slog.String("approval_kind", "command_execution"), slog.String("call_id", "item_2"), slog.String("decision", "decline"))
	// Output:
	// {"level":"warn","service":"checkout","logger":"codex.approval","approval_kind":"command_execution","call_id":"item_2","decision":"decline","duration":1500,"thread_id":"0199a213-81c0","time":"2025-12-02T10:52:12Z","message":"Approval denied for command_execution item_2: decline"}
}

// Events written as logging.basicConfig() prints them in Python, through a
// zerolog.Logger that the application can use for its own lines too.
func ExampleNewPythonLogger() {
	f, err := pylog.NewFormatter("%(levelname)s:%(name)s:%(message)s") // logging.BASIC_FORMAT
	if err != nil {
		panic(err)
	}
	logger := codexzerolog.NewPythonLogger(os.Stdout, f)
	bus := telemetry.New()
	detach, err := codexzerolog.Attach(bus, logger)
	if err != nil {
		panic(err)
	}
	defer detach()

	bus.Emit(context.Background(), catalog.ToolStart, nil,
		slog.String("tool", "shell"), slog.String("tool_kind", "command_execution"), slog.String("call_id", "item_1"))
	logger.Warn().Str(codexzerolog.LoggerKey, "checkout").Msg("cart abandoned")
	// Output:
	// DEBUG:codex.tool:Invoking tool shell
	// WARNING:checkout:cart abandoned
}
