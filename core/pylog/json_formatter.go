package pylog

import (
	"fmt"
	"log/slog"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// jsonField is one key named by a JSONFormatter's format.
type jsonField struct {
	key    string // as written, JSON-encoded with its quotes, ": " and all
	name   string
	field  field // fieldNone for the names that are not standard attributes
	pseudo byte  // for the LogRecord attributes that are not fields: see below
}

// Values of jsonField.pseudo.
const (
	pseudoNone    = iota
	pseudoExcInfo // exc_info: null, or the exception text when there is one
	pseudoNull    // exc_text, stack_info: None on a record
	pseudoMsg     // msg: the message
	pseudoArgs    // args: the empty tuple, written []
	pseudoExtra   // another name: the extra of that name, or null
	pseudoStamp   // the timestamp key, named by the format
)

// A JSONFormatter writes records as python-json-logger 2.0.1's
// JsonFormatter does, byte for byte. It is built once by
// [NewJSONFormatter] and is safe for concurrent use.
type JSONFormatter struct {
	common
	fields []jsonField
	named  nameSet // the names of fields, for a quick "not one of them"
	excIn  bool    // whether the format names exc_info
	stamp  bool    // whether a timestamp is written
	stampK []byte  // the timestamp's encoded key
	ascii  bool
	_      [0]func()
}

// fieldPattern is python-json-logger's parse(): every run of characters
// between parentheses names a field, whatever the style.
var fieldPattern = regexp.MustCompile(`\((.+?)\)`)

// NewJSONFormatter compiles a python-json-logger format such as
// "%(asctime)s %(levelname)s %(name)s %(message)s". As in
// python-json-logger, every name in parentheses becomes a key, in order
// (duplicates once), whose value is the LogRecord attribute of that name,
// or else the extra of that name, or else null; the format is otherwise
// only checked the way logging.Formatter checks it (a '%' format needs one
// valid %(name)s field; '{' and '$' formats need a field, though
// python-json-logger finds none in them). The output is one JSON object:
// the format's keys, then "exc_info" when the record has an error, then
// the extras in order, then the timestamp if [WithTimestamp] asked for it.
// [WithEnsureASCII] sets json_ensure_ascii (true by default).
func NewJSONFormatter(format string, opts ...Option) (*JSONFormatter, error) {
	cfg := newConfig(opts)
	c, err := newCommon(cfg)
	if err != nil {
		return nil, err
	}
	if format == "" {
		format = defaultFormat(cfg.style)
	}
	if err := validateStyle(cfg.style, format); err != nil {
		return nil, fmt.Errorf("pylog: format %q: %w", format, err)
	}
	j := &JSONFormatter{common: c, ascii: cfg.ensureASCII}
	seen := map[string]bool{}
	j.stamp = cfg.timestampSet && cfg.timestampKey != ""
	if j.stamp {
		j.stampK = appendJSONString(nil, cfg.timestampKey, j.ascii)
	}
	for _, m := range fieldPattern.FindAllStringSubmatch(format, -1) {
		name := m[1]
		if seen[name] {
			continue
		}
		seen[name] = true
		jf := jsonField{name: name, field: lookupField(name)}
		jf.key = string(appendJSONString(nil, name, j.ascii)) + ": "
		switch {
		case j.stamp && name == cfg.timestampKey:
			jf.pseudo = pseudoStamp
		case jf.field != fieldNone:
		case name == "exc_info":
			jf.pseudo = pseudoExcInfo
		case name == "exc_text", name == "stack_info":
			jf.pseudo = pseudoNull
		case name == "msg":
			jf.pseudo = pseudoMsg
		case name == "args":
			jf.pseudo = pseudoArgs
		default:
			jf.pseudo = pseudoExtra
		}
		j.fields = append(j.fields, jf)
		j.named.add(name)
	}
	// A format naming exc_info holds the error text in that place (or the
	// timestamp, if that is its key).
	j.excIn = seen["exc_info"]
	return j, nil
}

// Append appends r as one JSON object, without a trailing newline. For
// records whose extras are strings, numbers, booleans, times, durations or
// groups of them it does not allocate.
//
// Keys follow Python's dict: a key written twice (an extra repeated, the
// timestamp key equal to a field or an extra) keeps its first position
// and takes its last value.
func (j *JSONFormatter) Append(dst []byte, r *Record) []byte {
	m := modeJSONUTF8
	if j.ascii {
		m = modeJSON
	}
	ct := created(r.Time)
	attrs := dictAttrs(r.Attrs)
	stampDone := false
	dst = append(dst, '{')
	for i := range j.fields {
		jf := &j.fields[i]
		if i > 0 {
			dst = append(dst, ", "...)
		}
		dst = append(dst, jf.key...)
		if jf.pseudo == pseudoStamp {
			dst = appendTimestamp(dst, ct)
			stampDone = true
			continue
		}
		dst = j.appendField(dst, jf, r, attrs, ct, m)
	}
	n := len(j.fields)
	if r.Err != nil && !j.excIn {
		if n > 0 {
			dst = append(dst, ", "...)
		}
		n++
		dst = append(dst, `"exc_info": `...)
		if j.stamp && j.cfg.timestampKey == "exc_info" {
			dst = appendTimestamp(dst, ct)
			stampDone = true
		} else {
			dst = appendExcText(dst, r.Err, m)
		}
	}
	dups := hasDupKeys(attrs)
	for i := range attrs {
		k := attrs[i].Key
		if !j.isExtra(k) || dups && !firstOfKey(attrs, i) {
			continue
		}
		if n > 0 {
			dst = append(dst, ", "...)
		}
		n++
		dst = appendJSONString(dst, k, j.ascii)
		dst = append(dst, ": "...)
		if j.stamp && k == j.cfg.timestampKey {
			dst = appendTimestamp(dst, ct)
			stampDone = true
			continue
		}
		v := attrs[i].Value
		if dups {
			v = lastValue(attrs, i)
		}
		dst = appendValue(dst, v, m, 1)
	}
	if j.stamp && !stampDone {
		if n > 0 {
			dst = append(dst, ", "...)
		}
		dst = append(dst, j.stampK...)
		dst = append(dst, ": "...)
		dst = appendTimestamp(dst, ct)
	}
	return append(dst, '}')
}

// isExtra reports whether an attribute is written among the extras:
// python-json-logger leaves out the reserved LogRecord attributes, names
// starting with '_', and the names the format already wrote.
func (j *JSONFormatter) isExtra(k string) bool {
	if strings.HasPrefix(k, "_") || isReserved(k) {
		return false
	}
	if !j.named.mayHave(k) {
		return true
	}
	for i := range j.fields {
		if j.fields[i].name == k {
			return false
		}
	}
	return true
}

// isReserved reports whether k is in python-json-logger 2.0.1's
// RESERVED_ATTRS, the LogRecord attributes never written as extras.
func isReserved(k string) bool {
	if !reservedNames.mayHave(k) {
		return false
	}
	switch k {
	case "args", "asctime", "created", "exc_info", "exc_text", "filename",
		"funcName", "levelname", "levelno", "lineno", "module",
		"msecs", "message", "msg", "name", "pathname", "process",
		"processName", "relativeCreated", "stack_info", "thread", "threadName":
		return true
	}
	return false
}

// reservedNames holds RESERVED_ATTRS for [isReserved]'s quick test. It is
// filled when the package is initialised and never changed.
var reservedNames = func() (s nameSet) {
	for _, k := range [...]string{"args", "asctime", "created", "exc_info", "exc_text", "filename",
		"funcName", "levelname", "levelno", "lineno", "module", "msecs", "message", "msg", "name",
		"pathname", "process", "processName", "relativeCreated", "stack_info", "thread", "threadName"} {
		s.add(k)
	}
	return s
}()

// A nameSet answers "is k certainly not one of these names?" from a
// name's first byte and length, before any string is compared.
type nameSet [256]uint64

func (s *nameSet) add(k string) {
	if k != "" {
		s[k[0]] |= 1 << (len(k) % 64)
	}
}

// mayHave is false when k is none of the names added.
func (s *nameSet) mayHave(k string) bool {
	return k == "" || s[k[0]]&(1<<(len(k)%64)) != 0
}

// appendTimestamp writes datetime.fromtimestamp(created, tz=timezone.utc)
// .isoformat(): the float seconds are split and the fraction rounded to
// the nearest microsecond, half to even, as CPython does.
func appendTimestamp(dst []byte, ct float64) []byte {
	sec, frac := math.Modf(ct)
	us := math.RoundToEven(frac * 1e6)
	if us >= 1e6 {
		sec++
		us -= 1e6
	} else if us < 0 {
		sec--
		us += 1e6
	}
	dst = append(dst, '"')
	dst = appendDatetime(dst, time.Unix(int64(sec), int64(us)*1000).UTC(), 'T')
	return append(dst, '"')
}

func (j *JSONFormatter) appendField(dst []byte, jf *jsonField, r *Record, attrs []slog.Attr, ct float64, m mode) []byte {
	switch jf.pseudo {
	case pseudoExcInfo:
		if r.Err == nil {
			return append(dst, "null"...)
		}
		return appendExcText(dst, r.Err, m)
	case pseudoNull:
		return append(dst, "null"...)
	case pseudoMsg:
		return appendJSONString(dst, r.Message, j.ascii)
	case pseudoArgs:
		return append(dst, "[]"...)
	case pseudoExtra:
		for i := len(attrs) - 1; i >= 0; i-- {
			if attrs[i].Key == jf.name {
				return appendValue(dst, attrs[i].Value, m, 1)
			}
		}
		return append(dst, "null"...)
	}
	switch jf.field {
	case fieldAsctime:
		dst = append(dst, '"')
		start := len(dst)
		dst = j.appendAsctime(dst, ct)
		for _, c := range dst[start:] {
			if !jsonSafe[c] {
				// The date format wrote something to escape: encode a copy.
				var tmp [128]byte
				raw := append(tmp[:0], dst[start:]...)
				return appendJSONString(dst[:start-1], unsafeString(raw), j.ascii)
			}
		}
		return append(dst, '"')
	case fieldCreated:
		return appendJSONFloat(dst, ct)
	case fieldMsecs:
		return appendJSONFloat(dst, msecs(ct))
	case fieldRelativeCreated:
		return appendJSONFloat(dst, (ct-j.startSec)*1000)
	case fieldLevelname:
		dst = append(dst, '"')
		dst = appendLevelName(dst, r.Level)
		return append(dst, '"')
	case fieldLevelno:
		return strconv.AppendInt(dst, int64(r.Level), 10)
	case fieldName:
		return appendJSONString(dst, r.Logger, j.ascii)
	case fieldMessage:
		return appendJSONString(dst, r.Message, j.ascii)
	case fieldProcess:
		return strconv.AppendInt(dst, int64(j.cfg.pid), 10)
	case fieldProcessName:
		return appendJSONString(dst, j.cfg.processName, j.ascii)
	case fieldThread:
		return strconv.AppendInt(dst, int64(j.cfg.tid), 10)
	case fieldThreadName:
		return appendJSONString(dst, j.cfg.threadName, j.ascii)
	case fieldPathname:
		return appendJSONString(dst, r.pathname(), j.ascii)
	case fieldFilename:
		return appendJSONString(dst, r.filename(), j.ascii)
	case fieldModule:
		return appendJSONString(dst, r.module(), j.ascii)
	case fieldFuncName:
		return appendJSONString(dst, r.funcName(), j.ascii)
	case fieldLineno:
		return strconv.AppendInt(dst, int64(r.Line), 10)
	}
	return append(dst, "null"...)
}
