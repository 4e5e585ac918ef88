package codexagents_test

import (
	"context"
	"fmt"
	"strings"

	codexagents "github.com/codextel/codextel/adapters/agents"
)

// printer is a TracingProcessor that prints each span as it ends.
type printer struct{}

func (printer) OnTraceStart(t *codexagents.Trace) error { return nil }
func (printer) OnTraceEnd(t *codexagents.Trace) error   { return nil }
func (printer) OnSpanStart(s *codexagents.Span) error   { return nil }
func (printer) OnSpanEnd(s *codexagents.Span) error {
	sd, _ := s.Export().Get("span_data")
	e, _ := s.Export().Get("error")
	fmt.Printf("%s error=%v\n", sd, e != nil)
	return nil
}
func (printer) Shutdown(context.Context) error { return nil }
func (printer) ForceFlush() error              { return nil }

// Trace one Codex tool call from a codex exec --json stream, as the Agents
// SDK's Codex tool would, into a processor of your own.
func ExampleCodexTool_Run() {
	p := codexagents.NewProvider(codexagents.WithDisabled(false), codexagents.WithProcessors(printer{}))
	trace := p.NewTrace("Agent workflow", "", nil)
	trace.Start()
	defer trace.Finish()

	stream := strings.NewReader(`{"type":"thread.started","thread_id":"t1"}
{"type":"item.started","item":{"id":"c1","type":"command_execution","command":"ls","aggregated_output":"","exit_code":null,"status":"in_progress"}}
{"type":"item.completed","item":{"id":"c1","type":"command_execution","command":"ls","aggregated_output":"a\n","exit_code":0,"status":"completed"}}
{"type":"item.completed","item":{"id":"m1","type":"agent_message","text":"Done."}}
{"type":"turn.completed","usage":{"input_tokens":10,"cached_input_tokens":0,"output_tokens":2}}
`)
	tool := codexagents.NewCodexTool(p, codexagents.WithIncludeSensitiveData(true))
	res := tool.Run(trace, nil, `{"inputs": [{"type": "text", "text": "List files."}]}`, stream, nil)
	fmt.Println(res.Output)
	// Output:
	// {"type":"custom","name":"Codex command execution","data":{"command":"ls","status":"completed","exit_code":0,"output":"a\n"}} error=false
	// {"type":"function","name":"codex","input":"{\"inputs\": [{\"type\": \"text\", \"text\": \"List files.\"}]}","output":"{\"thread_id\": \"t1\", \"response\": \"Done.\", \"usage\": {\"input_tokens\": 10, \"cached_input_tokens\": 0, \"output_tokens\": 2}}","mcp_data":null} error=false
	// {"thread_id": "t1", "response": "Done.", "usage": {"input_tokens": 10, "cached_input_tokens": 0, "output_tokens": 2}}
}

// Export to the traces ingest endpoint as the SDK's default processor
// does: a batch processor over the backend exporter. The key comes from
// OPENAI_API_KEY unless WithAPIKey gives one.
func ExampleNewBatchProcessor() {
	p := codexagents.NewProvider()
	exporter := codexagents.NewBackendExporter(p)
	p.AddTraceProcessor(codexagents.NewBatchProcessor(p, exporter))
	// ... trace runs ...
	p.Shutdown(context.Background()) // drains the queue
}
