package telemetry

import (
	"log/slog"
	"math"
	"strconv"
	"time"
)

// NumberKind is the type of a [Number].
type NumberKind uint8

// The kinds of [Number].
const (
	KindInt      NumberKind = iota + 1 // a signed 64-bit integer: counts, sizes, token totals
	KindFloat                          // a 64-bit float: ratios, milliseconds
	KindDuration                       // a [time.Duration]
)

// String returns the kind's name as used in the event catalog.
func (k NumberKind) String() string {
	switch k {
	case KindInt:
		return "int"
	case KindFloat:
		return "float"
	case KindDuration:
		return "duration"
	}
	return "NumberKind(" + strconv.Itoa(int(k)) + ")"
}

// Number is a measurement value: an integer, a float or a duration. The zero
// Number is the integer 0. Numbers are compared with ==.
type Number struct {
	kind NumberKind
	bits uint64
}

// IntNumber returns a Number holding v.
func IntNumber(v int64) Number { return Number{kind: KindInt, bits: uint64(v)} }

// FloatNumber returns a Number holding v.
func FloatNumber(v float64) Number { return Number{kind: KindFloat, bits: math.Float64bits(v)} }

// DurationNumber returns a Number holding d.
func DurationNumber(d time.Duration) Number { return Number{kind: KindDuration, bits: uint64(d)} }

// Kind returns the kind of n.
func (n Number) Kind() NumberKind {
	if n.kind == 0 {
		return KindInt
	}
	return n.kind
}

// Int64 returns n as an integer: floats are truncated toward zero (saturating at
// the int64 limits, NaN gives 0) and durations are in nanoseconds.
func (n Number) Int64() int64 {
	if n.kind != KindFloat {
		return int64(n.bits)
	}
	f := math.Float64frombits(n.bits)
	switch {
	case f != f:
		return 0
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}

// Float64 returns n as a float; durations are in nanoseconds.
func (n Number) Float64() float64 {
	if n.kind == KindFloat {
		return math.Float64frombits(n.bits)
	}
	return float64(int64(n.bits))
}

// Duration returns n as a duration: integers are nanoseconds, floats are
// truncated nanoseconds.
func (n Number) Duration() time.Duration { return time.Duration(n.Int64()) }

// Value returns n as a [slog.Value] of kind Int64, Float64 or Duration.
func (n Number) Value() slog.Value {
	switch n.kind {
	case KindFloat:
		return slog.Float64Value(math.Float64frombits(n.bits))
	case KindDuration:
		return slog.DurationValue(time.Duration(n.bits))
	}
	return slog.Int64Value(int64(n.bits))
}

// String formats n: integers in decimal, floats in the shortest form that
// round-trips, durations as [time.Duration.String] does.
func (n Number) String() string {
	switch n.kind {
	case KindFloat:
		return strconv.FormatFloat(math.Float64frombits(n.bits), 'g', -1, 64)
	case KindDuration:
		return time.Duration(n.bits).String()
	}
	return strconv.FormatInt(int64(n.bits), 10)
}

// A Measurement is one named number of an event: a duration, a token count, a
// size. Events keep their measurements in the order they were given.
type Measurement struct {
	Key   string
	Value Number
}

// Int returns a Measurement for an integer.
func Int(key string, v int64) Measurement { return Measurement{key, IntNumber(v)} }

// Float returns a Measurement for a float.
func Float(key string, v float64) Measurement { return Measurement{key, FloatNumber(v)} }

// Duration returns a Measurement for a duration.
func Duration(key string, d time.Duration) Measurement { return Measurement{key, DurationNumber(d)} }

// Attr returns m as a [slog.Attr], the form log adapters write.
func (m Measurement) Attr() slog.Attr { return slog.Attr{Key: m.Key, Value: m.Value.Value()} }

// String returns "key=value".
func (m Measurement) String() string { return m.Key + "=" + m.Value.String() }
