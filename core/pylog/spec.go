package pylog

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// valueKind is the Python type of a LogRecord attribute.
type valueKind uint8

const (
	kindStr valueKind = iota
	kindInt
	kindFloat
)

func (k valueKind) String() string {
	return [...]string{"str", "int", "float"}[k]
}

// A spec is how one field is written: a printf conversion for '%' style
// (printf set) or a format-spec (str.format's mini-language) for '{'
// style; '$' style fields have the zero spec with typ 's'.
type spec struct {
	printf bool
	conv   byte // format: the !r, !s or !a conversion, or 0
	typ    byte // printf: the conversion character; format: the type or 0
	fill   rune // padding character
	align  byte // '<', '>', '^', '=', or 0 for the type's default
	sign   byte // '+', ' ', '-' or 0
	alt    bool // '#'
	zero   bool // printf '0' flag (format's '0' is folded into fill and align)
	left   bool // printf '-' flag
	group  byte // ',' or '_'
	width  int
	prec   int // -1 when not given
}

// parsePrintf reads the flags, width, precision, length modifier and
// conversion of a %-style field from f[i:] (just after "%(name)") for a
// value of kind k, returning the spec and the index after it. start is
// where the field's '%' is, for errors.
func parsePrintf(f string, i, start int, k valueKind) (spec, int, error) {
	sp := spec{printf: true, fill: ' ', prec: -1}
flags:
	for ; i < len(f); i++ {
		switch f[i] {
		case '-':
			sp.left = true
		case '+':
			sp.sign = '+'
		case ' ':
			if sp.sign != '+' {
				sp.sign = ' '
			}
		case '#':
			sp.alt = true
		case '0':
			sp.zero = true
		default:
			break flags
		}
	}
	var err error
	if sp.width, i, err = readNumber(f, i); err != nil {
		return sp, i, err
	}
	if i < len(f) && f[i] == '.' {
		if sp.prec, i, err = readNumber(f, i+1); err != nil {
			return sp, i, err
		}
	}
	if i < len(f) && (f[i] == 'h' || f[i] == 'l' || f[i] == 'L') {
		i++ // length modifiers are accepted and ignored, as in Python
	}
	if i == len(f) {
		return sp, i, fmt.Errorf("incomplete format at position %d", start)
	}
	if f[i] == '*' {
		return sp, i, fmt.Errorf("'*' width or precision at position %d cannot be used with named fields", i)
	}
	sp.typ = f[i]
	switch sp.typ {
	case 's', 'r', 'a':
	case 'd', 'i', 'u', 'e', 'E', 'f', 'F', 'g', 'G':
		if k == kindStr {
			return sp, i, fmt.Errorf("%%%c format at position %d needs a number, and this field is a str", sp.typ, i)
		}
	case 'x', 'X', 'o':
		if k != kindInt {
			return sp, i, fmt.Errorf("%%%c format at position %d needs an int, and this field is a %s", sp.typ, i, k)
		}
	case 'c':
		return sp, i, fmt.Errorf("%%c at position %d is not supported", i)
	default:
		return sp, i, fmt.Errorf("unsupported format character %q at position %d", f[i], i)
	}
	return sp, i + 1, nil
}

// readNumber reads a decimal number (0 when there are no digits).
func readNumber(f string, i int) (int, int, error) {
	n := 0
	for ; i < len(f) && f[i] >= '0' && f[i] <= '9'; i++ {
		n = n*10 + int(f[i]-'0')
		if n > 1<<20 {
			return 0, i, fmt.Errorf("width or precision at position %d is too big", i)
		}
	}
	return n, i, nil
}

