package telemetry

import (
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
)

// An Event is one occurrence of something worth telling: a named event with
// numeric measurements, ordered metadata, a time, the correlation ids of the
// context it was emitted in, and its catalog entry.
//
// # Borrowed during Handle
//
// The bus hands every handler of one emission the same view of one record:
// an event a handler receives is valid only until its Handle returns. A
// handler that keeps the event, or hands it to work that outlives Handle,
// keeps [Event.Clone]'s copy instead. Race-detector builds enforce this: once
// every handler has returned, the bus overwrites the record, so a kept event
// that was not cloned reads poisoned metadata, measurements, ids, entry and
// time in tests. A borrowed event that a handler adds to (an Add method,
// [Event.SetIDs]) becomes an event of its own, as a clone is.
//
// An event of one's own ([NewEvent], or a clone) is a value: copies share
// nothing that an Add method changes, since the Add methods copy on write.
// They copy what they are given, so the caller may reuse its slices.
type Event struct {
	_ [0]func() // events are not comparable: == would compare records, not contents

	// Name is the dotted event name, such as "codex.tool.start".
	Name string

	// Time is when the event happened, when the event carries its time:
	// spans and events built with [NewEvent] do. [Bus.Emit] leaves it zero
	// and lets [Event.When] read the bus's clock once, on demand, for every
	// handler of the emission. Handlers read the time with [Event.When].
	Time time.Time

	// rec holds everything else: the correlation ids, the catalog entry,
	// the measurements and the metadata. During Handle it is the bus's
	// record of the emission, which also reads the time the event gets
	// when Time is zero; an event of one's own has a record of its own
	// (or none, when it has nothing but its name and time), replaced, not
	// changed, by the Add methods. An Event is thus six words, which a
	// call such as Handle passes in registers: copying it to every
	// handler costs no memory traffic.
	rec *record
}

// noEntry marks an event that is known not to be in the catalog, so that
// [Event.Entry] does not look it up again.
var noEntry = new(catalog.Entry)

// NewEvent returns an event named name that happened at t. Add measurements
// and metadata with [Event.AddMeasurements] and [Event.AddMetadata], then give
// it to [Bus.EmitEvent].
func NewEvent(name string, t time.Time) Event {
	return Event{Name: name, Time: t}
}

// lookupEntry returns name's catalog entry, or noEntry.
func lookupEntry(name string) *catalog.Entry {
	if en, ok := catalog.Lookup(name); ok {
		return en
	}
	return noEntry
}

// Entry returns the catalog entry of the event, or nil for an event the
// catalog does not list. The bus looks it up once per emission and hands
// it to every handler, so handlers need not look the name up again.
func (e *Event) Entry() *catalog.Entry {
	var en *catalog.Entry
	if e.rec != nil {
		en = e.rec.entry
	}
	if en == nil {
		en = lookupEntry(e.Name) // an event of one's own, not from the bus
	}
	if en == noEntry {
		return nil
	}
	return en
}

// When returns when the event happened: its Time when it carries one, else
// the time the bus gave the emission. The bus reads its clock (see
// [WithClock]) at most once per emission: before dispatch when more than one
// handler takes the event, else on the first call of When, and every handler
// of the emission gets that one time. An event of one's own that carries no
// time, given to a handler directly, reads [time.Now].
func (e *Event) When() time.Time {
	if !e.Time.IsZero() {
		return e.Time
	}
	if e.rec != nil && e.rec.clock != nil {
		return e.rec.when()
	}
	return time.Now()
}

// Clone returns a copy of e that owns its measurements, metadata and time:
// what a handler keeps of an event beyond its Handle. The attribute values
// themselves (a [slog.KindAny] value's referent, say) are shared.
func (e *Event) Clone() Event {
	r := &record{entry: e.rec.entryOrLookup(e.Name)}
	if o := e.rec; o != nil {
		r.ids = o.ids
		r.measurements = slices.Clone(o.measurements)
		r.metadata = slices.Clone(o.metadata)
	}
	return Event{Name: e.Name, Time: e.When(), rec: r}
}

