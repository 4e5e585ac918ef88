package pylog

import (
	"fmt"
	"strconv"
	"time"
)

// A dateOp is one piece of a compiled strftime format: literal text, or a
// directive with its glibc flag and width.
type dateOp struct {
	lit   string
	verb  byte // 0 for literal text
	flag  byte // one of _ - 0 ^ #, or 0
	width int  // -1 when not given
}

var (
	weekdays = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	months   = [...]string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
)

// compileDateFormat parses a time.strftime format as glibc reads it in the
// C locale. Unknown directives are copied as they are, as glibc does;
// flags and widths this package does not reproduce (on composite
// directives, %z, and unknown directives) are refused, with their
// position.
func compileDateFormat(f string) ([]dateOp, error) {
	var ops []dateOp
	lit := func(s string) {
		if n := len(ops); n > 0 && ops[n-1].verb == 0 {
			ops[n-1].lit += s
			return
		}
		ops = append(ops, dateOp{lit: s})
	}
	for i := 0; i < len(f); {
		j := i
		for j < len(f) && f[j] != '%' {
			j++
		}
		if j > i {
			lit(f[i:j])
		}
		if j == len(f) {
			break
		}
		start := j
		j++
		op := dateOp{width: -1}
		for j < len(f) && (f[j] == '_' || f[j] == '-' || f[j] == '0' || f[j] == '^' || f[j] == '#') {
			op.flag = f[j]
			j++
		}
		for j < len(f) && f[j] >= '0' && f[j] <= '9' {
			if op.width < 0 {
				op.width = 0
			}
			op.width = min(op.width*10+int(f[j]-'0'), 1<<16)
			j++
		}
		if j < len(f) && (f[j] == 'E' || f[j] == 'O') {
			mod := f[j]
			switch {
			case j+1 < len(f) && modifierApplies(mod, f[j+1]):
				j++
			case op.width >= 0:
				return nil, fmt.Errorf("pylog: date format %q: width on the invalid directive %q at position %d is not supported", f, f[start:min(j+2, len(f))], start)
			default:
				// glibc copies a directive it does not know as it is.
				j = min(j+2, len(f))
				lit(f[start:j])
				i = j
				continue
			}
		}
		if j == len(f) {
			if op.width >= 0 {
				return nil, fmt.Errorf("pylog: date format %q: width on the incomplete directive at position %d is not supported", f, start)
			}
			// glibc copies an incomplete directive as it is.
			lit(f[start:])
			break
		}
		op.verb = f[j]
		j++
		switch op.verb {
		case '%':
			if op.flag != 0 || op.width >= 0 {
				return nil, fmt.Errorf("pylog: date format %q: flags or width on %%%% at position %d are not supported", f, start)
			}
			lit("%")
		case 'C', 'd', 'e', 'g', 'G', 'H', 'I', 'j', 'k', 'l', 'm', 'M', 's', 'S', 'u', 'U', 'V', 'w', 'W', 'y', 'Y',
			'a', 'A', 'b', 'B', 'h', 'p', 'P', 'Z':
			ops = append(ops, op)
		case 'c', 'D', 'F', 'n', 'r', 'R', 't', 'T', 'x', 'X', 'z':
			if op.flag != 0 || op.width >= 0 {
				return nil, fmt.Errorf("pylog: date format %q: flags or width on %%%c at position %d are not supported", f, op.verb, start)
			}
			if exp := composite(op.verb); exp != "" {
				sub, err := compileDateFormat(exp)
				if err != nil {
					return nil, err
				}
				for _, o := range sub {
					if o.verb == 0 {
						lit(o.lit)
					} else {
						ops = append(ops, o)
					}
				}
				break
			}
			ops = append(ops, op)
		default:
			if op.width >= 0 {
				return nil, fmt.Errorf("pylog: date format %q: width on the unknown directive %q at position %d is not supported", f, f[start:j], start)
			}
			// glibc copies a directive it does not know (%f, %Q) as it is.
			lit(f[start:j])
		}
		i = j
	}
	return ops, nil
}

// modifierApplies reports whether glibc accepts the E or O modifier before
// verb; in the C locale it then changes nothing.
func modifierApplies(mod, verb byte) bool {
	if mod == 'E' {
		switch verb {
		case 'c', 'C', 'x', 'X', 'y', 'Y':
			return true
		}
		return false
	}
	switch verb {
	case 'd', 'e', 'H', 'I', 'm', 'M', 'S', 'u', 'U', 'V', 'w', 'W', 'y':
		return true
	}
	return false
}

// appendStrftime appends t formatted by ops.
func appendStrftime(dst []byte, t time.Time, ops []dateOp) []byte {
	for _, op := range ops {
		if op.verb == 0 {
			dst = append(dst, op.lit...)
			continue
		}
		dst = appendDirective(dst, t, op)
	}
	return dst
}

// appendDefaultDate appends '%Y-%m-%d %H:%M:%S', asctime's default.
func appendDefaultDate(dst []byte, t time.Time) []byte {
	year, month, day := t.Date()
	hour, minute, second := t.Clock()
	dst = strconv.AppendInt(dst, int64(year), 10)
	return append(dst, '-',
		byte('0'+int(month)/10), byte('0'+int(month)%10), '-',
		byte('0'+day/10), byte('0'+day%10), ' ',
		byte('0'+hour/10), byte('0'+hour%10), ':',
		byte('0'+minute/10), byte('0'+minute%10), ':',
		byte('0'+second/10), byte('0'+second%10))
}

