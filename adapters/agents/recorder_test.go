package codexagents

import (
	"context"
	"sync"
)

// recorder is a TracingProcessor that records every call, for tests.
type recorder struct {
	mu      sync.Mutex
	calls   []string
	traces  []*Trace
	started []*Span
	ended   []*Span
	fail    error
	panics  bool
}

func (r *recorder) note(call string) error {
	r.mu.Lock()
	r.calls = append(r.calls, call)
	r.mu.Unlock()
	if r.panics {
		panic("processor exploded")
	}
	return r.fail
}

func (r *recorder) OnTraceStart(t *Trace) error {
	r.mu.Lock()
	r.traces = append(r.traces, t)
	r.mu.Unlock()
	return r.note("on_trace_start")
}

func (r *recorder) OnTraceEnd(*Trace) error { return r.note("on_trace_end") }

func (r *recorder) OnSpanStart(s *Span) error {
	r.mu.Lock()
	r.started = append(r.started, s)
	r.mu.Unlock()
	return r.note("on_span_start")
}

func (r *recorder) OnSpanEnd(s *Span) error {
	r.mu.Lock()
	r.ended = append(r.ended, s)
	r.mu.Unlock()
	return r.note("on_span_end")
}

func (r *recorder) Shutdown(context.Context) error { return r.note("shutdown") }

func (r *recorder) ForceFlush() error { return r.note("force_flush") }
