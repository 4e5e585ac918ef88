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

// DefaultLoggerID is the handler id [AttachDefaultLogger] attaches under. To
// attach under another id, or to other events, give [NewLogger]'s handler to
// [telemetry.Bus.Attach].
const DefaultLoggerID = "codextel-default-logger"

// A LoggerOption configures [NewLogger] and [AttachDefaultLogger].
type LoggerOption interface{ apply(*loggerConfig) }

type loggerConfig struct {
	level     pylog.Level
	w         io.Writer
	format    string
	json      bool
	formatter pylog.RecordFormatter
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
func WithFormatter(f pylog.RecordFormatter) LoggerOption {
	return loggerOption(func(c *loggerConfig) { c.formatter = f })
}

// AttachDefaultLogger attaches [NewLogger]'s handler to bus (nil:
// [telemetry.Default]) under [DefaultLoggerID], for every codex.* event,
// with nothing but the standard library: the counterpart of the Elixir
// SDK's Codex.Telemetry.attach_default_logger/1, for trying codextel before
// choosing an adapter. It returns the function that detaches the handler
// (see [telemetry.Bus.Attach]).
func AttachDefaultLogger(bus *telemetry.Bus, opts ...LoggerOption) (detach func() error, err error) {
	h, err := NewLogger(opts...)
	if err != nil {
		return nil, err
	}
	if bus == nil {
		bus = telemetry.Default()
	}
	return bus.Attach(DefaultLoggerID, h, "codex.*")
}

// NewLogger returns a handler that writes each event it is given as one
// Python logging line, by default as logging.basicConfig() prints them
// (LEVELNAME:logger.name:message, INFO and above, to stderr), for
// [telemetry.Bus.Attach] under any id and event patterns. Lines are written
// whole, one Write each, from any number of goroutines. It returns an error
// naming the problem for a malformed format.
func NewLogger(opts ...LoggerOption) (telemetry.Handler, error) {
	c := loggerConfig{level: pylog.Info, w: os.Stderr, format: BasicFormat}
	for _, o := range opts {
		o.apply(&c)
	}
	f := c.formatter
	if f == nil {
		var err error
		if c.json {
			f, err = pylog.NewJSONFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
		} else {
			f, err = pylog.NewFormatter(c.format)
		}
		if err != nil {
			return nil, fmt.Errorf("eventlog: default logger: %w", err)
		}
	}
	return &lineHandler{level: c.level, w: c.w, f: f}, nil
}

// lineHandler writes events as Python lines.
type lineHandler struct {
	level  pylog.Level
	w      io.Writer
	f      pylog.RecordFormatter
	mapper Mapper

	mu  sync.Mutex // serialises writes and guards buf, msg and rec
	buf []byte
	msg []byte // the message rec.Message reads, rendered by MapInto
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
	h.msg = h.mapper.MapInto(&h.rec, &e, h.msg)
	h.buf = append(h.f.Append(h.buf[:0], &h.rec), '\n')
	_, _ = h.w.Write(h.buf) // a logging handler has nowhere to report its own failure
	h.rec.Message = ""
	if cap(h.buf) > 64<<10 {
		h.buf = nil
	}
	if cap(h.msg) > 16<<10 {
		h.msg = nil
	}
}
