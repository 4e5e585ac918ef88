package bridge

import (
	"time"

	"github.com/codextel/codextel/core/instrument"
	"github.com/codextel/codextel/core/native"
)

// WithNative has the exec reader join Codex's own export, indexed in ix, to
// the stream it reads. Give the bus the same [StreamClock] as
// [WithStreamClock] (telemetry.WithClock(clock.Now)) and the events take
// Codex's times; without one they take the bus's, and only the model, the
// model-request events and the approvals are added.
//
// The join, thread by thread: a thread.started pairs with the next process
// of the same conversation.id in the export (a resumed thread has one per
// process, in order); each turn.started with the process's next
// codex.user_prompt and turn id; each tool item with the call that ran it
// (see [native.Process.MatchCommand] and MatchMCP: by content, never by
// order). What it adds:
//
//   - times: the thread starts at codex.conversation_starts, a turn at its
//     prompt, a tool call at its codex.tool_result's time less Codex's
//     duration_ms and ends at that time, so the tool span's duration is
//     Codex's own; a line with no native counterpart (an agent message, a
//     turn's end) takes the time of the last native record before it;
//   - the model, on the thread, its turns and its tool calls;
//   - Codex's model requests (codex.model.request.completed and .failed),
//     per-response token usage (codex.model.token_usage), time to first
//     token (codex.turn.first_token), and its tool decisions as approvals
//     (codex.approval.requested, then the event of the decision), each at
//     its own time, in order with the stream's events;
//   - the turn id, when the export has the turn's spans.
//
// A stream with no native counterpart (Codex sent nothing after an HTTP 500
// or a failed response) is read exactly as without the option.
func WithNative(ix *native.Index) Option {
	return optionFunc(func(c *config) { c.native = ix })
}

// place sets the clock to t, even when that is earlier than its time: a
// tool call starts when Codex dispatched it, which can be before the line
// read last.
func (c *StreamClock) place(t time.Time) {
	if c == nil || t.IsZero() {
		return
	}
	c.mu.Lock()
	c.t = t
	if c.first.IsZero() || t.Before(c.first) {
		c.first = t
	}
	if t.After(c.last) {
		c.last = t
	}
	c.mu.Unlock()
}

// nativeJoin is the state of the join for one exec stream. Its methods do
// nothing on a nil join (no WithNative).
type nativeJoin struct {
	ix    *native.Index
	clock *StreamClock
	s     *session

	procs  map[string]int  // processes taken per conversation
	p      *native.Process // the current thread's
	events []native.Record // its records to emit, in time order
	next   int             // the first not yet emitted
	turns  int             // turns started in the process
	calls  map[string]native.Call
	byCall map[string]string // native call id -> stream item id
}

func newNativeJoin(cfg config, s *session) *nativeJoin {
	if cfg.native == nil {
		return nil
	}
	return &nativeJoin{ix: cfg.native, clock: cfg.clock, s: s, procs: map[string]int{}}
}

// elapsed is the time from the first to the last native time placed.
func (j *nativeJoin) elapsed() (time.Duration, bool) {
	if j == nil {
		return 0, false
	}
	return j.clock.elapsed()
}

// thread pairs a thread.started with its process, emits what is left of
// the previous one, and places the clock at the process's start.
func (j *nativeJoin) thread(info instrument.ThreadInfo) instrument.ThreadInfo {
	if j == nil {
		return info
	}
	j.p, j.events, j.next, j.turns = nil, nil, 0, 0
	j.calls, j.byCall = map[string]native.Call{}, map[string]string{}
	if info.ID == "" {
		return info
	}
	n := j.procs[info.ID]
	j.procs[info.ID] = n + 1
	j.p = j.ix.Process(info.ID, n)
	if j.p == nil {
		return info
	}
	j.events = j.p.Events()
	j.clock.place(j.p.Start)
	if info.Model == "" {
		info.Model = j.p.Model
	}
	return info
}

// model is the current process's model, "" without one.
func (j *nativeJoin) model() string {
	if j == nil || j.p == nil {
		return ""
	}
	return j.p.Model
}

