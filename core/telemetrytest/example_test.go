package telemetrytest_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"

	"github.com/codextel/codextel/core/telemetry"
	"github.com/codextel/codextel/core/telemetrytest"
)

// runTool is code under test: it instruments a tool call with a span.
func runTool(ctx context.Context, bus *telemetry.Bus) {
	ctx, sp := bus.StartSpan(ctx, "codex.tool",
		slog.String("tool", "shell"),
		slog.String("tool_kind", "command_execution"),
		slog.String("call_id", "item_0"))
	_ = ctx // the tool would run here, under ctx
	sp.EndAs("success", slog.Int("exit_code", 0))
}

func TestRunTool(t *testing.T) {
	bus := telemetry.New()
	rec := telemetrytest.Record(t, bus, "codex.tool.*")

	runTool(context.Background(), bus)

	rec.WantNames("codex.tool.start", "codex.tool.success")
	rec.WantCatalog() // fields, order and types as docs/events.md lists them
}

func ExampleShape() {
	bus := telemetry.New()
	_, _ = bus.Attach("print", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
		fmt.Println(telemetrytest.Shape(e))
	}), "codex.tool.*")

	runTool(context.Background(), bus)
	// Output:
	// codex.tool.start {system_time monotonic_time} [tool:String tool_kind:String call_id:String]
	// codex.tool.success {duration duration_ms} [tool:String tool_kind:String call_id:String exit_code:Int64]
}
