package codexotel

import (
	"fmt"
	"log/slog"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// maxDepth bounds the nesting convertValue follows; deeper values are
// written as the text "<max depth exceeded>".
const maxDepth = 32

// logValue converts an event field to a log attribute value, keeping its
// structure: see the package documentation's "Value kinds".
func logValue(v slog.Value) attribute.Value { return convertValue(v, maxDepth) }

func convertValue(v slog.Value, depth int) attribute.Value {
	if depth <= 0 {
		return attribute.StringValue("<max depth exceeded>")
	}
	k := v.Kind()
	if k == slog.KindLogValuer {
		// Only a LogValuer needs resolving: Resolve, with its deferred
		// recover, costs more than the conversion of a scalar.
		v = v.Resolve()
		k = v.Kind()
	}
	switch k {
	case slog.KindString:
		return attribute.StringValue(v.String())
	case slog.KindInt64:
		return attribute.Int64Value(v.Int64())
	case slog.KindUint64:
		return uintValue(v.Uint64())
	case slog.KindFloat64:
		return attribute.Float64Value(v.Float64())
	case slog.KindBool:
		return attribute.BoolValue(v.Bool())
	case slog.KindDuration:
		return attribute.Int64Value(v.Duration().Nanoseconds())
	case slog.KindTime:
		return attribute.StringValue(v.Time().Format(time.RFC3339Nano))
	case slog.KindGroup:
		g := v.Group()
		kvs := make([]attribute.KeyValue, 0, len(g))
		for _, a := range g {
			kvs = append(kvs, attribute.KeyValue{Key: attribute.Key(a.Key), Value: convertValue(a.Value, depth-1)})
		}
		return attribute.MapValue(kvs...)
	}
	return anyValue(v.Any(), depth)
}

// anyValue converts the value of a slog.KindAny field.
func anyValue(x any, depth int) attribute.Value {
	switch x := x.(type) {
	case nil:
		return attribute.Value{}
	case slog.Value:
		return convertValue(x, depth)
	case string:
		return attribute.StringValue(x)
	case bool:
		return attribute.BoolValue(x)
	case int:
		return attribute.Int64Value(int64(x))
	case int32:
		return attribute.Int64Value(int64(x))
	case int64:
		return attribute.Int64Value(x)
	case uint32:
		return attribute.Int64Value(int64(x))
	case uint64:
		return uintValue(x)
	case float32:
		return attribute.Float64Value(float64(x))
	case float64:
		return attribute.Float64Value(x)
	case *big.Int:
		if x == nil {
			return attribute.Value{}
		}
		if x.IsInt64() {
			return attribute.Int64Value(x.Int64())
		}
		return attribute.StringValue(x.String())
	case []byte:
		return attribute.ByteSliceValue(x)
	case []any:
		items := make([]attribute.Value, len(x))
		for i, e := range x {
			items[i] = anyValue(e, depth-1)
		}
		return attribute.SliceValue(items...)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		kvs := make([]attribute.KeyValue, len(keys))
		for i, k := range keys {
			kvs[i] = attribute.KeyValue{Key: attribute.Key(k), Value: anyValue(x[k], depth-1)}
		}
		return attribute.MapValue(kvs...)
	case error:
		return attribute.StringValue(x.Error())
	case fmt.Stringer:
		return attribute.StringValue(x.String())
	}
	// Structs and maps of other types are read as the scrubber read them
	// (exported fields only), never through fmt, which prints unexported
	// fields the scrubber did not check.
	if y, changed := safeAny(x, depth); changed {
		return anyValue(y, depth)
	}
	rv := reflect.ValueOf(x)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		items := make([]attribute.Value, rv.Len())
		for i := range items {
			items[i] = anyValue(rv.Index(i).Interface(), depth-1)
		}
		return attribute.SliceValue(items...)
	case reflect.Pointer:
		if rv.IsNil() {
			return attribute.Value{}
		}
		return anyValue(rv.Elem().Interface(), depth-1)
	case reflect.Map:
		kvs := make([]attribute.KeyValue, 0, rv.Len())
		for it := rv.MapRange(); it.Next(); {
			kvs = append(kvs, attribute.KeyValue{Key: attribute.Key(keyText(it.Key())), Value: anyValue(it.Value().Interface(), depth-1)})
		}
		slices.SortFunc(kvs, func(a, b attribute.KeyValue) int { return strings.Compare(string(a.Key), string(b.Key)) })
		return attribute.MapValue(kvs...)
	case reflect.Bool:
		return attribute.BoolValue(rv.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return attribute.Int64Value(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return uintValue(rv.Uint())
	case reflect.Float32, reflect.Float64:
		return attribute.Float64Value(rv.Float())
	case reflect.String:
		return attribute.StringValue(rv.String())
	}
	// Complex numbers, functions, channels: nothing of the program's data.
	return attribute.StringValue(fmt.Sprint(x))
}

// keyText is a map key as text; safeAny has made struct keys safe before.
func keyText(k reflect.Value) string {
	if k.Kind() == reflect.String {
		return k.String()
	}
	return fmt.Sprint(k.Interface())
}

// safeValue returns v with what the bus's scrubber did not check taken out,
// and whether it changed anything. The scrubber reads structs through their
// exported fields only; fmt's %v and %+v, which renderers fall back to for
// structs, print the unexported ones too, and so could print a secret the
// scrubber never saw. So a struct becomes a group of its exported fields
// (named by their json tag, else their Go name, as the scrubber names
// them), wherever it sits (behind pointers, in slices and maps), and a
// [slog.LogValuer] is resolved. Values without structs come back unchanged,
// without allocating.
func safeValue(v slog.Value, depth int) (slog.Value, bool) {
	if depth <= 0 {
		return slog.StringValue("<max depth exceeded>"), true
	}
	switch v.Kind() {
	case slog.KindLogValuer:
		r, _ := safeValue(v.Resolve(), depth-1)
		return r, true
	case slog.KindGroup:
		g := v.Group()
		var out []slog.Attr
		for i, a := range g {
			if nv, ok := safeValue(a.Value, depth-1); ok {
				if out == nil {
					out = slices.Clone(g)
				}
				out[i].Value = nv
			}
		}
		if out != nil {
			return slog.GroupValue(out...), true
		}
	case slog.KindAny:
		if y, ok := safeAny(v.Any(), depth); ok {
			if sv, isValue := y.(slog.Value); isValue {
				return sv, true
			}
			return slog.AnyValue(y), true
		}
	}
	return v, false
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	errorType    = reflect.TypeFor[error]()
	stringerType = reflect.TypeFor[fmt.Stringer]()
)

// safeAny is safeValue for the value of a slog.KindAny value.
func safeAny(x any, depth int) (any, bool) {
	if depth <= 0 {
		return "<max depth exceeded>", true
	}
	switch x := x.(type) {
	case slog.Value: // before fmt.Stringer, which it is
		return safeValue(x, depth)
	case slog.LogValuer:
		r, _ := safeValue(slog.AnyValue(x).Resolve(), depth-1)
		return r, true
	case nil, string, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, uintptr,
		float32, float64, complex64, complex128, time.Time, time.Duration, *big.Int, []byte,
		error, fmt.Stringer: // errors and Stringers are rendered by their method, which the scrubber checked
		return nil, false
	}
	return safeReflect(reflect.ValueOf(x), depth)
}

func safeReflect(rv reflect.Value, depth int) (any, bool) {
	if depth <= 0 {
		return "<max depth exceeded>", true
	}
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil, false
		}
		return safeNode(rv.Elem(), depth-1)
	case reflect.Slice, reflect.Array:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return nil, false
		}
		var out []any
		for i := range rv.Len() {
			if y, ok := safeNode(rv.Index(i), depth-1); ok {
				if out == nil {
					out = make([]any, rv.Len())
					for j := range out {
						out[j] = rv.Index(j).Interface()
					}
				}
				out[i] = y
			}
		}
		return out, out != nil
	case reflect.Map:
		kind := rv.Type().Key().Kind()
		changed := kind == reflect.Struct || kind == reflect.Pointer || kind == reflect.Interface
		for it := rv.MapRange(); !changed && it.Next(); {
			_, changed = safeNode(it.Value(), depth-1)
		}
		if !changed {
			return nil, false
		}
		out := make(map[string]any, rv.Len())
		for it := rv.MapRange(); it.Next(); {
			key := keyText(it.Key())
			if k, ok := safeNode(it.Key(), depth-1); ok {
				key = string(pylog.AppendStr(nil, slog.AnyValue(k)))
			}
			if y, ok := safeNode(it.Value(), depth-1); ok {
				out[key] = y
			} else {
				out[key] = it.Value().Interface()
			}
		}
		return out, true
	case reflect.Struct:
		if rv.Type() == timeType {
			return nil, false
		}
		t := rv.Type()
		attrs := make([]slog.Attr, 0, t.NumField())
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name := f.Name
			if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag != "" && tag != "-" {
				name = tag
			}
			fv := rv.Field(i)
			if y, ok := safeNode(fv, depth-1); ok {
				attrs = append(attrs, slog.Any(name, y))
			} else {
				attrs = append(attrs, slog.Any(name, fv.Interface()))
			}
		}
		return slog.GroupValue(attrs...), true
	}
	return nil, false
}

