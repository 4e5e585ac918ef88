package pylog

import (
	"os"
	"time"
)

// startTime stands for logging._startTime, the time Python's logging
// module was imported: relativeCreated counts from it unless
// [WithStartTime] says otherwise. It is set once, when the package is
// initialised, and never changed.
var startTime = time.Now()

// An Option configures a [Formatter] or a [JSONFormatter].
type Option interface {
	apply(config) config
}

type optionFunc func(config) config

func (f optionFunc) apply(c config) config { return f(c) }

// config holds what the options set; newConfig fills in the defaults.
type config struct {
	style       rune
	dateFormat  string
	loc         *time.Location
	start       time.Time
	pid         int
	processName string
	tid         int
	threadName  string

	// JSON only; the *Set flags let NewFormatter refuse them.
	ensureASCII    bool
	ensureASCIISet bool
	timestampKey   string
	timestampSet   bool
}

func newConfig(opts []Option) config {
	pid := os.Getpid()
	c := config{
		style:       '%',
		start:       startTime,
		pid:         pid,
		processName: "MainProcess",
		tid:         pid,
		threadName:  "MainThread",
		ensureASCII: true,
	}
	for _, o := range opts {
		if o != nil {
			c = o.apply(c)
		}
	}
	return c
}

// location is the zone asctime is written in: time.Local unless
// [WithLocation] set one. It is read at each record, so a program that
// sets time.Local early is honoured.
func (c config) location() *time.Location {
	if c.loc != nil {
		return c.loc
	}
	return time.Local
}

// WithStyle sets how the format string is read, as logging.Formatter's
// style argument: '%' (the default) for %(name)s fields, '{' for
// str.format fields such as {levelname:<8}, '$' for string.Template
// fields such as $levelname or ${levelname}.
func WithStyle(style rune) Option {
	return optionFunc(func(c config) config { c.style = style; return c })
}

// WithDateFormat sets the datefmt passed to time.strftime for asctime.
// With a date format no milliseconds are appended, as in Python. The
// directives are glibc's in the C locale (see the package documentation);
// an empty format means the default, '%Y-%m-%d %H:%M:%S' plus ',mmm'.
func WithDateFormat(datefmt string) Option {
	return optionFunc(func(c config) config { c.dateFormat = datefmt; return c })
}

// WithLocation sets the zone asctime is written in. The default is
// time.Local, as Python's formatTime uses time.localtime; pass time.UTC
// for what Formatter.converter = time.gmtime gives.
func WithLocation(loc *time.Location) Option {
	return optionFunc(func(c config) config { c.loc = loc; return c })
}

// WithStartTime sets the time relativeCreated counts from. The default is
// when this package was initialised, as Python's is when logging was
// imported.
func WithStartTime(t time.Time) Option {
	return optionFunc(func(c config) config { c.start = t; return c })
}

// WithProcess sets process and processName. The defaults are os.Getpid()
// and "MainProcess".
func WithProcess(pid int, name string) Option {
	return optionFunc(func(c config) config { c.pid, c.processName = pid, name; return c })
}

// WithThread sets thread and threadName. Goroutines have no identity to
// report, so the defaults are the process id (on Linux the native id of a
// process's main thread) and "MainThread".
func WithThread(id int, name string) Option {
	return optionFunc(func(c config) config { c.tid, c.threadName = id, name; return c })
}

// WithEnsureASCII sets python-json-logger's json_ensure_ascii. It is true
// by default: everything outside printable ASCII is escaped. With false,
// non-ASCII characters are written as UTF-8 and only the quote, the
// backslash and control characters below U+0020 are escaped. It applies to
// [NewJSONFormatter] only; [NewFormatter] rejects it.
func WithEnsureASCII(ensureASCII bool) Option {
	return optionFunc(func(c config) config {
		c.ensureASCII, c.ensureASCIISet = ensureASCII, true
		return c
	})
}

// WithTimestamp adds the record's time under key, as python-json-logger's
// timestamp argument does (timestamp=True is WithTimestamp("timestamp")):
// datetime.isoformat() in UTC, 2025-12-02T10:52:12.123456+00:00, the
// fraction left out when the microsecond is 0. It comes last, unless key
// is already a field or an extra, whose place it then takes (a dict keeps a
// key's first position). An empty key turns it off. It applies to
// [NewJSONFormatter] only; [NewFormatter] rejects it.
func WithTimestamp(key string) Option {
	return optionFunc(func(c config) config { c.timestampKey, c.timestampSet = key, true; return c })
}
