package pylog

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// A field is one LogRecord attribute a format can name.
type field uint8

const (
	fieldNone field = iota
	fieldAsctime
	fieldCreated
	fieldMsecs
	fieldRelativeCreated
	fieldLevelname
	fieldLevelno
	fieldName
	fieldMessage
	fieldProcess
	fieldProcessName
	fieldThread
	fieldThreadName
	fieldPathname
	fieldFilename
	fieldModule
	fieldFuncName
	fieldLineno
)

var fieldNames = [...]string{
	fieldAsctime: "asctime", fieldCreated: "created", fieldMsecs: "msecs",
	fieldRelativeCreated: "relativeCreated", fieldLevelname: "levelname", fieldLevelno: "levelno",
	fieldName: "name", fieldMessage: "message", fieldProcess: "process", fieldProcessName: "processName",
	fieldThread: "thread", fieldThreadName: "threadName", fieldPathname: "pathname",
	fieldFilename: "filename", fieldModule: "module", fieldFuncName: "funcName", fieldLineno: "lineno",
}

func lookupField(name string) field {
	for f, n := range fieldNames {
		if n == name && f != 0 {
			return field(f)
		}
	}
	return fieldNone
}

func (f field) kind() valueKind {
	switch f {
	case fieldCreated, fieldMsecs, fieldRelativeCreated:
		return kindFloat
	case fieldLevelno, fieldProcess, fieldThread, fieldLineno:
		return kindInt
	}
	return kindStr
}

// A segment is literal text followed by an optional field.
type segment struct {
	lit   string
	field field
	spec  spec
}

// common is what Formatter and JSONFormatter share: the options and the
// compiled date format.
type common struct {
	cfg      config
	date     []dateOp // nil: the default format with ,mmm
	startSec float64  // cfg.start as created
}

func newCommon(cfg config) (common, error) {
	c := common{cfg: cfg, startSec: created(cfg.start)}
	if cfg.dateFormat != "" {
		// A Python str holds no ill-formed UTF-8: read it as Python would.
		ops, err := compileDateFormat(string(appendValidUTF8(nil, cfg.dateFormat)))
		if err != nil {
			return c, err
		}
		c.date = ops
	}
	return c, nil
}

