package codexotel

import (
	"fmt"
	"log/slog"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/codextel/codextel/core/pylog"
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
	}
	return attribute.StringValue(fmt.Sprintf("%+v", x))
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
	return attribute.StringValue(string(pylog.AppendJSON(nil, v, false)))
}
