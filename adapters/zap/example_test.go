package codexzap_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
	"go.uber.org/zap"

	codexzap "github.com/codextel/codextel/adapters/zap"
)

// An existing zap app, with its production config, wires codextel in with
// one call: Codex's events then come out as the app's own JSON lines.
func Example() {
	// The app's logger, from zap's production config. (Only for this
	// example's output: stdout instead of stderr, and no timestamps.)
	cfg := zap.NewProductionConfig()
	cfg.OutputPaths = []string{"stdout"}
	cfg.EncoderConfig.TimeKey = ""
	logger, err := cfg.Build()
	if err != nil {
		panic(err)
	}
	defer logger.Sync()

	// Wiring codextel in.
	bus := telemetry.New()
	detach, err := codexzap.Attach(bus, logger)
	if err != nil {
		panic(err)
	}
	defer detach()

	// What the Codex bridge, or instrumented code, emits.
	ctx := correlation.With(context.Background(), correlation.IDs{Thread: "thr_7", Turn: "turn_1"})
	bus.Emit(ctx, catalog.ApprovalApproved,
		[]telemetry.Measurement{telemetry.Duration("duration", 1500*time.Millisecond)},
		slog.String("approval_kind", "command"),
		slog.String("call_id", "call_1"),
		slog.String("decision", "approved"),
	)
	bus.Emit(ctx, catalog.ToolStart, nil, slog.String("tool", "shell")) // DEBUG: below the config's INFO
	bus.Emit(ctx, catalog.TurnFailed, nil, slog.Int("turn_index", 1), slog.String("reason", "rate limited"))
	// Output:
	// {"level":"info","logger":"codex.approval","msg":"Approval granted for command call_1: approved","approval_kind":"command","call_id":"call_1","decision":"approved","duration":1.5,"thread_id":"thr_7","turn_id":"turn_1"}
	// {"level":"error","logger":"codex.turn","msg":"Turn 1 failed: rate limited","turn_index":1,"reason":"rate limited","thread_id":"thr_7","turn_id":"turn_1"}
}

// A zap.Config can name the Python encodings this package registers: the
// events, and the app's own entries, then read as Python's logging writes
// them (here logging.BASIC_FORMAT).
func Example_config() {
	cfg := zap.NewProductionConfig()
	cfg.Encoding = codexzap.TextEncoding // or codexzap.JSONEncoding
	cfg.OutputPaths = []string{"stdout"}
	logger, err := cfg.Build()
	if err != nil {
		panic(err)
	}
	bus := telemetry.New()
	detach, err := codexzap.Attach(bus, logger)
	if err != nil {
		panic(err)
	}
	defer detach()

	bus.Emit(context.Background(), catalog.TurnCompactionFailed, nil, slog.String("reason", "context too long"))
	logger.Named("billing").Warn("invoice overdue", zap.Int("days", 3))
	// Output:
	// WARNING:codex.turn:Compacting conversation history failed: context too long
	// WARNING:billing:invoice overdue
}

// NewPythonLogger gives Python's lines without configuring zap: here
// python-json-logger's, in UTC.
func ExampleNewPythonLogger() {
	f, err := pylog.NewJSONFormatter("%(asctime)s %(levelname)s %(name)s %(message)s", pylog.WithLocation(time.UTC))
	if err != nil {
		panic(err)
	}
	logger := codexzap.NewPythonLogger(os.Stdout, f, zap.DebugLevel)
	bus := telemetry.New()
	detach, err := codexzap.Attach(bus, logger)
	if err != nil {
		panic(err)
	}
	defer detach()

	e := telemetry.NewEvent(catalog.ToolSuccess, time.Date(2025, 12, 2, 10, 52, 12, 123456789, time.UTC))
	e.AddMeasurements(telemetry.Duration("duration", 1500*time.Millisecond), telemetry.Float("duration_ms", 1500))
	e.AddMetadata(slog.String("tool", "shell"), slog.String("tool_kind", "command"), slog.String("call_id", "call_1"))
	bus.EmitEvent(context.Background(), e)
	// Output:
	// {"asctime": "2025-12-02 10:52:12,123", "levelname": "DEBUG", "name": "codex.tool", "message": "Tool shell completed.", "tool": "shell", "tool_kind": "command", "call_id": "call_1", "duration": "0:00:01.500000", "duration_ms": 1500.0}
}

// Level maps Python's levels to zap's; CRITICAL is DPanic, written without
// zap's panic.
func ExampleLevel() {
	for _, l := range []pylog.Level{pylog.Debug, pylog.Info, 25, pylog.Warning, pylog.Error, pylog.Critical} {
		fmt.Printf("%-8v -> %v\n", l, codexzap.Level(l))
	}
	// Output:
	// DEBUG    -> debug
	// INFO     -> info
	// Level 25 -> info
	// WARNING  -> warn
	// ERROR    -> error
	// CRITICAL -> dpanic
}
