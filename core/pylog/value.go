package pylog

import (
	"cmp"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// mode says which Python rendering a value walk produces.
type mode uint8

const (
	modeStr      mode = iota // str(): a top-level string is written bare
	modeRepr                 // repr()
	modeJSON                 // json.dumps(..., ensure_ascii=True)
	modeJSONUTF8             // json.dumps(..., ensure_ascii=False)
)

// maxDepth is how deep values nest before the rest is written as '...'.
const maxDepth = 64

// nested is the mode of the values inside a container: str() of a list or
// dict shows its items with repr().
func (m mode) nested() mode {
	if m == modeStr {
		return modeRepr
	}
	return m
}

func (m mode) json() bool { return m >= modeJSON }

// AppendStr appends Python's str() of v to dst, reading v as the Python
// value it stands for (see the package documentation for the mapping):
// strings as they are, 1.0, 1e+20, True, None, {'k': 'v', 'n': 1},
// [1, 'a', None], 2025-12-02 10:52:12.123456+00:00, 0:00:01.500000.
// Scalar kinds (string, int, uint, float, bool, duration, time) and groups
// of them do not allocate.
func AppendStr(dst []byte, v slog.Value) []byte {
	if v.Kind() == slog.KindString {
		// The common case, without the general switch, and for a short
		// ASCII text without appendValidUTF8's call.
		if s := v.String(); isShortASCII(s) {
			return append(dst, s...)
		}
		return appendValidUTF8(dst, v.String())
	}
	return appendValue(dst, v, modeStr, 0)
}

// AppendRepr appends Python's repr() of v to dst: as [AppendStr], except
// that strings are quoted and escaped ('it”s' is "it's"), and times and
// durations read datetime.datetime(...) and datetime.timedelta(...). It
// is what str() shows for the items of a list or dict.
func AppendRepr(dst []byte, v slog.Value) []byte { return appendValue(dst, v, modeRepr, 0) }

// AppendJSON appends json.dumps(v, ensure_ascii=ensureASCII) as CPython
// writes it with python-json-logger's encoder: separators ", " and ": ",
// floats as repr (NaN, Infinity and -Infinity included), times as
// datetime.isoformat(), durations as str(timedelta), and with ensureASCII
// every character outside printable ASCII (DEL included) escaped as
// lower-case \uXXXX, surrogate pairs beyond the BMP.
func AppendJSON(dst []byte, v slog.Value, ensureASCII bool) []byte {
	m := modeJSONUTF8
	if ensureASCII {
		m = modeJSON
	}
	return appendValue(dst, v, m, 0)
}

func appendValue(dst []byte, v slog.Value, m mode, depth int) []byte {
	switch v.Kind() {
	case slog.KindString:
		return appendString(dst, v.String(), m)
	case slog.KindInt64:
		return strconv.AppendInt(dst, v.Int64(), 10)
	case slog.KindUint64:
		return strconv.AppendUint(dst, v.Uint64(), 10)
	case slog.KindFloat64:
		if m.json() {
			return appendJSONFloat(dst, v.Float64())
		}
		return appendFloatRepr(dst, v.Float64())
	case slog.KindBool:
		return appendBool(dst, v.Bool(), m)
	case slog.KindDuration:
		return appendDuration(dst, v.Duration(), m)
	case slog.KindTime:
		return appendTime(dst, v.Time(), m)
	case slog.KindGroup:
		return appendGroup(dst, v.Group(), m, depth)
	case slog.KindLogValuer:
		return appendValue(dst, v.Resolve(), m, depth)
	default:
		return appendAny(dst, v.Any(), m, depth)
	}
}

func appendString(dst []byte, s string, m mode) []byte {
	switch m {
	case modeStr:
		return appendValidUTF8(dst, s)
	case modeRepr:
		return appendStringRepr(dst, s, false)
	default:
		return appendJSONString(dst, s, m == modeJSON)
	}
}

func appendBool(dst []byte, b bool, m mode) []byte {
	switch {
	case m.json() && b:
		return append(dst, "true"...)
	case m.json():
		return append(dst, "false"...)
	case b:
		return append(dst, "True"...)
	default:
		return append(dst, "False"...)
	}
}

func appendNone(dst []byte, m mode) []byte {
	if m.json() {
		return append(dst, "null"...)
	}
	return append(dst, "None"...)
}

func appendDuration(dst []byte, d time.Duration, m mode) []byte {
	switch m {
	case modeStr:
		return appendTimedelta(dst, durationMicros(d))
	case modeRepr:
		return appendTimedeltaRepr(dst, durationMicros(d))
	default:
		// python-json-logger's encoder falls back to str(timedelta); the
		// text is digits, colons, commas and letters: nothing to escape.
		dst = append(dst, '"')
		dst = appendTimedelta(dst, durationMicros(d))
		return append(dst, '"')
	}
}

func appendTime(dst []byte, t time.Time, m mode) []byte {
	switch m {
	case modeStr:
		return appendDatetime(dst, t, ' ')
	case modeRepr:
		return appendDatetimeRepr(dst, t)
	default:
		dst = append(dst, '"')
		dst = appendDatetime(dst, t, 'T')
		return append(dst, '"')
	}
}

// appendJSONFloat appends a float as json.dumps writes it.
func appendJSONFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	return appendFloatRepr(dst, f)
}

