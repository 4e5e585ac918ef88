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

// A Mapper fills log records from events. The zero Mapper is ready to use
// and safe for concurrent use. It reads no clock of its own: a record's time
// is its event's.
type Mapper struct {
	// NoTime leaves the record's time zero, for a logger that stamps its
	// own: the event's time is then not asked for, and an event emitted
	// with none costs no clock read.
	NoTime bool
}

var scratch = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// Map fills r from e, reusing the backing array of r.Attrs.
func (m *Mapper) Map(r *pylog.Record, e *telemetry.Event) {
	r.Time = time.Time{}
	if m == nil || !m.NoTime {
		r.Time = e.When()
	}
	r.Err = nil
	r.Attrs = AppendAttrs(r.Attrs[:0], e)

	entry := e.Entry()
	if entry == nil {
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
	entry := e.Entry()
	if entry == nil {
		return pylog.Info
	}
	_, level := entry.MessageFor(e.Has)
	return level
}

// AppendAttrs appends e's fields to dst in record order: metadata,
// measurements, then the non-empty correlation fields.
func AppendAttrs(dst []slog.Attr, e *telemetry.Event) []slog.Attr {
	for a := range e.Metadata {
		dst = append(dst, a)
	}
	for ms := range e.Measurements {
		dst = append(dst, ms.Attr())
	}
	ids := e.IDs()
	for _, f := range [...]struct{ key, value string }{
		{"correlation_id", ids.Correlation},
		{"thread_id", ids.Thread},
		{"turn_id", ids.Turn},
		{"span_id", ids.Span},
		{"parent_span_id", ids.ParentSpan},
	} {
		if f.value != "" {
			dst = append(dst, slog.String(f.key, f.value))
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
