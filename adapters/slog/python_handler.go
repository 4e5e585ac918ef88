package codexslog

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/codextel/codextel/core/pylog"
)

// bareMessage is logging.Formatter(): '%(message)s'.
var bareMessage = func() *pylog.Formatter {
	f, err := pylog.NewFormatter("")
	if err != nil {
		panic("codexslog: " + err.Error()) // the empty format is always valid
	}
	return f
}()

// DefaultLogger is the Python logger name of a record that names none:
// Python's root logger.
const DefaultLogger = "root"

// A PythonHandler is an [slog.Handler] that writes each record as one line
// in a Python logging format, as a logging.StreamHandler would: the
// [pylog.RecordFormatter]'s text and "\n", in one Write. It is safe for concurrent use:
// a mutex, shared with the handlers WithAttrs and WithGroup derive, keeps
// lines from interleaving.
//
// With [Attach] it writes events exactly as CPython's logging would (the
// conformance suite checks this byte for byte); used as the handler of the
// application's own [slog.Logger], it maps each slog record to a Python one:
//
//   - time: the record's, or the time it is handled when that is zero
//     (a Python record always has one);
//   - level: [PythonLevel] of the record's;
//   - logger name (%(name)s): the string value of the record's first
//     top-level [LoggerKey] attribute, else of the last one given to
//     WithAttrs outside any group, else [DefaultLogger]; that attribute is
//     not written as an extra. slog.New(h).With(codexslog.LoggerKey,
//     "myapp.db") logs as the logger myapp.db;
//   - message: the record's;
//   - extras (written by JSON formats only, as in Python): the attributes,
//     WithAttrs's first, in order, following slog's handler rules:
//     LogValuers are resolved, empty attributes and empty groups left out,
//     groups with an empty key inlined; a group (WithGroup's too) is a dict;
//   - pathname, filename, module, funcName, lineno: the record's source
//     when HandlerOptions.AddSource is set and the record has a PC, else
//     Python's "(unknown file)" and so on.
//
// HandlerOptions.Level sets the lowest level written ([slog.LevelInfo] when
// nil); HandlerOptions.ReplaceAttr, when set, is called for each extra that
// is not a group, with the groups it is in, as slog's handlers call it; the
// record's time, level and message are Python's fields, not attributes, and
// are not passed to it.
type PythonHandler struct {
	f       pylog.RecordFormatter
	w       io.Writer
	mu      *sync.Mutex
	level   slog.Leveler
	source  bool
	replace func(groups []string, a slog.Attr) slog.Attr

	logger string      // from a top-level LoggerKey attribute; "" for none
	attrs  []slog.Attr // WithAttrs's attributes outside any group
	groups []openGroup // WithGroup's groups, outermost first

	_ [0]func() // not comparable, so fields can be added
}

// openGroup is a group opened by WithGroup, with the attributes added
// while it was the innermost.
type openGroup struct {
	name  string
	attrs []slog.Attr
}

var _ slog.Handler = (*PythonHandler)(nil)

// NewPythonHandler returns a handler writing records to w as f formats
// them. A nil f is Python's default formatter, the bare message
// ('%(message)s'), which a logging.StreamHandler given no formatter uses.
// opts may be nil.
func NewPythonHandler(w io.Writer, f pylog.RecordFormatter, opts *slog.HandlerOptions) *PythonHandler {
	if f == nil {
		f = bareMessage
	}
	h := &PythonHandler{f: f, w: w, mu: new(sync.Mutex)}
	if opts != nil {
		h.level, h.source, h.replace = opts.Level, opts.AddSource, opts.ReplaceAttr
	}
	return h
}

// Enabled reports whether l is at or above the handler's level.
func (h *PythonHandler) Enabled(_ context.Context, l slog.Level) bool {
	min := slog.LevelInfo
	if h.level != nil {
		min = h.level.Level()
	}
	return l >= min
}

// WithAttrs returns a handler that adds attrs to every record, inside the
// groups opened so far.
func (h *PythonHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	h2 := *h
	if len(h.groups) == 0 {
		h2.attrs = slices.Clip(h.attrs)
		for _, a := range attrs {
			if isLogger(a) {
				h2.logger = a.Value.String()
			} else {
				h2.attrs = h.clean(h2.attrs, a, nil)
			}
		}
		return &h2
	}
	h2.groups = slices.Clone(h.groups)
	g := &h2.groups[len(h2.groups)-1]
	g.attrs = h.cleanAttrs(slices.Clip(g.attrs), attrs, h.groupNames())
	return &h2
}

// WithGroup returns a handler that puts the attributes added from now on,
// the record's included, in a group named name. An empty name changes
// nothing, as in slog.
func (h *PythonHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.groups = append(slices.Clip(h.groups), openGroup{name: name})
	return &h2
}

func (h *PythonHandler) groupNames() []string {
	names := make([]string, len(h.groups))
	for i, g := range h.groups {
		names[i] = g.name
	}
	return names
}

// scratch holds a record, its attributes and its line while it is written
// (the formatter is an interface, so a record on the stack would escape).
type scratch struct {
	rec   pylog.Record
	attrs []slog.Attr
	line  []byte
}