// appendGroup appends a group as a Python dict (a JSON object), under the
// rules of [dictAttrs].
func appendGroup(dst []byte, attrs []slog.Attr, m mode, depth int) []byte {
	if depth >= maxDepth {
		return appendString(dst, "...", m)
	}
	attrs = dictAttrs(attrs)
	dups := hasDupKeys(attrs)
	n := m.nested()
	dst = append(dst, '{')
	first := true
	for i := range attrs {
		if dups && !firstOfKey(attrs, i) {
			continue
		}
		if !first {
			dst = append(dst, ", "...)
		}
		first = false
		dst = appendKey(dst, attrs[i].Key, n)
		dst = append(dst, ": "...)
		v := attrs[i].Value
		if dups {
			v = lastValue(attrs, i)
		}
		dst = appendValue(dst, v, n, depth+1)
	}
	return append(dst, '}')
}

func appendKey(dst []byte, k string, m mode) []byte {
	if m.json() {
		return appendJSONString(dst, k, m == modeJSON)
	}
	return appendStringRepr(dst, k, false)
}

// dictAttrs returns attrs as the entries of a Python dict, following
// log/slog's handler rules: an attribute whose key and value are both
// empty is left out, and a group under an empty key has its attributes
// put in its place. Values that are [slog.LogValuer]s are resolved. When
// no attribute needs any of that, attrs itself is returned and nothing is
// allocated.
func dictAttrs(attrs []slog.Attr) []slog.Attr {
	for _, a := range attrs {
		if a.Key == "" || a.Value.Kind() == slog.KindLogValuer {
			return flattenAttrs(make([]slog.Attr, 0, len(attrs)+4), attrs)
		}
	}
	return attrs
}

func flattenAttrs(dst, attrs []slog.Attr) []slog.Attr {
	for _, a := range attrs {
		a.Value = a.Value.Resolve()
		switch {
		case a.Key != "":
			dst = append(dst, a)
		case a.Value.Kind() == slog.KindGroup:
			dst = flattenAttrs(dst, a.Value.Group())
		case a.Value.Kind() == slog.KindAny && a.Value.Any() == nil:
			// The empty attribute.
		default:
			dst = append(dst, a)
		}
	}
	return dst
}

// hasDupKeys reports whether a key appears twice in attrs, when
// [firstOfKey] and [lastValue] are needed.
func hasDupKeys(attrs []slog.Attr) bool {
	for i := 1; i < len(attrs); i++ {
		if !firstOfKey(attrs, i) {
			return true
		}
	}
	return false
}

