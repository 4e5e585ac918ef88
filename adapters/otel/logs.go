package codexotel

import (
	"context"
	"log/slog"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/trace"

	"github.com/codextel/codextel/core/catalog"
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

// emit writes e as one log record, under a context carrying sc.
func (w *logWriter) emit(ctx context.Context, e *telemetry.Event, sc trace.SpanContext) {
	// The level first, so that a record below it is not mapped at all.
	if eventlog.Level(e) < w.level {
		return
	}
	rec := pylog.GetRecord()
	defer pylog.PutRecord(rec)
	w.mapper.Map(rec, e)
	// Values the scrubber read only in part (structs) are written as it
	// read them, in the attributes and in the message alike.
	changed := false
	for i, a := range rec.Attrs {
		if v, ok := safeValue(a.Value, maxDepth); ok {
			rec.Attrs[i].Value, changed = v, true
		}
	}
	if changed {
		if entry := e.Entry(); entry != nil {
			tmpl, _ := entry.MessageFor(e.Has)
			rec.Message = eventlog.Message(tmpl, rec.Attrs)
		}
	}

	var r log.Record
	r.SetEventName(e.Name)
	r.SetTimestamp(rec.Time)
	r.SetSeverity(severity(rec.Level))
	r.SetSeverityText(severityText(rec.Level))
	r.SetBody(attribute.StringValue(rec.Message))

	var buf [kvInline]attribute.KeyValue
	kvs := buf[:0]
	var errType, reason, stack slog.Value
	for _, a := range rec.Attrs {
		switch a.Key {
		case "error_type":
			errType = a.Value
		case "reason":
			reason = a.Value
		case "stacktrace":
			stack = a.Value
		}
		kvs = append(kvs, attribute.KeyValue{Key: attribute.Key(a.Key), Value: logValue(a.Value)})
	}
	// An exception event also gets the exception attributes Python's
	// LoggingHandler adds for a record with exc_info.
	if errType.Kind() == slog.KindString && reason.Kind() == slog.KindString {
		kvs = append(kvs,
			attribute.String("exception.type", errType.String()),
			attribute.String("exception.message", reason.String()))
		if stack.Kind() == slog.KindString {
			kvs = append(kvs, attribute.String("exception.stacktrace", stack.String()))
		}
	}
	r.AddAttributes(kvs...)

	lc := logContexts.Get().(*logContext)
	lc.parent, lc.span.sc = ctx, sc
	w.logger(rec.Logger).Emit(lc, r)
	lc.parent, lc.span.sc = nil, trace.SpanContext{}
	logContexts.Put(lc)
}
