package codexotel

import (
	"context"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/eventlog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// discardLogs is a no-op log exporter.
type discardLogs struct{}

func (discardLogs) Export(context.Context, []sdklog.Record) error { return nil }
func (discardLogs) Shutdown(context.Context) error                { return nil }
func (discardLogs) ForceFlush(context.Context) error              { return nil }

// discardSpans is a no-op span exporter.
type discardSpans struct{}

func (discardSpans) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discardSpans) Shutdown(context.Context) error                             { return nil }

// The benchmarks' event: a tool call's success, with the correlation ids of
// a tool span (4 metadata, 2 measurements, 5 ids: 11 fields).
var benchIDs = correlation.IDs{
	Correlation: "4bf92f3577b34da6a3ce929d0e0e4736", Thread: "0199a213-81c0-7800-8aa1-bbab2a035a53",
	Turn: "turn-1", Span: "c3d4e5f60718293a", ParentSpan: "b2c3d4e5f6071829",
}

func benchStop(t time.Time) telemetry.Event {
	e := telemetry.NewEvent(catalog.ToolSuccess, t)
	e.AddMeasurements(telemetry.Duration("duration", 300*time.Millisecond), telemetry.Float("duration_ms", 300))
	e.AddMetadata(slog.String("tool", "shell"), slog.String("tool_kind", "command_execution"),
		slog.String("call_id", "item_1"), slog.Int("exit_code", 0))
	e.SetIDs(benchIDs)
	return e
}

func benchStart(t time.Time) telemetry.Event {
	e := telemetry.NewEvent(catalog.ToolStart, t)
	e.AddMeasurements(telemetry.Int("system_time", t.UnixNano()), telemetry.Int("monotonic_time", 1))
	e.AddMetadata(slog.String("tool", "shell"), slog.String("tool_kind", "command_execution"), slog.String("call_id", "item_1"))
	e.SetIDs(benchIDs)
	return e
}

var sinkCtx context.Context

// benchSpanContext is a context carrying the benchmark event's span, as the
// context of code running inside that span would.
func benchSpanContext() context.Context {
	tid, _ := traceID(benchIDs.Correlation)
	sid, _ := spanID(benchIDs.Span)
	return trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid}))
}

// emitDirect emits the record the adapter writes for benchStop, built by
// hand, the message made by concatenation.
func emitDirect(logger log.Logger, ctx context.Context, at time.Time, tool string) {
	var r log.Record
	r.SetEventName(catalog.ToolSuccess)
	r.SetTimestamp(at)
	r.SetSeverity(log.SeverityDebug)
	r.SetSeverityText("DEBUG")
	r.SetBody(attribute.StringValue("Tool " + tool + " completed."))
	r.AddAttributes(
		attribute.String("tool", tool), attribute.String("tool_kind", "command_execution"),
		attribute.String("call_id", "item_1"), attribute.Int64("exit_code", 0),
		attribute.Int64("duration", int64(300*time.Millisecond)), attribute.Float64("duration_ms", 300),
		attribute.String("correlation_id", benchIDs.Correlation), attribute.String("thread_id", benchIDs.Thread),
		attribute.String("turn_id", benchIDs.Turn), attribute.String("span_id", benchIDs.Span),
		attribute.String("parent_span_id", benchIDs.ParentSpan))
	logger.Emit(ctx, r)
}