func appendDirective(dst []byte, t time.Time, op dateOp) []byte {
	switch op.verb {
	case 'a':
		return appendDateWord(dst, weekdays[t.Weekday()][:3], op, true)
	case 'A':
		return appendDateWord(dst, weekdays[t.Weekday()], op, true)
	case 'b', 'h':
		return appendDateWord(dst, months[t.Month()-1][:3], op, true)
	case 'B':
		return appendDateWord(dst, months[t.Month()-1], op, true)
	case 'p', 'P':
		s := "AM"
		if t.Hour() >= 12 {
			s = "PM"
		}
		if op.verb == 'P' {
			s = "am"
			if t.Hour() >= 12 {
				s = "pm"
			}
			if op.flag == '#' {
				op.flag = 0
			}
		}
		return appendDateWord(dst, s, op, false)
	case 'Z':
		name, _ := t.Zone()
		return appendDateWord(dst, name, op, false)
	case 'C':
		return appendDateNumber(dst, t.Year()/100, 0, '0', op)
	case 'd':
		return appendDateNumber(dst, t.Day(), 2, '0', op)
	case 'e':
		return appendDateNumber(dst, t.Day(), 2, '_', op)
	case 'g':
		y, _ := t.ISOWeek()
		return appendDateNumber(dst, (y%100+100)%100, 2, '0', op)
	case 'G':
		y, _ := t.ISOWeek()
		return appendDateNumber(dst, y, 0, '0', op)
	case 'H':
		return appendDateNumber(dst, t.Hour(), 2, '0', op)
	case 'I':
		return appendDateNumber(dst, hour12(t), 2, '0', op)
	case 'j':
		return appendDateNumber(dst, t.YearDay(), 3, '0', op)
	case 'k':
		return appendDateNumber(dst, t.Hour(), 2, '_', op)
	case 'l':
		return appendDateNumber(dst, hour12(t), 2, '_', op)
	case 'm':
		return appendDateNumber(dst, int(t.Month()), 2, '0', op)
	case 'M':
		return appendDateNumber(dst, t.Minute(), 2, '0', op)
	case 's':
		return appendDateNumber(dst, int(t.Unix()), 1, '0', op)
	case 'S':
		return appendDateNumber(dst, t.Second(), 2, '0', op)
	case 'u':
		return appendDateNumber(dst, (int(t.Weekday())+6)%7+1, 1, '0', op)
	case 'U':
		return appendDateNumber(dst, (t.YearDay()-1+7-int(t.Weekday()))/7, 2, '0', op)
	case 'V':
		_, w := t.ISOWeek()
		return appendDateNumber(dst, w, 2, '0', op)
	case 'w':
		return appendDateNumber(dst, int(t.Weekday()), 1, '0', op)
	case 'W':
		return appendDateNumber(dst, (t.YearDay()-1+7-(int(t.Weekday())+6)%7)/7, 2, '0', op)
	case 'y':
		return appendDateNumber(dst, (t.Year()%100+100)%100, 2, '0', op)
	case 'Y':
		return appendDateNumber(dst, t.Year(), 0, '0', op)
	case 'n':
		return append(dst, '\n')
	case 't':
		return append(dst, '\t')
	case 'z':
		_, off := t.Zone()
		return appendUTCOffset(dst, off/60*60, false)
	}
	return dst
}

// composite returns what glibc expands a composite directive to in the C
// locale, or "" for the others.
func composite(verb byte) string {
	switch verb {
	case 'c':
		return "%a %b %e %H:%M:%S %Y"
	case 'D', 'x':
		return "%m/%d/%y"
	case 'F':
		return "%Y-%m-%d"
	case 'r':
		return "%I:%M:%S %p"
	case 'R':
		return "%H:%M"
	case 'T', 'X':
		return "%H:%M:%S"
	}
	return ""
}

func hour12(t time.Time) int {
	h := t.Hour() % 12
	if h == 0 {
		return 12
	}
	return h
}

// appendDateNumber writes a numeric directive as glibc does: digits is
// the default width (0 for the years, which glibc does not pad unless
// asked), pad the default padding ('0' or '_' for spaces). The '-' flag
// drops the default padding but not an explicit width, which it fills
// with spaces.
func appendDateNumber(dst []byte, n, digits int, pad byte, op dateOp) []byte {
	width := digits
	switch op.flag {
	case '_', '0':
		pad = op.flag
	case '-':
		pad, width = '_', 0
	}
	if op.width >= 0 {
		width = op.width
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var buf [24]byte
	num := strconv.AppendInt(buf[:0], int64(n), 10)
	size := len(num)
	if neg {
		size++
	}
	if pad == '_' {
		for ; size < width; size++ {
			dst = append(dst, ' ')
		}
		if neg {
			dst = append(dst, '-')
		}
	} else {
		if neg {
			dst = append(dst, '-')
		}
		for ; size < width; size++ {
			dst = append(dst, '0')
		}
	}
	return append(dst, num...)
}

// appendDateWord writes a textual directive: '^' upper-cases it, '#'
// swaps its case (names become upper case, %p and %Z lower case), and a
// width pads on the left with spaces, or zeros under the '0' flag.
func appendDateWord(dst []byte, s string, op dateOp, name bool) []byte {
	if op.width > len(s) {
		pad := byte(' ')
		if op.flag == '0' {
			pad = '0'
		}
		for range op.width - len(s) {
			dst = append(dst, pad)
		}
	}
	start := len(dst)
	dst = append(dst, s...)
	switch {
	case op.flag == '^' || op.flag == '#' && name:
		for i := start; i < len(dst); i++ {
			if c := dst[i]; c >= 'a' && c <= 'z' {
				dst[i] = c - ('a' - 'A')
			}
		}
	case op.flag == '#':
		for i := start; i < len(dst); i++ {
			if c := dst[i]; c >= 'A' && c <= 'Z' {
				dst[i] = c + ('a' - 'A')
			}
		}
	}
	return dst
}
