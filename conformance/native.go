package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/big"
	"strconv"
	"testing"
	"time"

	"github.com/codextel/codextel/conformance/internal/suite"
	"github.com/codextel/codextel/core/eventlog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// NativeFormat says where a library's own JSON encoder puts a record's parts.
// Native mode: the adapter writes through the app's own (JSON) encoder; the
// suite parses each line as a JSON object and checks it semantically.
type NativeFormat struct {
	TimeKey, LevelKey, MessageKey, LoggerKey string                   // where the library puts them ("" if it has none, e.g. no logger field)
	Level                                    func(pylog.Level) string // the level text the library writes for a Python level
}

// NativeFactory attaches the adapter under test to bus so that it writes
// each event, through the library's own JSON encoder, as one line to w. As
// with [Factory], the adapter must take every event at every level.
type NativeFactory func(bus *telemetry.Bus, w io.Writer) (detach func(), err error)

// RunNative runs the native-mode suite: one subtest per scenario (and
// policy) that emits the scenario's events and checks each line the adapter
// writes, parsed as a JSON object, against the record [eventlog.Mapper]
// makes of the event:
//
//   - the time is present (an RFC 3339 string must name the event's time,
//     to the second);
//   - the level text is f.Level of the record's level, the message is the
//     record's message, the logger name is the record's;
//   - every field (metadata, measurements, correlation ids) is present,
//     with its value: strings as strings, integers of any size as numbers,
//     finite floats as numbers, booleans, null, nested objects as objects
//     (keys repeated in one keep their last value) and lists as arrays,
//     recursively. Durations and times may be numbers or strings, as
//     libraries encode them differently; NaN and infinities, which JSON
//     cannot hold, must be strings; an empty object may be left out, as
//     log/slog handlers leave out empty groups. Fields named like the
//     library's own keys are not checked;
//   - no planted secret appears anywhere in the output.
//
// Keys the library adds (a caller, a stack) are allowed.
func RunNative(t *testing.T, newAdapter NativeFactory, f NativeFormat) {
	t.Helper()
	ss, err := scenarios()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range suite.Variants(ss) {
		t.Run(v.Name, func(t *testing.T) {
			for _, err := range checkNative(v, newAdapter, f) {
				t.Error(err)
			}
		})
	}
}

// testNative is [RunNative] without a testing.T, for the suite's own tests.
func testNative(newAdapter NativeFactory, f NativeFormat) error {
	ss, err := scenarios()
	if err != nil {
		return err
	}
	var errs []error
	for _, v := range suite.Variants(ss) {
		for _, err := range checkNative(v, newAdapter, f) {
			errs = append(errs, fmt.Errorf("%s: %w", v.Name, err))
		}
	}
	return errors.Join(errs...)
}

func checkNative(v suite.Variant, newAdapter NativeFactory, f NativeFormat) []error {
	if f.Level == nil {
		return []error{errors.New("NativeFormat.Level is nil")}
	}
	var delivered []telemetry.Event
	out, err := runAdapter(v, func(bus *telemetry.Bus, w io.Writer) (func(), error) {
		if _, err := bus.Attach("conformance.expect", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
			delivered = append(delivered, e.Clone())
		}), "*"); err != nil {
			return nil, err
		}
		return newAdapter(bus, w)
	})
	if err != nil {
		return []error{err}
	}
	text := out.buf.Bytes()
	var errs []error
	if len(text) > 0 && text[len(text)-1] != '\n' {
		errs = append(errs, errors.New("the output does not end in a newline"))
	}
	lines := splitLines(text)
	if len(lines) != len(delivered) {
		errs = append(errs, fmt.Errorf("%d lines for %d events", len(lines), len(delivered)))
	}
	var m eventlog.Mapper
	for i := range min(len(lines), len(delivered)) {
		var rec pylog.Record
		m.Map(&rec, &delivered[i])
		for _, p := range checkLine([]byte(lines[i]), &rec, f) {
			errs = append(errs, fmt.Errorf("line %d (%s): %s", i+1, delivered[i].Name, p))
		}
	}
	return append(errs, leaks(v.Scenario, text)...)
}

// checkLine checks one line of native output against the record it stands
// for, and returns its problems.
func checkLine(line []byte, rec *pylog.Record, f NativeFormat) []string {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return []string{fmt.Sprintf("not a JSON object: %v: %s", err, excerpt(string(line), 0))}
	}
	if dec.More() {
		return []string{"more than one JSON value on the line"}
	}
	var ps []string
	builtin := map[string]bool{}
	if f.TimeKey != "" {
		builtin[f.TimeKey] = true
		switch x, ok := obj[f.TimeKey]; {
		case !ok || x == nil:
			ps = append(ps, fmt.Sprintf("no time under %q", f.TimeKey))
		default:
			if s, ok := x.(string); ok {
				if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
					if d := t.Sub(rec.Time); d <= -time.Second || d >= time.Second {
						ps = append(ps, fmt.Sprintf("time %s: want %s", s, rec.Time.Format(time.RFC3339Nano)))
					}
				}
			}
		}
	}
	wantString := func(key, what, want string) {
		if key == "" {
			return
		}
		builtin[key] = true
		if got, ok := obj[key].(string); !ok || got != want {
			ps = append(ps, fmt.Sprintf("%s under %q is %s, want %q", what, key, show(obj[key]), want))
		}
	}
	wantString(f.LevelKey, "level", f.Level(rec.Level))
	wantString(f.MessageKey, "message", rec.Message)
	wantString(f.LoggerKey, "logger", rec.Logger)
	for _, a := range dict(rec.Attrs) {
		if builtin[a.Key] {
			continue
		}
		got, ok := obj[a.Key]
		if !ok {
			if !isEmptyGroup(a.Value) {
				ps = append(ps, fmt.Sprintf("field %q is missing", a.Key))
			}
			continue
		}
		ps = append(ps, matchValue(strconv.Quote(a.Key), a.Value, got)...)
	}
	return ps
}

