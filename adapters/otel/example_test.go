package codexotel_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	codexotel "github.com/codextel/codextel/adapters/otel"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/telemetry"
)

// keepLogs is a log exporter that keeps the records it is given.
type keepLogs struct {
	mu      sync.Mutex
	records []sdklog.Record
}

func (k *keepLogs) Export(_ context.Context, rs []sdklog.Record) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, r := range rs {
		k.records = append(k.records, r.Clone())
	}
	return nil
}
func (*keepLogs) Shutdown(context.Context) error   { return nil }
func (*keepLogs) ForceFlush(context.Context) error { return nil }

// Example writes a Codex thread with a failing tool call as OpenTelemetry
// log records and spans, through providers the application owns. The log
// records carry the Python logger as their scope and Python's severities;
// spans are on because a TracerProvider is given, and built with the
// adapter's IDGenerator their ids are the ones the log records carry.
func Example() {
	kept := &keepLogs{}
	logs := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(kept)))
	spans := tracetest.NewSpanRecorder()
	traces := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans),
		sdktrace.WithIDGenerator(codexotel.NewIDGenerator()))

	bus := telemetry.New()
	defer bus.Close()
	detach, err := codexotel.Attach(bus, codexotel.WithLoggerProvider(logs), codexotel.WithTracerProvider(traces))
	if err != nil {
		panic(err)
	}
	defer detach()

	// Fixed ids, so that the output is the same on every run.
	ctx := correlation.With(context.Background(), correlation.IDs{
		Correlation: "4bf92f3577b34da6a3ce929d0e0e4736", Thread: "thread-1"})
	ctx, thread := bus.StartSpan(ctx, "codex.thread", slog.String("source", "sdk"))
	_, tool := bus.StartSpan(ctx, "codex.tool", slog.String("tool", "shell"),
		slog.String("tool_kind", "command_execution"), slog.String("call_id", "item_1"))
	tool.FailAs("failure", fmt.Errorf("exit status 1"), slog.String("status", "failed"))
	thread.End(slog.Int("turns", 1))

	// Span ids are random: print the name of the span a record names.
	names := map[string]string{}
	for _, s := range spans.Ended() {
		names[s.SpanContext().SpanID().String()] = s.Name()
	}
	for _, r := range kept.records {
		fmt.Printf("%2d %-5s %-12s %-27q trace=%s span=%q\n", r.Severity(), r.SeverityText(),
			r.InstrumentationScope().Name, r.Body().AsString(), r.TraceID(), names[r.SpanID().String()])
	}
	for _, s := range spans.Ended() {
		attrs := attribute.NewSet(s.Attributes()...)
		tool, _ := attrs.Value("gen_ai.tool.name")
		fmt.Printf("span %q status=%s tool=%q parent=%q\n", s.Name(), s.Status().Code, tool.AsString(),
			names[s.Parent().SpanID().String()])
	}
	// Output:
	//  9 INFO  codex.thread "Thread thread-1 started"   trace=4bf92f3577b34da6a3ce929d0e0e4736 span="codex.thread"
	//  5 DEBUG codex.tool   "Invoking tool shell"       trace=4bf92f3577b34da6a3ce929d0e0e4736 span="execute_tool shell"
	//  5 DEBUG codex.tool   "Tool shell failed"         trace=4bf92f3577b34da6a3ce929d0e0e4736 span="execute_tool shell"
	//  9 INFO  codex.thread "Thread thread-1 completed" trace=4bf92f3577b34da6a3ce929d0e0e4736 span="codex.thread"
	// span "execute_tool shell" status=Error tool="shell" parent="codex.thread"
	// span "codex.thread" status=Unset tool="" parent=""
}
