package codexotel

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
	"github.com/codextel/codextel/core/telemetrytest"
)

// minSeverity is a processor that takes records at min or above only, and
// says so in Enabled, as the contrib minsev processor does.
type minSeverity struct {
	sdklog.Processor
	min log.Severity
}

func (p minSeverity) Enabled(_ context.Context, param sdklog.EnabledParameters) bool {
	return param.Severity >= p.min
}

func (p minSeverity) OnEmit(ctx context.Context, r *sdklog.Record) error {
	if r.Severity() < p.min {
		return nil
	}
	return p.Processor.OnEmit(ctx, r)
}

// The values of the line, in variables as a real call's are: the native
// calls build their message from them, as an app would, where a constant
// message would be free.
var (
	benchTool = "shell"
	benchCall = "item_1"
)

// benchEmit emits the tool success of the benchmark (4 metadata, 2
// measurements, the 5 correlation ids of ctx) on bus.
func benchEmit(ctx context.Context, bus *telemetry.Bus) {
	bus.Emit(ctx, catalog.ToolSuccess,
		[]telemetry.Measurement{telemetry.Duration("duration", 300*time.Millisecond), telemetry.Float("duration_ms", 300)},
		slog.String("tool", benchTool), slog.String("tool_kind", "command_execution"),
		slog.String("call_id", benchCall), slog.Int("exit_code", 0))
}

// benchEvent is the event benchEmit emits, as the bus hands it to a
// handler (its entry looked up, its ids set), without a time of its own:
// When reads the clock, once per record, as the bus's does.
func benchEvent() telemetry.Event {
	e := telemetry.NewEvent(catalog.ToolSuccess, time.Time{})
	e.AddMeasurements(telemetry.Duration("duration", 300*time.Millisecond), telemetry.Float("duration_ms", 300))
	e.AddMetadata(slog.String("tool", benchTool), slog.String("tool_kind", "command_execution"),
		slog.String("call_id", benchCall), slog.Int("exit_code", 0))
	e.SetIDs(benchIDs)
	e = e.Clone() // with its catalog entry
	e.Time = time.Time{}
	return e
}

// benchNative emits the same record with the SDK's log.Logger, as an app
// instrumented by hand would: the time read from the clock, the message
// built from the value.
func benchNative(ctx context.Context, logger log.Logger) {
	var r log.Record
	r.SetEventName(catalog.ToolSuccess)
	r.SetTimestamp(time.Now())
	r.SetSeverity(log.SeverityDebug)
	r.SetSeverityText("DEBUG")
	r.SetBody(attribute.StringValue("Tool " + benchTool + " completed."))
	r.AddAttributes(
		attribute.String("tool", benchTool), attribute.String("tool_kind", "command_execution"),
		attribute.String("call_id", benchCall), attribute.Int64("exit_code", 0),
		attribute.Int64("duration", int64(300*time.Millisecond)), attribute.Float64("duration_ms", 300),
		attribute.String("correlation_id", benchIDs.Correlation), attribute.String("thread_id", benchIDs.Thread),
		attribute.String("turn_id", benchIDs.Turn), attribute.String("span_id", benchIDs.Span),
		attribute.String("parent_span_id", benchIDs.ParentSpan))
	logger.Emit(ctx, r)
}

// benchSlog logs the same record with log/slog through the otelslog bridge.
func benchSlog(ctx context.Context, l *slog.Logger) {
	l.LogAttrs(ctx, slog.LevelDebug, "Tool "+benchTool+" completed.",
		slog.String("tool", benchTool), slog.String("tool_kind", "command_execution"),
		slog.String("call_id", benchCall), slog.Int64("exit_code", 0),
		slog.Duration("duration", 300*time.Millisecond), slog.Float64("duration_ms", 300),
		slog.String("correlation_id", benchIDs.Correlation), slog.String("thread_id", benchIDs.Thread),
		slog.String("turn_id", benchIDs.Turn), slog.String("span_id", benchIDs.Span),
		slog.String("parent_span_id", benchIDs.ParentSpan))
}