// dict returns attrs as a dict has them: a key keeps its last value.
func dict(attrs []slog.Attr) []slog.Attr {
	var out []slog.Attr
	for _, a := range attrs {
		if a.Key == "" && a.Value.Kind() == slog.KindGroup {
			out = append(out, dict(a.Value.Group())...)
			continue
		}
		replaced := false
		for i := range out {
			if out[i].Key == a.Key {
				out[i].Value = a.Value
				replaced = true
			}
		}
		if !replaced {
			out = append(out, a)
		}
	}
	return out
}

func isEmptyGroup(v slog.Value) bool {
	v = v.Resolve()
	return v.Kind() == slog.KindGroup && len(v.Group()) == 0
}

// matchValue checks that got, a decoded JSON value, holds want.
func matchValue(path string, want slog.Value, got any) []string {
	bad := func(what string) []string {
		return []string{fmt.Sprintf("field %s is %s, want %s", path, show(got), what)}
	}
	want = want.Resolve()
	switch want.Kind() {
	case slog.KindString:
		if s, ok := got.(string); !ok || s != want.String() {
			return bad(strconv.Quote(want.String()))
		}
	case slog.KindInt64:
		return matchInt(path, big.NewInt(want.Int64()), got)
	case slog.KindUint64:
		return matchInt(path, new(big.Int).SetUint64(want.Uint64()), got)
	case slog.KindFloat64:
		f := want.Float64()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			if _, ok := got.(string); !ok {
				return bad(fmt.Sprintf("%v as a string (JSON has no number for it)", f))
			}
			return nil
		}
		n, ok := got.(json.Number)
		if !ok {
			return bad(fmt.Sprintf("the number %v", f))
		}
		if g, err := strconv.ParseFloat(string(n), 64); err != nil || g != f {
			return bad(fmt.Sprintf("the number %v", f))
		}
	case slog.KindBool:
		if b, ok := got.(bool); !ok || b != want.Bool() {
			return bad(strconv.FormatBool(want.Bool()))
		}
	case slog.KindDuration, slog.KindTime:
		switch got.(type) {
		case json.Number, string:
		default:
			return bad("a number or a string for " + want.String())
		}
	case slog.KindGroup:
		return matchObject(path, want.Group(), got)
	case slog.KindAny:
		switch x := want.Any().(type) {
		case nil:
			if got != nil {
				return bad("null")
			}
		case *big.Int:
			return matchInt(path, x, got)
		case []any:
			list, ok := got.([]any)
			if !ok || len(list) != len(x) {
				return bad(fmt.Sprintf("an array of %d", len(x)))
			}
			var ps []string
			for i, e := range x {
				ps = append(ps, matchValue(fmt.Sprintf("%s[%d]", path, i), element(e), list[i])...)
			}
			return ps
		default:
			if got == nil {
				return bad(fmt.Sprintf("%v", x))
			}
		}
	}
	return nil
}

// element is a list element as a slog.Value.
func element(e any) slog.Value {
	if v, ok := e.(slog.Value); ok {
		return v
	}
	return slog.AnyValue(e)
}

func matchObject(path string, attrs []slog.Attr, got any) []string {
	obj, ok := got.(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("field %s is %s, want an object", path, show(got))}
	}
	var ps []string
	for _, a := range dict(attrs) {
		sub := path + "." + strconv.Quote(a.Key)
		g, ok := obj[a.Key]
		if !ok {
			if !isEmptyGroup(a.Value) {
				ps = append(ps, fmt.Sprintf("field %s is missing", sub))
			}
			continue
		}
		ps = append(ps, matchValue(sub, a.Value, g)...)
	}
	return ps
}

func matchInt(path string, want *big.Int, got any) []string {
	n, ok := got.(json.Number)
	if ok {
		if g, ok := new(big.Int).SetString(string(n), 10); ok && g.Cmp(want) == 0 {
			return nil
		}
	}
	return []string{fmt.Sprintf("field %s is %s, want the number %s", path, show(got), want)}
}

// show describes a decoded JSON value in a problem report.
func show(x any) string {
	switch x := x.(type) {
	case nil:
		return "null"
	case string:
		return "the string " + excerpt(x, 0)
	case json.Number:
		return "the number " + string(x)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		return fmt.Sprintf("an array of %d", len(x))
	case map[string]any:
		return fmt.Sprintf("an object of %d keys", len(x))
	}
	return fmt.Sprintf("%v", x)
}
