package pylog

import (
	"math"
	"strconv"
)

// appendFloatRepr appends Python's repr(f): the shortest digits that read
// back as f, in fixed notation with at least one digit after the point
// when the decimal exponent is in [-4, 16), else in exponent notation with
// a signed exponent of at least two digits: 1.0, 0.1, 1e+16, 1.5e-07,
// 5e-324, -0.0, inf, nan.
func appendFloatRepr(dst []byte, f float64) []byte {
	// strconv's shortest digits are laid out as Python lays them out in
	// both ranges: fixed from 1e-4 up to 1e16 (plus ".0" when integral),
	// and 'e' with a two-digit exponent beyond.
	switch a := math.Abs(f); {
	case a == 0 || a >= 1e-4 && a < 1e16:
		start := len(dst)
		dst = strconv.AppendFloat(dst, f, 'f', -1, 64)
		for _, c := range dst[start:] {
			if c == '.' {
				return dst
			}
		}
		return append(dst, '.', '0')
	case a >= 1e16 && a <= math.MaxFloat64 || a < 1e-4:
		return strconv.AppendFloat(dst, f, 'e', -1, 64)
	}
	return appendFloatShort(dst, f, true)
}

// appendFloatShort is repr(float); without dot0 an integral value gets no
// ".0", as in the parts of repr(complex).
func appendFloatShort(dst []byte, f float64, dot0 bool) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "nan"...)
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	}
	var buf [32]byte
	digits, decpt, neg := shortestDigits(buf[:0], f)
	if neg {
		dst = append(dst, '-')
	}
	if decpt <= -4 || decpt > 16 {
		return appendExpForm(dst, digits, decpt-1, false)
	}
	return appendFixedForm(dst, digits, decpt, dot0)
}

// shortestDigits returns the shortest decimal digits of |f| (no leading
// or trailing zeros, "0" for zero), the position of the decimal point
// relative to them (value = 0.DIGITS × 10^decpt), and the sign.
func shortestDigits(buf []byte, f float64) (digits []byte, decpt int, neg bool) {
	return splitE(strconv.AppendFloat(buf, f, 'e', -1, 64))
}

// splitE takes strconv's 'e' form ("-d.ddde±XX") apart into digits,
// decimal point position and sign. The digits alias b.
func splitE(b []byte) (digits []byte, decpt int, neg bool) {
	if b[0] == '-' {
		neg = true
		b = b[1:]
	}
	e := len(b) - 1
	for b[e] != 'e' {
		e--
	}
	exp := 0
	for _, c := range b[e+2:] {
		exp = exp*10 + int(c-'0')
	}
	if b[e+1] == '-' {
		exp = -exp
	}
	// Move the digits after the point down over it.
	n := 1
	if e > 1 {
		n += copy(b[1:], b[2:e])
	}
	return b[:n], exp + 1, neg
}

// appendExpForm appends d[.ddd]e±XX from digits and the exponent of the
// first digit; alt keeps the point even with a single digit (printf's '#').
func appendExpForm(dst, digits []byte, exp int, alt bool) []byte {
	dst = append(dst, digits[0])
	if len(digits) > 1 || alt {
		dst = append(dst, '.')
		dst = append(dst, digits[1:]...)
	}
	dst = append(dst, 'e')
	if exp < 0 {
		dst = append(dst, '-')
		exp = -exp
	} else {
		dst = append(dst, '+')
	}
	if exp < 10 {
		dst = append(dst, '0')
	}
	return strconv.AppendInt(dst, int64(exp), 10)
}

