package codexzap

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/codextel/codextel/core/pylog"
	"go.uber.org/zap"
	"go.uber.org/zap/buffer"
	"go.uber.org/zap/zapcore"
)

// The encodings this package registers with [zap.RegisterEncoder] when it is
// imported, so that a [zap.Config] can name them as its Encoding.
const (
	// TextEncoding writes logging.Formatter lines in TextFormat.
	TextEncoding = "codex-python-text"
	// JSONEncoding writes python-json-logger objects in JSONFormat, with
	// json_ensure_ascii.
	JSONEncoding = "codex-python-json"
)

// The formats of the registered encodings: TextFormat is
// logging.BASIC_FORMAT, what logging.basicConfig() prints; JSONFormat is
// python-json-logger's usual layout. Both write asctime, where they have
// it, in the local zone, as Python does. For other layouts, zones or date
// formats, build a formatter with package pylog and use [NewPythonEncoder],
// [NewPythonLogger] or [RegisterPythonEncoder].
const (
	TextFormat = "%(levelname)s:%(name)s:%(message)s"
	JSONFormat = "%(asctime)s %(levelname)s %(name)s %(message)s"
)

// init registers the encodings. It panics only if another package took
// their names first.
func init() {
	if err := RegisterPythonEncoder(TextEncoding, defaultText()); err != nil {
		panic("codexzap: registering " + TextEncoding + ": " + err.Error())
	}
	json, err := pylog.NewJSONFormatter(JSONFormat)
	if err == nil {
		err = RegisterPythonEncoder(JSONEncoding, json)
	}
	if err != nil {
		panic("codexzap: registering " + JSONEncoding + ": " + err.Error())
	}
}

// RegisterPythonEncoder registers, under name, an encoding that writes
// entries with f (see [NewPythonEncoder]), so that a [zap.Config] can name it
// as its Encoding. Of the config's EncoderConfig only LineEnding and
// SkipLineEnding are read: the Python layout decides the rest. It fails
// when f is nil or when the name is already registered (zap keeps one
// encoder per name for the whole process).
func RegisterPythonEncoder(name string, f pylog.RecordFormatter) error {
	if f == nil {
		return errors.New("codexzap: nil formatter")
	}
	return zap.RegisterEncoder(name, func(cfg zapcore.EncoderConfig) (zapcore.Encoder, error) {
		eol := cfg.LineEnding
		switch {
		case cfg.SkipLineEnding:
			eol = ""
		case eol == "":
			eol = zapcore.DefaultLineEnding
		}
		return newEncoder(f, eol), nil
	})
}

// NewPythonEncoder returns a zap encoder that writes each entry as Python's
// logging writes a record in f's layout, followed by a newline, as a
// StreamHandler does. A nil f is TextFormat.
//
// An entry from [Attach] is written exactly as CPython writes the event: its
// Python level, its fields with their Python values. Any other entry is
// read as a Python record: the level by [PythonLevel], the logger name
// ("root", Python's root logger, for zap's unnamed logger), the message and
// the time as they are, the caller as pathname, lineno and
// funcName, a stack trace as the exception text (pylog's records have no
// stack_info), and the fields, in order, as extras: integers, floats,
// strings, booleans, durations (timedelta) and times (datetime) as such,
// objects and namespaces as dicts, arrays as lists, zap.Binary as bytes and
// anything reflected as pylog renders a Go value. The fields given to the
// logger's With come first, as zap writes them. Only the JSON layouts show
// the fields; logging.Formatter shows none.
//
// The encoder reads each entry's fields while it encodes it, as every zap
// encoder does; an entry from [Attach] must be encoded before Write returns.
func NewPythonEncoder(f pylog.RecordFormatter) zapcore.Encoder {
	return newEncoder(f, zapcore.DefaultLineEnding)
}

// NewPythonLogger returns a logger that writes entries at the levels level
// enables (all when it is nil) to w, with [NewPythonEncoder] in f's layout
// (TextFormat when f is nil), for programs that want Python's output without
// configuring zap. Writes to w are serialised: each entry is one Write.
// Attach it to a bus with [Attach].
func NewPythonLogger(w io.Writer, f pylog.RecordFormatter, level zapcore.LevelEnabler) *zap.Logger {
	if level == nil {
		level = zap.LevelEnablerFunc(func(zapcore.Level) bool { return true })
	}
	return zap.New(pythonCore{zapcore.NewCore(NewPythonEncoder(f), zapcore.Lock(zapcore.AddSync(w)), level)})
}

// A pythonCore is the core of a NewPythonLogger logger, and of the loggers
// its With makes: zap's ioCore with the Python encoder, which copies the
// entry's message into the line and keeps nothing (zap's CheckedEntry
// clears the entry when it goes back to its pool). A handler writing to
// such a core, and to nothing else (hooks, a tee or a sampler wrap the core
// in another type), lets the entry's message borrow the pooled buffer it
// was rendered into.
type pythonCore struct{ zapcore.Core }

// With returns the core with fields added, still a pythonCore.
func (c pythonCore) With(fields []zapcore.Field) zapcore.Core {
	return pythonCore{c.Core.With(fields)}
}

