package codexslog

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/eventlog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// LoggerKey is the attribute that carries an event's Python logger name
// ("codex.tool") in the records [Attach] writes. [PythonHandler] reads it
// back as the record's logger name (%(name)s).
const LoggerKey = "logger"

// DefaultID is the id [Attach] attaches its handler under. To attach under
// another id, or to other events, give [New]'s handler to
// [telemetry.Bus.Attach].
const DefaultID = "codexslog"

// An Option configures the handler of [New] and [Attach].
type Option interface {
	apply(*adapter)
}

type optionFunc func(*adapter)

func (f optionFunc) apply(a *adapter) { f(a) }

// WithErrorHandler sets a function that receives the errors the slog
// handler returns, each wrapped with the event's name. Without one they are
// ignored, as [slog.Logger] ignores them.
func WithErrorHandler(fn func(error)) Option {
	return optionFunc(func(a *adapter) { a.onError = fn })
}

// Attach attaches [New]'s handler for h to bus under [DefaultID], for every
// event codextel emits ("codex.*"), and returns the function that detaches
// it again (see [telemetry.Bus.Attach]: calling it a second time does
// nothing and returns an error wrapping [telemetry.ErrUnknownHandler]). A
// nil bus is [telemetry.Default]. Attach fails, attaching nothing, when the
// id is taken (wrapping [telemetry.ErrDuplicateHandler]).
func Attach(bus *telemetry.Bus, h slog.Handler, opts ...Option) (detach func() error, err error) {
	if bus == nil {
		bus = telemetry.Default()
	}
	return bus.Attach(DefaultID, newAdapter(h, opts), "codex.*")
}

// New returns a handler that writes each event it is given through h, as one
// [slog.Record], for [telemetry.Bus.Attach] under any id and event patterns:
//
//	detach, err := bus.Attach("audit", codexslog.New(h), "codex.approval.*")
//
// See the package documentation for how an event becomes a record. Give h
// to write in the application's own format (native mode), or a
// [PythonHandler] to write Python logging's lines; a nil h is the handler of
// [slog.Default] at the time of New. An event at a level h does not enable
// costs the bus's lookup of its name and h.Enabled (the handler is a
// [telemetry.EnabledHandler]). A record's time is the event's
// ([telemetry.Event.When]).
func New(h slog.Handler, opts ...Option) telemetry.Handler {
	return newAdapter(h, opts)
}

func newAdapter(h slog.Handler, opts []Option) *adapter {
	if h == nil {
		h = slog.Default().Handler()
	}
	a := &adapter{h: h}
	for _, o := range opts {
		if o != nil {
			o.apply(a)
		}
	}
	return a
}

// adapter is the telemetry handler Attach attaches.
type adapter struct {
	h       slog.Handler
	onError func(error)
	mapper  eventlog.Mapper
}

var _ telemetry.EnabledHandler = (*adapter)(nil)

// Enabled reports whether h is enabled at one of the levels an event named
// name can be written at: its catalog entry's (INFO without one).
func (a *adapter) Enabled(ctx context.Context, entry *catalog.Entry, _ string) bool {
	if entry == nil {
		return a.h.Enabled(ctx, slog.LevelInfo)
	}
	return a.h.Enabled(ctx, Level(entry.Level)) || entry.DataLevel != 0 && a.h.Enabled(ctx, Level(entry.DataLevel))
}

// Handle writes e through the slog handler.
func (a *adapter) Handle(ctx context.Context, e telemetry.Event) {
	// The level first, so that a disabled one costs little.
	if !a.h.Enabled(ctx, Level(eventlog.Level(&e))) {
		return
	}
	r := pylog.GetRecord()
	defer pylog.PutRecord(r)
	buf := r.MessageBuffer()
	*buf = a.mapper.MapInto(r, &e, *buf)
	msg := r.Message
	if _, python := a.h.(*PythonHandler); len(*buf) > 0 && !python {
		// The message borrows the record's buffer; a slog.Handler may keep
		// the record (Record.Clone copies the attributes, not the
		// message), so the record gets a copy. A PythonHandler copies the
		// message into its line and keeps nothing of the record: it reads
		// the borrowed one.
		msg = string(*buf)
	}
	rec := slog.NewRecord(r.Time, Level(r.Level), msg, 0)
	rec.AddAttrs(slog.String(LoggerKey, r.Logger))
	for i := range r.Attrs {
		r.Attrs[i].Value, _ = convert(r.Attrs[i].Value, true)
	}
	rec.AddAttrs(r.Attrs...)
	if err := a.h.Handle(ctx, rec); err != nil && a.onError != nil {
		a.onError(fmt.Errorf("codexslog: %s: %w", e.Name, err))
	}
}
