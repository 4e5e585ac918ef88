package benchmarks

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	codexagents "github.com/codextel/codextel/adapters/agents"
	codexotel "github.com/codextel/codextel/adapters/otel"
	"github.com/codextel/codextel/core/bridge"
	"github.com/codextel/codextel/core/telemetry"
	"github.com/codextel/codextel/core/telemetrytest"
)

// session10k is a codex exec --json stream of 10,000 commands, each started
// and completed with a short output, between a thread.started, a
// turn.started and a turn.completed: the session of issue 13's
// performance bound.
func session10k() []byte {
	var b bytes.Buffer
	b.WriteString(`{"type":"thread.started","thread_id":"01a21106-1c88-7520-87bb-fe37561ce797"}` + "\n")
	b.WriteString(`{"type":"turn.started"}` + "\n")
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&b, `{"type":"item.started","item":{"id":"item_%d","type":"command_execution","command":"/bin/bash -lc 'ls -la src/%d'","aggregated_output":"","exit_code":null,"status":"in_progress"}}`+"\n", i, i)
		fmt.Fprintf(&b, `{"type":"item.completed","item":{"id":"item_%d","type":"command_execution","command":"/bin/bash -lc 'ls -la src/%d'","aggregated_output":"total 8\ndrwxr-xr-x 2 u u 4096 main.go\n","exit_code":0,"status":"completed"}}`+"\n", i, i)
	}
	b.WriteString(`{"type":"turn.completed","usage":{"input_tokens":12300,"cached_input_tokens":5888,"output_tokens":50}}` + "\n")
	return b.Bytes()
}

// discardSpans is an OTel span exporter that drops what it is given.
type discardSpans struct{ n int }

func (d *discardSpans) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	d.n += len(spans)
	return nil
}
func (*discardSpans) Shutdown(context.Context) error { return nil }

// countWriter counts what the JSON-lines exporter writes.
type countWriter struct{ n int }

func (c *countWriter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

const args = `{"inputs": [{"type": "text", "text": "Run the Codex task."}]}`

// agentsSession exports the session as the Agents SDK's Codex tool traces
// it: CodexTool.Run over the stream (parsing, scrubbing, trimming every
// command span), the SDK's batch processor, and an exporter encoding
// every item as the ingest request's JSON (written to a counter).
func agentsSession(stream []byte) int {
	p := codexagents.NewProvider(codexagents.WithDisabled(false))
	w := &countWriter{}
	p.AddTraceProcessor(codexagents.NewBatchProcessor(p, codexagents.NewJSONLinesExporter(w),
		codexagents.WithScheduleDelay(time.Hour), codexagents.WithMaxQueueSize(1<<20)))
	tr := p.NewTrace("Agent workflow", "", nil)
	tr.Start()
	codexagents.NewCodexTool(p).Run(tr, nil, args, bytes.NewReader(stream), nil)
	tr.Finish()
	p.Shutdown(context.Background())
	return w.n
}

// otelSession exports the same session as OTel spans: core/bridge reads
// it onto a bus (with its default redaction, scrubbing and throttling),
// codexotel's handler turns the span events into OTel spans, and the
// OTel SDK's batch span processor hands them to an exporter that drops
// them (no encoding: this side does less than the other).
func otelSession(stream []byte) int {
	exp := &discardSpans{}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp, sdktrace.WithMaxQueueSize(1<<16)), sdktrace.WithIDGenerator(codexotel.NewIDGenerator()))
	h, err := codexotel.NewHandler(codexotel.WithTracerProvider(tp), codexotel.WithMetrics())
	if err != nil {
		panic(err)
	}
	bus := telemetry.New()
	if _, err := bus.Attach("otel", h, "*"); err != nil {
		panic(err)
	}
	if _, err := bridge.ReadExec(context.Background(), bytes.NewReader(stream), bus); err != nil {
		panic(err)
	}
	bus.Close()
	if err := tp.Shutdown(context.Background()); err != nil {
		panic(err)
	}
	return exp.n
}

// TestSessionsExport checks that both sides export the whole session:
// the trace and 10,001 spans, and 10,002 OTel spans (thread, turn and
// the commands).
func TestSessionsExport(t *testing.T) {
	stream := session10k()
	if n := bytes.Count(trace(t, stream), []byte("\n")); n != 10002 {
		t.Errorf("codexagents exported %d items, want 10,002", n)
	}
	if n := otelSession(stream); n != 10002 {
		t.Errorf("OTel exported %d spans, want 10,002", n)
	}
}

func trace(t *testing.T, stream []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	p := codexagents.NewProvider(codexagents.WithDisabled(false))
	exp := codexagents.NewJSONLinesExporter(&buf)
	p.AddTraceProcessor(codexagents.NewBatchProcessor(p, exp, codexagents.WithScheduleDelay(time.Hour), codexagents.WithMaxQueueSize(1<<20)))
	tr := p.NewTrace("Agent workflow", "", nil)
	tr.Start()
	codexagents.NewCodexTool(p).Run(tr, nil, args, bytes.NewReader(stream), nil)
	tr.Finish()
	p.Shutdown(context.Background())
	return buf.Bytes()
}

var sink int

// BenchmarkSession10k is one 10,000-command session exported both ways,
// with the process CPU time per session (cpu-ns/op: every thread, the
// batch workers and the garbage collector included) beside the wall time.
// Issue 13 bounds agents at 1.2 times otel.
func BenchmarkSession10k(b *testing.B) {
	stream := session10k()
	for _, bc := range []struct {
		name string
		run  func([]byte) int
	}{
		{"agents", agentsSession},
		{"otel", otelSession},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(stream)))
			telemetrytest.LoopCPU(b, func() { sink += bc.run(stream) })
		})
	}
}
