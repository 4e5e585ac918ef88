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
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/internal/lines"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/scrub"
	"github.com/codextel/codextel/core/telemetry"
)

// DefaultMaxLine is the longest line a [Decoder] accepts unless told
// otherwise: 16 MiB.
const DefaultMaxLine = lines.DefaultLimit

// A LineError reports a line the decoder could not read.
type LineError struct {
	Line int // 1-based line number
	// Excerpt is the start of the line, at most 60 bytes of valid UTF-8,
	// cut from the line after secrets were scrubbed from all of it (with
	// [scrub.New]'s defaults). Of a line over the size limit only the start
	// is kept: it is scrubbed, and a word the cut runs into is dropped, since
	// it may be the start of a secret too short to be recognised.
	Excerpt string
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
			return telemetry.Event{}, &LineError{Line: tooLong.Line, Excerpt: cutExcerpt(tooLong.Excerpt),
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
			return telemetry.Event{}, &LineError{Line: d.Line(), Excerpt: excerpt(trimmed), Err: err}
		}
		return e, nil
	}
}

// scrubber removes secrets from the excerpts of bad lines.
var scrubber = sync.OnceValue(func() *scrub.Scrubber { return scrub.New() })

// excerpt is the start of a whole line, cut after scrubbing all of it, so
// that the cut cannot split a secret into a part the scrubber misses.
func excerpt(line []byte) string {
	s, _ := scrubber().String(string(line))
	return capExcerpt(lines.Excerpt([]byte(s)))
}

// quote is strconv.Quote of x scrubbed first: a value or key a message
// names is quoted with Go's escapes, which can hide a secret's word start
// from a scrubber run over the message later ("\x0aya29.…").
func quote(x string) string {
	s, _ := scrubber().String(x)
	return strconv.Quote(s)
}

// cutExcerpt scrubs the start of a line whose rest is gone (a line over the
// limit) and drops the word the cut ran into: it may be the start of a secret
// too short to be recognised.
func cutExcerpt(start string) string {
	s, _ := scrubber().String(start)
	s = capExcerpt(s)
	if i := strings.LastIndexAny(s, " \t\"',:;{}[]()<>"); i >= 0 {
		return s[:i+1]
	}
	return ""
}

// maxExcerpt is the longest excerpt, in bytes.
const maxExcerpt = 60

