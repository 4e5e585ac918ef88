package codexzap

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/eventlog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Attach attaches an adapter to bus that writes every event it takes (by
// default "codex.*"; see [WithEvents]) as one entry through logger's core,
// and returns the function that detaches it again. Calling detach a second
// time does nothing and returns an error wrapping
// [telemetry.ErrUnknownHandler].
//
// logger is used as it is: its core, with its encoder, level, sampler, hooks
// and the fields given to its With, decides whether and how an entry is
// written; the package documentation says how an event becomes an entry.
// Attach fails, attaching nothing, when bus or logger is nil, or when the bus
// refuses the handler (an id already taken, wrapping
// [telemetry.ErrDuplicateHandler], or a malformed pattern). The adapter is
// safe for concurrent use: events may be emitted from any number of
// goroutines.
func Attach(bus *telemetry.Bus, logger *zap.Logger, opts ...Option) (detach func() error, err error) {
	if bus == nil {
		return nil, errors.New("codexzap: nil bus")
	}
	if logger == nil {
		return nil, errors.New("codexzap: nil logger")
	}
	c := newConfig(opts)
	h := newHandler(logger, c)
	if err := bus.Attach(c.id, h, c.patterns...); err != nil {
		return nil, fmt.Errorf("codexzap: %w", err)
	}
	var once sync.Once
	return func() error {
		err := errDetached
		once.Do(func() { err = bus.Detach(c.id) })
		return err
	}, nil
}

// errDetached is what a detach function returns when called again.
var errDetached = fmt.Errorf("codexzap: already detached: %w", telemetry.ErrUnknownHandler)

// A handler writes events through one zap core.
type handler struct {
	core   zapcore.Core
	base   string            // the logger's name
	names  map[string]string // catalog logger -> base.logger, when base is set
	mapper eventlog.Mapper
	errOut zapcore.WriteSyncer
}

var _ telemetry.EnabledHandler = (*handler)(nil)

func newHandler(logger *zap.Logger, c config) *handler {
	h := &handler{
		core:   logger.Core(),
		base:   logger.Name(),
		errOut: c.errOut,
	}
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
	h.mapper.Map(&st.rec, &e)
	h.write(st)
	st.release()
}

// write writes the record st holds through the core, if the core takes it.
func (h *handler) write(st *state) {
	ce := h.core.Check(zapcore.Entry{
		Level:      Level(st.rec.Level),
		Time:       st.rec.Time,
		LoggerName: h.loggerName(st.rec.Logger),
		Message:    st.rec.Message,
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
	fields []zapcore.Field
}

// maxPooled bounds the attributes and fields a pooled state keeps room for.
const maxPooled = 64

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
	if cap(st.rec.Attrs) > maxPooled || cap(st.fields) > maxPooled+1 {
		return
	}
	st.rec.Attrs, st.fields = st.rec.Attrs[:0], st.fields[:0]
	states.Put(st)
}
