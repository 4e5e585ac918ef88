package codexzerolog

import (
	"context"
	"log/slog"
	"reflect"
	"sync"
	"unsafe"

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
// use: it keeps no state between events but pooled buffers and records.
type handler struct {
	logger zerolog.Logger
	mapper eventlog.Mapper // for a NewPythonLogger logger
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
	return h.passes(filter)
}

// passes reports whether the logger's level and zerolog's global level let
// events filtered as filter through.
func (h *handler) passes(filter zerolog.Level) bool {
	return filter >= h.logger.GetLevel() && filter >= zerolog.GlobalLevel()
}

// Handle writes e through the logger.
func (h *handler) Handle(ctx context.Context, e telemetry.Event) {
	entry := e.Entry()
	if entry == nil {
		h.handle(ctx, &e, pylog.Info, nil)
		return
	}
	// Once: for an entry with a data message, choosing the template looks
	// its data fields up in the event.
	tmpl, pl := entry.MessageFor(e.Has)
	h.handle(ctx, &e, pl, &tmpl)
}

// handle writes e at the Python level pl with the message rendered from
// tmpl (e's name when nil, for an event outside the catalog): the level and
// template the catalog gives it (the tests pass other levels: the catalog
// has no CRITICAL event).
func (h *handler) handle(ctx context.Context, e *telemetry.Event, pl pylog.Level, tmpl *catalog.Template) {
	level, filter := Level(pl)
	// WithLevel checks a named level as passes does; a custom level is
	// filtered as the named level below it, which WithLevel does not know.
	if level != filter && !h.passes(filter) {
		return
	}
	ev := h.logger.WithLevel(level)
	if ev == nil {
		return
	}
	if h.python {
		h.handlePython(ctx, e, ev)
		return
	}
	// The event is read in place: its fields go straight to zerolog's
	// methods, in the order of eventlog's record (metadata, measurements,
	// the non-empty correlation ids), and no record is built. The metadata
	// is copied into the pooled state in one move and read by index, which
	// costs less than ranging over the event (each attribute copied into
	// the loop body's call).
	st := states.Get().(*state)
	ev.Ctx(ctx).Str(LoggerKey, eventlog.Logger(e))
	st.meta = e.AppendMetadata(st.meta[:0])
	for i := range st.meta {
		if a := &st.meta[i]; a.Value.Kind() == slog.KindString {
			ev.Str(a.Key, a.Value.String()) // most fields, without a call
		} else {
			addAttr(ev, *a)
		}
	}
	for m := range e.Measurements {
		addMeasurement(ev, m)
	}
	if ids := e.IDs(); ids.HasFields() {
		for _, f := range ids.Fields() {
			if f.Value != "" {
				ev.Str(f.Key, f.Value)
			}
		}
	}
	if !h.stamps {
		ev.Time(zerolog.TimestampFieldName, e.When())
	}
	h.writeMessage(ev, e, tmpl, st)
	st.release()
}

// A state is what handle needs while it writes one event: a copy of its
// metadata and the buffer its message is rendered into.
type state struct {
	meta []slog.Attr
	msg  []byte
}

// maxPooledMeta bounds the attributes a pooled state keeps room for,
// maxPooledMessage the bytes of its message buffer.
const (
	maxPooledMeta    = 64
	maxPooledMessage = 16 << 10
)

var states = sync.Pool{New: func() any {
	return &state{meta: make([]slog.Attr, 0, 16), msg: make([]byte, 0, 256)}
}}

// release returns the state to the pool unless it grew large. The copied
// metadata is not cleared: the next event overwrites it, and what it keeps
// alive meanwhile (one event's values) sync.Pool lets go of within two
// garbage collections; clearing it costs a write barrier per slot.
func (st *state) release() {
	if cap(st.meta) > maxPooledMeta || cap(st.msg) > maxPooledMessage {
		return
	}
	states.Put(st)
}

// writeMessage renders e's message from tmpl (its name when nil), as
// eventlog's record has it, into st's buffer, and writes ev with it.
func (h *handler) writeMessage(ev *zerolog.Event, e *telemetry.Event, tmpl *catalog.Template, st *state) {
	msg := e.Name // outside the catalog
	if tmpl != nil {
		if lit, ok := tmpl.Literal(); ok {
			msg = lit
		} else {
			st.msg = eventlog.AppendMessage(st.msg[:0], *tmpl, e)
			if h.borrow {
				msg = unsafe.String(unsafe.SliceData(st.msg), len(st.msg))
			} else {
				msg = string(st.msg) // a hook may keep it
			}
		}
	}
	if msg == "" {
		// Msg leaves an empty message out; the record has one.
		ev.Str(zerolog.MessageFieldName, "")
	}
	ev.Msg(msg)
}

// addMeasurement adds m to ev as addAttr adds its slog form
// (telemetry.Measurement.Attr).
func addMeasurement(ev *zerolog.Event, m telemetry.Measurement) {
	switch m.Value.Kind() {
	case telemetry.KindFloat:
		ev.Float64(m.Key, m.Value.Float64())
	case telemetry.KindDuration:
		ev.Dur(m.Key, m.Value.Duration())
	default:
		ev.Int64(m.Key, m.Value.Int64())
	}
}

// handlePython writes e through a NewPythonLogger logger: its hook renders
// eventlog's record of e, which the zerolog event's context carries to it.
func (h *handler) handlePython(ctx context.Context, e *telemetry.Event, ev *zerolog.Event) {
	r := pylog.GetRecord()
	buf := r.MessageBuffer()
	*buf = h.mapper.MapInto(r, e, *buf)
	if len(*buf) > 0 && !h.borrow {
		r.Message = string(*buf) // a hook may keep it
	}
	rc := &recordContext{Context: ctx, rec: r}
	ev.Ctx(rc).Msg(r.Message)
	rc.rec = nil
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
