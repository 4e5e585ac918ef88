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
	return optionFunc(func(c *config) { c.native, c.nativeHold = ix, 0 })
}

// DefaultNativeHold is how long a live join holds a line for its native
// counterpart unless told otherwise (see [WithNativeLive]).
const DefaultNativeHold = time.Second

// WithNativeLive is [WithNative] for a stream read while Codex runs, its
// export arriving in ix's store as Codex posts it (see native.Receiver):
// Codex posts logs in batches (about once a second; traces and metrics
// only at exit), so a record is often not there yet when its line is read.
// The reader then holds the line, and every line after it, until the
// record comes, for hold at most (DefaultNativeHold when hold is 0): a
// thread.started for its codex.conversation_starts (the model), a
// turn.started for its prompt, a tool item's completion for its
// codex.tool_result. A wait that runs out holds nothing more until the
// store takes a new body, so a run whose export comes only at exit (one
// shorter than Codex's first batch) is held once, by hold at most; and at
// the end of the stream the reader waits for the store to be sealed
// (native.Store.Seal: Codex has exited), hold at most, to emit what is
// left. Every line is thus delayed by hold at most, the first after a
// wait ran out not at all.
//
// Live, events take the time they are emitted, except what the export
// times: its own events (model requests, usage, first token, decisions)
// take their records' times, and a tool call paired at its completion
// ends at its start plus Codex's duration_ms, so that its duration is
// Codex's (the start, emitted when item.started was read, is some 100 to
// 200 ms after Codex dispatched the call).
func WithNativeLive(ix *native.Index, hold time.Duration) Option {
	if hold <= 0 {
		hold = DefaultNativeHold
	}
	return optionFunc(func(c *config) { c.native, c.nativeHold = ix, hold })
}

// release lets the clock read its fallback again, until the next place.
func (c *StreamClock) release() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.t = time.Time{}
	c.mu.Unlock()
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
	hold  time.Duration // live: the longest wait for a record; 0 for a recorded export

	procs   map[string]int  // processes taken per conversation
	thread  string          // the current thread's id
	n       int             // its process number
	p       *native.Process // its process, nil while the export has none
	pending []native.Record // its records not yet emitted, in time order
	emitted map[recordKey]bool
	turns   int // turns started in the process
	calls   map[string]openCall
	byCall  map[string]string // native call id -> stream item id
	stale   uint64            // live: the store version a wait ran out at; no wait until it changes
	waited  bool              // live: a wait has run out
}

// openCall is a tool item and what the join knows of it.
type openCall struct {
	call     native.Call
	paired   bool
	anchored bool      // its start was placed at Codex's dispatch
	started  time.Time // when its start was emitted
}

// recordKey identifies a record across index updates.
type recordKey struct {
	event, call string
	t           int64
}

func keyOf(r native.Record) recordKey { return recordKey{r.Event, r.CallID, r.Time.UnixNano()} }

func newNativeJoin(cfg config, s *session) *nativeJoin {
	if cfg.native == nil {
		return nil
	}
	return &nativeJoin{ix: cfg.native, clock: cfg.clock, s: s, hold: cfg.nativeHold,
		procs: map[string]int{}, emitted: map[recordKey]bool{}}
}

// elapsed is the time from the first to the last native time placed.
func (j *nativeJoin) elapsed() (time.Duration, bool) {
	if j == nil || j.hold > 0 {
		return 0, false // live: the bus's own clock measures the run
	}
	return j.clock.elapsed()
}

// begin starts a hook: live, the clock reads the time again.
func (j *nativeJoin) begin() {
	if j.hold > 0 {
		j.clock.release()
	}
}

