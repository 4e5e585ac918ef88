package codexzerolog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"sync"

	"github.com/rs/zerolog"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/eventlog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// LoggerKey is the field that holds an event's Python logger name
// ("codex.tool"): zerolog has no named loggers.
const LoggerKey = "logger"

// Attach attaches a handler to bus that writes every event it receives
// through logger, as one zerolog event: the logger's level, sampler, hooks,
// context fields and writer all apply, as they do to the application's own
// lines. Events are those matched by [WithEvents] (every event by default);
// the handler id is [DefaultID] unless [WithID] sets another. The package
// documentation lists how an event becomes a zerolog event.
//
// A logger made by [NewPythonLogger] writes the events in Python logging's
// format instead. detach detaches the handler; it returns an error wrapping
// telemetry.ErrUnknownHandler when it was already detached.
func Attach(bus *telemetry.Bus, logger zerolog.Logger, opts ...Option) (detach func() error, err error) {
	if bus == nil {
		return nil, errors.New("codexzerolog: attach: nil bus")
	}
	c := newConfig(opts)
	h := newHandler(logger)
	if err := bus.Attach(c.id, h, c.patterns...); err != nil {
		return nil, fmt.Errorf("codexzerolog: %w", err)
	}
	return func() error {
		if err := bus.Detach(c.id); err != nil {
			return fmt.Errorf("codexzerolog: %w", err)
		}
		return nil
	}, nil
}

// handler writes events through one zerolog.Logger. It is safe for concurrent
// use: it keeps no state between events but pooled records.
type handler struct {
	logger zerolog.Logger
	mapper eventlog.Mapper
	// python: the logger was made by NewPythonLogger, whose hook renders the
	// record; zerolog fields would be thrown away, so none are built.
	python bool
	// stamps: the logger has With().Timestamp(), so zerolog writes the time
	// itself and the adapter adds none (zerolog would repeat the key).
	stamps bool
}

func newHandler(logger zerolog.Logger) *handler {
	h := &handler{logger: logger}
	h.stamps, h.python = inspectHooks(logger)
	// The event's time would not be written: do not ask for it.
	h.mapper.NoTime = h.stamps && !h.python
	return h
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

// writes reports whether the logger writes events at the Python level pl.
func (h *handler) writes(pl pylog.Level) bool {
	_, filter := Level(pl)
	return filter >= h.logger.GetLevel() && filter >= zerolog.GlobalLevel()
}

// Handle writes e through the logger.
func (h *handler) Handle(ctx context.Context, e telemetry.Event) {
	h.handle(ctx, &e, eventlog.Level(&e))
}

// handle writes e at the Python level pl, which is the level the catalog gives
// it (the tests pass others: the catalog has no CRITICAL event).
func (h *handler) handle(ctx context.Context, e *telemetry.Event, pl pylog.Level) {
	if !h.writes(pl) {
		return
	}
	level, _ := Level(pl)
	ev := h.logger.WithLevel(level)
	if ev == nil {
		return
	}
	r := getRecord()
	h.mapper.Map(r, e)
	if h.python {
		rc := &recordContext{Context: ctx, rec: r}
		ev.Ctx(rc).Msg(r.Message)
		rc.rec = nil
	} else {
		ev.Ctx(ctx).Str(LoggerKey, r.Logger)
		for _, a := range r.Attrs {
			addAttr(ev, a)
		}
		if !h.stamps {
			ev.Time(zerolog.TimestampFieldName, r.Time)
		}
		if r.Message == "" {
			// Msg leaves an empty message out; the record has one.
			ev.Str(zerolog.MessageFieldName, "")
		}
		ev.Msg(r.Message)
	}
	putRecord(r)
}

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

// recordContext carries the record of an adapter event to the hook of a
// NewPythonLogger logger, in the zerolog event's context; every other value is
// the emitter's context's.
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

// timestampHook is the type of the hook zerolog's Context.Timestamp adds.
var timestampHook = hookTypes(zerolog.New(nil).With().Timestamp().Logger())

// hookTypes returns the types of the hooks of l, read without calling them.
// zerolog has no accessor for a logger's hooks; should a later zerolog rename
// the field, no hook is found: the adapter then writes the event time even
// when zerolog also does, and builds fields a Python logger ignores, and the
// tests of this package fail.
func hookTypes(l zerolog.Logger) []reflect.Type {
	hooks := reflect.ValueOf(l).FieldByName("hooks")
	if !hooks.IsValid() || hooks.Kind() != reflect.Slice {
		return nil
	}
	types := make([]reflect.Type, 0, hooks.Len())
	for i := range hooks.Len() {
		h := hooks.Index(i)
		if h.Kind() == reflect.Interface && !h.IsNil() {
			types = append(types, h.Elem().Type())
		}
	}
	return types
}

// inspectHooks reports whether l stamps its events with zerolog's timestamp
// hook and whether it is a NewPythonLogger logger.
func inspectHooks(l zerolog.Logger) (stamps, python bool) {
	for _, t := range hookTypes(l) {
		switch {
		case len(timestampHook) == 1 && t == timestampHook[0]:
			stamps = true
		case t == reflect.TypeFor[*pythonWriter]():
			python = true
		}
	}
	return stamps, python
}