// BenchmarkOtel compares the adapter with the same work done directly with
// the OpenTelemetry SDK, on providers with synchronous processors and no-op
// exporters:
//
//   - log: Handler.Handle writing a tool success event as a log record;
//     log_sdk: the same record (severity, text, body, event name, scope,
//     11 attributes, trace and span ids) built by hand and emitted through
//     the SDK's log.Logger, the message made by concatenation; log_otelslog:
//     the record made the otelslog bridge's way (eventlog's record, as a
//     slog.Record, through an otelslog.Handler per logger name), the
//     alternative the logs path was measured against.
//   - span: Handler.Handle of a tool span's start and success events;
//     span_sdk: tracer.Start and span.End with the same name, kind, times
//     and attributes.
//   - span_disabled: Bus.Span around a no-op function, with a Handler whose
//     spans are off attached; span_no_adapter: the same with a no-op
//     handler attached instead (the bus does the same work in both).
func BenchmarkOtel(b *testing.B) {
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(discardLogs{})))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(discardSpans{}), sdktrace.WithIDGenerator(NewIDGenerator()))
	stop := benchStop(at)

	b.Run("log", func(b *testing.B) {
		h, err := NewHandler(WithLoggerProvider(lp), WithMetrics())
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			h.Handle(ctx, stop)
		}
	})

	b.Run("log_sdk", func(b *testing.B) {
		logger, ctx := lp.Logger("codex.tool"), benchSpanContext()
		b.ReportAllocs()
		for b.Loop() {
			emitDirect(logger, ctx, at, "shell")
		}
	})

	b.Run("log_otelslog", func(b *testing.B) {
		handlers := map[string]*otelslog.Handler{}
		for _, e := range catalog.All() {
			handlers[e.Logger] = otelslog.NewHandler(e.Logger, otelslog.WithLoggerProvider(lp))
		}
		var m eventlog.Mapper
		b.ReportAllocs()
		for b.Loop() {
			rec := pylog.GetRecord()
			m.Map(rec, &stop)
			r := slog.NewRecord(rec.Time, slog.Level(severity(rec.Level))-9, rec.Message, 0)
			r.AddAttrs(rec.Attrs...)
			ids := stop.IDs()
			ctx := trace.ContextWithSpanContext(context.Background(), idsSpanContext(&ids))
			_ = handlers[rec.Logger].Handle(ctx, r)
			pylog.PutRecord(rec)
		}
	})

	b.Run("span", func(b *testing.B) {
		h, err := NewHandler(WithTracerProvider(tp), WithMetrics())
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		start := benchStart(at.Add(-300 * time.Millisecond))
		b.ReportAllocs()
		for b.Loop() {
			h.Handle(ctx, start)
			h.Handle(ctx, stop)
		}
	})

	b.Run("span_sdk", func(b *testing.B) {
		tracer := tp.Tracer(scopeName)
		tid, _ := traceID(benchIDs.Correlation)
		psid, _ := spanID(benchIDs.ParentSpan)
		parent := trace.ContextWithRemoteSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
			TraceID: tid, SpanID: psid, TraceFlags: trace.FlagsSampled, Remote: true}))
		tool := "shell"
		b.ReportAllocs()
		for b.Loop() {
			_, sp := tracer.Start(parent, "execute_tool "+tool, trace.WithTimestamp(at.Add(-300*time.Millisecond)),
				trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(
					attribute.String(keyToolName, tool), attribute.String(keyToolType, "extension"),
					attribute.String("codex.tool.kind", "command_execution"), attribute.String(keyToolCallID, "item_1"),
					attribute.String(keyOperation, "execute_tool"), attribute.String(keyProvider, providerOpenAI),
					attribute.String(keyConversation, benchIDs.Thread), attribute.String("codex.turn_id", benchIDs.Turn),
					attribute.String("codex.correlation_id", benchIDs.Correlation)))
			sp.SetAttributes(attribute.String(keyToolName, tool), attribute.String(keyToolType, "extension"),
				attribute.String("codex.tool.kind", "command_execution"), attribute.String(keyToolCallID, "item_1"),
				attribute.Int64("codex.exit_code", 0))
			sp.End(trace.WithTimestamp(at))
		}
	})

	spanOnBus := func(b *testing.B, h telemetry.Handler) {
		bus := telemetry.New(telemetry.WithThrottle(nil))
		if _, err := bus.Attach("h", h, "*"); err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		md := []slog.Attr{slog.String("tool", "shell"), slog.String("tool_kind", "command_execution"), slog.String("call_id", "item_1")}
		fn := func(c context.Context) error { sinkCtx = c; return nil }
		b.ReportAllocs()
		for b.Loop() {
			_ = bus.Span(ctx, "codex.tool", md, fn)
		}
	}
	b.Run("span_disabled", func(b *testing.B) {
		h, err := NewHandler()
		if err != nil {
			b.Fatal(err)
		}
		spanOnBus(b, h)
	})
	b.Run("span_no_adapter", func(b *testing.B) {
		spanOnBus(b, telemetry.HandlerFunc(func(context.Context, telemetry.Event) {}))
	})
}

// TestOtelslogLoses records why the logs path writes through log.Logger
// directly rather than through the otelslog bridge: the bridge's severity
// text is slog's level name, so Python's CRITICAL and levels between the
// named ones come out wrong, while the severity numbers agree.
func TestOtelslogLoses(t *testing.T) {
	mem := &memLogs{}
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(mem)))
	bridge := otelslog.NewHandler("codex", otelslog.WithLoggerProvider(lp))
	for _, l := range []pylog.Level{pylog.Debug, pylog.Info, pylog.Warning, pylog.Error, pylog.Critical, 25, 5} {
		r := slog.NewRecord(time.Now(), slog.Level(severity(l))-9, "m", 0)
		_ = bridge.Handle(context.Background(), r)
	}
	var got []string
	for _, r := range mem.Records() {
		got = append(got, strconv.Itoa(int(r.Severity()))+" "+r.SeverityText())
	}
	want := []string{"5 DEBUG", "9 INFO", "13 WARN", "17 ERROR", "21 ERROR+4", "12 INFO+3", "0 DEBUG-5"}
	for i := range want {
		if i >= len(got) || got[i] != want[i] {
			t.Fatalf("otelslog wrote %q, want %q: if it now writes Python's texts (CRITICAL, Level 25, Level 5), reconsider the logs path", got, want)
		}
	}
	for i, l := range []pylog.Level{pylog.Critical, 25, 5} {
		if severityText(l) == want[4+i][len("21 "):] {
			t.Errorf("severityText(%d) = %q, like the bridge", l, severityText(l))
		}
	}
}
