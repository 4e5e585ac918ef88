package eventjson

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/internal/lines"
	"github.com/codextel/codextel/core/telemetry"
)

// DefaultMaxLine is the longest line a [Decoder] accepts unless told
// otherwise: 16 MiB.
const DefaultMaxLine = 16 << 20

// A LineError reports a line the decoder could not read.
type LineError struct {
	Line    int    // 1-based line number
	Excerpt string // the start of the line, at most 60 bytes, valid UTF-8
	Err     error
}

func (e *LineError) Error() string {
	return fmt.Sprintf("line %d: %v (line starts %q)", e.Line, e.Err, e.Excerpt)
}

func (e *LineError) Unwrap() error { return e.Err }

// ErrLineTooLong is the cause of a [LineError] for a line over the limit.
var ErrLineTooLong = errors.New("line too long")

// A Decoder reads events from a stream, one line at a time, in constant
// memory apart from the line being read.
type Decoder struct {
	lines *lines.Reader
}

// NewDecoder returns a decoder reading r, accepting lines up to
// [DefaultMaxLine] bytes.
func NewDecoder(r io.Reader) *Decoder { return NewDecoderSize(r, DefaultMaxLine) }

// NewDecoderSize returns a decoder reading r that accepts lines up to
// maxLine bytes; longer lines are reported with [ErrLineTooLong] and skipped.
func NewDecoderSize(r io.Reader, maxLine int) *Decoder {
	return &Decoder{lines: lines.NewReader(r, maxLine)}
}

// Line returns the number of the last line read.
func (d *Decoder) Line() int { return d.lines.Line() }

// Next returns the next event. It returns io.EOF at the end of the stream, and
// a *LineError for a line it cannot read, after which it can be called again.
func (d *Decoder) Next() (telemetry.Event, error) {
	for {
		line, err := d.lines.Next()
		var tooLong *lines.TooLongError
		if errors.As(err, &tooLong) {
			return telemetry.Event{}, &LineError{Line: tooLong.Line, Excerpt: tooLong.Excerpt,
				Err: fmt.Errorf("%w: over %d bytes", ErrLineTooLong, tooLong.Limit)}
		}
		if err != nil {
			return telemetry.Event{}, err
		}
		trimmed := bytes.TrimSpace(line)
		if len(trimmed) == 0 || trimmed[0] == '#' {
			continue
		}
		e, err := Parse(string(trimmed))
		if err != nil {
			return telemetry.Event{}, &LineError{Line: d.Line(), Excerpt: lines.Excerpt(trimmed), Err: err}
		}
		return e, nil
	}
}

// ParseValue reads one JSON value as the metadata of an event line is read:
// objects become groups with their key order, arrays []any.
func ParseValue(data string) (slog.Value, error) {
	p := &parser{s: data}
	v, err := p.value(0)
	if err != nil {
		return slog.Value{}, err
	}
	p.skipSpace()
	if p.pos != len(p.s) {
		return slog.Value{}, p.fail("extra data after the value")
	}
	return v, nil
}

