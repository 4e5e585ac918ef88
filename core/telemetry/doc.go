// Package telemetry is codextel's event bus: code emits named events with
// numeric measurements and ordered metadata, and handlers attached to those
// names receive them. It is modelled on Erlang's :telemetry (attach, detach,
// execute, span, list handlers), made idiomatic Go.
//
// # Events
//
// An [Event] has a dotted name ("codex.tool.start"), measurements (numbers:
// durations, token counts, sizes; see [Measurement]), metadata ([log/slog]
// attributes, order kept end to end), a time, the correlation ids of the
// context it was emitted in (see package correlation), and its entry in
// package catalog, which lists the names codextel emits with their fields.
// The bus looks each emission's name up once and hands the entry to every
// handler ([Event.Entry]), and gives the emission one time, read from its
// clock at most once and only when a handler asks ([Event.When]).
//
// # Handlers
//
// [Bus.Attach] attaches a [Handler] under a unique id to exact names
// ("codex.tool.start"), prefixes ("codex.tool.*") or everything ("*").
// Emission calls the matching handlers synchronously on the emitting
// goroutine, in attach order, so one goroutine's events reach a handler in
// the order it emitted them. A handler that implements [EnabledHandler] is
// asked first, before the bus does any work, whether it wants the event. The
// event a handler receives is borrowed: valid until Handle returns, and kept
// with [Event.Clone]. A handler that panics is recovered, detached and
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
// disabled bus ([Bus.SetEnabled]) costs the same, and an event every handler
// declines costs the lookup of its name and the Enabled calls. Delivering an
// event allocates nothing, whatever its number of fields: the bus copies
// them once into a record it reuses, redacting and scrubbing them as the
// catalog's field plan says, and every handler reads that one record. A span
// allocates once. docs/performance.md has the measured figures.
package telemetry