// capExcerpt cuts s to at most maxExcerpt bytes at a rune boundary: an
// invalid byte made U+FFFD, or a secret made [REDACTED], can lengthen it.
func capExcerpt(s string) string {
	if len(s) <= maxExcerpt {
		return s
	}
	n := maxExcerpt
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
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
				// time's own message quotes the value unscrubbed.
				return fmt.Errorf(`"time": %s is not an RFC 3339 time such as "2025-12-02T10:52:12Z"`, quote(v.String()))
			}
			when = t
		case "measurements":
			ms = ms[:0] // a repeated member replaces the earlier one, as in json.loads
			return p.objectFields(1, func(k string) error {
				v, err := p.any(2)
				if err != nil {
					return err
				}
				ms = append(ms, rawMeasurement{k, v})
				return nil
			})
		case "metadata":
			md = md[:0]
			return p.objectFields(1, func(k string) error {
				v, err := p.value(2)
				md = append(md, slog.Attr{Key: k, Value: v})
				return err
			})
		case "ids":
			ids, haveIDs = correlation.IDs{}, true
			return p.objectFields(1, func(k string) error {
				v, err := p.value(2)
				if err != nil {
					return err
				}
				if v.Kind() != slog.KindString {
					return fmt.Errorf(`"ids.%s" must be a string, not %s`, k, kindName(v))
				}
				if !ids.Set(k, v.String()) {
					return fmt.Errorf(`"ids" has unknown field %s`, quote(k))
				}
				return nil
			})
		default:
			return fmt.Errorf("unknown member %s (want time, event, measurements, metadata, ids)", quote(key))
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
		// The bus's message quotes the name unscrubbed: say it here.
		return e, fmt.Errorf(`"event": %s is not an event name (dot-separated segments of ASCII letters, digits and underscores)`, quote(name))
	}
	e = telemetry.NewEvent(name, when)
	entry, _ := catalog.Lookup(name)
	for _, m := range lastWins(ms, func(m rawMeasurement) string { return m.key }) {
		num, err := toNumber(m.value, fieldType(entry, m.key))
		if err != nil {
			return e, fmt.Errorf("measurement %s: %w", quote(m.key), err)
		}
		// The bus scrubs metadata, not measurement names nor ids: those
		// read from a line are scrubbed here, where they enter.
		key, _ := scrubber().String(m.key)
		e.AddMeasurements(telemetry.Measurement{Key: key, Value: num})
	}
	e.AddMetadata(lastWins(md, attrKey)...)
	if haveIDs {
		for _, id := range []*string{&ids.Correlation, &ids.Thread, &ids.Turn, &ids.Span, &ids.ParentSpan} {
			*id, _ = scrubber().String(*id)
		}
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
// "" for a field the catalog does not list: integers stay integers). A value
// the type cannot hold is an error, never wrapped around: an integer field
// takes a float only when it is a whole number in the int64 range, and a
// duration one a finite number of nanoseconds in that range (a fraction of a
// nanosecond is dropped).
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
			if math.IsInf(x, 0) || math.IsNaN(x) || x != math.Trunc(x) {
				return telemetry.Number{}, fmt.Errorf("%s is not an integer", floatText(x))
			}
			if !inInt64(x) {
				return telemetry.Number{}, fmt.Errorf("%s is beyond the int64 range of an integer field", floatText(x))
			}
			return telemetry.IntNumber(int64(x)), nil
		case catalog.Duration:
			if math.IsInf(x, 0) || math.IsNaN(x) {
				return telemetry.Number{}, fmt.Errorf("%s is not a duration", floatText(x))
			}
			if !inInt64(math.Trunc(x)) {
				return telemetry.Number{}, fmt.Errorf("%s ns is beyond the range of a duration (about 292 years)", floatText(x))
			}
			return telemetry.DurationNumber(time.Duration(x)), nil
		}
		return telemetry.FloatNumber(x), nil
	case string:
		if t != catalog.Duration && t != "" {
			return telemetry.Number{}, fmt.Errorf("a string is not a number")
		}
		d, err := time.ParseDuration(x)
		if err != nil {
			return telemetry.Number{}, fmt.Errorf("%s is neither a number nor a duration", quote(x))
		}
		return telemetry.DurationNumber(d), nil
	case uint64, *big.Int:
		return telemetry.Number{}, fmt.Errorf("%v does not fit in 64 bits", x)
	}
	return telemetry.Number{}, fmt.Errorf("%s is not a number", kindName(slog.AnyValue(v)))
}

// inInt64 reports whether the whole number f converts to an int64 exactly:
// -2⁶³ does, 2⁶³ (the float nearest to math.MaxInt64) does not.
func inInt64(f float64) bool { return f >= math.MinInt64 && f < -math.MinInt64 }

// floatText spells f as the line did, in JSON: 1e+19, Infinity, NaN.
func floatText(f float64) string {
	return string(pylog.AppendJSON(nil, slog.Float64Value(f), false))
}

// lastWins removes repeated keys from fields as Python's json.loads does
// with a repeated key in an object: one field, at the place of the first,
// with the value of the last. fields is returned as it is when no key repeats.
func lastWins[T any](fields []T, key func(T) string) []T {
	if len(fields) < 2 {
		return fields
	}
	if len(fields) <= 8 { // no map for the common small object
		dup := false
		for i := 1; i < len(fields) && !dup; i++ {
			for j := range i {
				if key(fields[i]) == key(fields[j]) {
					dup = true
					break
				}
			}
		}
		if !dup {
			return fields
		}
	}
	last := make(map[string]int, len(fields))
	for i, f := range fields {
		last[key(f)] = i
	}
	if len(last) == len(fields) {
		return fields
	}
	out := make([]T, 0, len(last))
	for i, f := range fields {
		k := key(f)
		j, ok := last[k]
		if !ok {
			continue // already placed
		}
		if j != i {
			f = fields[j]
		}
		out = append(out, f)
		delete(last, k)
	}
	return out
}

func attrKey(a slog.Attr) string { return a.Key }

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
