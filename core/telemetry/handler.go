package telemetry

import (
	"context"

	"github.com/codextel/codextel/core/catalog"
)

// A Handler receives the events it is attached to. [Bus] calls Handle
// synchronously on the emitting goroutine, in attach order, so events emitted
// by one goroutine reach a handler in the order they were emitted. Handle may
// be called from many goroutines at once and must be safe for that.
//
// The event is borrowed: it is valid until Handle returns (see [Event]). A
// handler that keeps it, or passes it to work that outlives Handle, keeps
// [Event.Clone]'s copy. Handle must not block for long: the emitter waits for
// it. A Handle that panics is recovered, detached from every event, and
// reported as a [HandlerFailure] event; the emitter carries on. Cancellation
// of ctx must not stop a handler from handling the event.
type Handler interface {
	Handle(ctx context.Context, e Event)
}

// An EnabledHandler is a [Handler] that can decline an event before the bus
// prepares it. For each emission the bus asks every such handler the event
// would reach, before throttling, redaction and scrubbing; an event no
// handler wants costs the lookup of its name and these calls.
//
// Enabled reports whether the handler may write an event named name; entry
// is its catalog entry, nil for an event the catalog does not list (log
// adapters write those at INFO). A catalog event is written at entry.Level,
// or at entry.DataLevel when its data message is used, so a level-filtering
// handler says yes when either level is enabled. A yes commits to nothing:
// Handle still sees the event and may drop it. Enabled must be cheap, safe
// for concurrent use, and must not emit. A handler that does not implement
// it takes every event it is attached to, an answer the bus keeps in its
// dispatch tables.
type EnabledHandler interface {
	Handler
	Enabled(ctx context.Context, entry *catalog.Entry, name string) bool
}

// A StaticEnabledHandler is an [EnabledHandler] whose answer depends on the
// entry and the name only, never on the context or on when it is asked (a
// fixed level, a fixed set of events): the bus asks it once for each
// catalog name and each name a handler is attached to exactly, whenever a
// handler is attached or detached, and keeps the answer. For other names
// it asks on every emission, as it asks an EnabledHandler.
type StaticEnabledHandler interface {
	EnabledHandler
	EnabledIsStatic()
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