var defaultText = sync.OnceValue(func() pylog.RecordFormatter {
	f, err := pylog.NewFormatter(TextFormat)
	if err != nil {
		panic("codexzap: " + err.Error())
	}
	return f
})

// An encoder is the Python encoder: a formatter, the line ending, and the
// context fields given to With.
type encoder struct {
	f   pylog.RecordFormatter
	eol string
	collector
}

var _ zapcore.Encoder = (*encoder)(nil)

func newEncoder(f pylog.RecordFormatter, eol string) *encoder {
	if f == nil {
		f = defaultText()
	}
	return &encoder{f: f, eol: eol}
}

// Clone returns a copy of the encoder that fields can be added to.
func (e *encoder) Clone() zapcore.Encoder {
	c := &encoder{f: e.f, eol: e.eol}
	c.attrs = slices.Clone(e.attrs)
	c.open = slices.Clone(e.open)
	return c
}

var buffers = buffer.NewPool()

// rootLogger is the name Python gives the logger zap leaves unnamed.
const rootLogger = "root"

// EncodeEntry writes the entry and its fields, after the context, as one
// Python record.
func (e *encoder) EncodeEntry(ent zapcore.Entry, fields []zapcore.Field) (*buffer.Buffer, error) {
	es := encStates.Get().(*encState)
	defer es.release()
	r := &es.rec
	r.Time, r.Logger, r.Message = ent.Time, ent.LoggerName, ent.Message
	if r.Logger == "" {
		r.Logger = rootLogger
	}
	if ent.Caller.Defined {
		r.File, r.Line, r.Function = ent.Caller.File, ent.Caller.Line, ent.Caller.Function
	}
	if ent.Stack != "" {
		r.Err = stackTrace(ent.Stack)
	}
	if st, ok := carried(fields); ok {
		r.Level = st.level
		if len(e.attrs) == 0 && len(e.open) == 0 {
			r.Attrs = st.recordAttrs()
		} else {
			es.col.from(&e.collector)
			es.col.attrs = append(es.col.attrs, st.recordAttrs()...)
			r.Attrs = es.col.close()
		}
	} else {
		r.Level = PythonLevel(ent.Level)
		es.col.from(&e.collector)
		for i := range fields {
			fields[i].AddTo(&es.col)
		}
		r.Attrs = es.col.close()
	}
	es.b = e.f.Append(es.b[:0], r)
	buf := buffers.Get()
	buf.Write(es.b)
	buf.AppendString(e.eol)
	return buf, nil
}

// An encState is what one EncodeEntry call needs.
type encState struct {
	rec pylog.Record
	col collector
	b   []byte
}

var encStates = sync.Pool{New: func() any {
	return &encState{b: make([]byte, 0, 1024)}
}}

// release clears the state and returns it to the pool unless it grew large.
func (es *encState) release() {
	es.rec = pylog.Record{}
	if cap(es.b) > 64<<10 || cap(es.col.attrs) > maxPooled {
		return
	}
	clear(es.col.attrs)
	es.col.attrs, es.col.open = es.col.attrs[:0], es.col.open[:0]
	encStates.Put(es)
}

// A stackTrace is an entry's stack, written where Python writes a record's
// exception.
type stackTrace string

func (s stackTrace) Error() string { return string(s) }

// A collector reads zap fields as log/slog attributes, in order; fields
// added after OpenNamespace go into a group named after it, which close
// makes.
type collector struct {
	attrs []slog.Attr
	open  []namespace
}

// A namespace is an open namespace: its key, and the index in attrs where
// its fields start.
type namespace struct {
	key   string
	start int
}

var _ zapcore.ObjectEncoder = (*collector)(nil)

// from makes c a copy of src.
func (c *collector) from(src *collector) {
	c.attrs = append(c.attrs[:0], src.attrs...)
	c.open = append(c.open[:0], src.open...)
}

// close closes the open namespaces, innermost first, and returns the
// attributes.
func (c *collector) close() []slog.Attr {
	for i := len(c.open) - 1; i >= 0; i-- {
		ns := c.open[i]
		inner := slices.Clone(c.attrs[ns.start:])
		c.attrs = append(c.attrs[:ns.start], slog.Attr{Key: ns.key, Value: slog.GroupValue(inner...)})
	}
	c.open = c.open[:0]
	return c.attrs
}

func (c *collector) add(a slog.Attr) { c.attrs = append(c.attrs, a) }

// AddArray adds the array as a list.
func (c *collector) AddArray(key string, m zapcore.ArrayMarshaler) error {
	if l, ok := m.(list); ok {
		c.add(slog.Any(key, []any(l)))
		return nil
	}
	var it items
	err := m.MarshalLogArray(&it)
	c.add(slog.Any(key, []any(it)))
	return err
}

// AddObject adds the object as a dict.
func (c *collector) AddObject(key string, m zapcore.ObjectMarshaler) error {
	v, err := objectValue(m)
	c.add(slog.Attr{Key: key, Value: v})
	return err
}