// appendFixedForm appends digits with the point placed at decpt, padding
// with zeros as needed; dot0 appends ".0" when no digit falls after the
// point.
func appendFixedForm(dst, digits []byte, decpt int, dot0 bool) []byte {
	switch {
	case decpt <= 0:
		dst = append(dst, '0', '.')
		for ; decpt < 0; decpt++ {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	case decpt >= len(digits):
		dst = append(dst, digits...)
		for i := len(digits); i < decpt; i++ {
			dst = append(dst, '0')
		}
		if dot0 {
			dst = append(dst, '.', '0')
		}
		return dst
	default:
		dst = append(dst, digits[:decpt]...)
		dst = append(dst, '.')
		return append(dst, digits[decpt:]...)
	}
}

// appendFloatBody appends the digits of |f| as Python's float formatting
// writes them for one presentation type, without sign (the caller places
// the sign so it can pad between sign and digits). typ is one of f F e E g
// G % n, 'r' (repr: shortest digits) or 0 (format() with no type and a
// precision: like 'g', with at least one digit after the point in fixed
// notation, switching to exponents one place earlier). prec < 0 means the
// default. alt is the '#' flag.
func appendFloatBody(dst []byte, f float64, typ byte, prec int, alt bool) []byte {
	f = math.Abs(f)
	upper := typ == 'F' || typ == 'E' || typ == 'G'
	if math.IsInf(f, 0) || math.IsNaN(f) {
		s := "inf"
		if math.IsNaN(f) {
			s = "nan"
		}
		start := len(dst)
		dst = append(dst, s...)
		if upper {
			for i := start; i < len(dst); i++ {
				dst[i] -= 'a' - 'A'
			}
		}
		if typ == '%' {
			dst = append(dst, '%')
		}
		return dst
	}
	var buf [400]byte
	switch typ {
	case 'r':
		if prec < 0 {
			return appendFloatRepr(dst, f)
		}
		return appendGeneral(dst, buf[:0], f, prec, alt, true)
	case 'f', 'F', '%':
		if prec < 0 {
			prec = 6
		}
		if typ == '%' {
			f *= 100
		}
		dst = strconv.AppendFloat(dst, f, 'f', prec, 64)
		if alt && prec == 0 {
			dst = append(dst, '.')
		}
		if typ == '%' {
			dst = append(dst, '%')
		}
		return dst
	case 'e', 'E':
		if prec < 0 {
			prec = 6
		}
		digits, decpt, _ := splitE(strconv.AppendFloat(buf[:0], f, 'e', prec, 64))
		start := len(dst)
		dst = appendExpForm(dst, digits, decpt-1, alt)
		if upper {
			upperE(dst[start:])
		}
		return dst
	default: // g G n
		if prec < 0 {
			prec = 6
		}
		start := len(dst)
		dst = appendGeneral(dst, buf[:0], f, prec, alt, false)
		if upper {
			upperE(dst[start:])
		}
		return dst
	}
}

// appendGeneral is C's %g (and Python's format type 'g') for f >= 0 with
// precision prec; dot0 is CPython's Py_DTSF_ADD_DOT_0, used when format()
// has a precision but no type.
func appendGeneral(dst, buf []byte, f float64, prec int, alt, dot0 bool) []byte {
	if prec == 0 {
		prec = 1
	}
	digits, decpt, _ := splitE(strconv.AppendFloat(buf, f, 'e', prec-1, 64))
	limit := prec
	if dot0 {
		limit = prec - 1
	}
	if !alt {
		// Trailing zeros go unless '#' keeps them.
		for len(digits) > 1 && digits[len(digits)-1] == '0' {
			digits = digits[:len(digits)-1]
		}
	}
	if decpt <= -4 || decpt > limit {
		return appendExpForm(dst, digits, decpt-1, alt)
	}
	if alt {
		// All prec significant digits are shown, and the point always.
		for len(digits) < prec {
			digits = append(digits, '0')
		}
		if decpt >= len(digits) {
			dst = appendFixedForm(dst, digits, decpt, false)
			return append(dst, '.')
		}
		return appendFixedForm(dst, digits, decpt, false)
	}
	return appendFixedForm(dst, digits, decpt, dot0)
}

// upperE upper-cases the exponent marker in b.
func upperE(b []byte) {
	for i, c := range b {
		if c == 'e' {
			b[i] = 'E'
		}
	}
}
