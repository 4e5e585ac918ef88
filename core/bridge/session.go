package bridge

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/instrument"
)

// session is the state of one thread of a stream: its open spans and what
// the stream has said about it so far. Both readers drive sessions.
type session struct {
	codex instrument.Codex
	root  context.Context
	sum   *Summary

	thread    *instrument.Thread
	threadCtx context.Context
	turn      *instrument.Turn
	turnCtx   context.Context
	lastTurn  error               // the failure of the last turn, nil when it completed
	usage     instrument.Usage    // the last cumulative usage
	open      map[string]openItem // the items started and not yet completed
	started   uint64              // items started in the thread, for openItem.seq
	approvals map[string]*instrument.Approval

	pricing pricing
	number  int     // the thread's number in the stream, from 1
	model   string  // the thread's model, "" when not known
	entry   int     // the index in sum.TurnUsage of the current turn's usage; -1 for none yet, -2 for a turn not listed
	tentry  int     // the index in sum.ThreadUsage of the thread's usage; -1 for none yet
	cost    float64 // the thread's cost so far, when priced
}

// openItem is a started tool or MCP call. Only open items are kept, so a
// thread's memory does not grow with the calls it has finished.
type openItem struct {
	tool *instrument.Tool
	mcp  *instrument.MCPToolCall
	seq  uint64 // the start order: items left open end in it
}

func newSession(codex instrument.Codex, root context.Context, sum *Summary) *session {
	return &session{codex: codex, root: root, sum: sum}
}

func (s *session) now() time.Time { return s.codex.Bus.Now() }

// ctx is the innermost open scope: the turn, else the thread, else the root.
func (s *session) ctx() context.Context {
	switch {
	case s.turnCtx != nil:
		return s.turnCtx
	case s.threadCtx != nil:
		return s.threadCtx
	}
	return s.root
}

func (s *session) startThread(info instrument.ThreadInfo) {
	if info.Model == "" {
		info.Model = s.pricing.model // WithModel's, when the stream names none
	}
	s.threadCtx, s.thread = s.codex.StartThread(s.root, info)
	s.sum.Threads++
	s.lastTurn = nil
	s.usage = instrument.Usage{}
	s.number, s.model, s.entry, s.tentry, s.cost = s.sum.Threads, info.Model, -1, -1, 0
}

func (s *session) ensureThread(source string) {
	if s.thread == nil {
		s.startThread(instrument.ThreadInfo{Source: source, Model: s.pricing.model})
	}
}

func (s *session) startTurn(source string, info instrument.TurnInfo) {
	s.ensureThread(source)
	if s.turn != nil {
		s.endTurn(errors.New("a new turn started before this one finished"))
	}
	s.turnCtx, s.turn = s.thread.StartTurn(s.threadCtx, info)
	s.sum.Turns++
	s.entry = -1
}

func (s *session) ensureTurn(source string) {
	if s.turn == nil {
		s.startTurn(source, instrument.TurnInfo{})
	}
}

// cumulativeUsage reports a thread-cumulative usage as the change since the
// last report and the total. A total below the last one in any count means
// Codex started counting anew: the event says so (usage_reset) and the
// change is the new total, never negative.
func (s *session) cumulativeUsage(total instrument.Usage, contextWindow int64) {
	if decreased(total, s.usage) {
		s.reportUsage(total, total, contextWindow, true)
	} else {
		s.reportUsage(total.Sub(s.usage), total, contextWindow, false)
	}
}