func objectValue(m zapcore.ObjectMarshaler) (slog.Value, error) {
	if g, ok := m.(group); ok {
		return slog.GroupValue(g...), nil
	}
	var sub collector
	err := m.MarshalLogObject(&sub)
	return slog.GroupValue(sub.close()...), err
}

func (c *collector) AddBinary(key string, v []byte) { c.add(slog.Any(key, bytes.Clone(v))) }
func (c *collector) AddByteString(key string, v []byte) {
	c.add(slog.String(key, string(v)))
}
func (c *collector) AddBool(key string, v bool)             { c.add(slog.Bool(key, v)) }
func (c *collector) AddComplex128(key string, v complex128) { c.add(slog.Any(key, v)) }
func (c *collector) AddComplex64(key string, v complex64) {
	c.add(slog.Any(key, complex128(v)))
}
func (c *collector) AddDuration(key string, v time.Duration) { c.add(slog.Duration(key, v)) }
func (c *collector) AddFloat64(key string, v float64)        { c.add(slog.Float64(key, v)) }
func (c *collector) AddFloat32(key string, v float32)        { c.add(slog.Float64(key, float64(v))) }
func (c *collector) AddInt(key string, v int)                { c.add(slog.Int64(key, int64(v))) }
func (c *collector) AddInt64(key string, v int64)            { c.add(slog.Int64(key, v)) }
func (c *collector) AddInt32(key string, v int32)            { c.add(slog.Int64(key, int64(v))) }
func (c *collector) AddInt16(key string, v int16)            { c.add(slog.Int64(key, int64(v))) }
func (c *collector) AddInt8(key string, v int8)              { c.add(slog.Int64(key, int64(v))) }
func (c *collector) AddString(key, v string)                 { c.add(slog.String(key, v)) }
func (c *collector) AddTime(key string, v time.Time)         { c.add(slog.Time(key, v)) }
func (c *collector) AddUint(key string, v uint)              { c.add(slog.Uint64(key, uint64(v))) }
func (c *collector) AddUint64(key string, v uint64)          { c.add(slog.Uint64(key, v)) }
func (c *collector) AddUint32(key string, v uint32)          { c.add(slog.Uint64(key, uint64(v))) }
func (c *collector) AddUint16(key string, v uint16)          { c.add(slog.Uint64(key, uint64(v))) }
func (c *collector) AddUint8(key string, v uint8)            { c.add(slog.Uint64(key, uint64(v))) }
func (c *collector) AddUintptr(key string, v uintptr)        { c.add(slog.Uint64(key, uint64(v))) }

// AddReflected adds the value for pylog to render as it renders Go values.
func (c *collector) AddReflected(key string, v any) error {
	c.add(slog.Any(key, v))
	return nil
}

// OpenNamespace puts the fields added after it in a dict named key.
func (c *collector) OpenNamespace(key string) {
	c.open = append(c.open, namespace{key: key, start: len(c.attrs)})
}

// items collects an array's items for a list.
type items []any

var _ zapcore.ArrayEncoder = (*items)(nil)

func (it *items) add(x any) { *it = append(*it, x) }

func (it *items) AppendArray(m zapcore.ArrayMarshaler) error {
	if l, ok := m.(list); ok {
		it.add([]any(l))
		return nil
	}
	var sub items
	err := m.MarshalLogArray(&sub)
	it.add([]any(sub))
	return err
}

func (it *items) AppendObject(m zapcore.ObjectMarshaler) error {
	v, err := objectValue(m)
	it.add(v)
	return err
}

func (it *items) AppendReflected(v any) error {
	it.add(v)
	return nil
}

func (it *items) AppendBool(v bool)              { it.add(v) }
func (it *items) AppendByteString(v []byte)      { it.add(string(v)) }
func (it *items) AppendComplex128(v complex128)  { it.add(v) }
func (it *items) AppendComplex64(v complex64)    { it.add(complex128(v)) }
func (it *items) AppendFloat64(v float64)        { it.add(v) }
func (it *items) AppendFloat32(v float32)        { it.add(float64(v)) }
func (it *items) AppendInt(v int)                { it.add(int64(v)) }
func (it *items) AppendInt64(v int64)            { it.add(v) }
func (it *items) AppendInt32(v int32)            { it.add(int64(v)) }
func (it *items) AppendInt16(v int16)            { it.add(int64(v)) }
func (it *items) AppendInt8(v int8)              { it.add(int64(v)) }
func (it *items) AppendString(v string)          { it.add(v) }
func (it *items) AppendUint(v uint)              { it.add(uint64(v)) }
func (it *items) AppendUint64(v uint64)          { it.add(v) }
func (it *items) AppendUint32(v uint32)          { it.add(uint64(v)) }
func (it *items) AppendUint16(v uint16)          { it.add(uint64(v)) }
func (it *items) AppendUint8(v uint8)            { it.add(uint64(v)) }
func (it *items) AppendUintptr(v uintptr)        { it.add(uint64(v)) }
func (it *items) AppendDuration(v time.Duration) { it.add(v) }
func (it *items) AppendTime(v time.Time)         { it.add(v) }