// firstOfKey reports whether attrs[i] is the first with its key. Like a
// Python dict filled in order, a key repeated later keeps its first
// position and takes its last value (see [lastValue]).
func firstOfKey(attrs []slog.Attr, i int) bool {
	k := attrs[i].Key
	for j := range i {
		if attrs[j].Key == k {
			return false
		}
	}
	return true
}

// lastValue returns the value of the last attribute with attrs[i]'s key.
func lastValue(attrs []slog.Attr, i int) slog.Value {
	k := attrs[i].Key
	v := attrs[i].Value
	for _, a := range attrs[i+1:] {
		if a.Key == k {
			v = a.Value
		}
	}
	return v
}

// appendAny renders a value of kind Any: the slow path, by type switch and
// reflection. A panic while rendering (a String or Error method, say) is
// recovered, and "!PANIC: <what>" is written in the value's place.
func appendAny(dst []byte, x any, m mode, depth int) (out []byte) {
	start := len(dst)
	defer func() {
		if r := recover(); r != nil {
			out = appendString(dst[:start], fmt.Sprintf("!PANIC: %v", r), m)
		}
	}()
	return appendAnyUnsafe(dst, x, m, depth)
}

func appendAnyUnsafe(dst []byte, x any, m mode, depth int) []byte {
	if depth >= maxDepth {
		return appendString(dst, "...", m)
	}
	if x == nil {
		return appendNone(dst, m)
	}
	rv := reflect.ValueOf(x)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Func, reflect.Chan:
		if rv.IsNil() {
			return appendNone(dst, m)
		}
	}
	switch x := x.(type) {
	case slog.Value:
		return appendValue(dst, x, m, depth)
	case slog.LogValuer:
		return appendValue(dst, slog.AnyValue(x).Resolve(), m, depth+1)
	case []slog.Attr:
		return appendGroup(dst, x, m, depth)
	case time.Time:
		return appendTime(dst, x, m)
	case time.Duration:
		return appendDuration(dst, x, m)
	case *big.Int:
		return x.Append(dst, 10)
	case json.Number:
		if isJSONNumber(string(x)) {
			return append(dst, x...)
		}
		return appendString(dst, string(x), m)
	case []byte:
		return appendBytes(dst, x, m)
	case error:
		return appendString(dst, x.Error(), m)
	case fmt.Stringer:
		return appendString(dst, x.String(), m)
	}
	n := m.nested()
	switch rv.Kind() {
	case reflect.Bool:
		return appendBool(dst, rv.Bool(), m)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(dst, rv.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.AppendUint(dst, rv.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		if m.json() {
			return appendJSONFloat(dst, rv.Float())
		}
		return appendFloatRepr(dst, rv.Float())
	case reflect.Complex64, reflect.Complex128:
		if m.json() {
			// json.dumps cannot encode a complex; the encoder's str().
			var buf [64]byte
			return appendJSONString(dst, string(appendComplexRepr(buf[:0], rv.Complex())), m == modeJSON)
		}
		return appendComplexRepr(dst, rv.Complex())
	case reflect.String:
		return appendString(dst, rv.String(), m)
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
			return appendBytes(dst, rv.Bytes(), m)
		}
		dst = append(dst, '[')
		for i := range rv.Len() {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = appendAnyUnsafe(dst, rv.Index(i).Interface(), n, depth+1)
		}
		return append(dst, ']')
	case reflect.Map:
		return appendMap(dst, rv, m, depth)
	case reflect.Pointer, reflect.Interface:
		return appendAnyUnsafe(dst, rv.Elem().Interface(), m, depth+1)
	}
	// Structs, functions, channels: Go's own text, as Python falls back to
	// str(obj) for objects it cannot encode.
	return appendString(dst, fmt.Sprintf("%+v", x), m)
}

