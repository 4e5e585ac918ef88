package codexotel

import (
	"context"
	"sync"
	"time"

	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// idSpan is a non-recording span that only carries a span context: the ids
// a log record or a span start is given through a context.
type idSpan struct {
	noop.Span
	sc trace.SpanContext
}

// SpanContext returns the ids the span carries.
func (s *idSpan) SpanContext() trace.SpanContext { return s.sc }

// logContext is the context a log record is emitted under: the emitting
// context's values, never its cancellation or deadline (a cancelled context
// must not stop a record), and the event's span as the current span. One is
// taken from a pool per record, so emitting allocates no context; it must
// not be kept past the Emit call it is given to, which the SDK's processors
// do not do (they take the span context from it during the call).
type logContext struct {
	parent  context.Context
	span    idSpan
	spanCtx context.Context // trace.ContextWithSpan(Background, &span), made once
}

var logContexts = sync.Pool{New: func() any {
	c := new(logContext)
	c.spanCtx = trace.ContextWithSpan(context.Background(), &c.span)
	return c
}}

func (*logContext) Deadline() (time.Time, bool) { return time.Time{}, false }
func (*logContext) Done() <-chan struct{}       { return nil }
func (*logContext) Err() error                  { return nil }

// Value returns the event's span for the trace package's key, else the
// emitting context's value.
func (c *logContext) Value(key any) any {
	if v := c.spanCtx.Value(key); v != nil {
		return v
	}
	return c.parent.Value(key)
}

// startContext is the context a span is started under: the parent span (a
// span of the handler's, or a remote one named by ids) and the ids the
// IDGenerator is to give the new span. It lives inside its openSpan.
type startContext struct {
	context.Context
	want wantIDs
}

func (c *startContext) Value(key any) any {
	if key == (wantIDsKey{}) {
		return &c.want
	}
	return c.Context.Value(key)
}
