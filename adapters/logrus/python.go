package codexlogrus

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"slices"

	"github.com/sirupsen/logrus"

	"github.com/codextel/codextel/core/pylog"
)

// A PythonFormatter is a logrus.Formatter that writes entries as Python
// logging lines, rendered by a [pylog.RecordFormatter]. It is safe for concurrent use.
//
// An entry written by [Attach] carries its Python record in its Context, and
// is written from that record: byte for byte what CPython's logging (or
// python-json-logger) writes, fields in their order. Fields that hooks add to
// such an entry's Data are not shown.
//
// Any other entry (the application's own lines) is converted to a record: the
// level as [PythonLevel] maps it, or the [LevelNameKey] field when it holds a
// Python level name; the [LoggerKey] field as the logger name ("root" when
// there is none); Message; Time; the logrus.ErrorKey field, when it holds an
// error, as the record's exception; the caller, when the logger reports it, as
// pathname, funcName and lineno; and every other field as an extra (shown by
// JSON formats only), sorted by key, since logrus.Fields is a map and has
// no order.
type PythonFormatter struct {
	f pylog.RecordFormatter
}

var _ logrus.Formatter = (*PythonFormatter)(nil)

// NewPythonFormatter returns a PythonFormatter rendering with f.
func NewPythonFormatter(f pylog.RecordFormatter) *PythonFormatter {
	return &PythonFormatter{f: f}
}

// Format renders entry as one Python logging line, with its newline.
func (p *PythonFormatter) Format(entry *logrus.Entry) ([]byte, error) {
	b := entry.Buffer
	if b == nil {
		b = new(bytes.Buffer)
	}
	if r := recordOf(entry.Context); r != nil {
		b.Write(append(p.f.Append(b.AvailableBuffer(), r), '\n'))
		return b.Bytes(), nil
	}
	r := pylog.GetRecord()
	defer pylog.PutRecord(r)
	entryRecord(r, entry)
	b.Write(append(p.f.Append(b.AvailableBuffer(), r), '\n'))
	return b.Bytes(), nil
}

// entryRecord fills r from an entry the adapter did not write.
func entryRecord(r *pylog.Record, entry *logrus.Entry) {
	r.Time = entry.Time
	r.Message = entry.Message
	r.Level = PythonLevel(entry.Level)
	r.Logger = "root"
	keys := make([]string, 0, len(entry.Data))
	for k, v := range entry.Data {
		switch k {
		case LevelNameKey:
			if s, ok := v.(string); ok {
				if l, err := pylog.ParseLevel(s); err == nil {
					r.Level = l
					continue
				}
			}
		case LoggerKey:
			if s, ok := v.(string); ok {
				r.Logger = s
				continue
			}
		case logrus.ErrorKey:
			if err, ok := v.(error); ok {
				r.Err = err
				continue
			}
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := entry.Data[k]
		if o, ok := v.(Object); ok {
			r.Attrs = append(r.Attrs, slog.Attr{Key: k, Value: slog.GroupValue(o...)})
			continue
		}
		r.Attrs = append(r.Attrs, slog.Any(k, v))
	}
	if c := entry.Caller; c != nil {
		r.File, r.Line, r.Function = c.File, c.Line, c.Function
	}
}

// NewPythonLogger returns a *logrus.Logger that writes Python logging lines
// to w, rendered by f (see [PythonFormatter]), for applications that want the
// Python format without configuring logrus. Its level is logrus.TraceLevel, so
// that everything is written, as by a Python handler at NOTSET; it has no hooks
// and exits through os.Exit on Fatal, like logrus.New. logrus serializes the
// writes to w.
func NewPythonLogger(w io.Writer, f pylog.RecordFormatter) *logrus.Logger {
	return &logrus.Logger{
		Out:       w,
		Formatter: NewPythonFormatter(f),
		Hooks:     make(logrus.LevelHooks),
		Level:     logrus.TraceLevel,
		ExitFunc:  os.Exit,
	}
}
