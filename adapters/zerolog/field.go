package codexzerolog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/rs/zerolog"
)

// addAttr adds a to ev with zerolog's typed field methods, following the
// rules of a log/slog handler: an attribute whose key and value are both empty
// is left out, a group with an empty key is put in its parent, and an empty
// group is left out.
func addAttr(ev *zerolog.Event, a slog.Attr) {
	v := a.Value
	if v.Kind() == slog.KindLogValuer { // Resolve defers a recover: costly per attribute
		v = v.Resolve()
	}
	switch v.Kind() {
	case slog.KindString:
		ev.Str(a.Key, v.String())
	case slog.KindInt64:
		ev.Int64(a.Key, v.Int64())
	case slog.KindUint64:
		ev.Uint64(a.Key, v.Uint64())
	case slog.KindFloat64:
		ev.Float64(a.Key, v.Float64())
	case slog.KindBool:
		ev.Bool(a.Key, v.Bool())
	case slog.KindDuration:
		ev.Dur(a.Key, v.Duration())
	case slog.KindTime:
		ev.Time(a.Key, v.Time())
	case slog.KindGroup:
		addGroup(ev, a.Key, v.Group())
	case slog.KindAny:
		addAny(ev, a.Key, v.Any())
	}
}

func addGroup(ev *zerolog.Event, key string, attrs []slog.Attr) {
	if !hasFields(attrs) {
		return
	}
	if key == "" {
		for _, a := range attrs {
			addAttr(ev, a)
		}
		return
	}
	d := ev.CreateDict()
	for _, a := range attrs {
		addAttr(d, a)
	}
	ev.Dict(key, d)
}

func addAny(ev *zerolog.Event, key string, x any) {
	switch x := x.(type) {
	case nil:
		if key != "" {
			ev.Interface(key, nil)
		}
	case error:
		ev.AnErr(key, x)
	case []slog.Attr:
		addGroup(ev, key, x)
	case []any:
		a := ev.CreateArray()
		for _, item := range x {
			addItem(a, ev, item)
		}
		ev.Array(key, a)
	case json.Number:
		ev.RawJSON(key, jsonNumber(x))
	default:
		ev.Interface(key, jsonValue(x))
	}
}

// addItem appends one item of a list to a.
func addItem(a *zerolog.Array, ev *zerolog.Event, x any) {
	if v, ok := x.(slog.Value); ok {
		v = v.Resolve()
		switch v.Kind() {
		case slog.KindGroup:
			d := ev.CreateDict()
			for _, attr := range v.Group() {
				addAttr(d, attr)
			}
			a.Dict(d)
			return
		default:
			x = v.Any()
		}
	}
	switch x := x.(type) {
	case string:
		a.Str(x)
	case int64:
		a.Int64(x)
	case int:
		a.Int(x)
	case uint64:
		a.Uint64(x)
	case float64:
		a.Float64(x)
	case bool:
		a.Bool(x)
	case time.Duration:
		a.Dur(x)
	case time.Time:
		a.Time(x)
	case error:
		a.Err(x)
	case json.Number:
		a.RawJSON(jsonNumber(x))
	case []slog.Attr:
		d := ev.CreateDict()
		for _, attr := range x {
			addAttr(d, attr)
		}
		a.Dict(d)
	default:
		a.Interface(jsonValue(x))
	}
}

// hasFields reports whether a group writes anything.
func hasFields(attrs []slog.Attr) bool {
	for _, a := range attrs {
		v := a.Value
		if v.Kind() == slog.KindLogValuer { // Resolve defers a recover: costly per attribute
			v = v.Resolve()
		}
		if v.Kind() == slog.KindGroup {
			if hasFields(v.Group()) {
				return true
			}
			continue
		}
		if a.Key != "" || !v.Equal(slog.Value{}) {
			return true
		}
	}
	return false
}

// jsonNumber returns n's digits when they are a JSON number, else n quoted.
func jsonNumber(n json.Number) []byte {
	b := []byte(n)
	if len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9') && json.Valid(b) {
		return b
	}
	b, _ = json.Marshal(string(n))
	return b
}

// jsonValue turns the slog values and attribute lists nested in x into
// values encoding/json writes in order, so that zerolog's InterfaceMarshalFunc
// keeps the order of nested objects.
func jsonValue(x any) any {
	switch x := x.(type) {
	case slog.Value:
		x = x.Resolve()
		if x.Kind() == slog.KindGroup {
			return object(x.Group())
		}
		return jsonValue(x.Any())
	case []slog.Attr:
		return object(x)
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = jsonValue(item)
		}
		return out
	case float64:
		// encoding/json cannot write these; zerolog's Float64 writes them as
		// these strings.
		switch {
		case math.IsNaN(x):
			return "NaN"
		case math.IsInf(x, 1):
			return "+Inf"
		case math.IsInf(x, -1):
			return "-Inf"
		}
	}
	return x
}

// object is a group written as a JSON object with its keys in order.
type object []slog.Attr

func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	n := 0
	for _, a := range o {
		v := a.Value
		if v.Kind() == slog.KindLogValuer { // Resolve defers a recover: costly per attribute
			v = v.Resolve()
		}
		if v.Kind() == slog.KindGroup && !hasFields(v.Group()) {
			continue
		}
		if a.Key == "" && v.Kind() == slog.KindGroup {
			inner, err := object(v.Group()).MarshalJSON()
			if err != nil {
				return nil, err
			}
			if len(inner) > 2 {
				if n > 0 {
					b.WriteByte(',')
				}
				b.Write(inner[1 : len(inner)-1])
				n++
			}
			continue
		}
		if a.Key == "" && v.Equal(slog.Value{}) {
			continue
		}
		if n > 0 {
			b.WriteByte(',')
		}
		n++
		k, _ := json.Marshal(a.Key)
		b.Write(k)
		b.WriteByte(':')
		val, err := json.Marshal(jsonValue(v))
		if err != nil {
			val, _ = json.Marshal(fmt.Sprintf("!ERROR: %v", err))
		}
		b.Write(val)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
