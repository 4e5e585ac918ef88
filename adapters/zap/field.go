package codexzap

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"math/big"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// The times zap can hold as Unix nanoseconds. Outside them (the zero
// time.Time included) zap's epoch time encoders, such as the production
// config's, write an arbitrary number, so such times are written as text.
var (
	minNanoTime = time.Unix(0, math.MinInt64)
	maxNanoTime = time.Unix(0, math.MaxInt64)
)

func nanoTime(t time.Time) bool { return !t.Before(minNanoTime) && !t.After(maxNanoTime) }

// timeText is how a time zap cannot hold as nanoseconds is written.
func timeText(t time.Time) string { return t.Format(time.RFC3339Nano) }

// isEmpty reports whether a is the empty attribute, which log/slog handlers
// and pylog leave out.
func isEmpty(a slog.Attr) bool {
	return a.Key == "" && a.Value.Kind() == slog.KindAny && a.Value.Any() == nil
}

// appendField appends the zap field a record attribute becomes; see the
// package documentation for the mapping.
func appendField(dst []zapcore.Field, a slog.Attr) []zapcore.Field {
	v := a.Value
	if v.Kind() == slog.KindLogValuer { // Resolve defers a recover: costly per attribute
		v = v.Resolve()
	}
	if a.Key == "" {
		if v.Kind() == slog.KindGroup {
			// Put in its parent, as log/slog handlers and pylog do.
			return append(dst, zap.Inline(group(v.Group())))
		}
		if isEmpty(a) {
			return dst
		}
	}
	switch v.Kind() {
	case slog.KindString:
		return append(dst, zap.String(a.Key, v.String()))
	case slog.KindInt64:
		return append(dst, zap.Int64(a.Key, v.Int64()))
	case slog.KindUint64:
		return append(dst, zap.Uint64(a.Key, v.Uint64()))
	case slog.KindFloat64:
		return append(dst, zap.Float64(a.Key, v.Float64()))
	case slog.KindBool:
		return append(dst, zap.Bool(a.Key, v.Bool()))
	case slog.KindDuration:
		return append(dst, zap.Duration(a.Key, v.Duration()))
	case slog.KindTime:
		if t := v.Time(); !nanoTime(t) {
			return append(dst, zap.String(a.Key, timeText(t)))
		}
		return append(dst, zap.Time(a.Key, v.Time()))
	case slog.KindGroup:
		return append(dst, zap.Object(a.Key, group(v.Group())))
	}
	return append(dst, anyField(a.Key, v.Any()))
}

// anyField is the zap field of a value of kind Any.
func anyField(key string, x any) zapcore.Field {
	switch x := x.(type) {
	case nil, *big.Int, json.Number:
		// JSON null, and numbers of any size as numbers: zap.Any would write
		// a *big.Int through its String method, as a string.
		return zap.Reflect(key, x)
	case []any:
		return zap.Array(key, list(x))
	case []slog.Attr:
		return zap.Object(key, group(x))
	}
	return zap.Any(key, x)
}

// addAttr adds a to an object being encoded, as appendField would make it a
// field.
func addAttr(enc zapcore.ObjectEncoder, a slog.Attr) {
	v := a.Value
	if v.Kind() == slog.KindLogValuer { // Resolve defers a recover: costly per attribute
		v = v.Resolve()
	}
	if a.Key == "" {
		if v.Kind() == slog.KindGroup {
			for _, b := range v.Group() {
				addAttr(enc, b)
			}
			return
		}
		if isEmpty(a) {
			return
		}
	}
	switch v.Kind() {
	case slog.KindString:
		enc.AddString(a.Key, v.String())
	case slog.KindInt64:
		enc.AddInt64(a.Key, v.Int64())
	case slog.KindUint64:
		enc.AddUint64(a.Key, v.Uint64())
	case slog.KindFloat64:
		enc.AddFloat64(a.Key, v.Float64())
	case slog.KindBool:
		enc.AddBool(a.Key, v.Bool())
	case slog.KindDuration:
		enc.AddDuration(a.Key, v.Duration())
	case slog.KindTime:
		if t := v.Time(); nanoTime(t) {
			enc.AddTime(a.Key, t)
		} else {
			enc.AddString(a.Key, timeText(t))
		}
	case slog.KindGroup:
		// AddObject reports a marshaling error as its own field.
		_ = enc.AddObject(a.Key, group(v.Group()))
	default:
		anyField(a.Key, v.Any()).AddTo(enc)
	}
}

// A group is a nested object: a log/slog group, in order.
type group []slog.Attr

var _ zapcore.ObjectMarshaler = group(nil)

// MarshalLogObject adds the group's attributes in order.
func (g group) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	for _, a := range g {
		addAttr(enc, a)
	}
	return nil
}

// A list is a list of values, as JSON arrays are read into events.
type list []any

var _ zapcore.ArrayMarshaler = list(nil)

// MarshalLogArray appends the list's items in order. An item that cannot be
// encoded ends the list with its error, which zap writes as a field of its
// own next to the list.
func (l list) MarshalLogArray(enc zapcore.ArrayEncoder) error {
	for _, x := range l {
		if err := appendItem(enc, x); err != nil {
			return err
		}
	}
	return nil
}

// appendItem appends one list item, with the mapping of appendField.
func appendItem(enc zapcore.ArrayEncoder, x any) error {
	v, ok := x.(slog.Value)
	if !ok {
		v = slog.AnyValue(x)
	}
	v = v.Resolve()
	switch v.Kind() {
	case slog.KindString:
		enc.AppendString(v.String())
	case slog.KindInt64:
		enc.AppendInt64(v.Int64())
	case slog.KindUint64:
		enc.AppendUint64(v.Uint64())
	case slog.KindFloat64:
		enc.AppendFloat64(v.Float64())
	case slog.KindBool:
		enc.AppendBool(v.Bool())
	case slog.KindDuration:
		enc.AppendDuration(v.Duration())
	case slog.KindTime:
		if t := v.Time(); nanoTime(t) {
			enc.AppendTime(t)
		} else {
			enc.AppendString(timeText(t))
		}
	case slog.KindGroup:
		return enc.AppendObject(group(v.Group()))
	default:
		switch y := v.Any().(type) {
		case nil, *big.Int, json.Number:
			return enc.AppendReflected(y)
		case []any:
			return enc.AppendArray(list(y))
		case []slog.Attr:
			return enc.AppendObject(group(y))
		case error:
			enc.AppendString(safeText(y.Error))
		case fmt.Stringer:
			enc.AppendString(safeText(y.String))
		default:
			return enc.AppendReflected(y)
		}
	}
	return nil
}

// safeText returns text(), or "!PANIC: " and the panic's value when it
// panics (a nil pointer's Error method, say), so that one bad value never
// loses the line, as pylog writes such values.
func safeText(text func() string) (s string) {
	defer func() {
		if r := recover(); r != nil {
			s = fmt.Sprintf("!PANIC: %v", r)
		}
	}()
	return text()
}
