package codexzerolog_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/rs/zerolog"

	codexzerolog "github.com/codextel/codextel/adapters/zerolog"
	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/telemetry"
	"github.com/codextel/codextel/core/telemetrytest"
)

// benchLogger is the app's logger: zerolog's JSON to w, stamped with the time
// by zerolog's Timestamp hook, as most zerolog apps are.
func benchLogger(w io.Writer) zerolog.Logger {
	return zerolog.New(w).With().Timestamp().Logger()
}

// The values of the line, in variables as a real call's are: the native
// calls build their message from them, as an app would, where a constant
// message would be free.
var (
	approvalKind = "command"
	callID       = "call_8f14e45f"
	decision     = "approved"
	tool         = "shell"
)

// logNative is the hand-written zerolog call.
func logNative(l *zerolog.Logger) {
	l.Info().
		Str(codexzerolog.LoggerKey, "codex.approval").
		Str("approval_kind", approvalKind).
		Str("call_id", callID).
		Str("decision", decision).
		Dur("duration", 1500*time.Millisecond).
		Float64("duration_ms", 1500).
		Msg("Approval granted for " + approvalKind + " " + callID + ": " + decision)
}

// logSlog is the same line through zerolog's own slog handler.
func logSlog(ctx context.Context, l *slog.Logger) {
	l.LogAttrs(ctx, slog.LevelInfo, "Approval granted for "+approvalKind+" "+callID+": "+decision,
		slog.String(codexzerolog.LoggerKey, "codex.approval"),
		slog.String("approval_kind", approvalKind),
		slog.String("call_id", callID),
		slog.String("decision", decision),
		slog.Duration("duration", 1500*time.Millisecond),
		slog.Float64("duration_ms", 1500),
	)
}

// emitEvent emits the event that becomes the same line.
func emitEvent(ctx context.Context, bus *telemetry.Bus) {
	bus.Emit(ctx, catalog.ApprovalApproved,
		[]telemetry.Measurement{
			telemetry.Duration("duration", 1500*time.Millisecond),
			telemetry.Float("duration_ms", 1500),
		},
		slog.String("approval_kind", approvalKind),
		slog.String("call_id", callID),
		slog.String("decision", decision),
	)
}

// emitDebug emits codex.tool.success, a DEBUG event.
func emitDebug(ctx context.Context, bus *telemetry.Bus) {
	bus.Emit(ctx, catalog.ToolSuccess,
		[]telemetry.Measurement{
			telemetry.Duration("duration", 1500*time.Millisecond),
			telemetry.Float("duration_ms", 1500),
		},
		slog.String("tool", tool),
		slog.String("tool_kind", "command"),
		slog.String("call_id", callID),
	)
}

var sinkLogger zerolog.Logger

// BenchmarkAdapter compares the adapter with the same line logged directly
// with zerolog, each case its own sub-benchmark (compare them with
// benchstat over -count runs; docs/performance.md has the commands):
//
//   - native: the hand-written zerolog call, its message built from the
//     values;
//   - codextel: the event emitted on a default bus (redaction and scrubbing
//     included), written through the adapter into the same logger;
//     codextel_noscrub: the same on a bus without the scrubber;
//     codextel_handle: the adapter's Handle alone, given the event;
//   - slog: the line logged with log/slog through zerolog's own slog
//     handler (zerolog.NewSlogHandler) into the same logger, the library's
//     own route for structured records from elsewhere;
//   - disabled_native: zerolog's disabled level, a DEBUG call with the same
//     fields on a logger at INFO (the message built lazily, with MsgFunc);
//     disabled_codextel: a DEBUG event (codex.tool.success) on a default bus
//     with the adapter attached to that logger.
func BenchmarkAdapter(b *testing.B) {
	ctx := context.Background()
	b.Run("native", func(b *testing.B) {
		l := benchLogger(io.Discard)
		telemetrytest.LoopCPU(b, func() {
			logNative(&l)
		})
		sinkLogger = l
	})
	for _, bc := range []struct {
		name string
		opts []telemetry.Option
	}{
		{"codextel", nil},
		{"codextel_noscrub", []telemetry.Option{telemetry.WithScrubber(nil)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			bus := telemetry.New(bc.opts...)
			defer bus.Close()
			detach, err := codexzerolog.Attach(bus, benchLogger(io.Discard))
			if err != nil {
				b.Fatal(err)
			}
			defer detach()
			telemetrytest.LoopCPU(b, func() {
				emitEvent(ctx, bus)
			})
		})
	}
	b.Run("codextel_handle", func(b *testing.B) {
		h := codexzerolog.New(benchLogger(io.Discard))
		e := telemetry.NewEvent(catalog.ApprovalApproved, time.Time{})
		e.AddMeasurements(telemetry.Duration("duration", 1500*time.Millisecond), telemetry.Float("duration_ms", 1500))
		e.AddMetadata(slog.String("approval_kind", approvalKind), slog.String("call_id", callID), slog.String("decision", decision))
		e = e.Clone() // with its catalog entry, as the bus hands it over
		telemetrytest.LoopCPU(b, func() {
			h.Handle(ctx, e)
		})
	})
	b.Run("slog", func(b *testing.B) {
		l := slog.New(zerolog.NewSlogHandler(benchLogger(io.Discard)))
		telemetrytest.LoopCPU(b, func() {
			logSlog(ctx, l)
		})
	})
	b.Run("disabled_native", func(b *testing.B) {
		l := benchLogger(io.Discard).Level(zerolog.InfoLevel)
		telemetrytest.LoopCPU(b, func() {
			l.Debug().
				Str(codexzerolog.LoggerKey, "codex.tool").
				Str("tool", tool).
				Str("tool_kind", "command").
				Str("call_id", callID).
				Dur("duration", 1500*time.Millisecond).
				Float64("duration_ms", 1500).
				MsgFunc(func() string { return "Tool " + tool + " completed." })
		})
		sinkLogger = l
	})
	b.Run("disabled_codextel", func(b *testing.B) {
		bus := telemetry.New()
		defer bus.Close()
		detach, err := codexzerolog.Attach(bus, benchLogger(io.Discard).Level(zerolog.InfoLevel))
		if err != nil {
			b.Fatal(err)
		}
		defer detach()
		telemetrytest.LoopCPU(b, func() {
			emitDebug(ctx, bus)
		})
	})
}

// TestBenchmarkLines: every side of BenchmarkAdapter writes the same line,
// but for the time zerolog stamps it with.
func TestBenchmarkLines(t *testing.T) {
	var native, adapter, viaSlog bytes.Buffer
	l := benchLogger(&native)
	logNative(&l)
	bus := newBus(t)
	attach(t, bus, benchLogger(&adapter))
	emitEvent(context.Background(), bus)
	logSlog(context.Background(), slog.New(zerolog.NewSlogHandler(benchLogger(&viaSlog))))
	untimed := func(line []byte) map[string]any {
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		delete(m, zerolog.TimestampFieldName)
		return m
	}
	want := untimed(native.Bytes())
	if got := untimed(adapter.Bytes()); !reflect.DeepEqual(got, want) {
		t.Errorf("native:\n%s\ncodextel:\n%s", native.String(), adapter.String())
	}
	if got := untimed(viaSlog.Bytes()); !reflect.DeepEqual(got, want) {
		t.Errorf("native:\n%s\nslog handler:\n%s", native.String(), viaSlog.String())
	}
}
