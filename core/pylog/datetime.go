package pylog

import (
	"strconv"
	"time"
)

// A time.Time stands for Python's aware datetime with a fixed-offset
// timezone: the zone's offset at that instant is kept, its name is not, and
// the nanoseconds are truncated to whole microseconds (datetime's
// resolution). A time.Duration stands for timedelta, truncated toward zero
// to whole microseconds.

// appendDatetime appends datetime.isoformat(sep) of t:
// 2025-12-02T10:52:12.123456+00:00, the fraction left out when the
// microsecond is 0 and the offset's seconds only written when not 0. With
// sep ' ' this is str(datetime).
func appendDatetime(dst []byte, t time.Time, sep byte) []byte {
	year, month, day := t.Date()
	hour, minute, second := t.Clock()
	dst = appendYear(dst, year)
	dst = append(dst, '-')
	dst = appendPadded(dst, int(month), 2)
	dst = append(dst, '-')
	dst = appendPadded(dst, day, 2)
	dst = append(dst, sep)
	dst = appendPadded(dst, hour, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, minute, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, second, 2)
	if us := t.Nanosecond() / 1000; us != 0 {
		dst = append(dst, '.')
		dst = appendPadded(dst, us, 6)
	}
	_, off := t.Zone()
	return appendUTCOffset(dst, off, true)
}

// appendUTCOffset appends a UTC offset in seconds as datetime writes it:
// +HH:MM (colon) or +HHMM as strftime's %z does, with :SS (or SS) added
// when the offset has seconds.
func appendUTCOffset(dst []byte, off int, colon bool) []byte {
	if off < 0 {
		dst = append(dst, '-')
		off = -off
	} else {
		dst = append(dst, '+')
	}
	dst = appendPadded(dst, off/3600, 2)
	if colon {
		dst = append(dst, ':')
	}
	dst = appendPadded(dst, off/60%60, 2)
	if s := off % 60; s != 0 {
		if colon {
			dst = append(dst, ':')
		}
		dst = appendPadded(dst, s, 2)
	}
	return dst
}

// appendYear writes a year with at least four digits, as datetime does;
// years outside 1..9999, which datetime cannot hold, keep their sign.
func appendYear(dst []byte, year int) []byte {
	if year < 0 {
		dst = append(dst, '-')
		year = -year
	}
	return appendPadded(dst, year, 4)
}

// appendDatetimeRepr appends repr(datetime):
// datetime.datetime(2025, 12, 2, 10, 52, 12, 123456, tzinfo=datetime.timezone.utc).
// As in Python, the seconds and microseconds are left out from the right
// while they are zero.
func appendDatetimeRepr(dst []byte, t time.Time) []byte {
	year, month, day := t.Date()
	hour, minute, second := t.Clock()
	us := t.Nanosecond() / 1000
	dst = append(dst, "datetime.datetime("...)
	for i, n := range [...]int{year, int(month), day, hour, minute, second, us} {
		if i == 5 && second == 0 && us == 0 || i == 6 && us == 0 {
			break
		}
		if i > 0 {
			dst = append(dst, ", "...)
		}
		dst = strconv.AppendInt(dst, int64(n), 10)
	}
	dst = append(dst, ", tzinfo="...)
	_, off := t.Zone()
	if off == 0 {
		dst = append(dst, "datetime.timezone.utc"...)
	} else {
		dst = append(dst, "datetime.timezone("...)
		dst = appendTimedeltaRepr(dst, int64(off)*1e6)
		dst = append(dst, ')')
	}
	return append(dst, ')')
}

// durationMicros converts d to timedelta's microseconds, truncating toward
// zero.
func durationMicros(d time.Duration) int64 { return int64(d / time.Microsecond) }

// splitMicros normalises a microsecond count the way timedelta stores it:
// days may be negative, 0 <= seconds < 86400, 0 <= microseconds < 1e6.
func splitMicros(us int64) (days, seconds, micros int64) {
	const perDay = 86400 * 1e6
	days = us / perDay
	rem := us % perDay
	if rem < 0 {
		days--
		rem += perDay
	}
	return days, rem / 1e6, rem % 1e6
}

// appendTimedelta appends str(timedelta): 0:00:01.500000, 1 day, 2:00:00,
// -1 day, 23:59:59.
func appendTimedelta(dst []byte, us int64) []byte {
	days, secs, micros := splitMicros(us)
	if days != 0 {
		dst = strconv.AppendInt(dst, days, 10)
		dst = append(dst, " day"...)
		if days != 1 && days != -1 {
			dst = append(dst, 's')
		}
		dst = append(dst, ", "...)
	}
	dst = strconv.AppendInt(dst, secs/3600, 10)
	dst = append(dst, ':')
	dst = appendPadded(dst, int(secs/60%60), 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, int(secs%60), 2)
	if micros != 0 {
		dst = append(dst, '.')
		dst = appendPadded(dst, int(micros), 6)
	}
	return dst
}

// appendTimedeltaRepr appends repr(timedelta):
// datetime.timedelta(days=-1, seconds=86399, microseconds=500000), naming
// only the fields that are not zero, or datetime.timedelta(0).
func appendTimedeltaRepr(dst []byte, us int64) []byte {
	days, secs, micros := splitMicros(us)
	dst = append(dst, "datetime.timedelta("...)
	if us == 0 {
		return append(dst, "0)"...)
	}
	sep := false
	for _, f := range [...]struct {
		name string
		n    int64
	}{{"days=", days}, {"seconds=", secs}, {"microseconds=", micros}} {
		if f.n == 0 {
			continue
		}
		if sep {
			dst = append(dst, ", "...)
		}
		sep = true
		dst = append(dst, f.name...)
		dst = strconv.AppendInt(dst, f.n, 10)
	}
	return append(dst, ')')
}

// appendPadded appends n (n >= 0) in decimal with leading zeros to width.
func appendPadded(dst []byte, n, width int) []byte {
	if n < 0 {
		dst = append(dst, '-')
		n = -n
		width--
	}
	var buf [20]byte
	i := len(buf)
	for n >= 10 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	i--
	buf[i] = byte('0' + n)
	for w := len(buf) - i; w < width; w++ {
		dst = append(dst, '0')
	}
	return append(dst, buf[i:]...)
}

// civil splits a count of seconds since 1970-01-01 00:00:00 (local time
// already added) into date and time of day, in the proleptic Gregorian
// calendar (Howard Hinnant's days-to-civil algorithm).
func civil(sec int64) (year, month, day, hour, minute, second int) {
	days := sec / 86400
	rem := sec % 86400
	if rem < 0 {
		days--
		rem += 86400
	}
	hour, minute, second = int(rem/3600), int(rem/60%60), int(rem%60)
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day = int(doy - (153*mp+2)/5 + 1)
	if mp < 10 {
		month = int(mp + 3)
	} else {
		month = int(mp - 9)
	}
	year = int(yoe + era*400)
	if month <= 2 {
		year++
	}
	return
}
