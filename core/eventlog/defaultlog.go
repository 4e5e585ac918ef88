package eventlog

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// BasicFormat is Python's logging.BASIC_FORMAT, the layout
// logging.basicConfig() prints: LEVELNAME:logger.name:message.
const BasicFormat = "%(levelname)s:%(name)s:%(message)s"

// DefaultLoggerID is the handler id [AttachDefaultLogger] attaches under
// unless told otherwise.
const DefaultLoggerID = "codextel-default-logger"

// A Formatter renders a Python log record: a *pylog.Formatter or a
// *pylog.JSONFormatter.
type Formatter interface {
	Append(dst []byte, r *pylog.Record) []byte
}

// A LoggerOption configures [AttachDefaultLogger].
type LoggerOption interface{ apply(*loggerConfig) }

type loggerConfig struct {
	level     pylog.Level
	w         io.Writer
	format    string
	json      bool
	formatter Formatter
	id        string
	patterns  []string
}

type loggerOption func(*loggerConfig)

func (f loggerOption) apply(c *loggerConfig) { f(c) }

// WithLevel sets the lowest level written (default INFO, as basicConfig).
func WithLevel(l pylog.Level) LoggerOption {
	return loggerOption(func(c *loggerConfig) { c.level = l })
}

// WithWriter sets where lines go (default os.Stderr, as basicConfig).
func WithWriter(w io.Writer) LoggerOption { return loggerOption(func(c *loggerConfig) { c.w = w }) }

// WithFormat sets the %-style format string (default [BasicFormat]).
func WithFormat(format string) LoggerOption {
	return loggerOption(func(c *loggerConfig) { c.format = format })
}

// WithJSON writes python-json-logger's JSON lines, with the fields
// asctime, levelname, name and message followed by the event's fields.
func WithJSON() LoggerOption { return loggerOption(func(c *loggerConfig) { c.json = true }) }

// WithFormatter writes with a formatter built by package pylog, for layouts
// the other options do not reach (a datefmt, a time zone, {-style).
func WithFormatter(f Formatter) LoggerOption {
	return loggerOption(func(c *loggerConfig) { c.formatter = f })
}

// WithLoggerID sets the handler id (default [DefaultLoggerID]).
func WithLoggerID(id string) LoggerOption { return loggerOption(func(c *loggerConfig) { c.id = id }) }

// WithLoggerEvents sets the event patterns written (default "codex.*").
func WithLoggerEvents(patterns ...string) LoggerOption {
	return loggerOption(func(c *loggerConfig) { c.patterns = patterns })
}

// AttachDefaultLogger attaches to bus a handler that writes every codex.*
// event as one Python logging line, by default as logging.basicConfig()
// prints them (LEVELNAME:logger.name:message, INFO and above, to stderr),
// with nothing but the standard library: the counterpart of the Elixir
// SDK's Codex.Telemetry.attach_default_logger/1, for trying codextel before
// choosing an adapter. Lines are written whole, one Write each, from any
// number of goroutines. It returns the function that detaches the handler.
func AttachDefaultLogger(bus *telemetry.Bus, opts ...LoggerOption) (detach func() error, err error) {
	c := loggerConfig{level: pylog.Info, w: os.Stderr, format: BasicFormat, id: DefaultLoggerID, patterns: []string{"codex.*"}}
	for _, o := range opts {
		o.apply(&c)
	}
	f := c.formatter
	if f == nil {
		if c.json {
			f, err = pylog.NewJSONFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
		} else {
			f, err = pylog.NewFormatter(c.format)
		}
		if err != nil {
			return nil, fmt.Errorf("eventlog: default logger: %w", err)
		}
	}
	h := &lineHandler{level: c.level, w: c.w, f: f}
	if err := bus.Attach(c.id, h, c.patterns...); err != nil {
		return nil, fmt.Errorf("eventlog: default logger: %w", err)
	}
	return func() error { return bus.Detach(c.id) }, nil
}

// lineHandler writes events as Python lines.
type lineHandler struct {
	level  pylog.Level
	w      io.Writer
	f      Formatter
	mapper Mapper

	mu  sync.Mutex // serialises writes and guards buf and rec
	buf []byte
	rec pylog.Record
}

var _ telemetry.StaticEnabledHandler = (*lineHandler)(nil)

// EnabledIsStatic tells the bus that h's level never changes.
func (h *lineHandler) EnabledIsStatic() {}

// Enabled reports whether an event named name can be written at h's level:
// its catalog entry's level or data level, or INFO outside the catalog.
func (h *lineHandler) Enabled(_ context.Context, entry *catalog.Entry, _ string) bool {
	if entry == nil {
		return pylog.Info >= h.level
	}
	return entry.Level >= h.level || entry.DataLevel != 0 && entry.DataLevel >= h.level
}

func (h *lineHandler) Handle(_ context.Context, e telemetry.Event) {
	if Level(&e) < h.level {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.mapper.Map(&h.rec, &e)
	h.buf = append(h.f.Append(h.buf[:0], &h.rec), '\n')
	_, _ = h.w.Write(h.buf) // a logging handler has nowhere to report its own failure
	if cap(h.buf) > 64<<10 {
		h.buf = nil
	}
}
