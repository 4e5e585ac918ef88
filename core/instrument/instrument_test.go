package instrument_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/instrument"
	"github.com/codextel/codextel/core/internal/redact"
	"github.com/codextel/codextel/core/telemetry"
	"github.com/codextel/codextel/core/telemetrytest"
)

// lifecycle drives every helper once.
func lifecycle(codex instrument.Codex) {
	ctx, thread := codex.StartThread(context.Background(), instrument.ThreadInfo{ID: "th-1", Source: instrument.SourceSDK, Model: "gpt-5.5", Input: "fix the bug"})
	codex.Warning(ctx, "item_0", "Model metadata not found")
	tctx, turn := thread.StartTurn(ctx, instrument.TurnInfo{ID: "turn-1", Input: "fix the bug"})
	_, cmd := codex.StartTool(tctx, instrument.ToolCall{Tool: "shell", Kind: instrument.CommandExecution, CallID: "item_1", Input: "go test ./..."})
	codex.Delta(tctx, instrument.CommandOutputDelta, "item_1", "ok\n")
	one := 1
	cmd.Fail(instrument.StatusFailed, errors.New("exit status 1"), instrument.ToolResult{ExitCode: &one, Output: "FAIL\n"})
	_, mcp := codex.StartMCPToolCall(tctx, instrument.MCPCall{Server: "demo", Tool: "echo", CallID: "item_2", Arguments: map[string]any{"text": "hi"}})
	mcp.Succeed(map[string]any{"content": []any{"echo: hi"}})
	_, approval := codex.RequestApproval(tctx, instrument.ApprovalRequest{Kind: instrument.CommandExecution, CallID: "item_3", RequestID: "7", Command: "rm -rf build"})
	approval.Resolve("decline")
	codex.Reasoning(tctx, "item_4", "thinking")
	codex.TodoList(tctx, "item_5", []instrument.TodoItem{{Text: "a", Completed: true}, {Text: "b"}})
	codex.AgentMessage(tctx, "item_6", "done")
	codex.TurnDiff(tctx, "--- a\n+++ b\n")
	codex.CompactionStarted(tctx)
	codex.CompactionCompleted(tctx, 1200)
	codex.TokenUsage(tctx, instrument.Usage{InputTokens: 10, OutputTokens: 2}, instrument.Usage{InputTokens: 30, OutputTokens: 5}, 272000)
	codex.TokenUsageReset(tctx, instrument.Usage{InputTokens: 4}, instrument.Usage{InputTokens: 4}, 0)
	retry := true
	codex.Error(tctx, "Reconnecting... 1/5", &retry)
	turn.Complete()
	_, turn2 := thread.StartTurn(ctx, instrument.TurnInfo{})
	turn2.Fail(errors.New("rate limited"))
	codex.InvalidLine(ctx, 9, "malformed JSON", "{oops")
	codex.InvalidField(ctx, 10, "item.exit_code", "want an integer, got a string: read as 0", `"0"`)
	thread.Fail(errors.New("last turn failed"))
}

func TestLifecycleMatchesCatalog(t *testing.T) {
	for _, policy := range []redact.Policy{{}, {ModelData: true, ToolData: true}} {
		bus := telemetry.New(telemetry.WithModelData(policy.ModelData), telemetry.WithToolData(policy.ToolData), telemetry.WithThrottle(nil))
		rec := telemetrytest.Record(t, bus)
		lifecycle(instrument.Codex{Bus: bus})
		rec.WantNames(
			"codex.thread.start", "codex.item.warning",
			"codex.turn.start",
			"codex.tool.start", "codex.item.command_execution.output_delta", "codex.tool.failure",
			"codex.mcp.tool_call.start", "codex.mcp.tool_call.success",
			"codex.approval.requested", "codex.approval.denied",
			"codex.item.reasoning", "codex.item.todo_list.updated", "codex.item.agent_message",
			"codex.turn.diff.updated", "codex.turn.compaction.started", "codex.turn.compaction.completed",
			"codex.thread.token_usage.updated", "codex.thread.token_usage.updated", "codex.error",
			"codex.turn.completed",
			"codex.turn.start", "codex.turn.failed",
			"codex.bridge.invalid_line", "codex.bridge.invalid_field",
			"codex.thread.exception",
		)
		rec.WantCatalog()

		// Correlation: everything carries the thread; turn-scoped events the turn.
		for _, e := range rec.Events() {
			ids := e.IDs()
			if ids.Thread != "th-1" || ids.Correlation == "" {
				t.Errorf("%s: ids %+v", e.Name, ids)
			}
		}
		if e, _ := rec.Find("codex.tool.failure"); e.IDs().Turn != "turn-1" || e.IDs().ParentSpan == "" {
			t.Errorf("tool failure ids %+v", e.IDs())
		}
		if e, _ := rec.Find("codex.thread.exception"); mustInt(t, e, "turns") != 2 {
			t.Error("thread exception does not count 2 turns")
		}
	}
}

