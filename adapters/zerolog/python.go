package codexzerolog

import (
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/rs/zerolog"

	"github.com/codextel/codextel/core/pylog"
)

// NewPythonLogger returns a zerolog.Logger that writes Python logging lines to
// w, rendered by f, one Write per line, for applications that want the Python
// format without configuring zerolog. Its level is zerolog.TraceLevel; narrow
// it, add context or hooks as with any zerolog.Logger.
//
// Events attached with [Attach] to this logger, or to one derived from it, are
// rendered from their Python record, byte for byte what CPython's logging (or
// python-json-logger) writes for the same record: the zerolog event is made
// with the logger's level, sampler and hooks as usual, then the logger's own
// hook renders the record and discards zerolog's JSON. A hook added after
// NewPythonLogger therefore sees adapter events at zerolog.Disabled, and
// fields it adds are not written.
//
// Lines the application writes itself are zerolog JSON converted to a record:
// the level as [PythonLevel] maps it, the "logger" field as the logger name
// ("root" when there is none), the message field, the time field read with
// zerolog.TimeFieldFormat (the moment of the write when there is none), the
// error field as the record's exception, the caller field as its pathname and
// line, and every other field in order as an extra (shown by JSON formats
// only). zerolog's JSON has already lost some Python types: a float with no
// fraction reads back as an int and a duration as a number of
// zerolog.DurationFieldUnit.
//
// Writes to w are serialized, as Python's StreamHandler does, so a w that is
// not safe for concurrent use (a bytes.Buffer) is fine. A write error is
// reported to zerolog.ErrorHandler, or to stderr when it is nil, as zerolog
// reports its own.
func NewPythonLogger(w io.Writer, f pylog.RecordFormatter) zerolog.Logger {
	pw := &pythonWriter{out: w, f: f}
	return zerolog.New(pw).Hook(pw)
}

// pythonWriter is both the writer and the first hook of a NewPythonLogger
// logger.
type pythonWriter struct {
	out io.Writer
	f   pylog.RecordFormatter
	mu  sync.Mutex
}

var (
	_ zerolog.LevelWriter = (*pythonWriter)(nil)
	_ zerolog.Hook        = (*pythonWriter)(nil)
)

var lines = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// Run renders the record of an adapter event and discards zerolog's JSON for
// it. Other events pass on to the writer.
func (w *pythonWriter) Run(e *zerolog.Event, _ zerolog.Level, _ string) {
	rc, ok := e.GetCtx().(*recordContext)
	if !ok || rc.rec == nil {
		return
	}
	w.writeRecord(rc.rec)
	e.Discard()
}

// WriteLevel writes a line the application logged itself at level l.
func (w *pythonWriter) WriteLevel(l zerolog.Level, p []byte) (int, error) {
	r := pylog.GetRecord()
	defer pylog.PutRecord(r)
	parseLine(r, p, PythonLevel(l), true)
	return len(p), w.write(r)
}

// Write writes a line written to the logger directly (Logger.Write); its
// level is read from the level field.
func (w *pythonWriter) Write(p []byte) (int, error) {
	r := pylog.GetRecord()
	defer pylog.PutRecord(r)
	parseLine(r, p, pylog.NotSet, false)
	return len(p), w.write(r)
}

func (w *pythonWriter) writeRecord(r *pylog.Record) {
	if err := w.write(r); err != nil {
		if zerolog.ErrorHandler != nil {
			zerolog.ErrorHandler(err)
		} else {
			fmt.Fprintf(os.Stderr, "codexzerolog: could not write event: %v\n", err)
		}
	}
}

func (w *pythonWriter) write(r *pylog.Record) error {
	bp := lines.Get().(*[]byte)
	b := append(w.f.Append((*bp)[:0], r), '\n')
	w.mu.Lock()
	_, err := w.out.Write(b)
	w.mu.Unlock()
	if cap(b) <= 64<<10 {
		*bp = b
		lines.Put(bp)
	}
	return err
}
