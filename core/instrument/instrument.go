package instrument

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/telemetry"
)

// Codex instruments a Codex client on a bus. The zero Codex uses
// [telemetry.Default]. Codex is a small value; copy it freely.
type Codex struct {
	Bus *telemetry.Bus
}

func (c Codex) bus() *telemetry.Bus {
	if c.Bus == nil {
		return telemetry.Default()
	}
	return c.Bus
}

// Sources of a thread, for [ThreadInfo].Source.
const (
	SourceExec      = "exec"       // a codex exec --json stream
	SourceAppServer = "app-server" // codex app-server JSON-RPC
	SourceSDK       = "sdk"        // a Go client instrumenting itself
)

// ThreadInfo describes a thread being started.
type ThreadInfo struct {
	ID     string // the Codex thread id; goes into the context's correlation ids
	Source string // see SourceExec and the others
	Model  string // optional
	Input  string // optional: the prompt (model data)
}

// A Thread is an open thread span. Its methods are safe for concurrent use.
type Thread struct {
	codex Codex
	span  *telemetry.Span

	mu    sync.Mutex
	turns int
}

// StartThread opens a thread span and emits codex.thread.start. The returned
// context carries the thread id (and a new correlation id when ctx had none):
// pass it to everything the thread does.
func (c Codex) StartThread(ctx context.Context, info ThreadInfo) (context.Context, *Thread) {
	if info.ID != "" {
		// Ids travel in the context, which the bus does not scrub: an id
		// read from a stream is scrubbed here, where it enters.
		ctx = correlation.WithThread(ctx, c.bus().ScrubString(info.ID))
	}
	md := []slog.Attr{slog.String("source", info.Source)}
	md = appendString(md, "model", info.Model)
	md = appendString(md, "input", info.Input)
	ctx, span := c.bus().StartSpan(ctx, "codex.thread", md...)
	return ctx, &Thread{codex: c, span: span}
}

// Turns returns the number of turns started so far.
func (t *Thread) Turns() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.turns
}

// End closes the thread normally: codex.thread.stop.
func (t *Thread) End() { t.span.End(slog.Int("turns", t.Turns())) }

// Fail closes the thread abnormally: codex.thread.exception with err.
func (t *Thread) Fail(err error) { t.span.Fail(err, slog.Int("turns", t.Turns())) }

// TurnInfo describes a turn being started.
type TurnInfo struct {
	ID    string // optional: the turn id, when the protocol has one
	Input string // optional: the user input (model data)
	Model string // optional: the model the turn runs on
}

// A Turn is an open turn span.
type Turn struct {
	span *telemetry.Span
}

// StartTurn opens the thread's next turn and emits codex.turn.start. Pass the
// thread's context (or one derived from it); the returned one carries the turn.
func (t *Thread) StartTurn(ctx context.Context, info TurnInfo) (context.Context, *Turn) {
	t.mu.Lock()
	t.turns++
	index := t.turns
	t.mu.Unlock()
	if info.ID != "" {
		ctx = correlation.WithTurn(ctx, t.codex.bus().ScrubString(info.ID))
	}
	md := appendString([]slog.Attr{slog.Int("turn_index", index)}, "input", info.Input)
	md = appendString(md, "model", info.Model)
	ctx, span := t.codex.bus().StartSpan(ctx, "codex.turn", md...)
	return ctx, &Turn{span: span}
}

// Complete closes the turn: codex.turn.completed.
func (u *Turn) Complete() { u.span.EndAs("completed") }

// Fail closes the turn with err: codex.turn.failed.
func (u *Turn) Fail(err error) { u.span.FailAs("failed", err) }

// Tool kinds, for [ToolCall].Kind: the Codex item types that are tool calls.
const (
	CommandExecution = "command_execution"
	FileChange       = "file_change"
	WebSearch        = "web_search"
	CollabToolCall   = "collab_tool_call"
	Function         = "function"
)

// ToolCall describes a tool call being started.
type ToolCall struct {
	Tool   string // "shell", "apply_patch", "web_search", a collab tool, a function name
	Kind   string // CommandExecution and the others
	CallID string // the Codex item id
	Input  any    // optional: the command, the changes, the query (tool data)
	Model  string // optional: the model that called the tool
}

// ToolResult is what a finished tool call produced.
type ToolResult struct {
	ExitCode *int // a command's exit code, when known
	Output   any  // optional: the output (tool data)
}

// The statuses of a failed tool call, for [Tool.Fail].
const (
	StatusFailed    = "failed"
	StatusDeclined  = "declined"
	StatusAbandoned = "abandoned" // the stream ended with the call open
)

// A Tool is an open tool-call span.
type Tool struct {
	span *telemetry.Span
}

// StartTool opens a tool-call span and emits codex.tool.start.
func (c Codex) StartTool(ctx context.Context, call ToolCall) (context.Context, *Tool) {
	md := []slog.Attr{
		slog.String("tool", call.Tool),
		slog.String("tool_kind", call.Kind),
		slog.String("call_id", call.CallID),
	}
	md = appendAny(md, "input", call.Input)
	md = appendString(md, "model", call.Model)
	ctx, span := c.bus().StartSpan(ctx, "codex.tool", md...)
	return ctx, &Tool{span: span}
}

