// Package pylog reproduces Python's logging output from Go, byte for byte:
// level names and numbers as CPython's logging module has them, the lines
// logging.Formatter writes, the objects python-json-logger 2.0.1's
// JsonFormatter writes, and Python's str(), repr() and json.dumps() of
// values.
//
//	import "github.com/codextel/codextel/core/pylog"
//
// Every fact it reproduces is written down, with CPython's own samples, in the
// project's Python parity matrix (docs/parity.md). The reference is CPython
// 3.11 on glibc with python-json-logger 2.0.1 (Debian's python3 and
// python3-pythonjsonlogger).
//
// # Overview
//
// A [Record] is one log record, the counterpart of Python's LogRecord. A
// [Formatter], compiled once by [NewFormatter] from a logging.Formatter
// format string, appends a record as text; a [JSONFormatter], compiled by
// [NewJSONFormatter], appends it as one JSON object. [AppendStr],
// [AppendRepr] and [AppendJSON] render single values. Everything appends to
// a caller's buffer (AppendX(dst []byte, ...) []byte), never adds the
// trailing newline a Python handler writes, and does not allocate for
// records whose extras are strings, numbers, booleans, times, durations or
// groups of them. Formatters are immutable and safe for concurrent use.
// [RecordFormatter] is the interface both satisfy, which codextel's adapters
// take; [GetRecord] and [PutRecord] are the record pool they share.
//
//	f, err := pylog.NewFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
//	...
//	buf = append(f.Append(buf[:0], &rec), '\n')
//
// # Record fields
//
// A Record gives the LogRecord attributes as follows:
//
//   - name: Logger. levelname, levelno: Level (see [Level.String]).
//   - message: Message, already rendered. msg (JSON only) is Message too.
//   - created: Time as time.time() would give it, a float of seconds
//     (nanoseconds / 1e9, as CPython converts them). msecs:
//     int((created - int(created)) * 1000), truncated, never rounded, a
//     float in JSON (123.0). relativeCreated: (created - start) * 1000,
//     start being [WithStartTime] or else when this package was initialised.
//   - asctime: time.strftime('%Y-%m-%d %H:%M:%S') of created in the
//     formatter's location ([WithLocation], time.Local by default, as
//     Python uses localtime), then ',' and msecs as three digits. With
//     [WithDateFormat] the datefmt is used instead and no milliseconds are
//     appended, as in Python.
//   - process, processName, thread, threadName: [WithProcess] and
//     [WithThread]; by default os.Getpid(), "MainProcess", os.Getpid() (on
//     Linux the native id of the main thread; goroutines have none) and
//     "MainThread".
//   - pathname, filename, module, funcName, lineno: File, Line, Function.
//     filename is the part of File after the last '/', module that name
//     less its extension (os.path.splitext: leading dots do not start one).
//     When they are not set, the formatters print what Python's Logger
//     records when it cannot find its caller (as with logging._srcfile =
//     None): "(unknown file)" for pathname, filename and module, 0 for
//     lineno and "(unknown function)" for funcName. (A LogRecord built by
//     hand with makeLogRecord would instead have "", 0 and None.)
//   - The extras (extra=... in Python) are Attrs, in order. Only the JSON
//     formatter writes them; logging.Formatter shows no extras, and a text
//     format naming one is refused.
//
// # Text formats
//
// [NewFormatter] reads the three styles of logging.Formatter
// ([WithStyle]): '%' (%(levelname)-8s, %(msecs)03d, %(created)f, %%), '{'
// ({levelname:<8}, {created:.3f}, {message!r}, {{ }}) and '$' ($name,
// ${name}, $$). An empty format is the style's default: '%(message)s',
// '{message}' or '${message}'. Conversions follow Python exactly: printf
// flags (- + space # 0), width, precision (which cuts strings to that many
// characters), the ignored length modifiers h l L, and the types s r a d i
// u o x X e E f F g G; the format-spec mini-language's fill, alignment
// (< > ^ =), sign, #, 0, width, grouping (, _), precision and types s d n b
// o x X e E f F g G %, with Python's defaults (left-aligned strings,
// right-aligned numbers, repr for a float with no type). Widths count
// characters, not bytes.
//
// Every check is made when the format is compiled, so a Formatter never
// writes a broken line: an unknown attribute, a malformed field, or a
// conversion that does not fit the attribute's type (%d of levelname,
// %x of created, a precision for an int in '{' style) is an error that
// names its position (a byte offset). So is anything logging.Formatter's
// own validation refuses (a '%' format with no field it recognises, a '{'
// format with a bad field, a bare '$'). Refused although Python would
// accept them: positional fields and "*" widths (which fail when Python
// formats a record) and the 'c' conversions (character of a number).
//
// # Dates
//
// asctime and datefmt follow glibc's strftime in the C locale, as CPython
// on Linux calls it: %a %A %b %B %c %C %d %D %e %F %g %G %h %H %I %j %k %l
// %m %M %n %p %P %r %R %s %S %t %T %u %U %V %w %W %x %X %y %Y %z %Z %%,
// the E and O modifiers (which change nothing in the C locale), and
// glibc's flags _ - 0 ^ # with widths on the simple directives. %Z is the
// name of the zone at that instant, as the location reports it. Like
// glibc, an unknown directive (%f: time.strftime has none, %Q) is copied
// as it is; a flag or width on a composite directive, on %z or on an
// unknown one is refused.
//
// # Exceptions
//
// A record's Err is written as Python writes a record's exception text. In
// text, it follows the formatted line after one "\n" (none is added when
// the line already ends in "\n"), with no newline after it. In JSON it is
// the "exc_info" value. A Go error has no traceback: the text is
// err.Error(), less one trailing newline (as formatException strips one
// from a traceback), or, when Error() returns "", the error's type (%T),
// as a traceback ends in the bare class name of an exception without a
// message. A panic in Error is caught and written as "!PANIC: <value>".
//
// # Values
//
// [AppendStr], [AppendRepr] and [AppendJSON] read a [slog.Value] as the
// Python value it stands for:
//
//   - string: str; repr quotes it with ' unless it holds ' and no ",
//     escaping \\, the quote, \t \n \r, other control characters and DEL as
//     \xNN, and the characters CPython 3.11 (Unicode 14.0) does not deem
//     printable as \xNN, \uNNNN or \UNNNNNNNN.
//   - Int64, Uint64, *big.Int: int, all digits. json.Number: its digits as
//     they are (a string when it is not a JSON number).
//   - Float64 (and float32, widened): float, repr's shortest round-trip
//     digits: 1.0, 0.1, 1e+16, 1.5e-07, 5e-324, -0.0, inf, nan; in JSON
//     NaN, Infinity, -Infinity.
//   - Bool: True/False, true/false in JSON. nil and nil pointers: None,
//     null in JSON.
//   - Time: an aware datetime with a fixed offset (the zone's offset at that
//     instant; its name is not kept), truncated to whole microseconds:
//     str 2025-12-02 10:52:12.123456+00:00 (fraction left out when zero),
//     repr datetime.datetime(2025, 12, 2, 10, 52, 12, 123456,
//     tzinfo=datetime.timezone.utc), JSON its isoformat(). Years outside
//     1..9999, which datetime cannot hold, are written with Go's digits.
//   - Duration: timedelta, truncated toward zero to whole microseconds: str
//     0:00:01.500000, 1 day, 2:00:00, -1 day, 23:59:59; repr
//     datetime.timedelta(days=-1, seconds=86399); in JSON its str() as a
//     string (what python-json-logger's encoder falls back to).
//   - Group (and []slog.Attr): dict, {'k': 'v', 'n': 1}, in order. As in
//     log/slog handlers, an attribute with an empty key and an empty value
//     is left out and a group with an empty key is put in its parent. As in
//     a Python dict, a repeated key keeps its first position and takes its
//     last value.
//   - Slices and arrays: list, [1, 'a', None]; []byte and other byte
//     slices: bytes, b'...' (in JSON that text as a string, as
//     python-json-logger's encoder falls back to str()). A nil slice is [].
//   - Maps: dict ({} when nil). Go maps have no order, so the keys are
//     sorted: numbers by value, strings by bytes (code point order), others
//     by their text. In JSON, keys are written as json.dumps writes str,
//     int, float and bool keys; other keys, which json.dumps refuses, as
//     their str() text.
//   - [slog.LogValuer]: resolved first, wherever it is. error: its Error()
//     text; [fmt.Stringer]: its String() text (bare for str(), quoted for
//     repr(), a string in JSON). complex: (1+2j). Anything else (structs,
//     functions, channels): its fmt %+v text, as Python falls back to
//     str(obj).
//
// Nesting deeper than 64 levels (a slice that holds itself) is written as
// '...', and a panic while rendering a value as "!PANIC: <value>"; the
// line is always kept.
//
// Go strings may hold ill-formed UTF-8, which a Python str cannot. Such
// bytes are read as Python reads them with bytes.decode('utf-8',
// 'replace'): each maximal ill-formed subpart becomes one U+FFFD ("\xe2\x82"
// is one, "\xff\xfe" two). This holds in every output: str, repr, JSON
// (\ufffd with ensure_ascii), and the character counts of widths.
//
// # JSON
//
// [JSONFormatter] writes python-json-logger 2.0.1's JsonFormatter output:
// one json.dumps object with separators ", " and ": " and, by default,
// ensure_ascii (every character outside printable ASCII, DEL included,
// as lower-case \uXXXX, surrogate pairs beyond the BMP;
// [WithEnsureASCII](false) keeps UTF-8 and escapes only ", \ and control
// characters). Its keys, in order:
//
//  1. Every name between parentheses in the format (python-json-logger's
//     regular expression \((.+?)\), whatever the style), once each: the
//     LogRecord attribute of that name, or for exc_info, exc_text and
//     stack_info the record's (null, or the error text for exc_info), for
//     msg the message, for args [], and for any other name the extra of
//     that name, or null.
//  2. "exc_info", when the record has an error and the format does not
//     name it.
//  3. The extras, in order, except those named in the format, those whose
//     name starts with '_', and those named like a LogRecord attribute
//     (python-json-logger's RESERVED_ATTRS: Python's makeRecord refuses
//     such extras; here they are left out, as python-json-logger would).
//  4. The timestamp, with [WithTimestamp]: datetime.fromtimestamp(created,
//     tz=timezone.utc).isoformat(), the microseconds rounded half to even
//     from the float created as CPython does. A key already present keeps
//     its place and takes the timestamp as its value.
//
// # Verification
//
// The tests compare this package with CPython itself: a long-lived
// /usr/bin/python3 (testdata/cpython.py) renders the same values, formats
// and records, and fuzz tests (FuzzJSONMatchesCPython,
// FuzzStrReprMatchesCPython) feed it random strings and floats. Without
// CPython 3.11 and python-json-logger 2.0.1 those tests skip;
// CODEXTEL_REQUIRE_PYTHON=1 makes them fail instead.
package pylog
