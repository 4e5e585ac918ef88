package codexzap

import (
	"context"
	"io"
	"log/slog"
	"reflect"
	"slices"
	"sync"
	"unsafe"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/eventlog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Attach attaches [New]'s handler for logger to bus under [DefaultID], for
// every event codextel emits ("codex.*"), and returns the function that
// detaches it again (see [telemetry.Bus.Attach]: calling it a second time
// does nothing and returns an error wrapping [telemetry.ErrUnknownHandler]).
// A nil bus is [telemetry.Default]. Attach fails, attaching nothing, when the id is taken
// (wrapping [telemetry.ErrDuplicateHandler]).
func Attach(bus *telemetry.Bus, logger *zap.Logger, opts ...Option) (detach func() error, err error) {
	if bus == nil {
		bus = telemetry.Default()
	}
	return bus.Attach(DefaultID, newHandler(logger, newConfig(opts)), "codex.*")
}

// New returns a handler that writes each event it is given as one entry
// through logger's core, for [telemetry.Bus.Attach] under any id and event
// patterns:
//
//	detach, err := bus.Attach("audit", codexzap.New(logger), "codex.approval.*")
//
// A nil logger is zap's global logger, [zap.L], as it is when New is called.
// logger is used as it is: its core, with its encoder, level, sampler, hooks
// and the fields given to its With, decides whether and how an entry is
// written; the package documentation says how an event becomes an entry. An
// entry's time is the event's ([telemetry.Event.When]). The handler is safe for concurrent use: events may
// be emitted from any number of goroutines.
func New(logger *zap.Logger, opts ...Option) telemetry.Handler {
	return newHandler(logger, newConfig(opts))
}

// A handler writes events through one zap core.
type handler struct {
	core   zapcore.Core
	base   string            // the logger's name
	names  map[string]string // catalog logger -> base.logger, when base is set
	errOut zapcore.WriteSyncer
	// python: the core is a NewPythonLogger's (see pythonCore), whose
	// encoder reads the event itself: its entries get no zap fields.
	python bool
	// borrow: the core keeps no entry (see keepsNoEntry), so the entry's
	// message may borrow the pooled buffer it is rendered into.
	borrow bool
}

var _ telemetry.EnabledHandler = (*handler)(nil)

func newHandler(logger *zap.Logger, c config) *handler {
	if logger == nil {
		logger = zap.L()
	}
	h := &handler{
		core:   logger.Core(),
		base:   logger.Name(),
		errOut: c.errOut,
	}
	_, h.python = h.core.(pythonCore)
	h.borrow = h.python || keepsNoEntry(h.core)
	if h.base != "" {
		h.names = make(map[string]string)
		for _, e := range catalog.All() {
			h.names[e.Logger] = h.base + "." + e.Logger
		}
	}
	return h
}

// The types of zap's own core (zapcore.NewCore's, and its With's) and of
// its JSON and console encoders, which keepsNoEntry looks for.
var (
	ioCoreType      = reflect.TypeOf(zapcore.NewCore(zapcore.NewJSONEncoder(zapcore.EncoderConfig{}), zapcore.AddSync(io.Discard), zapcore.InfoLevel))
	zapEncoderTypes = [...]reflect.Type{
		reflect.TypeOf(zapcore.NewJSONEncoder(zapcore.EncoderConfig{})),
		reflect.TypeOf(zapcore.NewConsoleEncoder(zapcore.EncoderConfig{})),
	}
)

// keepsNoEntry reports whether core is zap's own core (zapcore.NewCore's)
// writing with zap's JSON or console encoder: the code of both copies the
// entry's message into the encoded line and keeps nothing of the entry once
// Write returns (the CheckedEntry that held it goes back to zap's pool,
// which resets it before its next use). Any other core, and any core
// wrapped by hooks, a tee or a sampler, may keep entries. The encoder is
// ioCore's unexported field "enc", read through reflection for its type
// only; should a zap release rename it, or change either type, the answer
// is false and messages are copied, as for any other core (TestBorrow
// pins the answer for the zap release in go.mod).
func keepsNoEntry(core zapcore.Core) bool {
	v := reflect.ValueOf(core)
	if !v.IsValid() || v.Type() != ioCoreType {
		return false
	}
	enc := v.Elem().FieldByName("enc")
	if enc.Kind() != reflect.Interface || enc.IsNil() {
		return false
	}
	return slices.Contains(zapEncoderTypes[:], enc.Elem().Type())
}

// loggerName composes the entry's logger name as zap's Named does.
func (h *handler) loggerName(name string) string {
	switch {
	case h.base == "":
		return name
	case name == "":
		return h.base
	}
	if n, ok := h.names[name]; ok {
		return n
	}
	return h.base + "." + name
}

// Enabled reports whether the core may write an event named name at all,
// before the bus prepares it: at one of the levels its catalog entry can
// give it, or at INFO without one.
func (h *handler) Enabled(_ context.Context, entry *catalog.Entry, _ string) bool {
	if entry == nil {
		return h.core.Enabled(zapcore.InfoLevel)
	}
	return h.core.Enabled(Level(entry.Level)) || entry.DataLevel != 0 && h.core.Enabled(Level(entry.DataLevel))
}

// Handle writes e as one zap entry. The event is read in place: eventlog's
// record of it (its level, logger and message, see package eventlog) is
// never built, and its fields become zap fields straight from the event; a
// Python encoder builds the record's attributes from the event it is
// handed (see state).
func (h *handler) Handle(_ context.Context, e telemetry.Event) {
	entry := e.Entry()
	level, logger, msg := pylog.Info, "", e.Name // outside the catalog
	var tmpl catalog.Template
	if entry != nil {
		tmpl, level = entry.MessageFor(e.Has)
		logger = entry.Logger
	} else {
		logger = eventlog.Logger(&e)
	}
	if !h.core.Enabled(Level(level)) {
		return
	}
	st := states.Get().(*state)
	if entry != nil {
		if lit, ok := tmpl.Literal(); ok {
			msg = lit
		} else {
			st.msg = eventlog.AppendMessage(st.msg[:0], tmpl, &e)
			if h.borrow {
				msg = unsafe.String(unsafe.SliceData(st.msg), len(st.msg))
			} else {
				// zap lets cores and hooks keep the entry (zaptest/observer
				// does), so the entry gets a copy, unless the core is one
				// known to keep nothing.
				msg = string(st.msg)
			}
		}
	}
	st.ev, st.level = e, level
	h.write(st, zapcore.Entry{Time: e.When(), LoggerName: h.loggerName(logger), Message: msg})
	st.release()
}

// write writes ent, at the zap level of st.level, with the fields of the
// event st holds, through the core, if the core takes it.
func (h *handler) write(st *state, ent zapcore.Entry) {
	ent.Level = Level(st.level)
	ce := h.core.Check(ent, nil)
	if ce == nil {
		return
	}
	ce.ErrorOutput = h.errOut
	// The fields are appended to a local slice, not st.fields: each append
	// would store the slice header in the pooled state again.
	fs := append(st.fields[:0], zapcore.Field{Type: zapcore.SkipType, Interface: st})
	if !h.python {
		// eventlog's record order: metadata, measurements, the non-empty
		// correlation ids.
		// The metadata is copied into the state in one move and read by
		// index, which costs less than ranging over the event (each
		// attribute copied into the loop body's call).
		e := &st.ev
		st.meta = e.AppendMetadata(st.meta[:0])
		for i := range st.meta {
			if a := &st.meta[i]; a.Value.Kind() == slog.KindString {
				fs = append(fs, zap.String(a.Key, a.Value.String())) // most fields, without a call
			} else {
				fs = appendField(fs, *a)
			}
		}
		for m := range e.Measurements {
			fs = append(fs, measurementField(m))
		}
		if ids := e.IDs(); ids.HasFields() {
			for _, f := range ids.Fields() {
				if f.Value != "" {
					fs = append(fs, zap.String(f.Key, f.Value))
				}
			}
		}
	}
	st.fields = fs
	ce.Write(fs...)
}

// measurementField is the zap field of m, as appendField makes its slog
// form ([telemetry.Measurement.Attr]) one.
func measurementField(m telemetry.Measurement) zapcore.Field {
	switch m.Value.Kind() {
	case telemetry.KindFloat:
		return zap.Float64(m.Key, m.Value.Float64())
	case telemetry.KindDuration:
		return zap.Duration(m.Key, m.Value.Duration())
	}
	return zap.Int64(m.Key, m.Value.Int64())
}

// A state is what one event needs while it is written: the event (a copy
// of the borrowed one Handle is given, valid until Handle returns), its
// Python level, the buffer its message is rendered into, a copy of its
// metadata, and its fields. The first field is a skipped one that carries the state itself, so the
// Python encoders can read the event as it is (its exact Python level and
// values) while every other encoder ignores it.
type state struct {
	ev     telemetry.Event
	level  pylog.Level
	msg    []byte // the rendered message
	fields []zapcore.Field
	meta   []slog.Attr // a copy of ev's metadata, for its fields
	attrs  []slog.Attr // eventlog's record attributes of ev, once built
	built  bool        // attrs holds ev's
}

// recordAttrs returns the attributes eventlog's record of the event has:
// its metadata, its measurements, then its non-empty correlation ids. They
// are built on the first call, by a Python encoder; other encoders read the
// zap fields.
func (st *state) recordAttrs() []slog.Attr {
	if !st.built {
		e := &st.ev
		st.attrs = slices.Grow(st.attrs[:0], e.NumMetadata()+e.NumMeasurements()+correlation.NumFields)
		st.attrs = e.AppendMetadata(st.attrs)
		for m := range e.Measurements {
			st.attrs = append(st.attrs, m.Attr())
		}
		for _, f := range e.IDs().Fields() {
			if f.Value != "" {
				st.attrs = append(st.attrs, slog.String(f.Key, f.Value))
			}
		}
		st.built = true
	}
	return st.attrs
}

// maxPooled bounds the attributes and fields a pooled state keeps room for,
// maxPooledMessage the bytes of its message buffer.
const (
	maxPooled        = 64
	maxPooledMessage = 16 << 10
)

var states = sync.Pool{New: func() any {
	return &state{
		msg:    make([]byte, 0, 128),
		fields: make([]zapcore.Field, 0, 17),
		meta:   make([]slog.Attr, 0, 16),
	}
}}

// carried returns the state a field list carries, if any.
func carried(fields []zapcore.Field) (*state, bool) {
	if len(fields) == 0 || fields[0].Type != zapcore.SkipType {
		return nil, false
	}
	st, ok := fields[0].Interface.(*state)
	return st, ok
}

// release returns the state to the pool unless it grew large. It lets go
// of the event, which the bus lends only for the Handle call, but does not
// clear the fields, attributes and metadata copy the state held: the next
// event overwrites them, and sync.Pool lets go of what it holds within two
// garbage collections, so what they keep alive is one event's values for a
// short while; clearing them (write barriers on every slot) cost 3% of an
// event.
func (st *state) release() {
	st.ev, st.built = telemetry.Event{}, false
	if cap(st.attrs) > maxPooled || cap(st.meta) > maxPooled || cap(st.fields) > maxPooled+1 || cap(st.msg) > maxPooledMessage {
		return
	}
	st.attrs, st.meta, st.fields = st.attrs[:0], st.meta[:0], st.fields[:0]
	states.Put(st)
}
