package codexotel

import (
	"context"
	"encoding/binary"
	"math/rand/v2"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/codextel/codextel/core/correlation"
)

// NewIDGenerator returns the ID generator that gives the spans a [Handler]
// starts the ids codextel already made for them: the correlation id as the
// trace id and the bus's span id as the span id (package correlation makes
// them in the W3C shapes for this). Other spans, and codextel spans whose
// ids are not valid W3C ids, get random ids. Install it in the
// TracerProvider handed to [WithTracerProvider]:
//
//	tp := sdktrace.NewTracerProvider(sdktrace.WithIDGenerator(codexotel.NewIDGenerator()), ...)
//
// so that the spans and the log records written for the same events name the
// same ids. It is safe for concurrent use.
func NewIDGenerator() sdktrace.IDGenerator { return idGenerator{} }

// idGenerator is the generator NewIDGenerator returns.
type idGenerator struct{}

// wantIDs are the ids a Handler asks the IDGenerator for, through the
// context it starts a span with.
type wantIDs struct {
	trace trace.TraceID
	span  trace.SpanID
}

type wantIDsKey struct{}

// NewIDs returns the trace and span id a Handler asked for in ctx, or random
// ones.
func (idGenerator) NewIDs(ctx context.Context) (trace.TraceID, trace.SpanID) {
	var tid trace.TraceID
	var sid trace.SpanID
	if w, ok := ctx.Value(wantIDsKey{}).(*wantIDs); ok {
		tid, sid = w.trace, w.span
	}
	if !tid.IsValid() {
		binary.NativeEndian.PutUint64(tid[:8], rand.Uint64())
		binary.NativeEndian.PutUint64(tid[8:], rand.Uint64()|1)
	}
	if !sid.IsValid() {
		sid = randomSpanID()
	}
	return tid, sid
}

// NewSpanID returns the span id a Handler asked for in ctx, or a random one.
func (idGenerator) NewSpanID(ctx context.Context, _ trace.TraceID) trace.SpanID {
	if w, ok := ctx.Value(wantIDsKey{}).(*wantIDs); ok && w.span.IsValid() {
		return w.span
	}
	return randomSpanID()
}

func randomSpanID() trace.SpanID {
	var sid trace.SpanID
	binary.NativeEndian.PutUint64(sid[:], rand.Uint64()|1)
	return sid
}

// traceID reads a correlation id as a trace id: 32 lower-case hex digits,
// not all zero.
func traceID(s string) (trace.TraceID, bool) {
	var id trace.TraceID
	if len(s) != 32 || !decodeHex(id[:], s) {
		return id, false
	}
	return id, id.IsValid()
}

// spanID reads a span id: 16 lower-case hex digits, not all zero.
func spanID(s string) (trace.SpanID, bool) {
	var id trace.SpanID
	if len(s) != 16 || !decodeHex(id[:], s) {
		return id, false
	}
	return id, id.IsValid()
}

// decodeHex decodes the lower-case hex digits s into dst, which is half as
// long, and reports whether every byte of s is one.
func decodeHex(dst []byte, s string) bool {
	var bad byte
	for i := range dst {
		hi, lo := nibbles[s[2*i]], nibbles[s[2*i+1]]
		bad |= hi | lo
		dst[i] = hi<<4 | lo
	}
	return bad&0xf0 == 0
}

// nibbles holds the value of each lower-case hex digit, and 0xff for every
// other byte.
var nibbles = func() (t [256]byte) {
	for c := range t {
		switch {
		case '0' <= c && c <= '9':
			t[c] = byte(c - '0')
		case 'a' <= c && c <= 'f':
			t[c] = byte(c - 'a' + 10)
		default:
			t[c] = 0xff
		}
	}
	return t
}()

// idsSpanContext is the span context the correlation ids of an event name:
// the correlation id as trace id and the span id, or an invalid one when the
// correlation id is not a trace id.
func idsSpanContext(ids *correlation.IDs) trace.SpanContext {
	tid, ok := traceID(ids.Correlation)
	if !ok {
		return trace.SpanContext{}
	}
	sid, _ := spanID(ids.Span)
	return trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid})
}

// Correlate returns ctx with codextel correlation ids taken from the
// OpenTelemetry span in ctx, when it has a valid one: its trace id as the
// correlation id and its span id as the enclosing span. Codex spans opened
// under the returned context then belong to the application's trace, as
// children of its span, and their log records carry its trace id. A ctx
// without a valid span, or that already carries correlation ids, is returned
// unchanged.
func Correlate(ctx context.Context) context.Context {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() || correlation.From(ctx) != nil {
		return ctx
	}
	return correlation.With(ctx, correlation.IDs{Correlation: sc.TraceID().String(), Span: sc.SpanID().String()})
}
