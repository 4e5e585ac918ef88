package codexslog

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"
)

// An event's values are JSON-like: strings, numbers, booleans, null, groups
// (objects, order kept) and []any lists. slog can hold all but two shapes:
//
//   - an empty object: slog.Record.AddAttrs and every slog handler drop an
//     empty group, where Python keeps the empty dict ({});
//   - a list of objects, or of NaN and infinities: slog's JSON handler
//     writes a list with encoding/json, which writes a slog.Value group as
//     {} and fails on NaN.
//
// So the adapter hands slog an [emptyObject] for the first and a [list] for
// every list; both encode themselves as JSON (and as text, for the text
// handler), and [PythonHandler] turns them back into what pylog renders as
// Python's dict and list.

// emptyObject is an empty JSON object at the top of an event's metadata.
type emptyObject struct{}

// MarshalJSON returns {}.
func (emptyObject) MarshalJSON() ([]byte, error) { return []byte("{}"), nil }

// MarshalText returns {}.
func (emptyObject) MarshalText() ([]byte, error) { return []byte("{}"), nil }

// list is a JSON array from an event. It has no String method, so pylog
// renders it, through reflection, as the Python list it is.
type list []any

// MarshalJSON writes the list as JSON: objects with their keys in order,
// durations as integer nanoseconds (as slog's JSON handler writes them),
// and NaN and infinities as the strings "NaN", "Infinity" and "-Infinity",
// Python's spellings, since JSON has no number for them.
func (l list) MarshalJSON() ([]byte, error) { return appendJSON(nil, []any(l), 0), nil }

// MarshalText writes the list as MarshalJSON does, for text encoders.
func (l list) MarshalText() ([]byte, error) { return l.MarshalJSON() }

// convert returns an event's value as the adapter hands it to slog, and
// whether that differs from v: lists wrapped at every depth of groups, and,
// at the top (top is true), an empty group as an emptyObject.
func convert(v slog.Value, top bool) (slog.Value, bool) {
	switch v.Kind() {
	case slog.KindAny:
		if x, ok := v.Any().([]any); ok {
			return slog.AnyValue(list(x)), true
		}
	case slog.KindGroup:
		attrs := v.Group()
		if len(attrs) == 0 && top {
			return slog.AnyValue(emptyObject{}), true
		}
		var out []slog.Attr
		for i, a := range attrs {
			c, changed := convert(a.Value, false)
			if changed && out == nil {
				out = make([]slog.Attr, len(attrs))
				copy(out, attrs[:i])
			}
			if out != nil {
				out[i] = slog.Attr{Key: a.Key, Value: c}
			}
		}
		if out != nil {
			return slog.GroupValue(out...), true
		}
	}
	return v, false
}

// maxJSONDepth bounds the nesting appendJSON follows.
const maxJSONDepth = 64

// appendJSON appends x as JSON; see list.MarshalJSON.
func appendJSON(dst []byte, x any, depth int) []byte {
	if depth > maxJSONDepth {
		return append(dst, `"..."`...)
	}
	switch x := x.(type) {
	case nil:
		return append(dst, "null"...)
	case slog.Value:
		return appendJSONValue(dst, x, depth)
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSON(dst, e, depth+1)
		}
		return append(dst, ']')
	case list:
		return appendJSON(dst, []any(x), depth)
	case string:
		return appendJSONString(dst, x)
	case bool:
		return strconv.AppendBool(dst, x)
	case float64:
		return appendJSONFloat(dst, x)
	case float32:
		return appendJSONFloat(dst, float64(x))
	case *big.Int:
		return x.Append(dst, 10)
	case time.Duration:
		return strconv.AppendInt(dst, int64(x), 10)
	case time.Time:
		return appendJSONString(dst, x.Format(time.RFC3339Nano))
	case json.Marshaler:
		if b, err := x.MarshalJSON(); err == nil && json.Valid(b) {
			return append(dst, b...)
		}
	case error:
		return appendJSONString(dst, x.Error())
	case slog.LogValuer:
		return appendJSONValue(dst, slog.AnyValue(x).Resolve(), depth)
	}
	rv := reflect.ValueOf(x)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(dst, rv.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.AppendUint(dst, rv.Uint(), 10)
	}
	if b, err := json.Marshal(x); err == nil {
		return append(dst, b...)
	}
	return appendJSONString(dst, fmt.Sprintf("%+v", x))
}

func appendJSONValue(dst []byte, v slog.Value, depth int) []byte {
	switch v.Kind() {
	case slog.KindString:
		return appendJSONString(dst, v.String())
	case slog.KindInt64:
		return strconv.AppendInt(dst, v.Int64(), 10)
	case slog.KindUint64:
		return strconv.AppendUint(dst, v.Uint64(), 10)
	case slog.KindFloat64:
		return appendJSONFloat(dst, v.Float64())
	case slog.KindBool:
		return strconv.AppendBool(dst, v.Bool())
	case slog.KindDuration:
		return strconv.AppendInt(dst, int64(v.Duration()), 10)
	case slog.KindTime:
		return appendJSONString(dst, v.Time().Format(time.RFC3339Nano))
	case slog.KindGroup:
		dst = append(dst, '{')
		for i, a := range v.Group() {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, a.Key)
			dst = append(dst, ':')
			dst = appendJSONValue(dst, a.Value, depth+1)
		}
		return append(dst, '}')
	case slog.KindLogValuer:
		return appendJSONValue(dst, v.Resolve(), depth)
	}
	return appendJSON(dst, v.Any(), depth)
}

func appendJSONFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(dst, `"Infinity"`...)
	case math.IsInf(f, -1):
		return append(dst, `"-Infinity"`...)
	}
	return strconv.AppendFloat(dst, f, 'g', -1, 64)
}

// appendJSONString appends s as a JSON string; ill-formed UTF-8 becomes
// U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, `\ufffd`...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
