package telemetry

import "context"

// A Handler receives the events it is attached to. [Bus] calls Handle
// synchronously on the emitting goroutine, in attach order, so events emitted
// by one goroutine reach a handler in the order they were emitted. Handle may
// be called from many goroutines at once and must be safe for that.
//
// Handle must not block for long: the emitter waits for it. It owns its copy of
// the event and may keep it, and may add to it: an Add that does not fit the
// event's inline room moves the event to storage of its own, so the other
// handlers' copies do not change (see [Event.AddMetadata]). A Handle that panics is recovered, detached from every event, and
// reported as a [HandlerFailure] event; the emitter carries on. Cancellation of
// ctx must not stop a handler from handling the event.
type Handler interface {
	Handle(ctx context.Context, e Event)
}

// HandlerFunc adapts a function to the [Handler] interface.
type HandlerFunc func(ctx context.Context, e Event)

// Handle calls f(ctx, e).
func (f HandlerFunc) Handle(ctx context.Context, e Event) { f(ctx, e) }

var _ Handler = HandlerFunc(nil)

// HandlerInfo describes an attached handler, as listed by [Bus.Handlers].
type HandlerInfo struct {
	// ID is the id the handler was attached under.
	ID string
	// Patterns are the event names and prefixes it was attached to, as given.
	Patterns []string
}