// maxPooledAttrs is the most attributes a pooled scratch keeps room for.
const maxPooledAttrs = 64

var scratches = sync.Pool{New: func() any { return &scratch{line: make([]byte, 0, 1024)} }}

// Handle writes r as one line.
func (h *PythonHandler) Handle(_ context.Context, r slog.Record) error {
	s := scratches.Get().(*scratch)
	defer func() {
		clear(s.attrs)
		s.attrs = s.attrs[:0]
		s.rec = pylog.Record{}
		if cap(s.line) > 64<<10 {
			s.line = make([]byte, 0, 1024)
		}
		if cap(s.attrs) > maxPooledAttrs {
			s.attrs = nil
		}
		scratches.Put(s)
	}()
	rec := &s.rec
	*rec = pylog.Record{Time: r.Time, Level: PythonLevel(r.Level), Logger: h.logger, Message: r.Message}
	if rec.Time.IsZero() {
		rec.Time = time.Now()
	}
	if h.source && r.PC != 0 {
		f, _ := runtime.CallersFrames([]uintptr{r.PC}).Next()
		rec.File, rec.Line, rec.Function = f.File, f.Line, f.Function
	}
	if len(h.groups) == 0 {
		s.attrs = append(s.attrs, h.attrs...)
		named := false
		r.Attrs(func(a slog.Attr) bool {
			if !named && isLogger(a) {
				rec.Logger, named = a.Value.String(), true
			} else {
				s.attrs = h.clean(s.attrs, a, nil)
			}
			return true
		})
		rec.Attrs = s.attrs
	} else {
		rec.Attrs = h.nest(r)
	}
	if rec.Logger == "" {
		rec.Logger = DefaultLogger
	}
	s.line = append(h.f.Append(s.line[:0], rec), '\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := h.w.Write(s.line)
	return err
}

// nest returns the attributes of r under the open groups: the record's in
// the innermost, each group in its parent after the parent's own
// attributes, groups left with no attributes left out.
func (h *PythonHandler) nest(r slog.Record) []slog.Attr {
	names := h.groupNames()
	var inner []slog.Attr
	r.Attrs(func(a slog.Attr) bool {
		inner = h.clean(inner, a, names)
		return true
	})
	for i := len(h.groups) - 1; i >= 0; i-- {
		g := h.groups[i]
		var parent []slog.Attr
		if i > 0 {
			parent = slices.Clip(h.groups[i-1].attrs)
		} else {
			parent = slices.Clip(h.attrs)
		}
		members := append(slices.Clip(g.attrs), inner...)
		if len(members) > 0 {
			parent = append(parent, slog.Attr{Key: g.name, Value: slog.GroupValue(members...)})
		}
		inner = parent
	}
	return inner
}

// isLogger reports whether a names the logger: a LoggerKey string.
func isLogger(a slog.Attr) bool {
	return a.Key == LoggerKey && a.Value.Kind() == slog.KindString
}

// clean appends a to dst under slog's handler rules: LogValuers resolved,
// empty attributes and empty groups left out, groups with an empty key
// inlined, ReplaceAttr applied. The adapter's own values come back as pylog
// reads them: an emptyObject is an empty group, which is kept (it is an
// event's {}, not an empty slog group).
func (h *PythonHandler) clean(dst []slog.Attr, a slog.Attr, groups []string) []slog.Attr {
	if a.Value.Kind() == slog.KindAny {
		if _, ok := a.Value.Any().(emptyObject); ok {
			return append(dst, slog.Attr{Key: a.Key, Value: slog.GroupValue()})
		}
	}
	a.Value = a.Value.Resolve()
	if a.Value.Kind() != slog.KindGroup {
		if h.replace != nil {
			a = h.replace(groups, a)
			a.Value = a.Value.Resolve()
		}
		if a.Equal(slog.Attr{}) {
			return dst
		}
		return append(dst, a)
	}
	members := a.Value.Group()
	if a.Key == "" {
		return h.cleanAttrs(dst, members, groups)
	}
	if h.replace == nil && isClean(members) {
		if len(members) == 0 {
			return dst
		}
		return append(dst, a)
	}
	sub := h.cleanAttrs(nil, members, append(slices.Clip(groups), a.Key))
	if len(sub) == 0 {
		return dst
	}
	return append(dst, slog.Attr{Key: a.Key, Value: slog.GroupValue(sub...)})
}

// cleanAttrs appends each of attrs to dst as clean does.
func (h *PythonHandler) cleanAttrs(dst, attrs []slog.Attr, groups []string) []slog.Attr {
	for _, a := range attrs {
		dst = h.clean(dst, a, groups)
	}
	return dst
}

// isClean reports whether attrs need none of cleanAttrs's work.
func isClean(attrs []slog.Attr) bool {
	for _, a := range attrs {
		switch a.Value.Kind() {
		case slog.KindLogValuer:
			return false
		case slog.KindGroup:
			if a.Key == "" || len(a.Value.Group()) == 0 || !isClean(a.Value.Group()) {
				return false
			}
		case slog.KindAny:
			switch a.Value.Any().(type) {
			case nil:
				if a.Key == "" {
					return false
				}
			case emptyObject:
				return false
			}
		}
	}
	return true
}
