package pylog

import (
	"unicode/utf8"
	"unsafe"
)

// decodeRune reads the rune at s[i:] the way Python decodes bytes with
// errors='replace': a valid sequence yields its rune, and an ill-formed one
// yields U+FFFD for each maximal subpart (a lead byte followed by as many
// continuation bytes as could still begin a valid sequence), so "\xe2\x82"
// is one U+FFFD and "\xff\xfe" is two. The size is the number of bytes read.
func decodeRune(s string, i int) (rune, int) {
	c := s[i]
	if c < utf8.RuneSelf {
		return rune(c), 1
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	if r != utf8.RuneError || n > 1 {
		return r, n
	}
	return utf8.RuneError, invalidLen(s[i:])
}

// invalidLen returns the length of the maximal subpart of the ill-formed
// UTF-8 sequence at the start of s, as the Unicode standard (§3.9, "U+FFFD
// substitution of maximal subparts") and CPython's decoder define it.
func invalidLen(s string) int {
	lo, hi := byte(0x80), byte(0xBF)
	var need int
	switch c := s[0]; {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c == 0xE0:
		need, lo = 2, 0xA0
	case c >= 0xE1 && c <= 0xEC, c == 0xEE, c == 0xEF:
		need = 2
	case c == 0xED:
		need, hi = 2, 0x9F
	case c == 0xF0:
		need, lo = 3, 0x90
	case c >= 0xF1 && c <= 0xF3:
		need = 3
	case c == 0xF4:
		need, hi = 3, 0x8F
	default:
		return 1
	}
	n := 1
	for n <= need && n < len(s) {
		if b := s[n]; b < lo || b > hi {
			break
		}
		lo, hi = 0x80, 0xBF
		n++
	}
	return n
}

// appendValidUTF8 appends s with every ill-formed sequence replaced by
// U+FFFD as [decodeRune] reads it.
func appendValidUTF8(dst []byte, s string) []byte {
	if isShortASCII(s) || utf8.ValidString(s) {
		return append(dst, s...)
	}
	for i := 0; i < len(s); {
		r, n := decodeRune(s, i)
		if r == utf8.RuneError {
			// Both a replaced sequence and a genuine U+FFFD.
			dst = append(dst, "\uFFFD"...)
		} else {
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	return dst
}

// isShortASCII reports whether s is at most 32 bytes of ASCII: for the
// short values most fields hold, eight bytes at a time (overlapping at the
// end) answer in a fraction of the time utf8.ValidString takes to get going.
func isShortASCII(s string) bool {
	const hi = 0x8080808080808080
	switch n := len(s); {
	case n > 32:
		return false
	case n >= 8:
		w := word(s, n-8)
		for i := 0; i < n-8; i += 8 {
			w |= word(s, i)
		}
		return w&hi == 0
	case n >= 4:
		return (half(s, 0)|half(s, n-4))&hi == 0
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// word returns the eight bytes of s at i, little-endian: one load on the
// architectures that allow unaligned ones.
func word(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// half returns the four bytes of s at i, little-endian, as word does.
func half(s string, i int) uint64 {
	s = s[i : i+4]
	return uint64(uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24)
}

// runeCount is the number of characters Python would count in s
// (len(str)) after decoding it with errors='replace'.
func runeCount(s string) int {
	n := 0
	for i := 0; i < len(s); n++ {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		_, size := decodeRune(s, i)
		i += size
	}
	return n
}

// unsafeString views b as a string for a call that only reads it.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
