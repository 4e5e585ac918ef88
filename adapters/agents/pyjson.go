package codexagents

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/codextel/codextel/core/pylog"
)

// Object is a JSON object that keeps its keys in insertion order, as a
// Python dict does. Exported span and trace objects, span data and error
// data are Objects. Values are nil, bool, string, [Number], int, int64,
// float64, Object or []any.
type Object []Member

// Member is one key and its value in an [Object].
type Member struct {
	Key   string
	Value any
}

// Number is a JSON number literal as it was read. A literal with a
// fraction or an exponent is a Python float and is written as Python's
// repr; any other is a Python int, written in decimal.
type Number string

// Get returns the value of key and whether the key is present.
func (o Object) Get(key string) (any, bool) {
	for _, m := range o {
		if m.Key == key {
			return m.Value, true
		}
	}
	return nil, false
}

// set overwrites key in place or appends it, as assigning to a dict does.
func (o Object) set(key string, v any) Object {
	for i := range o {
		if o[i].Key == key {
			o[i].Value = v
			return o
		}
	}
	return append(o, Member{key, v})
}

// del removes key, keeping the order of the others.
func (o Object) del(key string) Object {
	for i := range o {
		if o[i].Key == key {
			return append(o[:i:i], o[i+1:]...)
		}
	}
	return o
}

// clone returns a shallow copy.
func (o Object) clone() Object {
	return append(Object(nil), o...)
}

// MarshalJSON writes o as CPython's json.dumps(o, ensure_ascii=True,
// separators=(",", ":")) does.
func (o Object) MarshalJSON() ([]byte, error) {
	return appendPyJSON(nil, o, true), nil
}

// String returns CPython's compact json.dumps text of o.
func (o Object) String() string { return string(appendPyJSON(nil, o, true)) }

// pyJSON is CPython's compact, ASCII-only JSON text of v.
func pyJSON(v any) string { return string(appendPyJSON(nil, v, true)) }

// pyJSONDefault is CPython's json.dumps(v) with its default separators
// ", " and ": ".
func pyJSONDefault(v any) string { return string(appendPyJSON(nil, v, false)) }

// appendPyJSON appends the JSON text of v as CPython's json.dumps writes it
// with ensure_ascii=True; compact selects the separators "," and ":"
// instead of ", " and ": ".
func appendPyJSON(dst []byte, v any, compact bool) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case bool:
		if x {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case string:
		return appendPyString(dst, x)
	case Number:
		return appendPyNumber(dst, x)
	case int:
		return strconv.AppendInt(dst, int64(x), 10)
	case int64:
		return strconv.AppendInt(dst, x, 10)
	case float64:
		return appendPyFloat(dst, x)
	case Object:
		dst = append(dst, '{')
		for i, m := range x {
			if i > 0 {
				dst = appendSep(dst, ',', compact)
			}
			dst = appendPyString(dst, m.Key)
			dst = appendSep(dst, ':', compact)
			dst = appendPyJSON(dst, m.Value, compact)
		}
		return append(dst, '}')
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = appendSep(dst, ',', compact)
			}
			dst = appendPyJSON(dst, e, compact)
		}
		return append(dst, ']')
	default:
		// Not a JSON value: Python falls back to str(); Go's %v is the
		// nearest equivalent.
		return appendPyString(dst, fmt.Sprint(x))
	}
}

func appendSep(dst []byte, c byte, compact bool) []byte {
	dst = append(dst, c)
	if !compact {
		dst = append(dst, ' ')
	}
	return dst
}

const hexDigits = "0123456789abcdef"