// appendBytes writes a byte slice as Python's bytes: b'...' for str() and
// repr(), and that same text as a JSON string, since python-json-logger's
// encoder falls back to str() for bytes.
func appendBytes(dst, b []byte, m mode) []byte {
	if !m.json() {
		return appendBytesRepr(dst, b)
	}
	var buf [64]byte
	return appendJSONString(dst, string(appendBytesRepr(buf[:0], b)), m == modeJSON)
}

// appendMap writes a Go map as a dict. Go maps have no order, so the keys
// are sorted: numbers by value, strings by bytes (code point order),
// others by their text.
func appendMap(dst []byte, rv reflect.Value, m mode, depth int) []byte {
	keys := rv.MapKeys()
	slices.SortFunc(keys, compareKeys)
	n := m.nested()
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ", "...)
		}
		if m.json() {
			dst = appendJSONKey(dst, k, m)
		} else {
			dst = appendAnyUnsafe(dst, k.Interface(), n, depth+1)
		}
		dst = append(dst, ": "...)
		dst = appendAnyUnsafe(dst, rv.MapIndex(k).Interface(), n, depth+1)
	}
	return append(dst, '}')
}

func compareKeys(a, b reflect.Value) int {
	if a.Kind() == b.Kind() {
		switch a.Kind() {
		case reflect.String:
			return strings.Compare(a.String(), b.String())
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return cmp.Compare(a.Int(), b.Int())
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			return cmp.Compare(a.Uint(), b.Uint())
		case reflect.Float32, reflect.Float64:
			return cmp.Compare(a.Float(), b.Float())
		case reflect.Bool:
			return cmp.Compare(boolInt(a.Bool()), boolInt(b.Bool()))
		}
	}
	return strings.Compare(fmt.Sprint(a.Interface()), fmt.Sprint(b.Interface()))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// appendJSONKey writes a map key as json.dumps does: strings as they are,
// numbers and booleans as their JSON text in quotes; keys json.dumps would
// refuse (it raises TypeError) are written as their str() text.
func appendJSONKey(dst []byte, k reflect.Value, m mode) []byte {
	ascii := m == modeJSON
	for k.Kind() == reflect.Interface && !k.IsNil() {
		k = k.Elem()
	}
	var buf [32]byte
	switch k.Kind() {
	case reflect.String:
		if _, ok := k.Interface().(fmt.Stringer); !ok {
			return appendJSONString(dst, k.String(), ascii)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return appendJSONString(dst, string(strconv.AppendInt(buf[:0], k.Int(), 10)), ascii)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return appendJSONString(dst, string(strconv.AppendUint(buf[:0], k.Uint(), 10)), ascii)
	case reflect.Float32, reflect.Float64:
		return appendJSONString(dst, string(appendJSONFloat(buf[:0], k.Float())), ascii)
	case reflect.Bool:
		return appendJSONString(dst, string(appendBool(buf[:0], k.Bool(), m)), ascii)
	case reflect.Interface:
		return appendJSONString(dst, "null", ascii)
	}
	return appendJSONString(dst, string(AppendStr(buf[:0], slog.AnyValue(k.Interface()))), ascii)
}

// appendComplexRepr appends repr(complex): (1+2j), 2j, (-0-1.5j). The
// parts are float reprs without the ".0" that repr(float) would add.
func appendComplexRepr(dst []byte, c complex128) []byte {
	re, im := real(c), imag(c)
	if re == 0 && !math.Signbit(re) {
		dst = appendFloatShort(dst, im, false)
		return append(dst, 'j')
	}
	dst = append(dst, '(')
	dst = appendFloatShort(dst, re, false)
	if math.IsNaN(im) || !math.Signbit(im) {
		dst = append(dst, '+')
	}
	dst = appendFloatShort(dst, im, false)
	return append(dst, "j)"...)
}

// isJSONNumber reports whether s is a JSON number:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func isJSONNumber(s string) bool {
	i := 0
	digits := func() bool {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i > start
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i < len(s) && s[i] == '0' {
		i++
	} else if !digits() {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	return i == len(s)
}
