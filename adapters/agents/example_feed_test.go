package codexagents_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	codexagents "github.com/codextel/codextel/adapters/agents"
	"github.com/codextel/codextel/core/bridge"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/telemetry"
)

// Trace a Codex run both ways from one read of its stream: core/bridge
// turns it into the bus's events (and, through an adapter, OTel spans and
// log lines), and a Feed teed from the same bytes gives the Agents SDK's
// export, written here one JSON object a line. The run's correlation id,
// carried by the bus's events, names it in the trace's metadata.
func ExampleCodexTool_Feed() {
	bus := telemetry.New()
	defer bus.Close()

	p := codexagents.NewProvider(codexagents.WithDisabled(false))
	var lines strings.Builder
	p.AddTraceProcessor(codexagents.NewBatchProcessor(p, codexagents.NewJSONLinesExporter(&lines)))

	ctx, ids := correlation.Ensure(context.Background())
	trace := p.NewTrace("Agent workflow", "", codexagents.Object{{Key: "codextel_correlation_id", Value: ids.Correlation}})
	trace.Start()
	feed := codexagents.NewCodexTool(p).Feed(trace, nil, `{"inputs": []}`)

	stdout := strings.NewReader(`{"type":"thread.started","thread_id":"t1"}
{"type":"item.started","item":{"id":"c1","type":"command_execution","command":"ls","aggregated_output":"","exit_code":null,"status":"in_progress"}}
{"type":"item.completed","item":{"id":"c1","type":"command_execution","command":"ls","aggregated_output":"a\n","exit_code":0,"status":"completed"}}
`)
	if _, err := bridge.ReadExec(ctx, io.TeeReader(stdout, feed), bus); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	res := feed.Close(codexagents.Exit{Code: 0})
	trace.Finish()
	p.Shutdown(context.Background())

	fmt.Println(res.Failure == "", strings.Count(lines.String(), "\n"), strings.Contains(lines.String(), ids.Correlation))
	// Output:
	// true 3 true
}
