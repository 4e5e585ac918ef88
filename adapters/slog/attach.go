package codexslog

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
)

// LoggerKey is the attribute that carries an event's Python logger name
// ("codex.tool") in the records [Attach] writes. [PythonHandler] reads it
// back as the record's logger name (%(name)s).
const LoggerKey = "logger"

// DefaultID is the handler id [Attach] uses unless [WithID] gives another.
const DefaultID = "codexslog"

// An Option configures [Attach].
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	id       string
	patterns []string
	onError  func(error)
}

func newConfig(opts []Option) config {
	c := config{id: DefaultID, patterns: []string{"codex.*"}}
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	return c
}

// WithEvents sets the events the adapter takes, as patterns of
// [telemetry.Bus.Attach]: exact names, prefixes ("codex.tool.*") or "*".
// The default is "codex.*", every event codextel emits.
func WithEvents(patterns ...string) Option {
	return optionFunc(func(c *config) { c.patterns = patterns })
}

// WithID sets the id the adapter's handler is attached under (default
// [DefaultID]); attach more than one adapter to a bus under different ids.
func WithID(id string) Option {
	return optionFunc(func(c *config) { c.id = id })
}

// WithErrorHandler sets a function that receives the errors the slog
// handler returns, each wrapped with the event's name. Without one they are
// ignored, as [slog.Logger] ignores them.
func WithErrorHandler(fn func(error)) Option {
	return optionFunc(func(c *config) { c.onError = fn })
}

// Attach attaches to bus a handler that writes each event it takes (see
// [WithEvents]) through h, as one [slog.Record]: see the package
// documentation for how an event becomes a record. detach detaches it.
//
// Give h to write in the application's own format (native mode), or a
// [PythonHandler] to write Python logging's lines. An event at a level h
// does not enable costs the bus's lookup of its name and h.Enabled. Attach fails if bus or h is
// nil, or if bus.Attach does (a taken id, a malformed pattern).
func Attach(bus *telemetry.Bus, h slog.Handler, opts ...Option) (detach func() error, err error) {
	if bus == nil {
		return nil, errors.New("codexslog: nil bus")
	}
	if h == nil {
		return nil, errors.New("codexslog: nil slog.Handler")
	}
	c := newConfig(opts)
	a := &adapter{h: h, onError: c.onError}
	if err := bus.Attach(c.id, a, c.patterns...); err != nil {
		return nil, fmt.Errorf("codexslog: %w", err)
	}
	return func() error { return bus.Detach(c.id) }, nil
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

// records holds the pylog records events are mapped into.
var records = sync.Pool{New: func() any { return new(pylog.Record) }}

// maxPooledAttrs is the most attributes a pooled record keeps room for.
const maxPooledAttrs = 64

// Handle writes e through the slog handler.
func (a *adapter) Handle(ctx context.Context, e telemetry.Event) {
	// The level first, so that a disabled one costs little.
	if !a.h.Enabled(ctx, Level(eventlog.Level(&e))) {
		return
	}
	r := records.Get().(*pylog.Record)
	defer func() {
		clear(r.Attrs)
		if cap(r.Attrs) > maxPooledAttrs {
			r.Attrs = nil
		}
		records.Put(r)
	}()
	a.mapper.Map(r, &e)
	rec := slog.NewRecord(r.Time, Level(r.Level), r.Message, 0)
	rec.AddAttrs(slog.String(LoggerKey, r.Logger))
	for i := range r.Attrs {
		r.Attrs[i].Value, _ = convert(r.Attrs[i].Value, true)
	}
	rec.AddAttrs(r.Attrs...)
	if err := a.h.Handle(ctx, rec); err != nil && a.onError != nil {
		a.onError(fmt.Errorf("codexslog: %s: %w", e.Name, err))
	}
}
