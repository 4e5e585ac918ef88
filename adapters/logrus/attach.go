package codexlogrus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/sirupsen/logrus"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/eventlog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// LoggerKey is the field that holds an event's Python logger name
// ("codex.tool"): logrus has no named loggers.
const LoggerKey = "logger"

// Attach attaches a handler to bus that writes every event it receives
// through logger, as one logrus entry: the logger's level, hooks, formatter and
// output all apply, as they do to the application's own lines. logger is a
// *logrus.Logger, a *logrus.Entry (whose fields every event then carries), or
// any other logrus.FieldLogger, whose WithFields(nil) gives the entry to start
// from. Events are those matched by [WithEvents] (every event by default); the
// handler id is [DefaultID] unless [WithID] sets another. The package
// documentation lists how an event becomes an entry.
//
// When the logger's Formatter is a [PythonFormatter] at the time of Attach,
// entries also carry their Python record, so that the formatter writes the
// fields in their order. detach detaches the handler; it returns an error
// wrapping telemetry.ErrUnknownHandler when it was already detached.
func Attach(bus *telemetry.Bus, logger logrus.FieldLogger, opts ...Option) (detach func() error, err error) {
	if bus == nil {
		return nil, errors.New("codexlogrus: attach: nil bus")
	}
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
	if base == nil || base.Logger == nil {
		return nil, errors.New("codexlogrus: attach: nil logger")
	}
	c := newConfig(opts)
	h := &handler{logger: base.Logger, data: base.Data}
	_, h.python = base.Logger.Formatter.(*PythonFormatter)
	if err := bus.Attach(c.id, h, c.patterns...); err != nil {
		return nil, fmt.Errorf("codexlogrus: %w", err)
	}
	return func() error {
		if err := bus.Detach(c.id); err != nil {
			return fmt.Errorf("codexlogrus: %w", err)
		}
		return nil
	}, nil
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
	r := getRecord()
	h.mapper.Map(r, e)
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
		entry.Log(level, r.Message)
		rc.rec = nil // a hook may keep the entry; the record goes back to the pool
	} else {
		entry.Log(level, r.Message)
	}
	putRecord(r)
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

var records = sync.Pool{New: func() any {
	return &pylog.Record{Attrs: make([]slog.Attr, 0, 16)}
}}

func getRecord() *pylog.Record { return records.Get().(*pylog.Record) }

func putRecord(r *pylog.Record) {
	if cap(r.Attrs) > 256 {
		return
	}
	clear(r.Attrs)
	*r = pylog.Record{Attrs: r.Attrs[:0]}
	records.Put(r)
}

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
