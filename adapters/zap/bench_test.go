package codexzap_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
	"github.com/codextel/codextel/core/telemetrytest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	codexzap "github.com/codextel/codextel/adapters/zap"
)

// benchLogger is the app's logger: zap's production encoder, at INFO, to w,
// without the production config's sampling and caller (the adapter writes
// through the core, which has neither, so the native side has them off too).
func benchLogger(w io.Writer, opts ...zap.Option) *zap.Logger {
	enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
	return zap.New(zapcore.NewCore(enc, zapcore.AddSync(w), zapcore.InfoLevel), opts...)
}

// The values of the line, in variables as a real call's are: the native
// call builds its message from them, as an app would, where a constant
// message would be free.
var (
	approvalKind = "command"
	callID       = "call_8f14e45f"
	decision     = "approved"
	tool         = "shell"
)

// logNative is the hand-written zap call.
func logNative(l *zap.Logger) {
	l.Info("Approval granted for "+approvalKind+" "+callID+": "+decision,
		zap.String("approval_kind", approvalKind),
		zap.String("call_id", callID),
		zap.String("decision", decision),
		zap.Duration("duration", 1500*time.Millisecond),
		zap.Float64("duration_ms", 1500),
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

var sinkLogger *zap.Logger

// BenchmarkAdapter compares the adapter with the same line logged directly
// with zap, each case its own sub-benchmark (compare them with benchstat
// over -count runs; docs/performance.md has the commands):
//
//   - native: the hand-written zap call, its message built from the values;
//   - codextel: the event emitted on a default bus (redaction and scrubbing
//     included), written through the adapter into the same logger;
//     codextel_noscrub: the same on a bus without the scrubber;
//     codextel_handle: the adapter's Handle alone, given the event (with
//     its time, so without the clock read the bus's emission makes);
//     codextel_handle_clock: the same with a clock read per event, and
//     codextel_bus: the bus alone, delivering the event to a handler that
//     does nothing (the two halves of codextel, each measured alone);
//   - python_json_native and python_json_codextel: the same two into a
//     NewPythonLogger writing python-json-logger's layout (JSONFormat);
//   - disabled_native: zap's own disabled path, Check at DEBUG on a logger
//     at INFO; disabled_codextel: a DEBUG event (codex.tool.success) on a
//     default bus with the adapter attached to that logger.
func BenchmarkAdapter(b *testing.B) {
	ctx := context.Background()
	b.Run("native", func(b *testing.B) {
		l := benchLogger(io.Discard).Named("codex.approval")
		telemetrytest.LoopCPU(b, func() {
			logNative(l)
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
			detach, err := codexzap.Attach(bus, benchLogger(io.Discard))
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
		h := codexzap.New(benchLogger(io.Discard))
		e := telemetry.NewEvent(catalog.ApprovalApproved, time.Time{})
		e.AddMeasurements(telemetry.Duration("duration", 1500*time.Millisecond), telemetry.Float("duration_ms", 1500))
		e.AddMetadata(slog.String("approval_kind", approvalKind), slog.String("call_id", callID), slog.String("decision", decision))
		e = e.Clone() // with its catalog entry, as the bus hands it over
		telemetrytest.LoopCPU(b, func() {
			h.Handle(ctx, e)
		})
	})
	b.Run("codextel_handle_clock", func(b *testing.B) {
		// codextel_handle with a clock read per event, as the bus's
		// emission makes one: with codextel_bus, the two halves of
		// codextel, each measured alone.
		h := codexzap.New(benchLogger(io.Discard))
		e := telemetry.NewEvent(catalog.ApprovalApproved, time.Time{})
		e.AddMeasurements(telemetry.Duration("duration", 1500*time.Millisecond), telemetry.Float("duration_ms", 1500))
		e.AddMetadata(slog.String("approval_kind", approvalKind), slog.String("call_id", callID), slog.String("decision", decision))
		e = e.Clone()
		telemetrytest.LoopCPU(b, func() {
			e.Time = time.Now()
			h.Handle(ctx, e)
		})
	})
	b.Run("codextel_bus", func(b *testing.B) {
		// The bus alone: the same emission to a handler that reads only
		// how many attributes the event has.
		bus := telemetry.New()
		defer bus.Close()
		n := 0
		if _, err := bus.Attach("count", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) { n += e.NumMetadata() }), catalog.ApprovalApproved); err != nil {
			b.Fatal(err)
		}
		telemetrytest.LoopCPU(b, func() {
			emitEvent(ctx, bus)
		})
		sinkInt += n
	})
	b.Run("python_json_native", func(b *testing.B) {
		l := pythonJSONLogger(b, io.Discard).Named("codex.approval")
		telemetrytest.LoopCPU(b, func() {
			logNative(l)
		})
		sinkLogger = l
	})
	b.Run("python_json_codextel", func(b *testing.B) {
		bus := telemetry.New()
		defer bus.Close()
		detach, err := codexzap.Attach(bus, pythonJSONLogger(b, io.Discard))
		if err != nil {
			b.Fatal(err)
		}
		defer detach()
		telemetrytest.LoopCPU(b, func() {
			emitEvent(ctx, bus)
		})
	})
	b.Run("disabled_native", func(b *testing.B) {
		l := benchLogger(io.Discard).Named("codex.tool")
		telemetrytest.LoopCPU(b, func() {
			if ce := l.Check(zapcore.DebugLevel, "Tool completed."); ce != nil {
				b.Fatal("enabled")
			}
		})
	})
	b.Run("disabled_codextel", func(b *testing.B) {
		bus := newBus(b)
		attach(b, bus, benchLogger(io.Discard))
		telemetrytest.LoopCPU(b, func() {
			emitDebug(ctx, bus)
		})
	})
}

// pythonJSONLogger is a NewPythonLogger at INFO writing python-json-logger's
// layout to w.
func pythonJSONLogger(tb testing.TB, w io.Writer) *zap.Logger {
	f, err := pylog.NewJSONFormatter(codexzap.JSONFormat)
	if err != nil {
		tb.Fatal(err)
	}
	return codexzap.NewPythonLogger(w, f, zapcore.InfoLevel)
}

// TestBenchmarkLines: both sides of BenchmarkAdapter write the same line,
// in zap's JSON and in the Python layout.
func TestBenchmarkLines(t *testing.T) {
	for _, c := range []struct {
		name   string
		logger func(w io.Writer) *zap.Logger
	}{
		{"zap json", func(w io.Writer) *zap.Logger { return benchLogger(w) }},
		{"python json", func(w io.Writer) *zap.Logger { return pythonJSONLogger(t, w) }},
	} {
		var native, adapter bytes.Buffer
		logNative(c.logger(&native).WithOptions(zap.WithClock(fixedClock{})).Named("codex.approval"))
		bus := newBus(t)
		attach(t, bus, c.logger(&adapter))
		emitEvent(context.Background(), bus)
		if native.Len() == 0 || native.String() != adapter.String() {
			t.Errorf("%s: native:\n%s\ncodextel:\n%s", c.name, native.String(), adapter.String())
		}
	}
}

// BenchmarkDisabled: an event at a level the logger drops (DEBUG, at INFO),
// against zap's own disabled call with the same fields, zap's Check, and the
// bus delivering the event to a handler that does nothing.
func BenchmarkDisabled(b *testing.B) {
	ctx := context.Background()
	l := benchLogger(io.Discard).Named("codex.tool")
	b.Run("native", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			l.Debug("Tool shell completed.",
				zap.String("tool", "shell"),
				zap.String("tool_kind", "command"),
				zap.String("call_id", "call_8f14e45f"),
				zap.Duration("duration", 1500*time.Millisecond),
				zap.Float64("duration_ms", 1500),
			)
		}
	})
	b.Run("native_check", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if ce := l.Check(zapcore.DebugLevel, "Tool shell completed."); ce != nil {
				b.Fatal("enabled")
			}
		}
	})
	for _, bc := range []struct {
		name string
		opts []telemetry.Option
	}{
		{"codextel", nil},
		{"codextel_noscrub", []telemetry.Option{telemetry.WithScrubber(nil)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			bus := newBus(b, bc.opts...)
			attach(b, bus, benchLogger(io.Discard))
			b.ReportAllocs()
			for b.Loop() {
				emitDebug(ctx, bus)
			}
		})
		b.Run(bc.name+"_bus_only", func(b *testing.B) {
			// The bus alone, delivering to a handler that does nothing.
			bus := newBus(b, bc.opts...)
			n := 0
			if _, err := bus.Attach("noop", telemetry.HandlerFunc(func(context.Context, telemetry.Event) { n++ }), "codex.*"); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				emitDebug(ctx, bus)
			}
			sinkInt += n
		})
	}
}

var sinkInt int
