package codexslog

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
	"github.com/codextel/codextel/core/telemetrytest"
)

// The benchmark's event: a codex.tool.start with its two measurements,
// three metadata attributes and two correlation ids, the shape of most
// lifecycle events.
var (
	benchMeasurements = []telemetry.Measurement{telemetry.Int("system_time", 1764672732123456000), telemetry.Int("monotonic_time", 5000123)}
	benchMetadata     = []slog.Attr{slog.String("tool", "shell"), slog.String("tool_kind", "command_execution"), slog.String("call_id", "item_12")}
	benchIDs          = correlation.IDs{Thread: "0199a213-81c0-7800-8aa1-bbab2a035a53", Span: "00f067aa0ba902b7"}
)

// tool is the value of the tool field, in a variable as a real call's is:
// the slog calls build their message from it, as an app would, where a
// constant message would be free.
var tool = "shell"

// benchAttrs is the same record's attributes, for the slog call it is
// compared with.
func benchAttrs() []slog.Attr {
	return []slog.Attr{
		slog.String(LoggerKey, "codex.tool"),
		slog.String("tool", tool), benchMetadata[1], benchMetadata[2],
		slog.Int64("system_time", 1764672732123456000), slog.Int64("monotonic_time", 5000123),
		slog.String("thread_id", benchIDs.Thread), slog.String("span_id", benchIDs.Span),
	}
}

// BenchmarkAdapter compares the adapter with the same record logged
// directly with slog, each case its own sub-benchmark (compare them with
// benchstat over -count runs; docs/performance.md has the commands):
//
//   - native: slog.Logger.LogAttrs of the message (built from the value,
//     "Invoking tool " + tool) and the attributes to slog's JSON handler;
//   - codextel: the event emitted on a default bus (redaction and scrubbing
//     included), written through the adapter to the same handler;
//     codextel_handle: the adapter's Handle alone, given the event;
//   - python_json_native and python_json_codextel: the same two through a
//     PythonHandler over python-json-logger's layout;
//   - disabled_native: slog's own disabled path, Logger.Enabled at DEBUG
//     on a handler at INFO; disabled_codextel: the event (DEBUG) on a
//     default bus with the adapter attached to that handler.
func BenchmarkAdapter(b *testing.B) {
	jsonFormatter, err := pylog.NewJSONFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
	if err != nil {
		b.Fatal(err)
	}
	native := slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug})
	python := NewPythonHandler(io.Discard, jsonFormatter, &slog.HandlerOptions{Level: slog.LevelDebug})
	atInfo := slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo})
	ctx := correlation.With(context.Background(), benchIDs)
	emit := func(b *testing.B, h slog.Handler) {
		bus := telemetry.New()
		defer bus.Close()
		if _, err := Attach(bus, h); err != nil {
			b.Fatal(err)
		}
		telemetrytest.LoopCPU(b, func() {
			bus.Emit(ctx, catalog.ToolStart, benchMeasurements, slog.String("tool", tool), benchMetadata[1], benchMetadata[2])
		})
	}
	logAttrs := func(b *testing.B, h slog.Handler) {
		logger := slog.New(h)
		attrs := benchAttrs()
		telemetrytest.LoopCPU(b, func() {
			logger.LogAttrs(ctx, slog.LevelDebug, "Invoking tool "+tool, attrs...)
		})
	}
	b.Run("native", func(b *testing.B) { logAttrs(b, native) })
	b.Run("codextel", func(b *testing.B) { emit(b, native) })
	b.Run("codextel_handle", func(b *testing.B) {
		a := &adapter{h: native}
		e := telemetry.NewEvent(catalog.ToolStart, time.Time{}) // no time: read the clock, as slog does
		e.AddMeasurements(benchMeasurements...)
		e.AddMetadata(benchMetadata...)
		e.SetIDs(benchIDs)
		telemetrytest.LoopCPU(b, func() {
			a.Handle(ctx, e)
		})
	})
	b.Run("python_json_native", func(b *testing.B) { logAttrs(b, python) })
	b.Run("python_json_codextel", func(b *testing.B) { emit(b, python) })
	b.Run("disabled_native", func(b *testing.B) {
		logger := slog.New(atInfo)
		telemetrytest.LoopCPU(b, func() {
			if logger.Enabled(ctx, slog.LevelDebug) {
				b.Fatal("enabled")
			}
		})
	})
	b.Run("disabled_codextel", func(b *testing.B) { emit(b, atInfo) })
}

// TestBenchmarkLines: native and codextel write the same line, but for the
// time.
func TestBenchmarkLines(t *testing.T) {
	var native, adapter bytes.Buffer
	opts := &slog.HandlerOptions{Level: slog.LevelDebug}
	ctx := correlation.With(context.Background(), benchIDs)
	slog.New(slog.NewJSONHandler(&native, opts)).LogAttrs(ctx, slog.LevelDebug, "Invoking tool "+tool, benchAttrs()...)
	bus := telemetry.New()
	defer bus.Close()
	if _, err := Attach(bus, slog.NewJSONHandler(&adapter, opts)); err != nil {
		t.Fatal(err)
	}
	bus.Emit(ctx, catalog.ToolStart, benchMeasurements, slog.String("tool", tool), benchMetadata[1], benchMetadata[2])
	untimed := func(line []byte) string {
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		return strings.Replace(string(line), `"time":"`+m[slog.TimeKey].(string)+`",`, "", 1)
	}
	if got, want := untimed(adapter.Bytes()), untimed(native.Bytes()); got != want {
		t.Errorf("native:\n%s\ncodextel:\n%s", want, got)
	}
}
