// Package eventlog maps a telemetry event to a log record, the one way every
// log adapter does: the catalog gives the Python logger name, the level and
// the message template; the event gives the values.
//
// # Record conversion
//
//   - Time: the event's time, or the mapper's clock when the event has none.
//   - Level, Logger: the catalog entry's. An event the catalog does not list is
//     logged at INFO by the logger named by its name up to the last dot
//     ("myapp.cache.miss" by "myapp.cache"), with its name as the message.
//   - Message: the entry's data message when the event carries every data
//     field it names (the bus removed the fields its redaction policy did not
//     let through), else the redacted message; values are rendered as Python's
//     str() renders them (see [pylog.AppendStr]), a missing one as None.
//   - Attrs: the metadata in order, then the measurements in order, then the
//     correlation fields the event's context had (correlation_id, thread_id,
//     turn_id, span_id, parent_span_id; empty ones left out).
//   - Err: none. An exception event's error is in its kind, reason and
//     error_type fields, and in its message.
package eventlog

import (
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// A Mapper fills log records from events. The zero Mapper reads the clock
// with time.Now. A Mapper is safe for concurrent use.
type Mapper struct {
	// Now, when set, replaces time.Now for events that carry no time.
	Now func() time.Time
}

var scratch = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// Map fills r from e, reusing the backing array of r.Attrs.
func (m *Mapper) Map(r *pylog.Record, e *telemetry.Event) {
	now := time.Now
	if m != nil && m.Now != nil {
		now = m.Now
	}
	r.Time = e.TimeOr(now)
	r.Err = nil
	r.Attrs = appendAttrs(r.Attrs[:0], e)

	entry, ok := catalog.Lookup(e.Name)
	if !ok {
		r.Level = pylog.Info
		r.Logger = parentName(e.Name)
		r.Message = e.Name
		return
	}
	r.Logger = entry.Logger
	tmpl, level := entry.MessageFor(e.Has)
	r.Level = level
	r.Message = Message(tmpl, r.Attrs)
}

// Level returns the level [Mapper.Map] gives e, without rendering anything,
// so that an adapter can reject a disabled level before mapping the event.
func Level(e *telemetry.Event) pylog.Level {
	entry, ok := catalog.Lookup(e.Name)
	if !ok {
		return pylog.Info
	}
	_, level := entry.MessageFor(e.Has)
	return level
}

// appendAttrs appends e's fields to dst in record order: metadata,
// measurements, then the non-empty correlation fields.
func appendAttrs(dst []slog.Attr, e *telemetry.Event) []slog.Attr {
	for a := range e.Metadata {
		dst = append(dst, a)
	}
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
// them; a field attrs lacks renders as None.
func Message(tmpl catalog.Template, attrs []slog.Attr) string {
	if lit, ok := tmpl.Literal(); ok {
		return lit
	}
	bp := scratch.Get().(*[]byte)
	b := (*bp)[:0]
	for text, isField := range tmpl.Parts {
		if !isField {
			b = append(b, text...)
			continue
		}
		v := slog.AnyValue(nil)
		for _, a := range attrs {
			if a.Key == text {
				v = a.Value
				break
			}
		}
		b = pylog.AppendStr(b, v)
	}
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
