// Package eventlog maps a telemetry event to a log record, the one way every
// log adapter does: the catalog gives the Python logger name, the level and
// the message template; the event gives the values.
//
// # Record conversion
//
//   - Time: the event's ([telemetry.Event.When]): the bus's clock, read once
//     for every handler of the emission, for an event that carries none.
//   - Level, Logger: the catalog entry's. An event the catalog does not list is
//     logged at INFO by the logger named by its name up to the last dot
//     ("myapp.cache.miss" by "myapp.cache"), with its name as the message.
//   - Message: the entry's data message when the event carries every data
//     field it names (the bus removed the fields its redaction policy did not
//     let through), else the redacted message; values are rendered as Python's
//     str() renders them (see [pylog.AppendStr]), a missing one as None. The
//     catalog compiles each template once ([catalog.Template.Append]); Map
//     returns the message as a string of its own, [Mapper.MapInto] renders it
//     into a buffer the caller keeps, without copying or allocating.
//   - Attrs: the metadata in order, then the measurements in order, then the
//     correlation fields the event's context had (correlation_id, thread_id,
//     turn_id, span_id, parent_span_id; empty ones left out).
//   - Err: none. An exception event's error is in its kind, reason and
//     error_type fields, and in its message.
//
// An adapter that writes the event's fields itself need not build a record:
// [Logger], [Level] and [AppendMessage] give the record's logger, level and
// message from the event in place, and the fields are the event's metadata,
// measurements and non-empty correlation ids, in that order.
package eventlog