// safeNode is safeAny for a value found inside another.
func safeNode(rv reflect.Value, depth int) (any, bool) {
	if !rv.IsValid() {
		return nil, false
	}
	t := rv.Type()
	if t.Kind() != reflect.Interface && (t == timeType || t.Implements(errorType) || t.Implements(stringerType)) {
		return nil, false
	}
	if rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return nil, false
		}
		return safeAny(rv.Elem().Interface(), depth)
	}
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		return safeAny(rv.Interface(), depth)
	}
	return safeReflect(rv, depth)
}

// text is a field's value as Python's str() renders it, read safely (see
// safeValue): span names, statuses and metric tags take text.
func text(v slog.Value) string {
	v = v.Resolve()
	if v.Kind() == slog.KindString {
		return v.String()
	}
	v, _ = safeValue(v, maxDepth)
	return string(pylog.AppendStr(nil, v))
}

// numberValue converts a measurement's value as logValue converts its slog
// form ([telemetry.Number.Value]): durations in nanoseconds.
func numberValue(n telemetry.Number) attribute.Value {
	if n.Kind() == telemetry.KindFloat {
		return attribute.Float64Value(n.Float64())
	}
	return attribute.Int64Value(n.Int64())
}

// uintValue keeps an unsigned integer exact: an integer when it fits in
// int64, else its decimal digits as a string.
func uintValue(u uint64) attribute.Value {
	if u <= math.MaxInt64 {
		return attribute.Int64Value(int64(u))
	}
	return attribute.StringValue(strconv.FormatUint(u, 10))
}

// spanValue converts an event field to a span attribute value. Spans take
// only scalars and lists of scalars, so structured values (groups, lists,
// objects) are written as JSON text, as the GenAI conventions ask for tool
// arguments and results.
func spanValue(v slog.Value) attribute.Value {
	v = v.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return attribute.StringValue(v.String())
	case slog.KindInt64:
		return attribute.Int64Value(v.Int64())
	case slog.KindUint64:
		return uintValue(v.Uint64())
	case slog.KindFloat64:
		return attribute.Float64Value(v.Float64())
	case slog.KindBool:
		return attribute.BoolValue(v.Bool())
	case slog.KindDuration:
		return attribute.Int64Value(v.Duration().Nanoseconds())
	case slog.KindTime:
		return attribute.StringValue(v.Time().Format(time.RFC3339Nano))
	case slog.KindAny:
		switch x := v.Any().(type) {
		case nil:
			return attribute.StringValue("null")
		case string:
			return attribute.StringValue(x)
		case *big.Int:
			return anyValue(x, 1)
		}
	}
	v, _ = safeValue(v, maxDepth)
	return attribute.StringValue(string(pylog.AppendJSON(nil, v, false)))
}
