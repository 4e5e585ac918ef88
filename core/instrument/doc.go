// Package instrument is the public API for instrumenting a Codex client's
// lifecycle: threads, turns, tool calls, MCP tool calls, approvals and the
// items in between. Each helper opens and closes the right span on a
// telemetry bus with exactly the fields the event catalog lists, in its order,
// so a Go client that drives Codex itself emits the same events as codextel's
// bridge from the Codex CLI's streams (package bridge), which is this API's
// first user.
//
// Spans nest through the context: open a thread, pass its context to the
// turn, the turn's context to its tool calls. Every event carries the thread
// and turn ids and the span ids (package correlation).
//
//	codex := instrument.Codex{Bus: bus}
//	ctx, thread := codex.StartThread(ctx, instrument.ThreadInfo{ID: id, Source: "sdk"})
//	ctx, turn := thread.StartTurn(ctx, instrument.TurnInfo{})
//	_, tool := codex.StartTool(ctx, instrument.ToolCall{Tool: "shell", Kind: instrument.CommandExecution, CallID: "item_0", Input: cmd})
//	tool.Succeed(instrument.ToolResult{ExitCode: &code, Output: out})
//	turn.Complete()
//	thread.End()
//
// Model and tool data (prompts, messages, tool inputs and outputs) may be
// handed to every helper: the bus removes what its redaction policy does not
// let through before any handler sees it.
package instrument
