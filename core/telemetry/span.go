package telemetry

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/codextel/codextel/core/correlation"
)

// The suffixes of the three events a span emits, after the span's name.
const (
	SpanStart     = "start"     // <name>.start: measurements system_time, monotonic_time
	SpanStop      = "stop"      // <name>.stop: measurements duration, duration_ms
	SpanException = "exception" // <name>.exception: duration, duration_ms; metadata kind, reason, error_type[, stacktrace]
)

// Span emits <name>.start, runs fn inside the span, then emits <name>.stop
// when fn returns nil or <name>.exception when it returns an error, and returns
// fn's error. A panic in fn is reported as <name>.exception with kind "panic"
// and then re-panicked.
//
// The context fn receives carries the span's correlation ids: a new span id,
// with the enclosing span's id as parent, so spans opened inside fn nest under
// this one. metadata goes on all three events; see [Bus.StartSpan] for the
// measurements and the metadata the bus adds.
func (b *Bus) Span(ctx context.Context, name string, metadata []slog.Attr, fn func(context.Context) error) (err error) {
	ctx, sp := b.StartSpan(ctx, name, metadata...)
	if sp == nil {
		return fn(ctx)
	}
	defer func() {
		if r := recover(); r != nil {
			sp.end("panic", fmt.Sprint(r), fmt.Sprintf("%T", r), stack(), nil)
			panic(r)
		}
	}()
	if err = fn(ctx); err != nil {
		sp.Fail(err)
	} else {
		sp.End()
	}
	return err
}

// StartSpan opens a span for code that cannot wrap a closure; end it with
// [Span.End] or [Span.Fail], from any goroutine. It emits <name>.start, with
// measurements system_time (Unix time in nanoseconds) and monotonic_time
// (nanoseconds on the bus's monotonic clock), and the given metadata.
//
// The returned context carries the span's ids (see [correlation.IDs]): pass
// it to the work the span covers. The ids are made even when nobody listens to
// the span's events, so that events emitted inside it still correlate. When the
// bus is disabled, StartSpan returns ctx unchanged and a nil *Span, whose
// methods do nothing.
func (b *Bus) StartSpan(ctx context.Context, name string, metadata ...slog.Attr) (context.Context, *Span) {
	if b.live.Load() == nil {
		return ctx, nil
	}
	if ctx == nil {
		ctx = context.Background()
	}
	var ids correlation.IDs
	if parent := correlation.From(ctx); parent != nil {
		ids = *parent
	}
	ids.ParentSpan = ids.Span
	ids.Span = correlation.NewSpanID()
	ctx = correlation.With(ctx, ids)

	sp := &Span{bus: b, ctx: ctx, names: b.namesOf(name)}
	if !b.Enabled(sp.names.start) && !b.Enabled(sp.names.stop) && !b.Enabled(sp.names.exception) {
		sp.ended.Store(true) // nobody listens: skip the clock and the events
		return ctx, sp
	}
	sp.metadata = append([]slog.Attr(nil), metadata...)
	sp.start = b.now()
	e := NewEvent(sp.names.start, sp.start)
	e.AddMeasurements(
		Int("system_time", sp.start.UnixNano()),
		Int("monotonic_time", int64(sp.start.Sub(b.epoch))),
	)
	e.AddMetadata(sp.metadata...)
	b.emitEvent(ctx, &e)
	return ctx, sp
}

// A Span is an open span started by [Bus.StartSpan]. Its methods are safe to
// call from any goroutine; only the first End or Fail counts.
type Span struct {
	bus      *Bus
	ctx      context.Context
	names    *spanNames
	start    time.Time
	metadata []slog.Attr
	ended    atomic.Bool
}

// ID returns the span's id, or "" for a nil span.
func (s *Span) ID() string {
	if s == nil {
		return ""
	}
	return correlation.From(s.ctx).Span
}

// End closes the span successfully: it emits <name>.stop with measurements
// duration and duration_ms, and the start metadata followed by metadata.
func (s *Span) End(metadata ...slog.Attr) {
	if s == nil || !s.ended.CompareAndSwap(false, true) {
		return
	}
	s.emitEnd(s.names.stop, metadata)
}

// Fail closes the span with an error: it emits <name>.exception with
// measurements duration and duration_ms, and the start metadata followed by
// kind "error", reason (err's message), error_type (err's Go type) and
// metadata. A nil err is reported as the reason "<nil>".
func (s *Span) Fail(err error, metadata ...slog.Attr) {
	reason := "<nil>"
	if err != nil {
		reason = err.Error()
	}
	s.end("error", reason, fmt.Sprintf("%T", err), "", metadata)
}

func (s *Span) end(kind, reason, errType, trace string, metadata []slog.Attr) {
	if s == nil || !s.ended.CompareAndSwap(false, true) {
		return
	}
	extra := []slog.Attr{
		slog.String("kind", kind),
		slog.String("reason", reason),
		slog.String("error_type", errType),
	}
	if trace != "" {
		extra = append(extra, slog.String("stacktrace", trace))
	}
	s.emitEnd(s.names.exception, append(extra, metadata...))
}

func (s *Span) emitEnd(name string, metadata []slog.Attr) {
	end := s.bus.now()
	d := end.Sub(s.start)
	e := NewEvent(name, end)
	e.AddMeasurements(
		Duration("duration", d),
		Float("duration_ms", float64(d)/float64(time.Millisecond)),
	)
	e.AddMetadata(s.metadata...)
	e.AddMetadata(metadata...)
	s.bus.emitEvent(s.ctx, &e)
}

// spanNames are the three event names of a span, made once per span name.
type spanNames struct {
	start, stop, exception string
}

func (b *Bus) namesOf(name string) *spanNames {
	if n, ok := b.spanNames.Load(name); ok {
		return n.(*spanNames)
	}
	n := &spanNames{
		start:     name + "." + SpanStart,
		stop:      name + "." + SpanStop,
		exception: name + "." + SpanException,
	}
	actual, _ := b.spanNames.LoadOrStore(name, n)
	return actual.(*spanNames)
}