// turn places the clock at the turn's prompt and returns what the export
// says of the turn.
func (j *nativeJoin) turn(info instrument.TurnInfo) instrument.TurnInfo {
	if j == nil || j.p == nil {
		return info
	}
	n := j.turns
	j.turns++
	if prompts := j.p.Prompts(); n < len(prompts) {
		j.advance(prompts[n])
	}
	if info.ID == "" {
		info.ID = j.p.TurnID(n)
	}
	if info.Model == "" {
		info.Model = j.p.Model
	}
	return info
}

// turnEnd emits the turn's remaining records (those before the next
// turn's prompt) and leaves the clock at the last of them.
func (j *nativeJoin) turnEnd() {
	if j == nil || j.p == nil {
		return
	}
	until := time.Time{}
	if prompts := j.p.Prompts(); j.turns < len(prompts) {
		until = prompts[j.turns]
	}
	for j.next < len(j.events) && (until.IsZero() || j.events[j.next].Time.Before(until)) {
		j.emitNext()
	}
}

// answered emits the records up to the token usage of the response that
// carried an agent message.
func (j *nativeJoin) answered() {
	if j == nil || j.p == nil {
		return
	}
	for j.next < len(j.events) {
		sse := j.events[j.next].Event == native.EventSSE
		j.emitNext()
		if sse {
			return
		}
	}
}

// flush emits every record left of the current process.
func (j *nativeJoin) flush() {
	if j == nil {
		return
	}
	for j.next < len(j.events) {
		j.emitNext()
	}
}

// itemStarted pairs a tool item with its native call and places the clock
// at the call's dispatch.
func (j *nativeJoin) itemStarted(it *execItem) {
	if j == nil || j.p == nil {
		return
	}
	var c native.Call
	var ok bool
	switch it.Type {
	case "command_execution":
		c, ok = j.p.MatchCommand(it.Command)
	case "mcp_tool_call":
		c, ok = j.p.MatchMCP(it.Server, it.Tool, it.Arguments)
	case "file_change":
		c, ok = j.p.MatchTool("apply_patch")
	}
	if !ok {
		return
	}
	j.calls[it.ID] = c
	j.byCall[c.CallID] = it.ID
	if start, ok := c.Start(); ok {
		j.advance(start)
	}
}

// itemCompleted places the clock at the end of the item's native call.
func (j *nativeJoin) itemCompleted(id string) {
	if j == nil {
		return
	}
	c, ok := j.calls[id]
	delete(j.calls, id)
	if ok && c.Result != nil {
		j.advance(c.Result.Time)
	}
}

// advance emits the records logged up to t, then places the clock at t.
func (j *nativeJoin) advance(t time.Time) {
	for j.next < len(j.events) && !j.events[j.next].Time.After(t) {
		j.emitNext()
	}
	j.clock.place(t)
}

// emitNext emits the next record at its own time.
func (j *nativeJoin) emitNext() {
	r := j.events[j.next]
	j.next++
	j.clock.place(r.Time)
	ctx, codex := j.s.ctx(), j.s.codex
	switch r.Event {
	case native.EventAPIRequest:
		codex.ModelRequest(ctx, instrument.ModelRequest{
			Attempt: r.Attempt, StatusCode: int(r.Status), Duration: r.Duration,
			Endpoint: r.Endpoint, Model: r.Model, Error: r.ErrorMessage,
		})
	case native.EventSSE:
		codex.ResponseUsage(ctx, instrument.Usage{
			InputTokens: r.Usage.InputTokens, CachedInputTokens: r.Usage.CachedInputTokens,
			CacheWriteInputTokens: r.Usage.CacheWriteInputTokens, OutputTokens: r.Usage.OutputTokens,
			ReasoningOutputTokens: r.Usage.ReasoningOutputTokens,
		}, r.Model, r.ReasoningEffort)
	case native.EventTurnTTFT:
		codex.FirstToken(ctx, r.Duration, r.Model)
	case native.EventToolDecision:
		kind := instrument.CommandExecution
		if r.Tool == "apply_patch" {
			kind = instrument.FileChange
		}
		callID := r.CallID
		if id, ok := j.byCall[r.CallID]; ok {
			callID = id
		}
		_, a := codex.RequestApproval(ctx, instrument.ApprovalRequest{Kind: kind, CallID: callID})
		a.ResolveFrom(r.Decision, r.Source)
		j.s.sum.Approvals++
	}
}