// catchUp, live, emits the records that came since the last hook, at
// their own times (a decision only once its call is paired with an item,
// so that it names the item), then lets the clock read the time again.
// Only hooks inside a turn call it, so that a turn's records are emitted
// in the turn.
func (j *nativeJoin) catchUp() {
	if j.hold == 0 {
		return
	}
	j.refresh()
	kept := j.pending[:0]
	for _, r := range j.pending {
		if _, paired := j.byCall[r.CallID]; r.Event == native.EventToolDecision && !paired {
			kept = append(kept, r)
			continue
		}
		j.emit(r)
	}
	j.pending = kept
	j.clock.release()
}

// refresh brings the index and the current process up to date.
func (j *nativeJoin) refresh() {
	if j.hold == 0 || !j.ix.Update() && j.p != nil {
		return
	}
	j.lookup()
}

// lookup finds the current thread's process and its records to emit.
func (j *nativeJoin) lookup() {
	j.p, j.pending = nil, nil
	if j.thread == "" {
		return
	}
	j.p = j.ix.Process(j.thread, j.n)
	if j.p == nil {
		return
	}
	for _, r := range j.p.Events() {
		if !j.emitted[keyOf(r)] {
			j.pending = append(j.pending, r)
		}
	}
}

// wait holds the reader until ready reports true, the store is sealed, or
// the hold runs out; a recorded export is never waited for. ready is
// called after each refresh.
func (j *nativeJoin) wait(ready func() bool) bool {
	if j.hold == 0 {
		return ready()
	}
	store := j.ix.Store()
	deadline := time.NewTimer(j.hold)
	defer deadline.Stop()
	for {
		j.refresh()
		if ready() {
			return true
		}
		v, changed := store.Version()
		if store.Sealed() || j.waited && v == j.stale {
			return false
		}
		select {
		case <-changed:
		case <-deadline.C:
			j.waited, j.stale = true, v
			j.refresh()
			return ready()
		}
	}
}

// thread pairs a thread.started with its process, after emitting what is
// left of the previous one, and places the clock at the process's start.
func (j *nativeJoin) startThread(info instrument.ThreadInfo) instrument.ThreadInfo {
	if j == nil {
		return info
	}
	j.begin()
	j.thread, j.p, j.pending, j.turns = info.ID, nil, nil, 0
	j.calls, j.byCall = map[string]openCall{}, map[string]string{}
	if info.ID == "" {
		return info
	}
	j.n = j.procs[info.ID]
	j.procs[info.ID] = j.n + 1
	j.lookup()
	j.wait(func() bool { return j.p != nil })
	if j.p == nil {
		return info
	}
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
	if j == nil || j.thread == "" {
		return info
	}
	j.begin()
	n := j.turns
	j.turns++
	var prompt time.Time
	j.wait(func() bool {
		if j.p == nil {
			return false
		}
		prompts := j.p.Prompts()
		if n < len(prompts) {
			prompt = prompts[n]
			return true
		}
		return false
	})
	if j.p == nil {
		return info
	}
	if !prompt.IsZero() {
		j.advance(prompt)
	}
	if info.ID == "" {
		info.ID = j.p.TurnID(n)
	}
	if info.Model == "" {
		info.Model = j.p.Model
	}
	return info
}

// turnEnd emits the turn's records (those before the next turn's prompt).
func (j *nativeJoin) turnEnd() {
	if j == nil || j.p == nil {
		return
	}
	j.begin()
	j.refresh()
	until := time.Time{}
	if prompts := j.p.Prompts(); j.turns < len(prompts) {
		until = prompts[j.turns]
	}
	for len(j.pending) > 0 && (until.IsZero() || j.pending[0].Time.Before(until)) {
		j.emitNext()
	}
	j.settle()
}

// answered emits the records up to the token usage of the response that
// carried an agent message.
func (j *nativeJoin) answered() {
	if j == nil || j.p == nil {
		return
	}
	j.begin()
	j.refresh()
	for len(j.pending) > 0 {
		sse := j.pending[0].Event == native.EventSSE
		j.emitNext()
		if sse {
			break
		}
	}
	j.settle()
}

