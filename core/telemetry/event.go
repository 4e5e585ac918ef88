package telemetry

import (
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/codextel/codextel/core/correlation"
)

// The number of measurements and metadata attributes an Event holds without
// allocating. Span events carry two measurements; most events in the catalog
// carry five or fewer metadata attributes, like most slog call sites. Handlers
// receive events by value, so every inline slot is copied once per handler:
// the sizes are a trade between that copy and the allocation beyond them.
const (
	measurementsInline = 2
	metadataInline     = 5
)

// An Event is one occurrence of something worth telling: a named event with
// numeric measurements, ordered metadata, a time and the correlation ids of the
// context it was emitted in.
//
// An Event is a value: handlers receive their own copy and may keep it, and
// adding to one copy never changes another. The Add methods copy what they are
// given, so the caller may reuse its slices.
type Event struct {
	// Name is the dotted event name, such as "codex.tool.start".
	Name string

	// Time is when the event happened. [Bus.Emit] leaves it zero, so that an
	// emission costs no clock read (on the machines codextel is measured on, a
	// clock read costs more than the whole dispatch); spans and events built with
	// [NewEvent] carry their time. Handlers that need a time use [Event.TimeOr].
	Time time.Time

	ids *correlation.IDs

	nMeasurements uint8
	nMetadata     uint8
	measurements  [measurementsInline]Measurement
	metadata      [metadataInline]slog.Attr

	// more holds what does not fit inline. It is never modified once made, so
	// copies of an event may share it.
	more *overflow
}

type overflow struct {
	measurements []Measurement
	metadata     []slog.Attr
}

// NewEvent returns an event named name that happened at t. Add measurements
// and metadata with [Event.AddMeasurements] and [Event.AddMetadata], then give
// it to [Bus.EmitEvent].
func NewEvent(name string, t time.Time) Event {
	return Event{Name: name, Time: t}
}

// TimeOr returns e.Time, or now() when the event carries no time.
func (e *Event) TimeOr(now func() time.Time) time.Time {
	if e.Time.IsZero() {
		return now()
	}
	return e.Time
}

// IDs returns the correlation ids of the context the event was emitted in.
func (e *Event) IDs() correlation.IDs {
	if e.ids == nil {
		return correlation.IDs{}
	}
	return *e.ids
}

// SetIDs sets the correlation ids the event carries. [Bus.Emit] and
// [Bus.EmitEvent] set them from the context, so only code that builds events
// for a handler directly, such as tests, needs this.
func (e *Event) SetIDs(ids correlation.IDs) { e.ids = &ids }

// NumMeasurements returns the number of measurements.
func (e *Event) NumMeasurements() int {
	if e.more == nil {
		return int(e.nMeasurements)
	}
	return int(e.nMeasurements) + len(e.more.measurements)
}

// Measurements calls yield for each measurement in order, stopping when yield
// returns false. It is an [iter.Seq]: for m := range e.Measurements { ... }.
func (e *Event) Measurements(yield func(Measurement) bool) {
	for i := range e.nMeasurements {
		if !yield(e.measurements[i]) {
			return
		}
	}
	if e.more == nil {
		return
	}
	for _, m := range e.more.measurements {
		if !yield(m) {
			return
		}
	}
}

// Measurement returns the value of the first measurement named key.
func (e *Event) Measurement(key string) (Number, bool) {
	for m := range e.Measurements {
		if m.Key == key {
			return m.Value, true
		}
	}
	return Number{}, false
}

// AddMeasurements appends ms to the event's measurements.
func (e *Event) AddMeasurements(ms ...Measurement) {
	n := min(len(ms), measurementsInline-int(e.nMeasurements))
	for i := range n {
		e.measurements[int(e.nMeasurements)+i] = ms[i]
	}
	e.nMeasurements += uint8(n)
	if n < len(ms) {
		more := e.overflow()
		more.measurements = append(more.measurements, ms[n:]...)
	}
}

// overflow returns a fresh overflow record holding a copy of the current one,
// for an Add that spills: copies of the event made earlier keep the old one.
func (e *Event) overflow() *overflow {
	more := new(overflow)
	if e.more != nil {
		more.measurements = slices.Clip(e.more.measurements)
		more.metadata = slices.Clip(e.more.metadata)
	}
	e.more = more
	return more
}

// NumMetadata returns the number of metadata attributes.
func (e *Event) NumMetadata() int {
	if e.more == nil {
		return int(e.nMetadata)
	}
	return int(e.nMetadata) + len(e.more.metadata)
}

// Metadata calls yield for each metadata attribute in order, stopping when yield
// returns false. It is an [iter.Seq]: for a := range e.Metadata { ... }.
func (e *Event) Metadata(yield func(slog.Attr) bool) {
	for i := range e.nMetadata {
		if !yield(e.metadata[i]) {
			return
		}
	}
	if e.more == nil {
		return
	}
	for _, a := range e.more.metadata {
		if !yield(a) {
			return
		}
	}
}

// Lookup returns the value of the first metadata attribute named key.
func (e *Event) Lookup(key string) (slog.Value, bool) {
	for a := range e.Metadata {
		if a.Key == key {
			return a.Value, true
		}
	}
	return slog.Value{}, false
}

// Has reports whether the event has a metadata attribute named key.
func (e *Event) Has(key string) bool {
	_, ok := e.Lookup(key)
	return ok
}

// AddMetadata appends attrs to the event's metadata. Order is kept: handlers
// see the attributes in the order they were added.
func (e *Event) AddMetadata(attrs ...slog.Attr) {
	// An element-wise copy, not the copy builtin: for an event on the stack the
	// compiler can then store directly, without the runtime's write-barrier
	// checks for a slice of pointerful values.
	n := min(len(attrs), metadataInline-int(e.nMetadata))
	for i := range n {
		e.metadata[int(e.nMetadata)+i] = attrs[i]
	}
	e.nMetadata += uint8(n)
	if n < len(attrs) {
		more := e.overflow()
		more.metadata = append(more.metadata, attrs[n:]...)
	}
}

// String returns a compact, deterministic description of the event for tests
// and debugging: name{measurements}[metadata].
func (e Event) String() string {
	var b strings.Builder
	b.WriteString(e.Name)
	b.WriteByte('{')
	i := 0
	for m := range e.Measurements {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(m.String())
		i++
	}
	b.WriteString("}[")
	i = 0
	for a := range e.Metadata {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.String())
		i++
	}
	b.WriteByte(']')
	return b.String()
}

// setMoreMetadata makes extra the metadata beyond the inline slots, which
// must hold none yet. Only for an event still private to its builder (the
// bus's, before any handler has a copy): its overflow record, if any, was
// made by that builder and is shared with nobody, so it is completed in
// place rather than copied. Building the overflow in one slice keeps an
// event with n attributes at one allocation, not n copies of a growing one.
func (e *Event) setMoreMetadata(extra []slog.Attr) {
	if len(extra) == 0 {
		return
	}
	if e.more == nil {
		e.more = new(overflow)
	}
	e.more.metadata = extra
}

// addMetadata appends one attribute (the drop reports use it), copying the
// overflow record when it spills.
func (e *Event) addMetadata(a slog.Attr) {
	if int(e.nMetadata) < metadataInline {
		e.metadata[e.nMetadata] = a
		e.nMetadata++
		return
	}
	more := e.overflow()
	more.metadata = append(more.metadata, a)
}
