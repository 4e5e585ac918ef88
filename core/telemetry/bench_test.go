package telemetry_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/telemetry"
)

// sink keeps the compiler from discarding the benchmarked work.
var sink int

// noop counts events so the handler call cannot be optimised away.
type noop struct{ n int }

func (h *noop) Handle(_ context.Context, e telemetry.Event) { h.n += e.NumMetadata() }

// refuser is an EnabledHandler that takes nothing.
type refuser struct{ n int }

func (h *refuser) Handle(_ context.Context, e telemetry.Event) { h.n += e.NumMetadata() }
func (h *refuser) Enabled(context.Context, *catalog.Entry, string) bool {
	return false
}

// noopSlog is an enabled slog.Handler that does nothing.
type noopSlog struct{}

func (noopSlog) Enabled(context.Context, slog.Level) bool  { return true }
func (noopSlog) Handle(context.Context, slog.Record) error { return nil }
func (h noopSlog) WithAttrs([]slog.Attr) slog.Handler      { return h }
func (h noopSlog) WithGroup(string) slog.Handler           { return h }

// prebuilt returns codex.tool.start's measurements and metadata, built once.
func prebuilt() ([]telemetry.Measurement, []slog.Attr) {
	return []telemetry.Measurement{telemetry.Int("system_time", 1764672732123456789), telemetry.Int("monotonic_time", 1500)},
		[]slog.Attr{
			slog.String("tool", "shell"),
			slog.String("tool_kind", "command_execution"),
			slog.String("call_id", "item_3"),
		}
}

// emitFive emits the event the benchmarks share: one measurement and five
// metadata attributes, the shape of a tool event.
func emitFive(ctx context.Context, b *telemetry.Bus) {
	b.Emit(ctx, "codex.tool.start", []telemetry.Measurement{telemetry.Int("system_time", 1764672732123456789)},
		slog.String("tool", "shell"),
		slog.String("tool_kind", "command_execution"),
		slog.String("call_id", "item_3"),
		slog.Int("attempt", 1),
		slog.Bool("sandboxed", true),
	)
}