// flush emits every record left of the current process; live, at the end
// of the stream, once Codex has exited (the store is sealed) or the hold
// has run out.
func (j *nativeJoin) flush(end bool) {
	if j == nil || j.thread == "" {
		return
	}
	j.begin()
	if end && j.hold > 0 {
		j.waited = false // Codex's last posts come at its exit: worth one more wait
		j.wait(func() bool { return j.ix.Store().Sealed() })
	}
	j.refresh()
	for len(j.pending) > 0 {
		j.emitNext()
	}
	j.settle()
}

// settle leaves the clock, live, reading the time again.
func (j *nativeJoin) settle() {
	if j.hold > 0 {
		j.clock.release()
	}
}

// match pairs a tool item with its native call.
func (j *nativeJoin) match(it *execItem) (native.Call, bool) {
	if j.p == nil {
		return native.Call{}, false
	}
	switch it.Type {
	case "command_execution":
		return j.p.MatchCommand(it.Command)
	case "mcp_tool_call":
		return j.p.MatchMCP(it.Server, it.Tool, it.Arguments)
	case "file_change":
		return j.p.MatchTool("apply_patch")
	}
	return native.Call{}, false
}

// itemStarted pairs a tool item with its native call when the export has
// it (a recorded one) and places the clock at the call's dispatch.
func (j *nativeJoin) itemStarted(it *execItem) {
	if j == nil || j.thread == "" {
		return
	}
	j.catchUp()
	var oc openCall
	if c, ok := j.match(it); ok && c.Result == nil && j.hold > 0 && !j.ix.Store().Sealed() {
		// Live: its result may still come; pair it at the completion. Its
		// decision names this item meanwhile.
		j.p.Release(c.CallID)
		j.byCall[c.CallID] = it.ID
	} else if ok {
		oc.call, oc.paired = c, true
		j.byCall[c.CallID] = it.ID
		if start, ok := c.Start(); ok && j.hold == 0 {
			j.advance(start)
			oc.anchored = true
		}
	}
	oc.started = j.clock.Now()
	if j.hold > 0 {
		j.clock.place(oc.started) // the time the tool's start is emitted at
	}
	j.calls[it.ID] = oc
}

// itemCompleted pairs the item now if it was not at its start (live,
// waiting for its result), and places the clock at the call's end.
func (j *nativeJoin) itemCompleted(it *execItem) {
	if j == nil {
		return
	}
	oc, ok := j.calls[it.ID]
	delete(j.calls, it.ID)
	if !ok || j.thread == "" {
		return
	}
	j.catchUp()
	if !oc.paired && it.Type != "command_execution" && it.Type != "mcp_tool_call" && it.Type != "file_change" {
		return
	}
	if !oc.paired {
		j.wait(func() bool {
			c, ok := j.match(it)
			if ok && c.Result == nil && j.hold > 0 && !j.ix.Store().Sealed() {
				// Only the decision is there: the result may still come.
				j.p.Release(c.CallID)
				return false
			}
			oc.call, oc.paired = c, ok
			return ok
		})
		if oc.paired {
			j.byCall[oc.call.CallID] = it.ID
		}
	}
	r := oc.call.Result
	if r == nil {
		return
	}
	switch {
	case oc.anchored:
		j.advance(r.Time)
	case r.HasDuration:
		// Paired late: the start was emitted when its line was read; the
		// span keeps Codex's duration.
		j.advance(r.Time)
		j.clock.place(oc.started.Add(r.Duration))
	default:
		j.advance(r.Time)
	}
}

// advance emits the records logged up to t, then places the clock at t.
func (j *nativeJoin) advance(t time.Time) {
	for len(j.pending) > 0 && !j.pending[0].Time.After(t) {
		j.emitNext()
	}
	j.clock.place(t)
}

// emitNext emits the next record at its own time.
func (j *nativeJoin) emitNext() {
	r := j.pending[0]
	j.pending = j.pending[1:]
	j.emit(r)
}

// emit emits a record at its own time.
func (j *nativeJoin) emit(r native.Record) {
	j.emitted[keyOf(r)] = true
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
