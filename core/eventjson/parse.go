package eventjson

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/big"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds nesting, so hostile input cannot exhaust the stack.
const maxDepth = 200

// parser reads one JSON document as Python's json.loads does, with the
// extensions it accepts (NaN, Infinity, -Infinity) and object key order kept.
type parser struct {
	s   string
	pos int
}

// A SyntaxError is malformed JSON at a byte offset of its line.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%s at byte %d", e.Msg, e.Offset) }

func (p *parser) fail(format string, args ...any) error {
	return &SyntaxError{Offset: p.pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) skipSpace() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// objectFields parses an object and calls field for each member in order.
func (p *parser) objectFields(depth int, field func(key string) error) error {
	if depth > maxDepth {
		return p.fail("nesting deeper than %d", maxDepth)
	}
	p.skipSpace()
	if p.pos >= len(p.s) || p.s[p.pos] != '{' {
		return p.fail("expected an object")
	}
	p.pos++
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == '}' {
		p.pos++
		return nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.s) || p.s[p.pos] != '"' {
			return p.fail("expected a string key")
		}
		key, err := p.str()
		if err != nil {
			return err
		}
		p.skipSpace()
		if p.pos >= len(p.s) || p.s[p.pos] != ':' {
			return p.fail("expected ':' after key %s", quote(key))
		}
		p.pos++
		if err := field(key); err != nil {
			return err
		}
		p.skipSpace()
		if p.pos >= len(p.s) {
			return p.fail("unterminated object")
		}
		switch p.s[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return nil
		default:
			return p.fail("expected ',' or '}' in object")
		}
	}
}

// value parses any JSON value into a slog.Value: objects become groups (key
// order kept), arrays []any, numbers int64, uint64, *big.Int or float64.
func (p *parser) value(depth int) (slog.Value, error) {
	x, err := p.any(depth)
	if err != nil {
		return slog.Value{}, err
	}
	if v, ok := x.(slog.Value); ok {
		return v, nil
	}
	return slog.AnyValue(x), nil
}

// any parses a value into its Go form; objects are slog.Value groups.
func (p *parser) any(depth int) (any, error) {
	if depth > maxDepth {
		return nil, p.fail("nesting deeper than %d", maxDepth)
	}
	p.skipSpace()
	if p.pos >= len(p.s) {
		return nil, p.fail("unexpected end of input")
	}
	switch c := p.s[p.pos]; {
	case c == '{':
		var attrs []slog.Attr
		err := p.objectFields(depth+1, func(key string) error {
			v, err := p.value(depth + 1)
			attrs = append(attrs, slog.Attr{Key: key, Value: v})
			return err
		})
		if err != nil {
			return nil, err
		}
		return slog.GroupValue(lastWins(attrs, attrKey)...), nil
	case c == '[':
		p.pos++
		list := []any{}
		p.skipSpace()
		if p.pos < len(p.s) && p.s[p.pos] == ']' {
			p.pos++
			return list, nil
		}
		for {
			x, err := p.any(depth + 1)
			if err != nil {
				return nil, err
			}
			list = append(list, x)
			p.skipSpace()
			if p.pos >= len(p.s) {
				return nil, p.fail("unterminated array")
			}
			if p.s[p.pos] == ']' {
				p.pos++
				return list, nil
			}
			if p.s[p.pos] != ',' {
				return nil, p.fail("expected ',' or ']' in array")
			}
			p.pos++
		}
	case c == '"':
		return p.str()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == 'N':
		return math.NaN(), p.literal("NaN")
	case c == 'I':
		return math.Inf(1), p.literal("Infinity")
	case c == '-' || '0' <= c && c <= '9':
		if c == '-' && len(p.s) > p.pos+1 && p.s[p.pos+1] == 'I' {
			p.pos++
			return math.Inf(-1), p.literal("Infinity")
		}
		return p.number()
	}
	return nil, p.fail("unexpected byte %q", p.s[p.pos])
}

func (p *parser) literal(word string) error {
	if len(p.s)-p.pos < len(word) || p.s[p.pos:p.pos+len(word)] != word {
		return p.fail("expected %s", word)
	}
	p.pos += len(word)
	return nil
}

// number parses a JSON number: integers stay exact at any size, as Python's
// ints do; anything with a fraction or exponent is a float64.
func (p *parser) number() (any, error) {
	start := p.pos
	if p.s[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(p.s) && '0' <= p.s[p.pos] && p.s[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	intStart := p.pos
	if digits() == 0 {
		return nil, p.fail("malformed number")
	}
	if p.s[intStart] == '0' && p.pos-intStart > 1 {
		return nil, &SyntaxError{Offset: intStart, Msg: "leading zero in number"}
	}
	isFloat := false
	if p.pos < len(p.s) && p.s[p.pos] == '.' {
		p.pos++
		isFloat = true
		if digits() == 0 {
			return nil, p.fail("malformed number")
		}
	}
	if p.pos < len(p.s) && (p.s[p.pos] == 'e' || p.s[p.pos] == 'E') {
		p.pos++
		isFloat = true
		if p.pos < len(p.s) && (p.s[p.pos] == '+' || p.s[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return nil, p.fail("malformed number")
		}
	}
	text := p.s[start:p.pos]
	if isFloat {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return nil, &SyntaxError{Offset: start, Msg: "malformed number"}
		}
		return f, nil // out of range: ±Inf or 0, as Python's float() gives
	}
	if i, err := strconv.ParseInt(text, 10, 64); err == nil {
		return i, nil
	}
	if u, err := strconv.ParseUint(text, 10, 64); err == nil {
		return u, nil
	}
	n, _ := new(big.Int).SetString(text, 10)
	return n, nil
}

// str parses a string literal; p.s[p.pos] is the opening quote. Escaped
// lone surrogates become U+FFFD (Go strings hold UTF-8, which cannot encode
// them); raw control characters are rejected, as json.loads does.
func (p *parser) str() (string, error) {
	p.pos++
	start := p.pos
	// Fast path: no escapes.
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c == '"' {
			s := p.s[start:p.pos]
			p.pos++
			return s, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		p.pos++
	}
	b := []byte(p.s[start:p.pos])
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch {
		case c == '"':
			p.pos++
			return string(b), nil
		case c < 0x20:
			return "", p.fail("control character %q in string", c)
		case c != '\\':
			b = append(b, c)
			p.pos++
			continue
		}
		if p.pos+1 >= len(p.s) {
			break
		}
		esc := p.s[p.pos+1]
		p.pos += 2
		switch esc {
		case '"', '\\', '/':
			b = append(b, esc)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", p.fail("malformed \\u escape")
			}
			if utf16.IsSurrogate(r) {
				if r < 0xdc00 && p.pos+1 < len(p.s) && p.s[p.pos] == '\\' && p.s[p.pos+1] == 'u' {
					save := p.pos
					p.pos += 2
					if lo, ok := p.hex4(); ok && lo >= 0xdc00 && lo <= 0xdfff {
						r = utf16.DecodeRune(r, lo)
					} else {
						p.pos = save
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			}
			b = utf8.AppendRune(b, r)
		default:
			return "", p.fail("invalid escape \\%c", esc)
		}
	}
	return "", &SyntaxError{Offset: start - 1, Msg: "unterminated string"}
}

func (p *parser) hex4() (rune, bool) {
	if len(p.s)-p.pos < 4 {
		return 0, false
	}
	v, err := strconv.ParseUint(p.s[p.pos:p.pos+4], 16, 32)
	if err != nil {
		return 0, false
	}
	p.pos += 4
	return rune(v), true
}
