package codexslog_test

import (
	"context"
	"log/slog"
	"os"
	"time"

	codexslog "github.com/codextel/codextel/adapters/slog"
	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// Events written as logging.basicConfig() prints them in Python.
func Example() {
	bus := telemetry.New()
	f, err := pylog.NewFormatter("%(levelname)s:%(name)s:%(message)s") // logging.BASIC_FORMAT
	if err != nil {
		panic(err)
	}
	h := codexslog.NewPythonHandler(os.Stdout, f, &slog.HandlerOptions{Level: slog.LevelDebug})
	detach, err := codexslog.Attach(bus, h)
	if err != nil {
		panic(err)
	}
	defer detach()

	ctx := correlation.WithThread(context.Background(), "0199a213-81c0")
	bus.Emit(ctx, catalog.ToolStart, nil,
		slog.String("tool", "shell"), slog.String("tool_kind", "command_execution"), slog.String("call_id", "item_1"))
	bus.Emit(ctx, catalog.ApprovalDenied, nil,
		slog.String("approval_kind", "command_execution"), slog.String("call_id", "item_2"), slog.String("decision", "decline"))
	// Output:
	// DEBUG:codex.tool:Invoking tool shell
	// WARNING:codex.approval:Approval denied for command_execution item_2: decline
}

// Events as python-json-logger writes them, asctime in UTC.
func Example_json() {
	bus := telemetry.New()
	f, err := pylog.NewJSONFormatter("%(asctime)s %(levelname)s %(name)s %(message)s", pylog.WithLocation(time.UTC))
	if err != nil {
		panic(err)
	}
	if _, err := codexslog.Attach(bus, codexslog.NewPythonHandler(os.Stdout, f, nil)); err != nil {
		panic(err)
	}
	e := telemetry.NewEvent(catalog.ItemTodoListUpdated, time.Date(2025, 12, 2, 10, 52, 12, 123456000, time.UTC))
	e.AddMeasurements(telemetry.Int("total_items", 2), telemetry.Int("completed_items", 1))
	e.AddMetadata(slog.String("call_id", "item_3"), slog.Any("items", []any{"Read the test", "Fix it"}))
	bus.EmitEvent(context.Background(), e) // items is model data: redacted by default
	// Output:
	// {"asctime": "2025-12-02 10:52:12,123", "levelname": "INFO", "name": "codex.item", "message": "Plan updated: 1 of 2 done", "call_id": "item_3", "total_items": 2, "completed_items": 1}
}

// Wiring codextel into an application that already logs with slog: attach
// the bus to the application's handler, and events come out as its own
// records do, with the Python logger name under "logger".
func Example_existingApp() {
	// The application's existing set-up (the time is left out here only to
	// keep the output reproducible).
	handler := slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		},
	})
	logger := slog.New(handler)

	// codextel: the events of a Codex session go to the same handler.
	bus := telemetry.New()
	detach, err := codexslog.Attach(bus, logger.Handler())
	if err != nil {
		logger.Error("codextel not attached", "err", err)
		return
	}
	defer detach()

	logger.Info("server started", "port", 8080)
	bus.Emit(context.Background(), catalog.TurnCompleted,
		[]telemetry.Measurement{telemetry.Duration("duration", 1500*time.Millisecond), telemetry.Float("duration_ms", 1500)},
		slog.Int("turn_index", 1))
	// Output:
	// {"level":"INFO","msg":"server started","port":8080}
	// {"level":"INFO","msg":"Turn 1 completed","logger":"codex.turn","turn_index":1,"duration":1500000000,"duration_ms":1500}
}

// The application's own slog calls in a Python format, sharing the lines
// events are written in: the "logger" attribute names the Python logger.
func ExampleNewPythonHandler() {
	f, err := pylog.NewFormatter("%(levelname)-8s %(name)s: %(message)s")
	if err != nil {
		panic(err)
	}
	logger := slog.New(codexslog.NewPythonHandler(os.Stdout, f, nil))
	logger.Info("listening")
	logger.With(codexslog.LoggerKey, "myapp.db").Warn("slow query", "ms", 1200)
	logger.Log(context.Background(), codexslog.Level(pylog.Critical), "out of disk")
	// Output:
	// INFO     root: listening
	// WARNING  myapp.db: slow query
	// CRITICAL root: out of disk
}
