package codexzerolog

import (
	"context"
	"reflect"

	"github.com/rs/zerolog"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/eventlog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// LoggerKey is the field that holds an event's Python logger name
// ("codex.tool"): zerolog has no named loggers.
const LoggerKey = "logger"

// DefaultID is the id [Attach] attaches its handler under. To attach under
// another id, or to other events, give [New]'s handler to
// [telemetry.Bus.Attach].
const DefaultID = "codexzerolog"

// Attach attaches [New]'s handler for logger to bus under [DefaultID], for
// every event codextel emits ("codex.*"), and returns the function that
// detaches it again (see [telemetry.Bus.Attach]: calling it a second time
// does nothing and returns an error wrapping [telemetry.ErrUnknownHandler]).
// A nil bus is [telemetry.Default]. Attach fails, attaching nothing, when
// the id is taken (wrapping [telemetry.ErrDuplicateHandler]).
func Attach(bus *telemetry.Bus, logger zerolog.Logger) (detach func() error, err error) {
	if bus == nil {
		bus = telemetry.Default()
	}
	return bus.Attach(DefaultID, newHandler(logger), "codex.*")
}

// New returns a handler that writes each event it is given through logger,
// as one zerolog event, for [telemetry.Bus.Attach] under any id and event
// patterns:
//
//	detach, err := bus.Attach("audit", codexzerolog.New(logger), "codex.approval.*")
//
// The logger's level, sampler, hooks, context fields and writer all apply,
// as they do to the application's own lines; a logger made by
// [NewPythonLogger] writes Python logging's lines instead. The package
// documentation lists how an event becomes a zerolog event. An event's time
// is its own ([telemetry.Event.When]). An event at a level the logger does
// not write costs the bus's lookup of its name and the handler's Enabled.
func New(logger zerolog.Logger) telemetry.Handler {
	return newHandler(logger)
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
	// borrow: the logger's hooks are only these two, so the message may
	// borrow the pooled buffer it is rendered into. zerolog's Event.msg
	// hands the message to the hooks and copies it into the event's buffer
	// (enc.AppendString) before it writes; the writer gets bytes and WithLevel
	// sets no done callback (Panic's keeps the message). A hook of the
	// application's may keep the string, so with one the message is copied.
	borrow bool
}

func newHandler(logger zerolog.Logger) *handler {
	h := &handler{logger: logger}
	h.stamps, h.python, h.borrow = inspectHooks(logger)
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
	r := pylog.GetRecord()
	buf := r.MessageBuffer()
	*buf = h.mapper.MapInto(r, e, *buf)
	if len(*buf) > 0 && !h.borrow {
		r.Message = string(*buf) // a hook may keep it
	}
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
	pylog.PutRecord(r)
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
// tests of this package fail (and messages are copied for hooks, as when
// the logger has one of the application's).
func hookTypes(l zerolog.Logger) []reflect.Type {
	hooks, ok := hooksField(l)
	if !ok {
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

// hooksField is l's hooks field, false when zerolog no longer has one.
func hooksField(l zerolog.Logger) (reflect.Value, bool) {
	hooks := reflect.ValueOf(l).FieldByName("hooks")
	return hooks, hooks.IsValid() && hooks.Kind() == reflect.Slice
}

// inspectHooks reports whether l stamps its events with zerolog's timestamp
// hook, whether it is a NewPythonLogger logger, and whether it has no hooks
// but those two (neither keeps the message it is given).
func inspectHooks(l zerolog.Logger) (stamps, python, onlyKnown bool) {
	_, onlyKnown = hooksField(l)
	for _, t := range hookTypes(l) {
		switch {
		case len(timestampHook) == 1 && t == timestampHook[0]:
			stamps = true
		case t == reflect.TypeFor[*pythonWriter]():
			python = true
		default:
			onlyKnown = false
		}
	}
	return stamps, python, onlyKnown
}