// Succeed closes the call: codex.tool.success.
func (x *Tool) Succeed(r ToolResult) {
	x.span.EndAs("success", r.attrs(nil)...)
}

// Fail closes the call with a status (StatusFailed, StatusDeclined or
// StatusAbandoned) and err: codex.tool.failure. A nil err is reported as the
// status.
func (x *Tool) Fail(status string, err error, r ToolResult) {
	if err == nil {
		err = errors.New(status)
	}
	x.span.FailAs("failure", err, r.attrs([]slog.Attr{slog.String("status", status)})...)
}

func (r ToolResult) attrs(md []slog.Attr) []slog.Attr {
	if r.ExitCode != nil {
		md = append(md, slog.Int("exit_code", *r.ExitCode))
	}
	return appendAny(md, "result", r.Output)
}

// MCPCall describes an MCP tool call being started.
type MCPCall struct {
	Server    string
	Tool      string
	CallID    string
	Arguments any    // optional (tool data)
	Model     string // optional: the model that called the tool
}

// An MCPToolCall is an open MCP tool-call span.
type MCPToolCall struct {
	span *telemetry.Span
}

// StartMCPToolCall opens an MCP tool-call span: codex.mcp.tool_call.start.
func (c Codex) StartMCPToolCall(ctx context.Context, call MCPCall) (context.Context, *MCPToolCall) {
	md := []slog.Attr{
		slog.String("server", call.Server),
		slog.String("tool", call.Tool),
		slog.String("call_id", call.CallID),
	}
	md = appendAny(md, "arguments", call.Arguments)
	md = appendString(md, "model", call.Model)
	ctx, span := c.bus().StartSpan(ctx, "codex.mcp.tool_call", md...)
	return ctx, &MCPToolCall{span: span}
}

// Succeed closes the call: codex.mcp.tool_call.success.
func (m *MCPToolCall) Succeed(result any) {
	m.span.EndAs("success", appendAny(nil, "result", result)...)
}

// Fail closes the call with err and whatever result the tool returned with
// it: codex.mcp.tool_call.failure.
func (m *MCPToolCall) Fail(err error, result any) {
	m.span.FailAs("failure", err, appendAny(nil, "result", result)...)
}

// ApprovalRequest describes a request for approval.
type ApprovalRequest struct {
	Kind      string // CommandExecution or FileChange
	CallID    string // the item the approval is for
	RequestID string // optional: the JSON-RPC request id
	Reason    string // optional: why Codex asks
	Command   string // optional: the command (tool data)
	Cwd       string // optional
}

// An Approval is an open approval span: from the request to the decision.
type Approval struct {
	span *telemetry.Span
}

// RequestApproval opens an approval span: codex.approval.requested.
func (c Codex) RequestApproval(ctx context.Context, req ApprovalRequest) (context.Context, *Approval) {
	md := []slog.Attr{
		slog.String("approval_kind", req.Kind),
		slog.String("call_id", req.CallID),
	}
	md = appendString(md, "request_id", req.RequestID)
	md = appendString(md, "approval_reason", req.Reason)
	md = appendString(md, "command", req.Command)
	md = appendString(md, "cwd", req.Cwd)
	ctx, span := c.bus().StartSpanAs(ctx, "codex.approval", "requested", md...)
	return ctx, &Approval{span: span}
}

// Resolve closes the approval with the decision as the protocol spells it,
// choosing the event from it: accept, acceptForSession,
// acceptWithExecpolicyAmendment, approved and approved_for_session are
// codex.approval.approved; timed_out is codex.approval.timeout; cancel, abort
// and stream_ended (codextel's own: the stream ended before a decision) are
// codex.approval.cancelled; decline, denied and anything else are
// codex.approval.denied.
func (a *Approval) Resolve(decision string) {
	a.span.EndAs(Outcome(decision), slog.String("decision", decision))
}

// ResolveFrom closes the approval like [Approval.Resolve], saying who
// decided: Codex's export names Config (the approval policy) or User.
func (a *Approval) ResolveFrom(decision, source string) {
	md := []slog.Attr{slog.String("decision", decision)}
	a.span.EndAs(Outcome(decision), appendString(md, "decision_source", source)...)
}

// Outcome returns the suffix of the event an approval decision ends in:
// "approved", "denied", "timeout" or "cancelled" (see [Approval.Resolve]).
func Outcome(decision string) string {
	switch decision {
	case "accept", "acceptForSession", "acceptWithExecpolicyAmendment", "approved", "approved_for_session":
		return "approved"
	case "timed_out":
		return "timeout"
	case "cancel", "abort", "stream_ended":
		return "cancelled"
	}
	return "denied"
}

func appendString(md []slog.Attr, key, v string) []slog.Attr {
	if v == "" {
		return md
	}
	return append(md, slog.String(key, v))
}

func appendAny(md []slog.Attr, key string, v any) []slog.Attr {
	if v == nil {
		return md
	}
	if val, ok := v.(slog.Value); ok {
		return append(md, slog.Attr{Key: key, Value: val})
	}
	return append(md, slog.Any(key, v))
}