func TestTokenUsageReset(t *testing.T) {
	bus := telemetry.New(telemetry.WithThrottle(nil))
	rec := telemetrytest.Record(t, bus)
	codex := instrument.Codex{Bus: bus}
	ctx := context.Background()
	codex.TokenUsage(ctx, instrument.Usage{InputTokens: 1}, instrument.Usage{InputTokens: 1}, 0)
	codex.TokenUsageReset(ctx, instrument.Usage{InputTokens: 4}, instrument.Usage{InputTokens: 4}, 0)
	events := rec.Events()
	if len(events) != 2 {
		t.Fatalf("%d events, want 2", len(events))
	}
	if _, ok := events[0].Lookup("usage_reset"); ok {
		t.Error("usage_reset on an ordinary update")
	}
	if v, ok := events[1].Lookup("usage_reset"); !ok || !v.Bool() {
		t.Errorf("usage_reset = %v, %v on a reset, want true", v, ok)
	}
	rec.WantCatalog()
}

func mustInt(t *testing.T, e telemetry.Event, key string) int64 {
	t.Helper()
	v, ok := e.Lookup(key)
	if !ok {
		t.Fatalf("%s has no %s", e.Name, key)
	}
	return v.Int64()
}

func TestOutcome(t *testing.T) {
	for decision, want := range map[string]string{
		"accept": "approved", "acceptForSession": "approved", "acceptWithExecpolicyAmendment": "approved",
		"approved": "approved", "approved_for_session": "approved",
		"decline": "denied", "denied": "denied", "something new": "denied",
		"timed_out": "timeout", "cancel": "cancelled", "abort": "cancelled", "stream_ended": "cancelled",
	} {
		if got := instrument.Outcome(decision); got != want {
			t.Errorf("Outcome(%q) = %q, want %q", decision, got, want)
		}
	}
}

func TestThreadIDInContext(t *testing.T) {
	bus := telemetry.New()
	ctx, thread := instrument.Codex{Bus: bus}.StartThread(context.Background(), instrument.ThreadInfo{ID: "th-9", Source: instrument.SourceExec})
	if ids := correlation.From(ctx); ids == nil || ids.Thread != "th-9" || ids.Correlation == "" {
		t.Errorf("ids %+v", ids)
	}
	thread.End()
}

// TestIDsScrubbed: thread and turn ids, which travel in the context where the
// bus does not scrub, are scrubbed where they enter.
func TestIDsScrubbed(t *testing.T) {
	const key = "sk-proj-7XKy7hFIkG6k8xQqs1iK7fxubGT539EPBwcZAQfZ"
	bus := telemetry.New()
	rec := telemetrytest.Record(t, bus)
	codex := instrument.Codex{Bus: bus}
	ctx, thread := codex.StartThread(context.Background(), instrument.ThreadInfo{ID: "th " + key})
	_, turn := thread.StartTurn(ctx, instrument.TurnInfo{ID: "turn " + key})
	turn.Complete()
	thread.End()
	for _, e := range rec.Events() {
		ids := e.IDs()
		if !strings.HasPrefix(ids.Thread, "th ") {
			t.Errorf("%s: thread id %q, want the scrubbed id", e.Name, ids.Thread)
		}
		if strings.Contains(ids.Thread+ids.Turn, key[8:]) {
			t.Errorf("%s carries the key in its ids: %+v", e.Name, ids)
		}
	}
}
