package correlation

import (
	"context"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
)

// IDs are the identifiers of the work an event belongs to. An empty field is
// unknown. IDs is a small value type; the context holds an immutable copy.
type IDs struct {
	// Correlation ties together everything one session does, across threads.
	Correlation string
	// Thread is the Codex thread id (a UUID in the Codex CLI).
	Thread string
	// Turn is the id of the current turn within the thread.
	Turn string
	// Span is the id of the innermost open span: 16 lower-case hex digits.
	Span string
	// ParentSpan is the id of the span that encloses Span, if any.
	ParentSpan string
	// NextSpan, when set, is the id a span opened in this context takes
	// instead of a random one; the span's own context has no NextSpan, so
	// the spans inside it get random ids. Open one span in such a context.
	// It reserves a span's id before the span starts: codextel exec gives
	// it to codex in TRACEPARENT, so that Codex's spans are children of the
	// thread span codextel opens once codex has started.
	NextSpan string
}

type ctxKey struct{}

// With returns a copy of ctx that carries ids.
func With(ctx context.Context, ids IDs) context.Context {
	return context.WithValue(ctx, ctxKey{}, &ids)
}

// A Context is a context carrying IDs, for code that makes many of them and
// embeds the Context in a value of its own, so that the context and its ids
// cost no allocation of their own (the telemetry bus's spans do). Set its
// parent Context and its IDs, then use it by pointer, never changing it
// again: [From] finds &c.IDs in &c and in every context derived from it.
// [With] is the simple way to the same result.
type Context struct {
	context.Context
	IDs IDs
}

// Value returns the ids for [From]'s key and asks the parent otherwise.
func (c *Context) Value(key any) any {
	if _, ok := key.(ctxKey); ok {
		return &c.IDs
	}
	return c.Context.Value(key)
}

// String describes c as context.WithValue's contexts describe themselves.
func (c *Context) String() string {
	return fmt.Sprintf("%v.WithValue(correlation.IDs, %+v)", c.Context, c.IDs)
}

// From returns the identifiers carried by ctx, or nil when it carries none.
// The result is shared by every holder of the context and must not be modified;
// derive a new context with [With] instead.
func From(ctx context.Context) *IDs {
	if ctx == nil {
		return nil
	}
	ids, _ := ctx.Value(ctxKey{}).(*IDs)
	return ids
}

// NewCorrelationID returns a new correlation id: 32 lower-case hex digits
// holding 128 random bits, the shape of a W3C Trace Context trace-id, so a
// tracing backend can use it as the trace id of the session. The bits come
// from math/rand/v2's global generator (ChaCha8, seeded by the operating
// system for each process), so ids are unique across processes with
// overwhelming probability, and making one costs two random draws and a hex
// encoding. It never returns the all-zero id.
func NewCorrelationID() string {
	var b [16]byte
	for {
		hi, lo := rand.Uint64(), rand.Uint64()
		if hi|lo == 0 {
			continue
		}
		for i := range 8 {
			b[i] = byte(hi >> (56 - 8*i))
			b[8+i] = byte(lo >> (56 - 8*i))
		}
		return hex.EncodeToString(b[:])
	}
}

// Ensure returns ctx and its ids, first deriving a context with a new
// correlation id (see [NewCorrelationID]) when ctx carries none. A run that
// is recorded in two shapes (the bus's events and the Agents SDK's trace,
// say) takes its id here, so that both name it.
func Ensure(ctx context.Context) (context.Context, IDs) {
	var ids IDs
	if cur := From(ctx); cur != nil {
		ids = *cur
	}
	if ids.Correlation != "" {
		return ctx, ids
	}
	ids.Correlation = NewCorrelationID()
	return With(ctx, ids), ids
}

// WithThread returns a copy of ctx whose ids name thread as the Codex thread,
// keeping the others.
func WithThread(ctx context.Context, thread string) context.Context {
	ids := value(ctx)
	ids.Thread = thread
	return With(ctx, ids)
}

// WithTurn returns a copy of ctx whose ids name turn as the current turn,
// keeping the others.
func WithTurn(ctx context.Context, turn string) context.Context {
	ids := value(ctx)
	ids.Turn = turn
	return With(ctx, ids)
}

func value(ctx context.Context) IDs {
	if cur := From(ctx); cur != nil {
		return *cur
	}
	return IDs{}
}

// NewSpanID returns a new random span id: 16 lower-case hex digits, the W3C
// Trace Context span-id form. It never returns the all-zero id.
func NewSpanID() string {
	var b [8]byte
	for {
		v := rand.Uint64()
		if v == 0 {
			continue
		}
		for i := range b {
			b[i] = byte(v >> (56 - 8*i))
		}
		return hex.EncodeToString(b[:])
	}
}