import (
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// A Mapper fills log records from events. The zero Mapper is ready to use
// and safe for concurrent use. It reads no clock of its own: a record's time
// is its event's.
type Mapper struct {
	// NoTime leaves the record's time zero, for a logger that stamps its
	// own: the event's time is then not asked for, and an event emitted
	// with none costs no clock read.
	NoTime bool
}

// Map fills r from e, reusing the backing array of r.Attrs. r.Message is a
// string of its own (a literal template's text, or one allocation), which
// the record's consumers may keep.
func (m *Mapper) Map(r *pylog.Record, e *telemetry.Event) {
	tmpl, ok := m.mapRecord(r, e)
	if !ok {
		return
	}
	if lit, ok := tmpl.Literal(); ok {
		r.Message = lit
		return
	}
	r.Message = render(tmpl, r.Attrs)
}

// MapInto fills r from e as [Mapper.Map] does, but renders the message into
// buf (from its start, reusing its backing array) and returns buf, grown if
// it had to: r.Message then shares memory with the returned buffer, without
// a copy or an allocation, and reads correctly only until that buffer is
// written again. It is for a caller that keeps buf with the record (in the
// pooled state it writes events from) and whose consumers of the record do
// not keep r.Message past the write: pylog's formatters, or a library whose
// code shows it copies the message out before returning. A caller that
// hands r.Message to code that may keep it copies it first. The message
// borrows the buffer exactly when the returned buffer is not empty: a
// template without fields, or an event outside the catalog, has a message
// of its own (the template's text, the event's name) and gets buf[:0] back.
func (m *Mapper) MapInto(r *pylog.Record, e *telemetry.Event, buf []byte) []byte {
	tmpl, ok := m.mapRecord(r, e)
	if !ok {
		return buf[:0]
	}
	if lit, ok := tmpl.Literal(); ok {
		r.Message = lit
		return buf[:0]
	}
	buf = tmpl.Append(buf[:0], r.Attrs)
	r.Message = unsafe.String(unsafe.SliceData(buf), len(buf))
	return buf
}

// mapRecord fills every field of r but the message, and returns the
// template the message is rendered from, or false when the event is not in
// the catalog (r.Message is then its name).
func (m *Mapper) mapRecord(r *pylog.Record, e *telemetry.Event) (catalog.Template, bool) {
	r.Time = time.Time{}
	if m == nil || !m.NoTime {
		r.Time = e.When()
	}
	r.Err = nil
	r.Attrs = appendAttrs(r.Attrs[:0], e)

	entry := e.Entry()
	if entry == nil {
		r.Level = pylog.Info
		r.Logger = parentName(e.Name)
		r.Message = e.Name
		return catalog.Template{}, false
	}
	r.Logger = entry.Logger
	tmpl, level := entry.MessageFor(e.Has)
	r.Level = level
	return tmpl, true
}

// Level returns the level [Mapper.Map] gives e, without rendering anything,
// so that an adapter can reject a disabled level before mapping the event.
func Level(e *telemetry.Event) pylog.Level {
	entry := e.Entry()
	if entry == nil {
		return pylog.Info
	}
	_, level := entry.MessageFor(e.Has)
	return level
}

// Logger returns the logger name [Mapper.Map] gives e: its catalog entry's,
// or, for an event the catalog does not list, its name up to the last dot.
func Logger(e *telemetry.Event) string {
	if entry := e.Entry(); entry != nil {
		return entry.Logger
	}
	return parentName(e.Name)
}

// AppendMessage appends tmpl filled in with e's fields to dst and returns
// the extended slice: the message [Mapper.Map] gives e when tmpl is the
// template e's entry gives it ([catalog.Entry.MessageFor] with e.Has). It
// reads the event in place, building no record, for an adapter that writes
// the event's fields itself and needs only its message. A field is looked
// up as [catalog.Template.Append] looks it up in a record's attributes: the
// first metadata attribute with its key, else the first measurement, else
// the non-empty correlation id; a field the event lacks renders as None.
// Values are rendered as Python's str() renders them ([pylog.AppendStr]),
// without allocating for the values it renders without allocating.
func AppendMessage(dst []byte, tmpl catalog.Template, e *telemetry.Event) []byte {
	for text, isField := range tmpl.Parts {
		if !isField {
			dst = append(dst, text...)
			continue
		}
		v, ok := e.Lookup(text) // most fields: metadata, found without a call
		if !ok {
			v = otherValue(e, text)
		}
		dst = pylog.AppendStr(dst, v)
	}
	return dst
}

// otherValue is the value of e's field named key that is not in its
// metadata, in record order: a measurement, else a non-empty correlation
// id; nil (Python's None) when e has none.
func otherValue(e *telemetry.Event, key string) slog.Value {
	if n, ok := e.Measurement(key); ok {
		return n.Value()
	}
	if id, _ := e.IDs().Lookup(key); id != "" {
		return slog.StringValue(id)
	}
	return slog.AnyValue(nil)
}

// appendAttrs appends e's fields to dst in record order: metadata,
// measurements, then the non-empty correlation fields.
func appendAttrs(dst []slog.Attr, e *telemetry.Event) []slog.Attr {
	dst = slices.Grow(dst, e.NumMetadata()+e.NumMeasurements()+correlation.NumFields)
	dst = e.AppendMetadata(dst) // one copy, where ranging copies each 40-byte attribute twice
	for ms := range e.Measurements {
		dst = append(dst, ms.Attr())
	}
	ids := e.IDs()
	for _, f := range ids.Fields() {
		if f.Value != "" {
			dst = append(dst, slog.String(f.Key, f.Value))
		}
	}
	return dst
}

// Message renders tmpl with the values of attrs, as Python's str() renders
// them; a field attrs lacks renders as None. See [catalog.Template.Append].
func Message(tmpl catalog.Template, attrs []slog.Attr) string {
	if lit, ok := tmpl.Literal(); ok {
		return lit
	}
	return render(tmpl, attrs)
}

// scratch holds the buffers render fills before copying them to a string.
var scratch = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// render returns tmpl filled in from attrs as a string of its own.
func render(tmpl catalog.Template, attrs []slog.Attr) string {
	bp := scratch.Get().(*[]byte)
	b := tmpl.Append((*bp)[:0], attrs)
	msg := string(b)
	if cap(b) <= 16<<10 {
		*bp = b
		scratch.Put(bp)
	}
	return msg
}

// parentName is the logger of an event outside the catalog.
func parentName(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[:i]
	}
	return name
}
