package codexlogrus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"

	"github.com/sirupsen/logrus"
)

// addAttr sets a in data, following the rules of a log/slog handler: an
// attribute whose key and value are both empty is left out, a group with an
// empty key is put in its parent, and an empty group is left out. A key set
// twice keeps its last value.
func addAttr(data logrus.Fields, a slog.Attr) {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		attrs := v.Group()
		switch {
		case !hasFields(attrs):
		case a.Key == "":
			for _, a := range attrs {
				addAttr(data, a)
			}
		default:
			data[a.Key] = Object(attrs)
		}
		return
	}
	if a.Key == "" && v.Equal(slog.Value{}) {
		return
	}
	data[a.Key] = value(v)
}

// value returns the Go value logrus gets for v.
func value(v slog.Value) any {
	switch v.Kind() {
	case slog.KindString:
		return v.String()
	case slog.KindInt64:
		return v.Int64()
	case slog.KindUint64:
		return v.Uint64()
	case slog.KindFloat64:
		return float(v.Float64())
	case slog.KindBool:
		return v.Bool()
	case slog.KindDuration:
		return v.Duration()
	case slog.KindTime:
		return v.Time()
	case slog.KindGroup:
		return Object(v.Group())
	}
	return anyValue(v.Any())
}

func anyValue(x any) any {
	switch x := x.(type) {
	case slog.Value:
		return value(x.Resolve())
	case []slog.Attr:
		return Object(x)
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = anyValue(item)
		}
		return out
	case float64:
		return float(x)
	case float32:
		return float(float64(x))
	}
	return x
}

// float returns f, or for NaN and the infinities the strings "NaN",
// "Infinity" and "-Infinity" (Python's spellings), as encoding/json (and so
// logrus.JSONFormatter) cannot write them as numbers and would drop the whole
// line.
func float(f float64) any {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return f
}

// hasFields reports whether a group writes anything.
func hasFields(attrs []slog.Attr) bool {
	for _, a := range attrs {
		v := a.Value.Resolve()
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

// An Object is a group of fields (a nested object of an event, such as a
// tool's arguments) as an entry holds it: logrus.Fields is a map and would
// lose the order, so groups stay a list. It is written as a JSON object with
// its keys in order (MarshalJSON, which logrus.JSONFormatter uses), and as
// that JSON text by fmt (String, which logrus.TextFormatter uses). Like a
// Python dict, a key given twice keeps its first position and its last value.
type Object []slog.Attr

var (
	_ json.Marshaler = Object(nil)
	_ fmt.Stringer   = Object(nil)
)

// MarshalJSON writes o as a JSON object, keys in order.
func (o Object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	o.appendJSON(&b)
	return b.Bytes(), nil
}

// String returns o's JSON.
func (o Object) String() string {
	var b bytes.Buffer
	o.appendJSON(&b)
	return b.String()
}

func (o Object) appendJSON(b *bytes.Buffer) {
	keys := make([]string, 0, len(o))
	values := make(map[string]any, len(o))
	o.collect(&keys, values)
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(values[k])
		if err != nil {
			vb, _ = json.Marshal("!ERROR: " + err.Error())
		}
		b.Write(vb)
	}
	b.WriteByte('}')
}

// collect gathers o's fields as addAttr would, keys in first-seen order.
func (o Object) collect(keys *[]string, values map[string]any) {
	for _, a := range o {
		v := a.Value.Resolve()
		if v.Kind() == slog.KindGroup {
			attrs := v.Group()
			switch {
			case !hasFields(attrs):
				continue
			case a.Key == "":
				Object(attrs).collect(keys, values)
				continue
			}
		} else if a.Key == "" && v.Equal(slog.Value{}) {
			continue
		}
		if _, seen := values[a.Key]; !seen {
			*keys = append(*keys, a.Key)
		}
		values[a.Key] = value(v)
	}
}
