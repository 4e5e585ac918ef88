package codexzap_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/eventlog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	codexzap "github.com/codextel/codextel/adapters/zap"
)

// The line both sides of BenchmarkAdapter write: codex.approval.approved at
// INFO by the logger codex.approval, its message and five fields.
const benchMessage = "Approval granted for command call_8f14e45f: approved"

// benchLogger is the app's logger: zap's production encoder, at INFO, to w,
// without the production config's sampling and caller (the adapter writes
// through the core, which has neither, so the native side has them off too).
func benchLogger(w io.Writer, opts ...zap.Option) *zap.Logger {
	enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
	return zap.New(zapcore.NewCore(enc, zapcore.AddSync(w), zapcore.InfoLevel), opts...)
}

// logNative is the hand-written zap call.
func logNative(l *zap.Logger) {
	l.Info(benchMessage,
		zap.String("approval_kind", "command"),
		zap.String("call_id", "call_8f14e45f"),
		zap.String("decision", "approved"),
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
		slog.String("approval_kind", "command"),
		slog.String("call_id", "call_8f14e45f"),
		slog.String("decision", "approved"),
	)
}

var sinkLogger *zap.Logger

func BenchmarkAdapter(b *testing.B) {
	ctx := context.Background()
	b.Run("native", func(b *testing.B) {
		l := benchLogger(io.Discard).Named("codex.approval")
		b.ReportAllocs()
		for b.Loop() {
			logNative(l)
		}
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
			b.ReportAllocs()
			for b.Loop() {
				emitEvent(ctx, bus)
			}
		})
	}
}

// TestBenchmarkLines: both sides of BenchmarkAdapter write the same line.
func TestBenchmarkLines(t *testing.T) {
	var native, adapter bytes.Buffer
	logNative(benchLogger(&native, zap.WithClock(fixedClock{})).Named("codex.approval"))
	bus := newBus(t)
	attach(t, bus, benchLogger(&adapter))
	emitEvent(context.Background(), bus)
	if native.Len() == 0 || native.String() != adapter.String() {
		t.Errorf("native:\n%s\ncodextel:\n%s", native.String(), adapter.String())
	}
}

// BenchmarkDisabled: an event at a level the logger drops (DEBUG, at INFO),
// against zap's own disabled call with the same fields, zap's Check, and the
// bus delivering the event to a handler that does nothing.
func BenchmarkDisabled(b *testing.B) {
	ctx := context.Background()
	emitDebug := func(bus *telemetry.Bus) {
		bus.Emit(ctx, catalog.ToolSuccess,
			[]telemetry.Measurement{
				telemetry.Duration("duration", 1500*time.Millisecond),
				telemetry.Float("duration_ms", 1500),
			},
			slog.String("tool", "shell"),
			slog.String("tool_kind", "command"),
			slog.String("call_id", "call_8f14e45f"),
		)
	}
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
				emitDebug(bus)
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
				emitDebug(bus)
			}
			sinkInt += n
		})
	}
}

var sinkInt int

// BenchmarkAdapterRatio measures codextel/native in one run on a machine
// shared with other work, where BenchmarkAdapter's separate runs see
// different loads: each iteration times a batch of native calls and then a
// batch of events, back to back, and the metrics are the median of the
// batches' ratios and each side's fastest batch (ns/op of the metrics are
// per line; the benchmark's own ns/op is per pair of batches). The parts/
// sub-benchmarks put the same event through the bus without the scrubber to
// a handler that does nothing (bus) and to one that only maps it with
// eventlog.Mapper (bus+map): the share of the cost that is not the adapter's.
func BenchmarkAdapterRatio(b *testing.B) {
	ctx := context.Background()
	native := benchLogger(io.Discard).Named("codex.approval")
	for _, bc := range []struct {
		name string
		opts []telemetry.Option
	}{
		{"default_bus", nil},
		{"noscrub", []telemetry.Option{telemetry.WithScrubber(nil)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			bus := newBus(b, bc.opts...)
			attach(b, bus, benchLogger(io.Discard))
			pairedRatio(b, func() { logNative(native) }, func() { emitEvent(ctx, bus) })
		})
	}
	for _, bc := range []struct {
		name string
		h    telemetry.Handler
	}{
		{"bus", new(nopHandler)},
		{"bus+map", new(mapHandler)},
	} {
		b.Run("parts/"+bc.name, func(b *testing.B) {
			bus := newBus(b, telemetry.WithScrubber(nil))
			if _, err := bus.Attach("part", bc.h, "codex.*"); err != nil {
				b.Fatal(err)
			}
			pairedRatio(b, func() { logNative(native) }, func() { emitEvent(ctx, bus) })
		})
	}
}

// A nopHandler counts events.
type nopHandler struct{ n int }

func (h *nopHandler) Handle(_ context.Context, e telemetry.Event) { h.n += e.NumMetadata() }

// A mapHandler maps events to records, as every adapter does first.
type mapHandler struct {
	m eventlog.Mapper
	r pylog.Record
}

func (h *mapHandler) Handle(_ context.Context, e telemetry.Event) { h.m.Map(&h.r, &e) }

// pairedRatio times batches of base and other alternately and reports the
// median ratio of adjacent batches and the fastest batch of each.
func pairedRatio(b *testing.B, base, other func()) {
	const batch = 64
	var ratios []float64
	minBase, minOther := math.Inf(1), math.Inf(1)
	for b.Loop() {
		t0 := time.Now()
		for range batch {
			base()
		}
		t1 := time.Now()
		for range batch {
			other()
		}
		t2 := time.Now()
		nb, no := float64(t1.Sub(t0))/batch, float64(t2.Sub(t1))/batch
		minBase, minOther = min(minBase, nb), min(minOther, no)
		ratios = append(ratios, no/nb)
	}
	slices.Sort(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "ratio")
	b.ReportMetric(minBase, "base-ns/op")
	b.ReportMetric(minOther, "other-ns/op")
	b.ReportMetric(minOther/minBase, "min-ratio")
}
