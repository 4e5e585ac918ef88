package pylog

import (
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"
)

// A Record is one log record, the counterpart of Python's LogRecord. It is
// read, never changed, by the formatters, and a zero Record is valid.
type Record struct {
	// Time is when the record was made: created, msecs, asctime and
	// relativeCreated come from it.
	Time time.Time
	// Level gives levelname and levelno.
	Level Level
	// Logger is the logger's name (name), such as "openai.agents".
	Logger string
	// Message is the message, already rendered (message). See [AppendStr]
	// for rendering values the way Python's str() would.
	Message string
	// Attrs are the extra fields, in order (Python's extra=...). Only
	// [JSONFormatter] writes them; logging.Formatter shows none.
	Attrs []slog.Attr
	// Err, when not nil, is written as Python writes a record's exception
	// (see the package documentation for the text used).
	Err error

	// File, Line and Function say where the record was made. File is a
	// path (pathname; filename and module derive from it), Function the
	// function's name (funcName). When they are zero the formatters print
	// what Python's Logger records when it cannot find its caller:
	// "(unknown file)", 0 and "(unknown function)".
	File     string
	Line     int
	Function string

	// buf is the scratch buffer [Record.MessageBuffer] returns, kept
	// across the pool's reuses.
	buf []byte
}

// created is record.created: time.time() as a float, computed the way
// CPython turns nanoseconds into seconds.
func created(t time.Time) float64 {
	// UnixNano holds times from 1678 to 2261.
	if sec := t.Unix(); sec > -9e9 && sec < 9e9 {
		ns := t.UnixNano()
		if ns%1e9 == 0 {
			return float64(ns / 1e9)
		}
		return float64(ns) / 1e9
	}
	return float64(t.Unix()) + float64(t.Nanosecond())/1e9
}

// msecs is record.msecs: int((created - int(created)) * 1000), truncated,
// never rounded.
func msecs(ct float64) float64 { return math.Trunc((ct - math.Trunc(ct)) * 1000) }

// pathname, filename, module, funcName and lineno are the caller fields.
func (r *Record) pathname() string {
	if r.File == "" {
		return "(unknown file)"
	}
	return r.File
}

func (r *Record) filename() string {
	p := r.pathname()
	return p[strings.LastIndexByte(p, '/')+1:]
}

// module is os.path.splitext(filename)[0]: the name less its last
// extension, where leading dots do not start one.
func (r *Record) module() string {
	f := r.filename()
	dot := strings.LastIndexByte(f, '.')
	if dot <= 0 || strings.Trim(f[:dot], ".") == "" {
		return f
	}
	return f[:dot]
}

func (r *Record) funcName() string {
	if r.Function == "" {
		return "(unknown function)"
	}
	return r.Function
}

// appendExcText appends the exception text Python would show for r.Err:
// err.Error() with one trailing newline removed (as formatException
// strips the traceback's), or the error's type when its text is empty,
// as a traceback ends in the bare class name of an exception without a
// message. A panic in Error is written as !PANIC: <what>.
func appendExcText(dst []byte, err error, m mode) []byte {
	s := errorText(err)
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		s = fmt.Sprintf("%T", err)
	}
	return appendString(dst, s, m)
}

func errorText(err error) (s string) {
	defer func() {
		if r := recover(); r != nil {
			s = fmt.Sprintf("!PANIC: %v", r)
		}
	}()
	return err.Error()
}