// appendPyString writes s as CPython's ensure_ascii encoder: short escapes
// for the usual controls, \uXXXX (lower-case) for every other control, DEL
// and non-ASCII character, surrogate pairs above U+FFFF.
func appendPyString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for _, r := range s {
		switch {
		case r == '"':
			dst = append(dst, '\\', '"')
		case r == '\\':
			dst = append(dst, '\\', '\\')
		case r == '\n':
			dst = append(dst, '\\', 'n')
		case r == '\r':
			dst = append(dst, '\\', 'r')
		case r == '\t':
			dst = append(dst, '\\', 't')
		case r == '\b':
			dst = append(dst, '\\', 'b')
		case r == '\f':
			dst = append(dst, '\\', 'f')
		case r >= 0x20 && r < 0x7f:
			dst = append(dst, byte(r))
		case r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			dst = appendU(dst, r1)
			dst = appendU(dst, r2)
		default:
			dst = appendU(dst, r)
		}
	}
	return append(dst, '"')
}

func appendU(dst []byte, r rune) []byte {
	return append(dst, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}

// pyStringSize is len(appendPyString(nil, s)) without building it.
func pyStringSize(s string) int {
	n := 2
	for _, r := range s {
		n += escSize(r)
	}
	return n
}

// escSize is the number of characters r takes inside an ASCII-only JSON
// string.
func escSize(r rune) int {
	switch {
	case r == '"' || r == '\\' || r == '\n' || r == '\r' || r == '\t' || r == '\b' || r == '\f':
		return 2
	case r >= 0x20 && r < 0x7f:
		return 1
	case r > 0xffff:
		return 12
	default:
		return 6
	}
}

// pySize is the JSON size of v: the length of its compact JSON text.
func pySize(v any) int {
	switch x := v.(type) {
	case string:
		return pyStringSize(x)
	case Object:
		n := 2
		for i, m := range x {
			if i > 0 {
				n++
			}
			n += pyStringSize(m.Key) + 1 + pySize(m.Value)
		}
		return n
	default:
		return len(appendPyJSON(nil, v, true))
	}
}

func appendPyNumber(dst []byte, n Number) []byte {
	s := string(n)
	if !strings.ContainsAny(s, ".eE") {
		// A Python int: decimal, without a sign on zero.
		if s == "-0" {
			return append(dst, '0')
		}
		return append(dst, s...)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return append(dst, s...)
	}
	return appendPyFloat(dst, f)
}

// appendPyFloat writes f as json.dumps does: Python's float repr, with
// NaN, Infinity and -Infinity. core/pylog has it, checked against CPython.
func appendPyFloat(dst []byte, f float64) []byte {
	return pylog.AppendJSON(dst, slog.Float64Value(f), true)
}

// syntaxError reports JSON text Python's json.loads would reject: what is
// wrong and at which byte offset.
type syntaxError struct {
	Offset int
	Msg    string
}

// Error implements error.
func (e *syntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at byte %d: %s", e.Offset, e.Msg)
}

// parsePyJSON reads one JSON value as Python's json.loads does: objects
// become [Object] (a repeated key keeps its first position and its last
// value), numbers [Number], and NaN, Infinity and -Infinity are accepted.
// Control characters inside strings are rejected (strict mode). A lone
// surrogate escape becomes U+FFFD, which a Go string can hold.
func parsePyJSON(s string) (any, error) {
	p := parser{s: s}
	p.ws()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i != len(p.s) {
		return nil, p.fail("extra data")
	}
	return v, nil
}

type parser struct {
	s string
	i int
}

const maxDepth = 10000

func (p *parser) fail(msg string) error { return &syntaxError{Offset: p.i, Msg: msg} }

func (p *parser) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) value(depth int) (any, error) {
	if depth > maxDepth {
		return nil, p.fail("nesting too deep")
	}
	if p.i >= len(p.s) {
		return nil, p.fail("expecting value")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		return p.str()
	case c == '-' || (c >= '0' && c <= '9'):
		if strings.HasPrefix(p.s[p.i:], "-Infinity") {
			p.i += len("-Infinity")
			return Number("-Infinity"), nil
		}
		return p.number()
	}
	for _, lit := range []struct {
		w string
		v any
	}{{"null", nil}, {"true", true}, {"false", false}, {"NaN", Number("NaN")}, {"Infinity", Number("Infinity")}} {
		if strings.HasPrefix(p.s[p.i:], lit.w) {
			p.i += len(lit.w)
			return lit.v, nil
		}
	}
	return nil, p.fail("expecting value")
}