func BenchmarkEmit(b *testing.B) {
	ctx := context.Background()
	b.Run("no_handlers", func(b *testing.B) {
		bus := telemetry.New()
		b.ReportAllocs()
		for b.Loop() {
			emitFive(ctx, bus)
		}
	})
	b.Run("no_handlers_guarded", func(b *testing.B) {
		// The way a hot caller skips building fields nobody will read, as
		// with zap's Check.
		bus := telemetry.New()
		b.ReportAllocs()
		for b.Loop() {
			if bus.Enabled("codex.tool.start") {
				emitFive(ctx, bus)
			}
		}
	})
	b.Run("disabled", func(b *testing.B) {
		bus := telemetry.New()
		h := &noop{}
		mustAttach(b, bus, "noop", h, "codex.tool.start")
		bus.SetEnabled(false)
		b.ReportAllocs()
		for b.Loop() {
			emitFive(ctx, bus)
		}
		sink += h.n
	})
	b.Run("other_handlers", func(b *testing.B) {
		// Handlers are attached, but not to this event.
		bus := telemetry.New()
		mustAttach(b, bus, "thread", &noop{}, "codex.thread.*")
		mustAttach(b, bus, "turn", &noop{}, "codex.turn.completed")
		b.ReportAllocs()
		for b.Loop() {
			emitFive(ctx, bus)
		}
	})
	b.Run("one_handler", func(b *testing.B) {
		bus := telemetry.New()
		h := &noop{}
		mustAttach(b, bus, "noop", h, "codex.tool.start")
		b.ReportAllocs()
		for b.Loop() {
			emitFive(ctx, bus)
		}
		sink += h.n
	})
	b.Run("one_handler_no_scrubber", func(b *testing.B) {
		// The dispatch alone: the same, on a bus without the default
		// scrubber (which one_handler includes).
		bus := telemetry.New(telemetry.WithScrubber(nil))
		h := &noop{}
		mustAttach(b, bus, "noop", h, "codex.tool.start")
		b.ReportAllocs()
		for b.Loop() {
			emitFive(ctx, bus)
		}
		sink += h.n
	})
	b.Run("one_handler_prebuilt", func(b *testing.B) {
		// What the bus itself adds: the attributes of a catalog event built
		// once, outside the loop, on the default bus (redaction, the field
		// plan, scrubbing), to a handler that reads them.
		bus := telemetry.New()
		h := &noop{}
		mustAttach(b, bus, "noop", h, "codex.tool.start")
		ms, md := prebuilt()
		b.ReportAllocs()
		for b.Loop() {
			bus.Emit(ctx, "codex.tool.start", ms, md...)
		}
		sink += h.n
	})
	// The prebuilt case with parts taken away, for its floor: without the
	// scrubber (so no field plan's scan), then without fields either.
	b.Run("one_handler_prebuilt_no_scrubber", func(b *testing.B) {
		bus := telemetry.New(telemetry.WithScrubber(nil))
		h := &noop{}
		mustAttach(b, bus, "noop", h, "codex.tool.start")
		ms, md := prebuilt()
		b.ReportAllocs()
		for b.Loop() {
			bus.Emit(ctx, "codex.tool.start", ms, md...)
		}
		sink += h.n
	})
	b.Run("one_handler_no_fields", func(b *testing.B) {
		bus := telemetry.New(telemetry.WithScrubber(nil))
		h := &noop{}
		mustAttach(b, bus, "noop", h, "codex.tool.start")
		b.ReportAllocs()
		for b.Loop() {
			bus.Emit(ctx, "codex.tool.start", nil)
		}
		sink += h.n
	})
	b.Run("disabled_handler", func(b *testing.B) {
		// A handler attached to the event whose Enabled says no: the level
		// check a logger at INFO makes for a DEBUG event.
		bus := telemetry.New()
		h := &refuser{}
		mustAttach(b, bus, "refuser", h, "codex.*")
		b.ReportAllocs()
		for b.Loop() {
			emitFive(ctx, bus)
		}
		sink += h.n
	})
	// Events with many fields outside the catalog (so every key and value
	// is scanned), built once: the cost must grow linearly with their number.
	for _, n := range []int{5, 20, 100} {
		attrs := make([]slog.Attr, n)
		for i := range attrs {
			attrs[i] = slog.String(fmt.Sprintf("field_%d", i), "value")
		}
		b.Run(fmt.Sprintf("fields_%d", n), func(b *testing.B) {
			bus := telemetry.New()
			h := &noop{}
			mustAttach(b, bus, "noop", h, "myapp.wide")
			b.ReportAllocs()
			for b.Loop() {
				bus.Emit(ctx, "myapp.wide", nil, attrs...)
			}
			sink += h.n
		})
	}
	b.Run("fields_100_emit_event", func(b *testing.B) {
		bus := telemetry.New()
		h := &noop{}
		mustAttach(b, bus, "noop", h, "myapp.wide")
		e := telemetry.NewEvent("myapp.wide", time.Time{})
		for i := range 100 {
			e.AddMetadata(slog.String(fmt.Sprintf("field_%d", i), "value"))
		}
		b.ReportAllocs()
		for b.Loop() {
			bus.EmitEvent(ctx, e)
		}
		sink += h.n
	})
	b.Run("high_volume_throttled", func(b *testing.B) {
		// A high-volume event through the throttle's decision (mostly drops
		// once past the first 100 of the interval).
		bus := telemetry.New()
		defer bus.Close()
		h := &noop{}
		mustAttach(b, bus, "noop", h, "codex.item.agent_message.delta")
		ctx := correlation.WithThread(ctx, "thread-1")
		b.ReportAllocs()
		for b.Loop() {
			bus.Emit(ctx, "codex.item.agent_message.delta", []telemetry.Measurement{telemetry.Int("delta_bytes", 5)},
				slog.String("call_id", "item_0"), slog.String("delta", "hello"))
		}
		sink += h.n
	})
	b.Run("one_handler_prefix", func(b *testing.B) {
		bus := telemetry.New()
		h := &noop{}
		mustAttach(b, bus, "noop", h, "codex.*")
		b.ReportAllocs()
		for b.Loop() {
			emitFive(ctx, bus)
		}
		sink += h.n
	})
	b.Run("reference_slog_noop", func(b *testing.B) {
		// For scale, in the same run: slog building the same five attributes
		// into a record for an enabled handler that does nothing with it.
		logger := slog.New(noopSlog{})
		b.ReportAllocs()
		for b.Loop() {
			logger.LogAttrs(ctx, slog.LevelInfo, "codex.tool.start",
				slog.String("tool", "shell"),
				slog.String("tool_kind", "command_execution"),
				slog.String("call_id", "item_3"),
				slog.Int("attempt", 1),
				slog.Bool("sandboxed", true),
			)
		}
	})
	b.Run("span", func(b *testing.B) {
		bus := telemetry.New()
		h := &noop{}
		mustAttach(b, bus, "noop", h, "codex.tool.*")
		b.ReportAllocs()
		for b.Loop() {
			_ = bus.Span(ctx, "codex.tool", nil, func(context.Context) error { return nil })
		}
		sink += h.n
	})
}

// BenchmarkEmitParallel emits from every P at once to one handler: with no
// shared lock on the path, ns/op falls as GOMAXPROCS grows (-cpu 1,2).
func BenchmarkEmitParallel(b *testing.B) {
	bus := telemetry.New()
	mustAttach(b, bus, "count", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
		if e.NumMetadata() != 5 {
			panic("lost metadata")
		}
	}), "codex.tool.start")
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			emitFive(ctx, bus)
		}
	})
}

func mustAttach(tb testing.TB, bus *telemetry.Bus, id string, h telemetry.Handler, patterns ...string) {
	tb.Helper()
	if _, err := bus.Attach(id, h, patterns...); err != nil {
		tb.Fatal(err)
	}
}
