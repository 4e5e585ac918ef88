package pylog

import (
	"strings"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// jsonSafe marks the bytes json.dumps writes as themselves whatever
// ensure_ascii says: printable ASCII but for the quote and the backslash.
var jsonSafe = func() (t [256]bool) {
	for c := ' '; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendJSONString appends s as a JSON string literal the way CPython's
// json.dumps writes it: \" \\ \n \r \t \b \f, other control characters as
// \u00XX; with ascii (ensure_ascii=True) also DEL and every non-ASCII
// character as lower-case \uXXXX, characters beyond the BMP as a
// surrogate pair. Ill-formed UTF-8 is read as U+FFFD (see [decodeRune]).
func appendJSONString(dst []byte, s string, ascii bool) []byte {
	// Most strings need no escape at all: find the first byte that does.
	i := 0
	for i+8 <= len(s) && plainWord(s[i:i+8]) {
		i += 8
	}
	for i < len(s) && jsonSafe[s[i]] {
		i++
	}
	if i == len(s) {
		dst = append(dst, '"')
		dst = append(dst, s...)
		return append(dst, '"')
	}
	return appendJSONStringFrom(dst, s, i, ascii)
}

// appendJSONStringFrom is appendJSONString once s[:i] is known to need no
// escape.
func appendJSONStringFrom(dst []byte, s string, i int, ascii bool) []byte {
	dst = append(dst, '"')
	start := 0
	for i < len(s) {
		// Skip eight plain bytes at a time.
		for i+8 <= len(s) && plainWord(s[i:i+8]) {
			i += 8
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] || c == 0x7f && !ascii {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = appendU4(dst, rune(c))
			}
			i++
			start = i
			continue
		}
		r, n := decodeRune(s, i)
		if !ascii && r != utf8.RuneError {
			i += n
			continue
		}
		dst = append(dst, s[start:i]...)
		switch {
		case !ascii:
			dst = append(dst, "\uFFFD"...)
		case r >= 0x10000:
			r -= 0x10000
			dst = appendU4(dst, 0xD800+r>>10)
			dst = appendU4(dst, 0xDC00+r&0x3FF)
		default:
			dst = appendU4(dst, r)
		}
		i += n
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// plainWord reports whether all eight bytes of w are printable ASCII
// other than the quote and the backslash: no byte below 0x20, none of
// 0x7f and above, no '"' and no '\\'. It tests them at once, as one
// 64-bit word.
func plainWord(w string) bool {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
		uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
	// A byte >= 0x80, or one that becomes so by adding 1 (0x7f).
	bad := (x | (x + ones)) & highs
	// A byte < 0x20.
	bad |= (x - 0x20*ones) & ^x & highs
	// A '"' or '\\': a zero byte after xor.
	q := x ^ ('"' * ones)
	bad |= (q - ones) & ^q & highs
	b := x ^ ('\\' * ones)
	bad |= (b - ones) & ^b & highs
	return bad == 0
}

// appendU4 appends \uXXXX with lower-case hex digits.
func appendU4(dst []byte, r rune) []byte {
	return append(dst, '\\', 'u', hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
}

// appendStringRepr appends Python's repr(s) (ascii(s) when ascii is set).
// The quote is ' unless s holds a ' and no ", in which case it is ".
// Backslash, the quote, \t, \n and \r are escaped; other control
// characters and DEL as \xNN; non-ASCII characters are written as they are
// when CPython 3.11 deems them printable (and ascii is not set), else as
// \xNN, \uNNNN or \UNNNNNNNN. Ill-formed UTF-8 is read as U+FFFD.
func appendStringRepr(dst []byte, s string, ascii bool) []byte {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	dst = append(dst, quote)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			dst = appendASCIIEscaped(dst, c, quote)
			i++
			continue
		}
		r, n := decodeRune(s, i)
		switch {
		case ascii || !isPrintable(r):
			dst = appendRuneEscape(dst, r)
		case r == utf8.RuneError:
			dst = append(dst, "\uFFFD"...)
		default:
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	return append(dst, quote)
}

// appendASCIIEscaped appends one ASCII character as repr writes it inside
// quote.
func appendASCIIEscaped(dst []byte, c, quote byte) []byte {
	switch {
	case c == quote || c == '\\':
		return append(dst, '\\', c)
	case c == '\t':
		return append(dst, '\\', 't')
	case c == '\n':
		return append(dst, '\\', 'n')
	case c == '\r':
		return append(dst, '\\', 'r')
	case c < ' ' || c == 0x7f:
		return append(dst, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xF])
	}
	return append(dst, c)
}

// appendRuneEscape appends r as \xNN, \uNNNN or \UNNNNNNNN, the shortest
// that holds it.
func appendRuneEscape(dst []byte, r rune) []byte {
	switch {
	case r < 0x100:
		return append(dst, '\\', 'x', hexDigits[r>>4], hexDigits[r&0xF])
	case r < 0x10000:
		return append(dst, '\\', 'u', hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
	}
	dst = append(dst, '\\', 'U')
	for shift := 28; shift >= 0; shift -= 4 {
		dst = append(dst, hexDigits[r>>shift&0xF])
	}
	return dst
}

// appendBytesRepr appends Python's repr(bytes): b'...', with the quote
// chosen as for strings, and every byte outside printable ASCII as \xNN
// (\t, \n and \r by name).
func appendBytesRepr(dst, b []byte) []byte {
	quote := byte('\'')
	for _, c := range b {
		if c == '"' {
			quote = '\''
			break
		}
		if c == '\'' {
			quote = '"'
		}
	}
	dst = append(dst, 'b', quote)
	for _, c := range b {
		if c >= utf8.RuneSelf {
			dst = append(dst, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xF])
			continue
		}
		dst = appendASCIIEscaped(dst, c, quote)
	}
	return append(dst, quote)
}
