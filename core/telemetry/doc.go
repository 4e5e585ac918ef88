// Package telemetry is codextel's event bus: code emits named events with
// numeric measurements and ordered metadata, and handlers attached to those
// names receive them. It is modelled on Erlang's :telemetry (attach, detach,
// execute, span, list handlers), made idiomatic Go.
//
// # Events
//
// An [Event] has a dotted name ("codex.tool.start"), measurements (numbers:
// durations, token counts, sizes; see [Measurement]), metadata ([log/slog]
// attributes, order kept end to end), a time, and the correlation ids of the
// context it was emitted in (see package correlation). The names codextel
// emits, with their fields, are listed by package catalog.
//
// # Handlers
//
// [Bus.Attach] attaches a [Handler] under a unique id to exact names
// ("codex.tool.start"), prefixes ("codex.tool.*") or everything ("*").
// Emission calls the matching handlers synchronously on the emitting
// goroutine, in attach order, so one goroutine's events reach a handler in
// the order it emitted them. A handler that panics is recovered, detached and
// reported as a [HandlerFailure] event; the emitter carries on.
//
// # Spans
//
// [Bus.Span] and [Bus.StartSpan] bracket work with <name>.start and
// <name>.stop or <name>.exception events that share a span id; nested spans
// record their parent, so the events form a tree.
//
// # Cost
//
// Emission takes no lock: it loads an immutable snapshot of the attached
// handlers. With nobody listening, an emission is an atomic load and a branch;
// [Bus.Enabled] lets a caller skip building metadata nobody will read; a
// disabled bus ([Bus.SetEnabled]) costs the same. Delivering an event to a
// handler allocates nothing for up to 2 measurements and 5 metadata
// attributes. docs/performance.md has the measured figures.
package telemetry
