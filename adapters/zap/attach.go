package codexzap

import (
	"context"
	"log/slog"
	"sync"

	"github.com/codextel/codextel/core/catalog"
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
	mapper eventlog.Mapper
	errOut zapcore.WriteSyncer
	borrow bool // the core keeps no entry: see pythonCore
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
	_, h.borrow = h.core.(pythonCore)
	if h.base != "" {
		h.names = make(map[string]string)
		for _, e := range catalog.All() {
			h.names[e.Logger] = h.base + "." + e.Logger
		}
	}
	return h
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

// Handle writes e as one zap entry.
func (h *handler) Handle(ctx context.Context, e telemetry.Event) {
	if !h.Enabled(ctx, e.Entry(), e.Name) {
		return
	}
	st := states.Get().(*state)
	st.msg = h.mapper.MapInto(&st.rec, &e, st.msg)
	h.write(st)
	st.release()
}

// write writes the record st holds through the core, if the core takes it.
func (h *handler) write(st *state) {
	msg := st.rec.Message
	if len(st.msg) > 0 && !h.borrow {
		// The message borrows st.msg. zap lets cores and hooks keep the
		// entry (zaptest/observer does), so the entry gets a copy, unless
		// the core is a NewPythonLogger's, which keeps nothing.
		msg = string(st.msg)
	}
	ce := h.core.Check(zapcore.Entry{
		Level:      Level(st.rec.Level),
		Time:       st.rec.Time,
		LoggerName: h.loggerName(st.rec.Logger),
		Message:    msg,
	}, nil)
	if ce == nil {
		return
	}
	ce.ErrorOutput = h.errOut
	st.fields = append(st.fields[:0], zapcore.Field{Type: zapcore.SkipType, Interface: st})
	for _, a := range st.rec.Attrs {
		st.fields = appendField(st.fields, a)
	}
	ce.Write(st.fields...)
}

// A state is what one event needs while it is written: its record and its
// fields. The first field is a skipped one that carries the state itself,
// so the Python encoders can read the record as it is (its exact Python
// level and values) while every other encoder ignores it.
type state struct {
	rec    pylog.Record
	msg    []byte // the rendered message rec.Message borrows (eventlog.Mapper.MapInto)
	fields []zapcore.Field
}

// maxPooled bounds the attributes and fields a pooled state keeps room for,
// maxPooledMessage the bytes of its message buffer.
const (
	maxPooled        = 64
	maxPooledMessage = 16 << 10
)

var states = sync.Pool{New: func() any {
	return &state{
		rec:    pylog.Record{Attrs: make([]slog.Attr, 0, 16)},
		fields: make([]zapcore.Field, 0, 17),
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

// release returns the state to the pool unless it grew large. It does not
// clear the values the state held: the next event overwrites them, and
// sync.Pool lets go of what it holds within two garbage collections, so what
// they keep alive is one event's values for a short while; clearing them
// (write barriers on every slot) cost 3% of an event.
func (st *state) release() {
	if cap(st.rec.Attrs) > maxPooled || cap(st.fields) > maxPooled+1 || cap(st.msg) > maxPooledMessage {
		return
	}
	st.rec.Attrs, st.fields = st.rec.Attrs[:0], st.fields[:0]
	states.Put(st)
}