func (p *parser) object(depth int) (any, error) {
	p.i++
	obj := Object{}
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return obj, nil
	}
	for {
		p.ws()
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return nil, p.fail("expecting property name enclosed in double quotes")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.ws()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, p.fail("expecting ':' delimiter")
		}
		p.i++
		p.ws()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		obj = obj.set(k, v)
		p.ws()
		if p.i >= len(p.s) {
			return nil, p.fail("expecting ',' delimiter")
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return obj, nil
		default:
			return nil, p.fail("expecting ',' delimiter")
		}
	}
}

func (p *parser) array(depth int) (any, error) {
	p.i++
	arr := []any{}
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return arr, nil
	}
	for {
		p.ws()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
		p.ws()
		if p.i >= len(p.s) {
			return nil, p.fail("expecting ',' delimiter")
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return arr, nil
		default:
			return nil, p.fail("expecting ',' delimiter")
		}
	}
}

func (p *parser) number() (any, error) {
	start := p.i
	if p.s[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.i < len(p.s) && p.s[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return nil, p.fail("expecting value")
	}
	// Python stops a number where its grammar ends: "1." is 1 followed
	// by extra data, "1e" likewise.
	if p.i+1 < len(p.s) && p.s[p.i] == '.' && p.s[p.i+1] >= '0' && p.s[p.i+1] <= '9' {
		p.i++
		digits()
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		save := p.i
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			p.i = save
		}
	}
	return Number(p.s[start:p.i]), nil
}

func (p *parser) str() (string, error) {
	p.i++ // opening quote
	var b strings.Builder
	start := p.i
	for {
		if p.i >= len(p.s) {
			return "", p.fail("unterminated string")
		}
		c := p.s[p.i]
		switch {
		case c == '"':
			b.WriteString(p.s[start:p.i])
			p.i++
			return b.String(), nil
		case c < 0x20:
			return "", p.fail("invalid control character in string")
		case c == '\\':
			b.WriteString(p.s[start:p.i])
			if err := p.escape(&b); err != nil {
				return "", err
			}
			start = p.i
		case c < utf8.RuneSelf:
			p.i++
		default:
			_, n := utf8.DecodeRuneInString(p.s[p.i:])
			p.i += n
		}
	}
}

func (p *parser) escape(b *strings.Builder) error {
	p.i++ // backslash
	if p.i >= len(p.s) {
		return p.fail("unterminated string")
	}
	c := p.s[p.i]
	p.i++
	switch c {
	case '"', '\\', '/':
		b.WriteByte(c)
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'u':
		r, ok := p.hex4()
		if !ok {
			return p.fail("invalid \\uXXXX escape")
		}
		if utf16.IsSurrogate(r) && r < 0xdc00 && strings.HasPrefix(p.s[p.i:], "\\u") {
			save := p.i
			p.i += 2
			r2, ok := p.hex4()
			if ok && r2 >= 0xdc00 && r2 <= 0xdfff {
				r = utf16.DecodeRune(r, r2)
			} else {
				p.i = save
			}
		}
		b.WriteRune(r) // a lone surrogate is written as U+FFFD
	default:
		p.i--
		return p.fail("invalid \\escape")
	}
	return nil
}

func (p *parser) hex4() (rune, bool) {
	if p.i+4 > len(p.s) {
		return 0, false
	}
	v, err := strconv.ParseUint(p.s[p.i:p.i+4], 16, 32)
	if err != nil || strings.ContainsAny(p.s[p.i:p.i+4], "+-") {
		return 0, false
	}
	p.i += 4
	return rune(v), true
}
