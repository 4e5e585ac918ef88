package codexotel

import (
	"context"
	"log/slog"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/trace"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/eventlog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// logWriter writes events as OpenTelemetry log records: one log.Logger per
// Python logger name, so that the instrumentation scope is the logger name.
type logWriter struct {
	provider log.LoggerProvider
	level    pylog.Level
	mapper   eventlog.Mapper

	known map[string]log.Logger // the catalog's loggers, made up front
	more  sync.Map              // string -> log.Logger, loggers of events outside the catalog
}

func newLogWriter(p log.LoggerProvider, level pylog.Level) *logWriter {
	w := &logWriter{provider: p, level: level, known: map[string]log.Logger{}}
	for _, e := range catalog.All() {
		if _, ok := w.known[e.Logger]; !ok {
			w.known[e.Logger] = p.Logger(e.Logger)
		}
	}
	return w
}

func (w *logWriter) logger(name string) log.Logger {
	if l, ok := w.known[name]; ok {
		return l
	}
	if l, ok := w.more.Load(name); ok {
		return l.(log.Logger)
	}
	l, _ := w.more.LoadOrStore(name, w.provider.Logger(name))
	return l.(log.Logger)
}

// forName returns the logger of the events named name: their catalog
// entry's Python logger, or for an event outside the catalog its name up to
// the last dot, as eventlog names it.
func (w *logWriter) forName(name string) log.Logger {
	e := telemetry.Event{Name: name}
	return w.logger(eventlog.Logger(&e))
}

// kvInline is how many attributes a record is converted with before the
// conversion buffer spills to the heap: catalog events carry up to about a
// dozen fields with their correlation ids.
const kvInline = 16

// enabled reports whether w writes an event of entry (nil outside the
// catalog, written at INFO) at one of the levels it can have.
func (w *logWriter) enabled(entry *catalog.Entry) bool {
	if entry == nil {
		return pylog.Info >= w.level
	}
	return entry.Level >= w.level || entry.DataLevel != 0 && entry.DataLevel >= w.level
}

// emit writes e, whose correlation ids are ids, as one log record through
// logger (its route's: see [logWriter.forName]), under a context carrying sc.
// It reads the event in place, building no pylog.Record: the attributes are
// the event's metadata, measurements and non-empty correlation ids, in
// eventlog's record order, and the message is eventlog's.
func (w *logWriter) emit(ctx context.Context, e *telemetry.Event, ids *correlation.IDs, sc trace.SpanContext, logger log.Logger) {
	entry := e.Entry()
	level := pylog.Info
	var tmpl catalog.Template
	if entry != nil {
		tmpl, level = entry.MessageFor(e.Has)
	}
	// The level first, so that a record below it is not built at all.
	if level < w.level {
		return
	}

	var r log.Record
	r.SetEventName(e.Name)
	r.SetTimestamp(e.When())
	r.SetSeverity(severity(level))
	r.SetSeverityText(severityText(level))

	var buf [kvInline]attribute.KeyValue
	kvs := buf[:0]
	var ex exception
	// Values the scrubber read only in part (structs) are written as it
	// read them, in the attributes and in the message alike.
	changed := false
	for a := range e.Metadata {
		v := a.Value
		var lv attribute.Value
		switch v.Kind() {
		case slog.KindString: // most fields: converted here, without a call
			lv = attribute.StringValue(v.String())
		case slog.KindAny, slog.KindGroup, slog.KindLogValuer:
			if sv, ok := safeValue(v, maxDepth); ok {
				v, changed = sv, true
			}
			lv = logValue(v)
		default:
			lv = logValue(v)
		}
		ex.note(a.Key, v)
		kvs = append(kvs, attribute.KeyValue{Key: attribute.Key(a.Key), Value: lv})
	}
	for m := range e.Measurements {
		ex.note(m.Key, slog.Value{}) // a number: never one of the exception's texts
		kvs = append(kvs, attribute.KeyValue{Key: attribute.Key(m.Key), Value: numberValue(m.Value)})
	}
	for _, f := range ids.Fields() { // correlation keys: none is an exception field
		if f.Value != "" {
			kvs = append(kvs, attribute.String(f.Key, f.Value))
		}
	}
	// An exception event also gets the exception attributes Python's
	// LoggingHandler adds for a record with exc_info.
	kvs = ex.appendTo(kvs)

	msg := e.Name // outside the catalog
	if entry != nil {
		msg = w.message(e, tmpl, changed)
	}
	r.SetBody(attribute.StringValue(msg))
	r.AddAttributes(kvs...)

	lc := logContexts.Get().(*logContext)
	lc.parent, lc.span.sc = ctx, sc
	logger.Emit(lc, r)
	lc.parent, lc.span.sc = nil, trace.SpanContext{}
	logContexts.Put(lc)
}

// messages holds the buffers messages are rendered into before the copy a
// record keeps.
var messages = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// message returns the message eventlog's record of e has, rendered from
// tmpl, e's entry's template for it, as a string of its own (the SDK's
// processors may keep the record). When safeValue changed a value (changed),
// the message is rendered from the values as the attributes have them.
func (w *logWriter) message(e *telemetry.Event, tmpl catalog.Template, changed bool) string {
	if lit, ok := tmpl.Literal(); ok {
		return lit
	}
	if changed {
		rec := pylog.GetRecord()
		defer pylog.PutRecord(rec)
		w.mapper.Map(rec, e)
		for i, a := range rec.Attrs {
			if v, ok := safeValue(a.Value, maxDepth); ok {
				rec.Attrs[i].Value = v
			}
		}
		return eventlog.Message(tmpl, rec.Attrs)
	}
	bp := messages.Get().(*[]byte)
	*bp = eventlog.AppendMessage((*bp)[:0], tmpl, e)
	msg := string(*bp)
	if cap(*bp) <= 16<<10 {
		messages.Put(bp)
	}
	return msg
}

// exception collects an event's error_type, reason and stacktrace fields, as
// the last field of each key has them, for the exception attributes.
type exception struct {
	errType, reason, stack slog.Value
}

// note records the field key=v when key is one of the exception's.
func (x *exception) note(key string, v slog.Value) {
	switch key {
	case "error_type":
		x.errType = v
	case "reason":
		x.reason = v
	case "stacktrace":
		x.stack = v
	}
}

// appendTo appends the exception attributes to kvs when the event has an
// error_type and a reason, both strings: exception.type, exception.message,
// and exception.stacktrace when its stacktrace is a string.
func (x *exception) appendTo(kvs []attribute.KeyValue) []attribute.KeyValue {
	if x.errType.Kind() != slog.KindString || x.reason.Kind() != slog.KindString {
		return kvs
	}
	kvs = append(kvs,
		attribute.String("exception.type", x.errType.String()),
		attribute.String("exception.message", x.reason.String()))
	if x.stack.Kind() == slog.KindString {
		kvs = append(kvs, attribute.String("exception.stacktrace", x.stack.String()))
	}
	return kvs
}