// BenchmarkAdapter compares the logs path with the same record emitted
// directly, each case its own sub-benchmark (compare them with benchstat
// over -count runs; docs/performance.md has the commands). Every side
// writes to a LoggerProvider with a synchronous processor and a no-op
// exporter, from a context carrying the event's span:
//
//   - native: the SDK's log.Logger, the record built by hand (time from
//     the clock, message built from the value);
//   - codextel: the event emitted on a default bus (redaction and scrubbing
//     included), written by a Handler with logs only; codextel_handle: the
//     Handler's Handle alone, given the event as the bus hands it over;
//   - otelslog: the same record logged with log/slog through the otelslog
//     bridge, OpenTelemetry's own route for structured records;
//   - disabled_native: the SDK's disabled path, Logger.Enabled for DEBUG
//     with a processor that takes INFO and above; disabled_codextel: the
//     event (DEBUG) on a default bus with a Handler at INFO attached.
func BenchmarkAdapter(b *testing.B) {
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(discardLogs{})))
	atInfo := sdklog.NewLoggerProvider(sdklog.WithProcessor(minSeverity{sdklog.NewSimpleProcessor(discardLogs{}), log.SeverityInfo}))
	ctx := correlation.With(benchSpanContext(), benchIDs)
	onBus := func(b *testing.B, opts ...Option) {
		bus := telemetry.New()
		defer bus.Close()
		detach, err := Attach(bus, opts...)
		if err != nil {
			b.Fatal(err)
		}
		defer detach()
		telemetrytest.LoopCPU(b, func() {
			benchEmit(ctx, bus)
		})
	}
	b.Run("native", func(b *testing.B) {
		logger := lp.Logger("codex.tool")
		telemetrytest.LoopCPU(b, func() {
			benchNative(ctx, logger)
		})
	})
	b.Run("codextel", func(b *testing.B) { onBus(b, WithLoggerProvider(lp)) })
	b.Run("codextel_handle", func(b *testing.B) {
		h, err := NewHandler(WithLoggerProvider(lp))
		if err != nil {
			b.Fatal(err)
		}
		e := benchEvent()
		telemetrytest.LoopCPU(b, func() {
			h.Handle(ctx, e)
		})
	})
	b.Run("otelslog", func(b *testing.B) {
		l := slog.New(otelslog.NewHandler("codex.tool", otelslog.WithLoggerProvider(lp)))
		telemetrytest.LoopCPU(b, func() {
			benchSlog(ctx, l)
		})
	})
	b.Run("disabled_native", func(b *testing.B) {
		logger := atInfo.Logger("codex.tool")
		telemetrytest.LoopCPU(b, func() {
			if logger.Enabled(ctx, log.EnabledParameters{Severity: log.SeverityDebug}) {
				b.Fatal("enabled")
			}
		})
	})
	b.Run("disabled_codextel", func(b *testing.B) { onBus(b, WithLoggerProvider(atInfo), WithLevel(pylog.Info)) })
}

// TestBenchmarkRecords: native, codextel (on a bus and its Handle alone)
// and otelslog write the same record but for its time (and otelslog's
// severity text, which is slog's level name, and the duration it writes as
// an int64 of nanoseconds as well), with the span of the context; at INFO
// neither disabled side writes anything.
func TestBenchmarkRecords(t *testing.T) {
	ctx := correlation.With(benchSpanContext(), benchIDs)
	records := func(emit func(lp *sdklog.LoggerProvider)) []sdklog.Record {
		mem := &memLogs{}
		lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(mem)))
		emit(lp)
		return mem.Records()
	}
	native := records(func(lp *sdklog.LoggerProvider) { benchNative(ctx, lp.Logger("codex.tool")) })
	adapter := records(func(lp *sdklog.LoggerProvider) {
		bus := telemetry.New()
		defer bus.Close()
		detach, err := Attach(bus, WithLoggerProvider(lp))
		if err != nil {
			t.Fatal(err)
		}
		defer detach()
		benchEmit(ctx, bus)
	})
	handled := records(func(lp *sdklog.LoggerProvider) {
		h, err := NewHandler(WithLoggerProvider(lp))
		if err != nil {
			t.Fatal(err)
		}
		h.Handle(ctx, benchEvent())
	})
	bridged := records(func(lp *sdklog.LoggerProvider) {
		benchSlog(ctx, slog.New(otelslog.NewHandler("codex.tool", otelslog.WithLoggerProvider(lp))))
	})
	if len(native) != 1 || len(adapter) != 1 || len(handled) != 1 || len(bridged) != 1 {
		t.Fatalf("records: native %d, codextel %d, codextel_handle %d, otelslog %d; want 1 each",
			len(native), len(adapter), len(handled), len(bridged))
	}
	describe := func(r sdklog.Record, withText bool) string {
		var b bytes.Buffer
		b.WriteString(r.InstrumentationScope().Name + " " + r.Body().String() + " " + r.Severity().String())
		if withText {
			b.WriteString(" " + r.SeverityText())
		}
		b.WriteString(" " + r.TraceID().String() + " " + r.SpanID().String())
		r.WalkAttributes(func(kv attribute.KeyValue) bool {
			b.WriteString(" " + string(kv.Key) + "=" + kv.Value.String())
			return true
		})
		return b.String()
	}
	want := describe(native[0], true)
	if got := describe(adapter[0], true); got != want {
		t.Errorf("codextel writes\n%s\nnative\n%s", got, want)
	}
	if got := describe(handled[0], true); got != want {
		t.Errorf("codextel_handle writes\n%s\nnative\n%s", got, want)
	}
	if got := describe(bridged[0], false); got != describe(native[0], false) {
		t.Errorf("otelslog writes\n%s\nnative\n%s", got, describe(native[0], false))
	}
	none := records(func(lp *sdklog.LoggerProvider) {
		bus := telemetry.New()
		defer bus.Close()
		detach, err := Attach(bus, WithLoggerProvider(lp), WithLevel(pylog.Info))
		if err != nil {
			t.Fatal(err)
		}
		defer detach()
		benchEmit(ctx, bus)
	})
	if len(none) != 0 {
		t.Errorf("a Handler at INFO wrote %d records of a DEBUG event", len(none))
	}
}