// own gives e a record of its own, a copy of the one it has, for an Add
// method to change: copies of e, and the bus's record a borrowed event
// reads, stay as they were. A borrowed event becomes an event of its own,
// as [Event.Clone] makes one: it keeps its emission's time, ids and
// fields after Handle returns.
func (e *Event) own() *record {
	r := new(record)
	if o := e.rec; o != nil {
		r.ids, r.entry = o.ids, o.entry
		if o.clock != nil { // the bus's record, reused after Handle
			if e.Time.IsZero() {
				e.Time = o.when()
			}
			r.measurements, r.metadata = slices.Clone(o.measurements), slices.Clone(o.metadata)
		} else {
			r.measurements, r.metadata = slices.Clip(o.measurements), slices.Clip(o.metadata)
		}
	}
	e.rec = r
	return r
}

// IDs returns the correlation ids of the context the event was emitted in.
func (e *Event) IDs() correlation.IDs {
	if e.rec == nil || e.rec.ids == nil {
		return correlation.IDs{}
	}
	return *e.rec.ids
}

// SetIDs sets the correlation ids the event carries. [Bus.Emit] and
// [Bus.EmitEvent] set them from the context, so only code that builds events
// for a handler directly, such as tests, needs this.
func (e *Event) SetIDs(ids correlation.IDs) { e.own().ids = &ids }

// ids returns the correlation ids the event carries, nil for none.
func (e *Event) ids() *correlation.IDs {
	if e.rec == nil {
		return nil
	}
	return e.rec.ids
}

// fields returns the event's measurements and metadata.
func (e *Event) fields() ([]Measurement, []slog.Attr) {
	if e.rec == nil {
		return nil, nil
	}
	return e.rec.measurements, e.rec.metadata
}

// NumMeasurements returns the number of measurements.
func (e *Event) NumMeasurements() int {
	if e.rec == nil {
		return 0
	}
	return len(e.rec.measurements)
}

// Measurements calls yield for each measurement in order, stopping when yield
// returns false. It is an [iter.Seq]: for m := range e.Measurements { ... }.
func (e *Event) Measurements(yield func(Measurement) bool) {
	ms, _ := e.fields()
	for _, m := range ms {
		if !yield(m) {
			return
		}
	}
}

// Measurement returns the value of the first measurement named key.
func (e *Event) Measurement(key string) (Number, bool) {
	ms, _ := e.fields()
	for _, m := range ms {
		if m.Key == key {
			return m.Value, true
		}
	}
	return Number{}, false
}

// AddMeasurements appends ms to the event's measurements. It copies on
// write: other copies of the event, and the record a borrowed event points
// into, are not changed; a borrowed event becomes one of its own, valid
// after Handle returns.
func (e *Event) AddMeasurements(ms ...Measurement) {
	if len(ms) > 0 {
		r := e.own()
		r.measurements = append(r.measurements, ms...)
	}
}

// NumMetadata returns the number of metadata attributes.
func (e *Event) NumMetadata() int {
	if e.rec == nil {
		return 0
	}
	return len(e.rec.metadata)
}

// Metadata calls yield for each metadata attribute in order, stopping when yield
// returns false. It is an [iter.Seq]: for a := range e.Metadata { ... }.
func (e *Event) Metadata(yield func(slog.Attr) bool) {
	_, md := e.fields()
	for _, a := range md {
		if !yield(a) {
			return
		}
	}
}

// AppendMetadata appends the event's metadata attributes to dst, in order,
// and returns the extended slice: what ranging over [Event.Metadata] and
// appending gives, in one copy. dst is the caller's; the event is unchanged.
func (e *Event) AppendMetadata(dst []slog.Attr) []slog.Attr {
	_, md := e.fields()
	return append(dst, md...)
}

// Lookup returns the value of the first metadata attribute named key.
func (e *Event) Lookup(key string) (slog.Value, bool) {
	_, md := e.fields()
	for i := range md {
		if md[i].Key == key {
			return md[i].Value, true
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
// see the attributes in the order they were added. Like
// [Event.AddMeasurements] it copies on write.
func (e *Event) AddMetadata(attrs ...slog.Attr) {
	if len(attrs) > 0 {
		r := e.own()
		r.metadata = append(r.metadata, attrs...)
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
