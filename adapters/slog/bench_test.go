package codexslog

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// The benchmark's event: a codex.tool.start with its two measurements,
// three metadata attributes and two correlation ids, the shape of most
// lifecycle events.
var (
	benchMeasurements = []telemetry.Measurement{telemetry.Int("system_time", 1764672732123456000), telemetry.Int("monotonic_time", 5000123)}
	benchMetadata     = []slog.Attr{slog.String("tool", "shell"), slog.String("tool_kind", "command_execution"), slog.String("call_id", "item_12")}
	benchIDs          = correlation.IDs{Thread: "0199a213-81c0-7800-8aa1-bbab2a035a53", Span: "00f067aa0ba902b7"}
)

// benchAttrs is the same record's attributes, for the slog call it is
// compared with.
func benchAttrs() []slog.Attr {
	return []slog.Attr{
		slog.String(LoggerKey, "codex.tool"),
		benchMetadata[0], benchMetadata[1], benchMetadata[2],
		slog.Int64("system_time", 1764672732123456000), slog.Int64("monotonic_time", 5000123),
		slog.String("thread_id", benchIDs.Thread), slog.String("span_id", benchIDs.Span),
	}
}

// BenchmarkAdapter compares, for each mode, an event written through the
// adapter with the same record logged directly with slog:
//
//   - emit: bus.Emit on a bus with the adapter attached (the bus's default
//     redaction and scrubbing included), what instrumented code pays;
//   - handle: the adapter's Handle alone, given the event;
//   - slog: slog.Logger.LogAttrs of the same message and attributes to the
//     same handler.
//
// native writes through slog's JSON handler, python_json through a
// PythonHandler over python-json-logger's layout, and disabled logs a DEBUG
// event to a handler at INFO.
func BenchmarkAdapter(b *testing.B) {
	jsonFormatter, err := pylog.NewJSONFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
	if err != nil {
		b.Fatal(err)
	}
	modes := []struct {
		name string
		h    slog.Handler
	}{
		{"native", slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug})},
		{"python_json", NewPythonHandler(io.Discard, jsonFormatter, &slog.HandlerOptions{Level: slog.LevelDebug})},
		{"disabled", slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo})},
	}
	ctx := correlation.With(context.Background(), benchIDs)
	for _, m := range modes {
		b.Run(m.name, func(b *testing.B) {
			b.Run("emit", func(b *testing.B) {
				bus := telemetry.New()
				if _, err := Attach(bus, m.h); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					bus.Emit(ctx, catalog.ToolStart, benchMeasurements, benchMetadata...)
				}
			})
			b.Run("handle", func(b *testing.B) {
				a := &adapter{h: m.h}
				e := telemetry.NewEvent(catalog.ToolStart, time.Time{}) // no time: read the clock, as slog does
				e.AddMeasurements(benchMeasurements...)
				e.AddMetadata(benchMetadata...)
				e.SetIDs(benchIDs)
				b.ReportAllocs()
				for b.Loop() {
					a.Handle(ctx, e)
				}
			})
			b.Run("slog", func(b *testing.B) {
				logger := slog.New(m.h)
				attrs := benchAttrs()
				b.ReportAllocs()
				for b.Loop() {
					logger.LogAttrs(ctx, slog.LevelDebug, "Invoking tool shell", attrs...)
				}
			})
		})
	}
}
