package codexlogrus

import (
	"context"

	"github.com/sirupsen/logrus"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/eventlog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// LoggerKey is the field that holds an event's Python logger name
// ("codex.tool"): logrus has no named loggers.
const LoggerKey = "logger"

// DefaultID is the id [Attach] attaches its handler under. To attach under
// another id, or to other events, give [New]'s handler to
// [telemetry.Bus.Attach].
const DefaultID = "codexlogrus"

// Attach attaches [New]'s handler for logger to bus under [DefaultID], for
// every event codextel emits ("codex.*"), and returns the function that
// detaches it again (see [telemetry.Bus.Attach]: calling it a second time
// does nothing and returns an error wrapping [telemetry.ErrUnknownHandler]).
// A nil bus is [telemetry.Default]. Attach fails, attaching nothing, when
// the id is taken (wrapping [telemetry.ErrDuplicateHandler]).
func Attach(bus *telemetry.Bus, logger logrus.FieldLogger) (detach func() error, err error) {
	if bus == nil {
		bus = telemetry.Default()
	}
	return bus.Attach(DefaultID, newHandler(logger), "codex.*")
}

// New returns a handler that writes each event it is given through logger,
// as one logrus entry, for [telemetry.Bus.Attach] under any id and event
// patterns:
//
//	detach, err := bus.Attach("audit", codexlogrus.New(logger), "codex.approval.*")
//
// The logger's level, hooks, formatter and output all apply, as they do to
// the application's own lines. logger is a *logrus.Logger, a *logrus.Entry
// (whose fields every event then carries), or any other logrus.FieldLogger,
// whose WithFields(nil) gives the entry to start from; nil (or an entry
// without a logger) is [logrus.StandardLogger]. The package documentation
// lists how an event becomes an entry. When the logger's Formatter is a
// [PythonFormatter] at the time of New, entries also carry their Python
// record, so that the formatter writes the fields in their order. An
// entry's time is the event's ([telemetry.Event.When]).
func New(logger logrus.FieldLogger) telemetry.Handler {
	return newHandler(logger)
}

func newHandler(logger logrus.FieldLogger) *handler {
	var base *logrus.Entry
	switch l := logger.(type) {
	case nil:
	case *logrus.Logger:
		if l != nil {
			base = logrus.NewEntry(l)
		}
	case *logrus.Entry:
		if l != nil {
			base = l.Dup()
		}
	default:
		base = l.WithFields(nil)
	}
	if base == nil {
		base = logrus.NewEntry(logrus.StandardLogger())
	}
	if base.Logger == nil {
		base = logrus.NewEntry(logrus.StandardLogger()).WithFields(base.Data)
	}
	h := &handler{logger: base.Logger, data: base.Data}
	_, h.python = base.Logger.Formatter.(*PythonFormatter)
	return h
}

// handler writes events through one logrus.Logger. It is safe for concurrent
// use: it keeps no state between events but pooled records, and logrus
// serializes the writes.
type handler struct {
	logger *logrus.Logger
	data   logrus.Fields // the fields of the entry Attach was given; never changed
	mapper eventlog.Mapper
	python bool // the logger's formatter is a PythonFormatter
}

var _ telemetry.EnabledHandler = (*handler)(nil)

// Enabled reports whether the logger writes an event named name at one of
// the levels its catalog entry (INFO without one) can give it.
func (h *handler) Enabled(_ context.Context, entry *catalog.Entry, _ string) bool {
	if entry == nil {
		return h.writes(pylog.Info)
	}
	return h.writes(entry.Level) || entry.DataLevel != 0 && h.writes(entry.DataLevel)
}

// writes reports whether the logger writes entries at the Python level pl.
func (h *handler) writes(pl pylog.Level) bool {
	level, _ := Level(pl)
	return h.logger.IsLevelEnabled(level)
}

// Handle writes e through the logger.
func (h *handler) Handle(ctx context.Context, e telemetry.Event) {
	h.handle(ctx, &e, eventlog.Level(&e))
}

// handle writes e at the Python level pl, which is the level the catalog gives
// it (the tests pass others: the catalog has no CRITICAL event).
func (h *handler) handle(ctx context.Context, e *telemetry.Event, pl pylog.Level) {
	level, exact := Level(pl)
	if !h.logger.IsLevelEnabled(level) {
		return
	}
	r := pylog.GetRecord()
	buf := r.MessageBuffer()
	*buf = h.mapper.MapInto(r, e, *buf)
	msg := r.Message
	if len(*buf) > 0 {
		// The message borrows the record's buffer. logrus hands the entry
		// to hooks, which may keep it (logrus/hooks/test does), so the
		// entry gets a copy; a PythonFormatter reads the record's.
		msg = string(*buf)
	}
	data := make(logrus.Fields, len(h.data)+len(r.Attrs)+2)
	for k, v := range h.data {
		data[k] = v
	}
	if v, ok := loggerNames[r.Logger]; ok {
		data[LoggerKey] = v
	} else {
		data[LoggerKey] = r.Logger
	}
	if !exact {
		data[LevelNameKey] = pl.String()
	}
	for _, a := range r.Attrs {
		addAttr(data, a)
	}
	entry := &logrus.Entry{Logger: h.logger, Data: data, Time: r.Time, Context: ctx}
	if h.python {
		rc := &recordContext{Context: ctx, rec: r}
		entry.Context = rc
		entry.Log(level, msg)
		rc.rec = nil // a hook may keep the entry; the record goes back to the pool
	} else {
		entry.Log(level, msg)
	}
	pylog.PutRecord(r)
}

// loggerNames holds the logger names of the catalog already converted to
// interface values, so that an entry's logger field costs no allocation.
// It is built once and never changed.
var loggerNames = func() map[string]any {
	m := make(map[string]any)
	for _, e := range catalog.All() {
		m[e.Logger] = e.Logger
	}
	return m
}()

// recordContext carries the record of an adapter event to a PythonFormatter
// in the entry's Context; every other value is the emitter's context's.
type recordContext struct {
	context.Context
	rec *pylog.Record
}

type recordKey struct{}

// Value returns the record for recordKey, else the emitter's value.
func (c *recordContext) Value(key any) any {
	if key == (recordKey{}) {
		return c.rec
	}
	return c.Context.Value(key)
}

// recordOf returns the record an adapter entry carries, or nil.
func recordOf(ctx context.Context) *pylog.Record {
	switch c := ctx.(type) {
	case nil:
		return nil
	case *recordContext:
		return c.rec
	}
	r, _ := ctx.Value(recordKey{}).(*pylog.Record)
	return r
}
