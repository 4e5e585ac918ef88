package correlation

import (
	"context"
	"encoding/hex"
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
}

type ctxKey struct{}

// With returns a copy of ctx that carries ids.
func With(ctx context.Context, ids IDs) context.Context {
	return context.WithValue(ctx, ctxKey{}, &ids)
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