// parseFormatSpec reads a str.format spec ([[fill]align][sign][#][0]
// [width][grouping][.precision][type]) for a value of kind k (after the
// !conversion, if any, turned it into a str) and checks it the way
// logging.StrFormatStyle.validate and then format() would. (The 'z' of
// Python 3.11's mini-language is refused, as logging's validation
// refuses it.)
func parseFormatSpec(s string, k valueKind) (spec, error) {
	sp := spec{fill: ' ', prec: -1}
	i := 0
	fillSet := false
	if r, n := utf8.DecodeRuneInString(s); n > 0 && n < len(s) && isAlign(s[n]) {
		sp.fill, sp.align, fillSet = r, s[n], true
		i = n + 1
	} else if len(s) > 0 && isAlign(s[0]) {
		sp.align = s[0]
		i = 1
	}
	if i < len(s) && (s[i] == '+' || s[i] == '-' || s[i] == ' ') {
		sp.sign = s[i]
		i++
	}
	if i < len(s) && s[i] == '#' {
		sp.alt = true
		i++
	}
	if !fillSet && i < len(s) && s[i] == '0' {
		sp.fill = '0'
		if sp.align == 0 && k != kindStr {
			sp.align = '='
		}
		i++
	}
	var err error
	if sp.width, i, err = readNumber(s, i); err != nil {
		return sp, err
	}
	if i < len(s) && (s[i] == ',' || s[i] == '_') {
		sp.group = s[i]
		i++
	}
	if i < len(s) && s[i] == '.' {
		j := i + 1
		if sp.prec, i, err = readNumber(s, j); err != nil {
			return sp, err
		}
		if i == j {
			return sp, fmt.Errorf("format specifier %q is missing its precision", s)
		}
	}
	if i < len(s) {
		sp.typ = s[i]
		i++
	}
	if i != len(s) {
		return sp, fmt.Errorf("invalid format specifier %q", s)
	}
	switch k {
	case kindStr:
		switch {
		case sp.typ != 0 && sp.typ != 's':
			return sp, fmt.Errorf("unknown format code %q for a str in %q", sp.typ, s)
		case sp.sign != 0:
			return sp, fmt.Errorf("sign not allowed in string format specifier %q", s)
		case sp.alt:
			return sp, fmt.Errorf("alternate form (#) not allowed in string format specifier %q", s)
		case sp.group != 0:
			return sp, fmt.Errorf("cannot specify %q with 's' in %q", sp.group, s)
		case sp.align == '=':
			return sp, fmt.Errorf("'=' alignment not allowed in string format specifier %q", s)
		}
	case kindInt:
		switch sp.typ {
		case 0, 'd', 'n', 'b', 'o', 'x', 'X':
			if sp.prec >= 0 {
				return sp, fmt.Errorf("precision not allowed in integer format specifier %q", s)
			}
			if sp.group == ',' && sp.typ != 0 && sp.typ != 'd' || sp.group == '_' && sp.typ == 'n' {
				return sp, fmt.Errorf("cannot specify %q with %q in %q", sp.group, sp.typ, s)
			}
		case 'e', 'E', 'f', 'F', 'g', 'G', '%':
		case 'c':
			return sp, fmt.Errorf("format code 'c' in %q is not supported", s)
		default:
			return sp, fmt.Errorf("unknown format code %q for an int in %q", sp.typ, s)
		}
	case kindFloat:
		switch sp.typ {
		case 0, 'e', 'E', 'f', 'F', 'g', 'G', '%', 'n':
			if sp.group != 0 && sp.typ == 'n' {
				return sp, fmt.Errorf("cannot specify %q with 'n' in %q", sp.group, s)
			}
		default:
			return sp, fmt.Errorf("unknown format code %q for a float in %q", sp.typ, s)
		}
	}
	return sp, nil
}

func isAlign(c byte) bool { return c == '<' || c == '>' || c == '^' || c == '=' }

// finishStr applies precision and width to the text dst[start:]: the
// precision cuts it to that many characters, the width pads it with the
// fill character, on the right for '<' (printf's '-'), both sides for '^',
// else on the left.
func finishStr(dst []byte, start int, sp spec) []byte {
	if sp.prec >= 0 {
		n, i := 0, start
		for i < len(dst) && n < sp.prec {
			_, size := utf8.DecodeRune(dst[i:])
			i += size
			n++
		}
		dst = dst[:i]
	}
	align := sp.align
	switch {
	case sp.printf && sp.left:
		align = '<'
	case sp.printf:
		align = '>'
	case align == 0:
		align = '<'
	}
	return pad(dst, start, sp.width, sp.fill, align)
}