// Parse reads one event from one line of JSON.
func Parse(line string) (telemetry.Event, error) {
	p := &parser{s: line}
	var (
		e        telemetry.Event
		name     string
		haveName bool
		when     time.Time
		ms       []rawMeasurement
		md       []slog.Attr
		ids      correlation.IDs
		haveIDs  bool
	)
	err := p.objectFields(0, func(key string) error {
		switch key {
		case "event":
			v, err := p.value(1)
			if err != nil {
				return err
			}
			if v.Kind() != slog.KindString {
				return fmt.Errorf(`"event" must be a string, not %s`, kindName(v))
			}
			name, haveName = v.String(), true
		case "time":
			v, err := p.value(1)
			if err != nil {
				return err
			}
			if v.Kind() != slog.KindString {
				return fmt.Errorf(`"time" must be an RFC 3339 string, not %s`, kindName(v))
			}
			t, err := time.Parse(time.RFC3339Nano, v.String())
			if err != nil {
				return fmt.Errorf(`"time": %v`, err)
			}
			when = t
		case "measurements":
			return p.objectFields(1, func(k string) error {
				v, err := p.any(2)
				if err != nil {
					return err
				}
				ms = append(ms, rawMeasurement{k, v})
				return nil
			})
		case "metadata":
			return p.objectFields(1, func(k string) error {
				v, err := p.value(2)
				md = append(md, slog.Attr{Key: k, Value: v})
				return err
			})
		case "ids":
			haveIDs = true
			return p.objectFields(1, func(k string) error {
				v, err := p.value(2)
				if err != nil {
					return err
				}
				if v.Kind() != slog.KindString {
					return fmt.Errorf(`"ids.%s" must be a string, not %s`, k, kindName(v))
				}
				switch k {
				case "correlation_id":
					ids.Correlation = v.String()
				case "thread_id":
					ids.Thread = v.String()
				case "turn_id":
					ids.Turn = v.String()
				case "span_id":
					ids.Span = v.String()
				case "parent_span_id":
					ids.ParentSpan = v.String()
				default:
					return fmt.Errorf(`"ids" has unknown field %q`, k)
				}
				return nil
			})
		default:
			return fmt.Errorf("unknown member %q (want time, event, measurements, metadata, ids)", key)
		}
		return nil
	})
	if err != nil {
		return e, err
	}
	p.skipSpace()
	if p.pos != len(p.s) {
		return e, p.fail("extra data after the object")
	}
	if !haveName {
		return e, errors.New(`missing "event"`)
	}
	if err := telemetry.ValidateName(name); err != nil {
		return e, fmt.Errorf(`"event": %w`, err)
	}
	e = telemetry.NewEvent(name, when)
	entry, _ := catalog.Lookup(name)
	for _, m := range ms {
		num, err := toNumber(m.value, fieldType(entry, m.key))
		if err != nil {
			return e, fmt.Errorf("measurement %q: %w", m.key, err)
		}
		e.AddMeasurements(telemetry.Measurement{Key: m.key, Value: num})
	}
	e.AddMetadata(md...)
	if haveIDs {
		e.SetIDs(ids)
	}
	return e, nil
}

type rawMeasurement struct {
	key   string
	value any
}

func fieldType(entry *catalog.Entry, key string) catalog.Type {
	if entry == nil {
		return ""
	}
	for _, f := range entry.Measurements {
		if f.Key == key {
			return f.Type
		}
	}
	return ""
}

// toNumber converts a parsed measurement to the catalog's type for it (t is
// "" for a field the catalog does not list: integers stay integers).
func toNumber(v any, t catalog.Type) (telemetry.Number, error) {
	switch x := v.(type) {
	case int64:
		switch t {
		case catalog.Float:
			return telemetry.FloatNumber(float64(x)), nil
		case catalog.Duration:
			return telemetry.DurationNumber(time.Duration(x)), nil
		}
		return telemetry.IntNumber(x), nil
	case float64:
		switch t {
		case catalog.Int:
			if x != math.Trunc(x) || math.IsInf(x, 0) || math.IsNaN(x) {
				return telemetry.Number{}, fmt.Errorf("%v is not an integer", x)
			}
			return telemetry.IntNumber(int64(x)), nil
		case catalog.Duration:
			return telemetry.DurationNumber(time.Duration(x)), nil
		}
		return telemetry.FloatNumber(x), nil
	case string:
		if t != catalog.Duration && t != "" {
			return telemetry.Number{}, fmt.Errorf("a string is not a number")
		}
		d, err := time.ParseDuration(x)
		if err != nil {
			return telemetry.Number{}, fmt.Errorf("%q is neither a number nor a duration", x)
		}
		return telemetry.DurationNumber(d), nil
	case uint64, *big.Int:
		return telemetry.Number{}, fmt.Errorf("%v does not fit in 64 bits", x)
	}
	return telemetry.Number{}, fmt.Errorf("%s is not a number", kindName(slog.AnyValue(v)))
}

func kindName(v slog.Value) string {
	switch v.Kind() {
	case slog.KindGroup:
		return "an object"
	case slog.KindString:
		return "a string"
	case slog.KindBool:
		return "a boolean"
	case slog.KindInt64, slog.KindUint64, slog.KindFloat64:
		return "a number"
	}
	switch v.Any().(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case *big.Int:
		return "a number"
	}
	return strconv.Quote(v.String())
}