// reportUsage reports a usage update, last the update's and total the
// thread's, priced when the thread's model has a price, and adds it to the
// summary's turn.
func (s *session) reportUsage(last, total instrument.Usage, contextWindow int64, reset bool) {
	price, priced := instrument.Price{}, false
	if s.pricing.prices != nil {
		if price, priced = s.pricing.prices(s.model); !priced && !slices.Contains(s.sum.Unpriced, s.model) {
			s.sum.Unpriced = append(s.sum.Unpriced, s.model)
		}
	}
	var cost float64
	if priced {
		cost = price.Cost(last)
		s.cost = price.Cost(total)
		s.codex.TokenUsageCost(s.ctx(), last, total, contextWindow, reset, instrument.TokenCost{Model: s.model, Last: cost, Total: s.cost})
	} else if reset {
		s.codex.TokenUsageReset(s.ctx(), last, total, contextWindow)
	} else {
		s.codex.TokenUsage(s.ctx(), last, total, contextWindow)
	}
	s.usage = total
	s.sum.Usage = total
	s.sum.TotalUsage = s.sum.TotalUsage.Add(last)
	if s.tentry < 0 {
		var id string
		if ids := correlation.From(s.threadCtx); ids != nil {
			id = ids.Thread
		}
		s.sum.ThreadUsage = append(s.sum.ThreadUsage, TurnUsage{ThreadID: id, Thread: s.number, Model: s.model})
		s.tentry = len(s.sum.ThreadUsage) - 1
	}
	th := &s.sum.ThreadUsage[s.tentry]
	th.Usage = th.Usage.Add(last)
	if s.entry == -1 { // the turn's first report
		th.Turn++
		if len(s.sum.TurnUsage) < MaxTurnUsage {
			turn := 0
			if s.thread != nil {
				turn = s.thread.Turns()
			}
			s.sum.TurnUsage = append(s.sum.TurnUsage, TurnUsage{ThreadID: th.ThreadID, Thread: s.number, Turn: turn, Model: s.model})
			s.entry = len(s.sum.TurnUsage) - 1
		} else {
			s.sum.TurnsUnlisted++
			s.entry = -2
		}
	}
	if priced {
		th.Cost += cost
		th.Priced = true
		s.sum.Cost += cost
		s.sum.Priced = true
	}
	if s.entry >= 0 {
		t := &s.sum.TurnUsage[s.entry]
		t.Usage = t.Usage.Add(last)
		if priced {
			t.Cost += cost
			t.Priced = true
		}
	}
}

// decreased reports whether some count of u is below the same count of v.
func decreased(u, v instrument.Usage) bool {
	return u.InputTokens < v.InputTokens || u.CachedInputTokens < v.CachedInputTokens ||
		u.CacheWriteInputTokens < v.CacheWriteInputTokens || u.OutputTokens < v.OutputTokens ||
		u.ReasoningOutputTokens < v.ReasoningOutputTokens
}

func (s *session) endTurn(err error) {
	if s.turn == nil {
		return
	}
	if err != nil {
		s.turn.Fail(err)
		s.sum.TurnsFailed++
	} else {
		s.turn.Complete()
	}
	s.lastTurn = err
	s.turn, s.turnCtx = nil, nil
}

// track records a started call under its item id.
func (s *session) track(id string, o openItem) {
	if s.open == nil {
		s.open = make(map[string]openItem)
	}
	s.sum.Tools++
	s.started++
	o.seq = s.started
	s.open[id] = o
}

// finish ends the thread at the end of its stream: open approvals are
// cancelled, open items abandoned, the open turn failed, and the thread
// closed, failed when its last turn failed or it never finished one.
func (s *session) finish() {
	if s.thread == nil {
		return
	}
	for _, id := range slices.Sorted(maps.Keys(s.approvals)) { // a stable order
		s.approvals[id].Resolve("stream_ended")
	}
	s.approvals = nil
	abandoned := errors.New("the stream ended before the item completed")
	left := slices.SortedFunc(maps.Values(s.open), func(a, b openItem) int { return cmp.Compare(a.seq, b.seq) })
	for _, it := range left {
		s.sum.ToolsFailed++
		if it.mcp != nil {
			it.mcp.Fail(abandoned, nil)
		} else {
			it.tool.Fail(instrument.StatusAbandoned, abandoned, instrument.ToolResult{})
		}
	}
	s.open, s.started = nil, 0
	switch {
	case s.turn != nil:
		s.endTurn(errors.New("the stream ended before the turn finished"))
		s.thread.Fail(errors.New("the stream ended without a terminal event (turn.completed or turn.failed)"))
	case s.lastTurn != nil:
		s.thread.Fail(s.lastTurn)
	default:
		s.thread.End()
	}
	s.thread, s.threadCtx = nil, nil
}