// pad widens dst[start:] to width characters with fill.
func pad(dst []byte, start, width int, fill rune, align byte) []byte {
	n := utf8.RuneCount(dst[start:])
	if n >= width {
		return dst
	}
	total := width - n
	left := total
	switch align {
	case '<':
		left = 0
	case '^':
		left = total / 2
	}
	var fb [utf8.UTFMax]byte
	fs := fb[:utf8.EncodeRune(fb[:], fill)]
	if left > 0 {
		shift := left * len(fs)
		end := len(dst)
		for range left {
			dst = append(dst, fs...)
		}
		copy(dst[start+shift:], dst[start:end])
		for i := range left {
			copy(dst[start+i*len(fs):], fs)
		}
	}
	for range total - left {
		dst = append(dst, fs...)
	}
	return dst
}

// appendInt writes an int field under sp.
func appendInt(dst []byte, n int64, sp spec) []byte {
	conv := sp.conv
	if sp.printf {
		conv = sp.typ
	}
	switch conv {
	case 's', 'r', 'a':
		start := len(dst)
		dst = strconv.AppendInt(dst, n, 10)
		return finishStr(dst, start, sp)
	}
	switch sp.typ {
	case 'e', 'E', 'f', 'F', 'g', 'G', '%':
		return appendFloat(dst, float64(n), sp)
	}
	start := len(dst)
	dst = appendSignPrefix(dst, n < 0, sp)
	head := len(dst)
	dst = appendIntDigits(dst, n, sp)
	return finishNumber(dst, start, head, sp, false)
}

// appendIntDigits writes |n| in the base sp's type asks for, with
// printf's precision (minimum digits), or format's grouping.
func appendIntDigits(dst []byte, n int64, sp spec) []byte {
	u := uint64(n)
	if n < 0 {
		u = -u
	}
	base := 10
	switch sp.typ {
	case 'x', 'X':
		base = 16
	case 'o':
		base = 8
	case 'b':
		base = 2
	}
	var buf [64]byte
	digits := strconv.AppendUint(buf[:0], u, base)
	if sp.typ == 'X' {
		for i, c := range digits {
			if c >= 'a' {
				digits[i] = c - ('a' - 'A')
			}
		}
	}
	for i := len(digits); sp.printf && i < sp.prec; i++ {
		dst = append(dst, '0')
	}
	if sp.group != 0 {
		return appendGrouped(dst, digits, sp.group, groupSize(sp), 0)
	}
	return append(dst, digits...)
}

// groupSize is how many digits a separator groups: 4 in binary, octal and
// hex, else 3.
func groupSize(sp spec) int {
	switch sp.typ {
	case 'b', 'o', 'x', 'X':
		return 4
	}
	return 3
}

// appendGrouped writes digits with sep between groups of every digits
// from the right, first widening them with zeros to at least minWidth
// characters (format's '0' padding, which Python groups too), never
// starting with a separator.
func appendGrouped(dst, digits []byte, sep byte, every, minWidth int) []byte {
	n := len(digits)
	d := n
	for d+(d-1)/every < minWidth {
		d++
	}
	for i := range d {
		if i > 0 && (d-i)%every == 0 {
			dst = append(dst, sep)
		}
		if j := i - (d - n); j >= 0 {
			dst = append(dst, digits[j])
		} else {
			dst = append(dst, '0')
		}
	}
	return dst
}