// appendAsctime appends formatTime(record, datefmt).
func (c *common) appendAsctime(dst []byte, ct float64) []byte {
	sec := int64(math.Floor(ct))
	t := time.Unix(sec, 0).In(c.cfg.location())
	if c.date != nil {
		return appendStrftime(dst, t, c.date)
	}
	// '%Y-%m-%d %H:%M:%S' from one zone lookup.
	_, off := t.Zone()
	year, month, day, hour, minute, second := civil(sec + int64(off))
	if year < 1000 || year > 9999 {
		dst = appendDefaultDate(dst, t)
	} else {
		dst = append(dst,
			byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
			byte('0'+month/10), byte('0'+month%10), '-',
			byte('0'+day/10), byte('0'+day%10), ' ',
			byte('0'+hour/10), byte('0'+hour%10), ':',
			byte('0'+minute/10), byte('0'+minute%10), ':',
			byte('0'+second/10), byte('0'+second%10))
	}
	dst = append(dst, ',')
	if ms := int(msecs(ct)); ms >= 0 {
		return append(dst, byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
	}
	return appendPadded(dst, int(msecs(ct)), 3)
}

// A Formatter writes records the way Python's logging.Formatter formats
// them. It is built once by [NewFormatter] and is safe for concurrent use.
type Formatter struct {
	common
	segs  []segment
	usesT bool // whether any field needs the record's time
	_     [0]func()
}

// NewFormatter compiles a logging.Formatter format string. An empty format
// is the style's default, '%(message)s' for '%', as in Python. The fields are the LogRecord attributes
// asctime, created, msecs, relativeCreated, levelname, levelno, name,
// message, process, processName, thread, threadName, pathname, filename,
// module, funcName and lineno; any other name, a malformed field, or a
// conversion that does not fit the field's type is an error naming the
// position, so a Formatter never writes a broken line. Options that only
// make sense for JSON ([WithEnsureASCII], [WithTimestamp]) are errors
// too.
func NewFormatter(format string, opts ...Option) (*Formatter, error) {
	cfg := newConfig(opts)
	if cfg.ensureASCIISet || cfg.timestampSet {
		return nil, errors.New("pylog: WithEnsureASCII and WithTimestamp apply to NewJSONFormatter only")
	}
	c, err := newCommon(cfg)
	if err != nil {
		return nil, err
	}
	if format == "" {
		format = defaultFormat(cfg.style)
	}
	var segs []segment
	switch cfg.style {
	case '%':
		segs, err = parsePercent(format)
	case '{':
		segs, err = parseBrace(format)
	case '$':
		segs, err = parseDollar(format)
	default:
		return nil, fmt.Errorf("pylog: style must be '%%', '{' or '$', not %q", cfg.style)
	}
	if err == nil {
		// What Python checks besides; the parse above is stricter in
		// most, but not all, respects.
		err = validateStyle(cfg.style, format)
	}
	if err != nil {
		return nil, fmt.Errorf("pylog: format %q: %w", format, err)
	}
	f := &Formatter{common: c, segs: segs}
	for _, s := range segs {
		switch s.field {
		case fieldAsctime, fieldCreated, fieldMsecs, fieldRelativeCreated:
			f.usesT = true
		}
	}
	return f, nil
}

func defaultFormat(style rune) string {
	switch style {
	case '{':
		return "{message}"
	case '$':
		return "${message}"
	}
	return "%(message)s"
}

// parsePercent reads a %-style format: %(name)[flags][width][.prec]type
// and %%.
func parsePercent(f string) ([]segment, error) {
	var segs []segment
	var lit strings.Builder
	for i := 0; i < len(f); {
		j := strings.IndexByte(f[i:], '%')
		if j < 0 {
			lit.WriteString(f[i:])
			break
		}
		lit.WriteString(f[i : i+j])
		i += j
		start := i
		i++
		if i == len(f) {
			return nil, fmt.Errorf("incomplete format at position %d", start)
		}
		if f[i] == '%' {
			lit.WriteByte('%')
			i++
			continue
		}
		if f[i] != '(' {
			return nil, fmt.Errorf("%%%c at position %d has no (name): fields must be named", f[i], start)
		}
		// The key runs to the matching parenthesis, as in Python.
		depth, k := 1, i+1
		for ; k < len(f) && depth > 0; k++ {
			switch f[k] {
			case '(':
				depth++
			case ')':
				depth--
			}
		}
		if depth > 0 {
			return nil, fmt.Errorf("incomplete format key at position %d", start)
		}
		name := f[i+1 : k-1]
		fd := lookupField(name)
		if fd == fieldNone {
			return nil, fmt.Errorf("unknown attribute %q at position %d", name, start)
		}
		sp, next, err := parsePrintf(f, k, start, fd.kind())
		if err != nil {
			return nil, err
		}
		segs = append(segs, segment{lit: lit.String(), field: fd, spec: sp})
		lit.Reset()
		i = next
	}
	if lit.Len() > 0 {
		segs = append(segs, segment{lit: lit.String()})
	}
	return segs, nil
}

// parseBrace reads a str.format format: {name}, {name!r}, {name:spec},
// {{ and }}.
func parseBrace(f string) ([]segment, error) {
	var segs []segment
	var lit strings.Builder
	for i := 0; i < len(f); {
		c := f[i]
		switch {
		case c == '}' && i+1 < len(f) && f[i+1] == '}', c == '{' && i+1 < len(f) && f[i+1] == '{':
			lit.WriteByte(c)
			i += 2
			continue
		case c == '}':
			return nil, fmt.Errorf("single '}' at position %d", i)
		case c != '{':
			lit.WriteByte(c)
			i++
			continue
		}
		start := i
		end := strings.IndexByte(f[i:], '}')
		if end < 0 {
			return nil, fmt.Errorf("expected '}' for the field at position %d", start)
		}
		body := f[i+1 : i+end]
		if strings.IndexByte(body, '{') >= 0 {
			return nil, fmt.Errorf("nested fields at position %d are not supported", start)
		}
		name, specText, hasSpec := strings.Cut(body, ":")
		name, conv, hasConv := strings.Cut(name, "!")
		fd := lookupField(name)
		if fd == fieldNone {
			if name == "" {
				return nil, fmt.Errorf("positional field at position %d: fields must be named", start)
			}
			return nil, fmt.Errorf("unknown attribute %q at position %d", name, start)
		}
		kind := fd.kind()
		var convByte byte
		if hasConv {
			if conv != "r" && conv != "s" && conv != "a" {
				return nil, fmt.Errorf("conversion %q at position %d: expected r, s or a", "!"+conv, start)
			}
			convByte = conv[0]
			kind = kindStr
		}
		sp := spec{fill: ' ', prec: -1}
		if hasSpec {
			var err error
			if sp, err = parseFormatSpec(specText, kind); err != nil {
				return nil, fmt.Errorf("field at position %d: %w", start, err)
			}
		}
		sp.conv = convByte
		segs = append(segs, segment{lit: lit.String(), field: fd, spec: sp})
		lit.Reset()
		i += end + 1
	}
	if len(segs) == 0 {
		return nil, errors.New("no {name} field: Python rejects such a format")
	}
	if lit.Len() > 0 {
		segs = append(segs, segment{lit: lit.String()})
	}
	return segs, nil
}

// parseDollar reads a string.Template format: $name, ${name} and $$.
func parseDollar(f string) ([]segment, error) {
	var segs []segment
	var lit strings.Builder
	isID := func(c byte, first bool) bool {
		return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && c >= '0' && c <= '9'
	}
	for i := 0; i < len(f); {
		if f[i] != '$' {
			lit.WriteByte(f[i])
			i++
			continue
		}
		start := i
		i++
		var name string
		switch {
		case i < len(f) && f[i] == '$':
			lit.WriteByte('$')
			i++
			continue
		case i < len(f) && f[i] == '{':
			j := i + 1
			for j < len(f) && isID(f[j], j == i+1) {
				j++
			}
			if j == i+1 || j == len(f) || f[j] != '}' {
				return nil, fmt.Errorf("bare '$' at position %d", start)
			}
			name, i = f[i+1:j], j+1
		case i < len(f) && isID(f[i], true):
			j := i + 1
			for j < len(f) && isID(f[j], false) {
				j++
			}
			name, i = f[i:j], j
		default:
			return nil, fmt.Errorf("bare '$' at position %d", start)
		}
		fd := lookupField(name)
		if fd == fieldNone {
			return nil, fmt.Errorf("unknown attribute %q at position %d", name, start)
		}
		segs = append(segs, segment{lit: lit.String(), field: fd, spec: spec{printf: true, typ: 's', fill: ' ', prec: -1}})
		lit.Reset()
	}
	if len(segs) == 0 {
		return nil, errors.New("no $name field: Python rejects such a format")
	}
	if lit.Len() > 0 {
		segs = append(segs, segment{lit: lit.String()})
	}
	return segs, nil
}

// Append appends r formatted as logging.Formatter.format would, without
// the trailing newline a StreamHandler adds. When r.Err is set its text
// follows on a new line (no newline is added when the formatted text
// already ends in one). Append does not allocate itself (r.Err.Error may).
// r must not be nil.
func (f *Formatter) Append(dst []byte, r *Record) []byte {
	start := len(dst)
	var ct float64
	if f.usesT {
		ct = created(r.Time)
	}
	for i := range f.segs {
		s := &f.segs[i]
		dst = append(dst, s.lit...)
		if s.field != fieldNone {
			dst = f.appendField(dst, s, r, ct)
		}
	}
	if r.Err != nil {
		if len(dst) == start || dst[len(dst)-1] != '\n' {
			dst = append(dst, '\n')
		}
		dst = appendExcText(dst, r.Err, modeStr)
	}
	return dst
}

func (f *Formatter) appendField(dst []byte, s *segment, r *Record, ct float64) []byte {
	switch s.field {
	case fieldCreated:
		return appendFloat(dst, ct, s.spec)
	case fieldMsecs:
		return appendFloat(dst, msecs(ct), s.spec)
	case fieldRelativeCreated:
		return appendFloat(dst, (ct-f.startSec)*1000, s.spec)
	case fieldLevelno:
		return appendInt(dst, int64(r.Level), s.spec)
	case fieldProcess:
		return appendInt(dst, int64(f.cfg.pid), s.spec)
	case fieldThread:
		return appendInt(dst, int64(f.cfg.tid), s.spec)
	case fieldLineno:
		return appendInt(dst, int64(r.Line), s.spec)
	}
	start := len(dst)
	conv := s.spec.conv
	if s.spec.printf {
		conv = s.spec.typ
	}
	if conv == 'r' || conv == 'a' {
		// repr() and ascii() of a str need the text first.
		var buf [128]byte
		text := f.appendStrField(buf[:0], s.field, r, ct)
		dst = appendStringRepr(dst, unsafeString(text), conv == 'a')
	} else {
		dst = f.appendStrField(dst, s.field, r, ct)
	}
	if s.spec.width == 0 && s.spec.prec < 0 {
		return dst
	}
	return finishStr(dst, start, s.spec)
}

// appendStrField appends the text of a str attribute, with ill-formed
// UTF-8 read as U+FFFD.
func (f *Formatter) appendStrField(dst []byte, fd field, r *Record, ct float64) []byte {
	switch fd {
	case fieldAsctime:
		return f.appendAsctime(dst, ct)
	case fieldLevelname:
		return appendLevelName(dst, r.Level)
	case fieldName:
		return appendValidUTF8(dst, r.Logger)
	case fieldMessage:
		return appendValidUTF8(dst, r.Message)
	case fieldProcessName:
		return appendValidUTF8(dst, f.cfg.processName)
	case fieldThreadName:
		return appendValidUTF8(dst, f.cfg.threadName)
	case fieldPathname:
		return appendValidUTF8(dst, r.pathname())
	case fieldFilename:
		return appendValidUTF8(dst, r.filename())
	case fieldModule:
		return appendValidUTF8(dst, r.module())
	case fieldFuncName:
		return appendValidUTF8(dst, r.funcName())
	}
	return dst
}

// appendLevelName appends l.String() without allocating.
func appendLevelName(dst []byte, l Level) []byte {
	switch l {
	case NotSet, Debug, Info, Warning, Error, Critical:
		return append(dst, l.String()...)
	}
	dst = append(dst, "Level "...)
	return strconv.AppendInt(dst, int64(l), 10)
}