// appendFloat writes a float field (or an int read as float) under sp.
func appendFloat(dst []byte, f float64, sp spec) []byte {
	if sp.printf {
		switch sp.typ {
		case 's', 'r', 'a':
			start := len(dst)
			dst = appendFloatRepr(dst, f)
			return finishStr(dst, start, sp)
		case 'd', 'i', 'u':
			return appendInt(dst, int64(math.Trunc(f)), sp)
		}
	} else if sp.conv != 0 {
		start := len(dst)
		dst = appendFloatRepr(dst, f)
		return finishStr(dst, start, sp)
	}
	typ := sp.typ
	switch {
	case sp.printf:
	case typ == 0:
		typ = 'r'
	case typ == 'n':
		typ = 'g'
	}
	start := len(dst)
	dst = appendSignPrefix(dst, math.Signbit(f) && !math.IsNaN(f), sp)
	head := len(dst)
	dst = appendFloatBody(dst, f, typ, sp.prec, sp.alt)
	if sp.group != 0 {
		dst = groupInPlace(dst, head, sp.group, 0)
	}
	return finishNumber(dst, start, head, sp, true)
}

// groupInPlace puts sep between the groups of three digits of the integer
// part that starts at dst[head], widened with zeros to minWidth
// characters when asked.
func groupInPlace(dst []byte, head int, sep byte, minWidth int) []byte {
	end := head
	for end < len(dst) && dst[end] >= '0' && dst[end] <= '9' {
		end++
	}
	var tmp [512]byte
	if len(dst)-head > len(tmp) {
		return dst // no float has that many digits before a point
	}
	n := copy(tmp[:], dst[head:end])
	rest := tmp[n:][:copy(tmp[n:], dst[end:])]
	dst = appendGrouped(dst[:head], tmp[:n], sep, 3, minWidth-len(rest))
	return append(dst, rest...)
}

func appendSignPrefix(dst []byte, neg bool, sp spec) []byte {
	switch {
	case neg:
		dst = append(dst, '-')
	case sp.sign == '+' || sp.sign == ' ':
		dst = append(dst, sp.sign)
	}
	if !sp.alt {
		return dst
	}
	switch sp.typ {
	case 'x':
		return append(dst, "0x"...)
	case 'X':
		return append(dst, "0X"...)
	case 'o':
		return append(dst, "0o"...)
	case 'b':
		return append(dst, "0b"...)
	}
	return dst
}

// finishNumber pads the number dst[start:], whose digits start at
// dst[head] after its sign and prefix.
//
// As Python's % operator: the '-' flag pads on the right with spaces, the
// '0' flag with zeros between prefix and digits, otherwise spaces on the
// left. As format(): the fill character per the alignment ('>' by default;
// '=' puts the padding after the sign and prefix, and zero padding under
// grouping is grouped too: 0,001,234).
func finishNumber(dst []byte, start, head int, sp spec, isFloat bool) []byte {
	if len(dst)-start >= sp.width {
		return dst
	}
	if sp.printf {
		switch {
		case sp.left:
			return pad(dst, start, sp.width, ' ', '<')
		case sp.zero:
			return pad(dst, head, sp.width-(head-start), '0', '>')
		}
		return pad(dst, start, sp.width, ' ', '>')
	}
	align := sp.align
	if align == 0 {
		align = '>'
	}
	if align == '=' && sp.fill == '0' && sp.group != 0 {
		if isFloat {
			return groupInPlace(ungroup(dst, head, sp.group), head, sp.group, sp.width-(head-start))
		}
		return regroupInt(dst, head, sp, sp.width-(head-start))
	}
	if align == '=' {
		return pad(dst, head, sp.width-(head-start), sp.fill, '>')
	}
	return pad(dst, start, sp.width, sp.fill, align)
}

// regroupInt re-groups the integer digits at dst[head:], widened with
// zeros to minWidth characters.
func regroupInt(dst []byte, head int, sp spec, minWidth int) []byte {
	var tmp [128]byte
	n := 0
	for _, c := range dst[head:] {
		if c != sp.group && n < len(tmp) {
			tmp[n] = c
			n++
		}
	}
	return appendGrouped(dst[:head], tmp[:n], sp.group, groupSize(sp), minWidth)
}

// ungroup removes the separators from dst[head:].
func ungroup(dst []byte, head int, sep byte) []byte {
	w := head
	for r := head; r < len(dst); r++ {
		if dst[r] != sep {
			dst[w] = dst[r]
			w++
		}
	}
	return dst[:w]
}
