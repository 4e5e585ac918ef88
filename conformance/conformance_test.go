package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/codextel/codextel/core/eventlog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// reference is the adapter the suite is built around: eventlog's mapping and
// pylog's formatter, one Write per event. It proves core renders every
// scenario as CPython does.
func reference(bus *telemetry.Bus, f Format, w io.Writer) (func(), error) {
	pf, err := PythonFormatter(f)
	if err != nil {
		return nil, err
	}
	return attachLines(bus, w, func(dst []byte, r *pylog.Record) []byte { return pf.Append(dst, r) })
}

// attachLines attaches a handler writing each event, rendered by render,
// as one line in one Write.
func attachLines(bus *telemetry.Bus, w io.Writer, render func([]byte, *pylog.Record) []byte) (func(), error) {
	var (
		m  eventlog.Mapper
		mu sync.Mutex
	)
	h := telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
		var r pylog.Record
		m.Map(&r, &e)
		line := append(render(nil, &r), '\n')
		mu.Lock()
		defer mu.Unlock()
		w.Write(line)
	})
	detach, err := bus.Attach("reference", h, "*")
	if err != nil {
		return nil, err
	}
	return func() { detach() }, nil
}

func TestReference(t *testing.T) {
	Run(t, reference)
}

func TestReferenceWithoutT(t *testing.T) {
	if err := Test(reference); err != nil {
		t.Fatal(err)
	}
}

// nativeFormat is where appendNative puts the record's parts.
var nativeFormat = NativeFormat{
	TimeKey: "time", LevelKey: "level", MessageKey: "msg", LoggerKey: "logger",
	Level: func(l pylog.Level) string { return l.String() },
}

// native is a native-mode adapter over a strict JSON encoder of its own.
func native(bus *telemetry.Bus, w io.Writer) (func(), error) {
	return attachLines(bus, w, appendNative)
}

func appendNative(dst []byte, r *pylog.Record) []byte {
	attrs := []slog.Attr{
		slog.Time("time", r.Time),
		slog.String("level", r.Level.String()),
		slog.String("msg", r.Message),
		slog.String("logger", r.Logger),
	}
	return appendNativeValue(dst, slog.GroupValue(append(attrs, r.Attrs...)...))
}

// appendNativeValue writes v as strict JSON: NaN and infinities as strings,
// durations as nanoseconds, groups as objects in order.
func appendNativeValue(dst []byte, v slog.Value) []byte {
	v = v.Resolve()
	switch v.Kind() {
	case slog.KindString:
		b, _ := json.Marshal(v.String())
		return append(dst, b...)
	case slog.KindInt64:
		return strconv.AppendInt(dst, v.Int64(), 10)
	case slog.KindUint64:
		return strconv.AppendUint(dst, v.Uint64(), 10)
	case slog.KindFloat64:
		f := v.Float64()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return strconv.AppendQuote(dst, strconv.FormatFloat(f, 'g', -1, 64))
		}
		return strconv.AppendFloat(dst, f, 'g', -1, 64)
	case slog.KindBool:
		return strconv.AppendBool(dst, v.Bool())
	case slog.KindDuration:
		return strconv.AppendInt(dst, int64(v.Duration()), 10)
	case slog.KindTime:
		return strconv.AppendQuote(dst, v.Time().Format(time.RFC3339Nano))
	case slog.KindGroup:
		dst = append(dst, '{')
		for i, a := range v.Group() {
			if i > 0 {
				dst = append(dst, ',')
			}
			b, _ := json.Marshal(a.Key)
			dst = append(append(dst, b...), ':')
			dst = appendNativeValue(dst, a.Value)
		}
		return append(dst, '}')
	}
	switch x := v.Any().(type) {
	case nil:
		return append(dst, "null"...)
	case *big.Int:
		return x.Append(dst, 10)
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendNativeValue(dst, element(e))
		}
		return append(dst, ']')
	}
	b, err := json.Marshal(v.Any())
	if err != nil {
		return strconv.AppendQuote(dst, err.Error())
	}
	return append(dst, b...)
}

func TestNativeReference(t *testing.T) {
	RunNative(t, native, nativeFormat)
}

// TestRunDetects checks that the suite fails adapters that differ from
// CPython in small ways.
func TestRunDetects(t *testing.T) {
	utc := func(bus *telemetry.Bus, f Format, w io.Writer) (func(), error) {
		f.Location = time.UTC
		return reference(bus, f, w)
	}
	twoWrites := func(bus *telemetry.Bus, f Format, w io.Writer) (func(), error) {
		pf, err := PythonFormatter(f)
		if err != nil {
			return nil, err
		}
		var m eventlog.Mapper
		h := telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
			var r pylog.Record
			m.Map(&r, &e)
			w.Write(pf.Append(nil, &r))
			w.Write([]byte{'\n'})
		})
		detach, err := bus.Attach("two", h, "*")
		return func() { detach() }, err
	}
	leaky := func(bus *telemetry.Bus, f Format, w io.Writer) (func(), error) {
		return attachLines(bus, w, func(dst []byte, r *pylog.Record) []byte {
			return append(dst, "sk-proj-AbCdEf0123456789GhIjKlMnOpQrStUvWx"...)
		})
	}
	codexOnly := func(bus *telemetry.Bus, f Format, w io.Writer) (func(), error) {
		pf, err := PythonFormatter(f)
		if err != nil {
			return nil, err
		}
		var m eventlog.Mapper
		h := telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
			var r pylog.Record
			m.Map(&r, &e)
			w.Write(append(pf.Append(nil, &r), '\n'))
		})
		detach, err := bus.Attach("codex", h, "codex.*")
		return func() { detach() }, err
	}
	for _, tc := range []struct {
		name    string
		factory Factory
		want    []string
	}{
		{"asctime in the wrong zone", utc, []string{"times/asctime.kolkata: the output differs from CPython's golden/times.asctime.kolkata.log", "+1: \"2025-12-02 10:52:12,123 WARNING"}},
		{"two writes per event", twoWrites, []string{"correlation/message.utc: 14 writes for 7 events: each event must be one Write"}},
		{"a leaked secret", leaky, []string{`secrets.data/json.utc: the planted secret "sk-proj-AbCdEf0123456789GhIjKlMnOpQrStUvWx" is in the output`}},
		{"events outside codex.*", codexOnly, []string{"unknown/basic.utc: the output differs", "-1: \"INFO:myapp.cache:myapp.cache.miss\\n\""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Test(tc.factory)
			if err == nil {
				t.Fatal("Test passed a broken adapter")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the report does not say %q:\n%.3000s", w, err)
				}
			}
		})
	}
	t.Run("a failing factory", func(t *testing.T) {
		err := Test(func(*telemetry.Bus, Format, io.Writer) (func(), error) { return nil, io.ErrClosedPipe })
		if err == nil || !strings.Contains(err.Error(), "attaching the adapter: io: read/write on closed pipe") {
			t.Fatalf("got %v", err)
		}
	})
}

// TestRunNativeDetects checks that native mode fails adapters that lose or
// change what an event carries.
func TestRunNativeDetects(t *testing.T) {
	rewrite := func(edit func(map[string]any)) NativeFactory {
		return func(bus *telemetry.Bus, w io.Writer) (func(), error) {
			return attachLines(bus, w, func(dst []byte, r *pylog.Record) []byte {
				line := appendNative(nil, r)
				dec := json.NewDecoder(bytes.NewReader(line))
				dec.UseNumber()
				var obj map[string]any
				if err := dec.Decode(&obj); err != nil {
					panic(err)
				}
				edit(obj)
				b, err := json.Marshal(obj)
				if err != nil {
					panic(err)
				}
				return append(dst, b...)
			})
		}
	}
	for _, tc := range []struct {
		name    string
		factory NativeFactory
		f       NativeFormat
		want    string
	}{
		{"numbers as strings", rewrite(func(o map[string]any) {
			for k, v := range o {
				if n, ok := v.(json.Number); ok {
					o[k] = string(n)
				}
			}
		}), nativeFormat, `catalog.redacted: line 1 (codex.thread.start): field "system_time" is the string "1764672732123456000", want the number 1764672732123456000`},
		{"a field dropped", rewrite(func(o map[string]any) { delete(o, "thread_id") }), nativeFormat,
			`catalog.redacted: line 1 (codex.thread.start): field "thread_id" is missing`},
		{"a nested value changed", rewrite(func(o map[string]any) {
			if c, ok := o["config"].(map[string]any); ok {
				c["model"] = "other"
			}
		}), nativeFormat, `nested: line 7 (codex.error): field "config"."model" is the string "other", want "gpt-5"`},
		{"a list flattened", rewrite(func(o map[string]any) {
			if l, ok := o["input"].([]any); ok {
				o["input"] = fmt.Sprint(l)
			}
		}), nativeFormat, `catalog.data: line 6 (codex.tool.start): field "input" is the string "[bash -lc sed -n '1,80p' parser_test.go]", want an array of 3`},
		{"a leaked secret", rewrite(func(o map[string]any) { o["leak"] = "ghp_0123456789abcdefghijABCDEFGHIJ012345" }), nativeFormat,
			`secrets.redacted: the planted secret "ghp_0123456789abcdefghijABCDEFGHIJ012345" is in the output`},
		{"the wrong level text", native, NativeFormat{TimeKey: "time", LevelKey: "level", MessageKey: "msg",
			Level: func(l pylog.Level) string { return strings.ToLower(l.String()) }},
			`catalog.redacted: line 1 (codex.thread.start): level under "level" is the string "INFO", want "info"`},
		{"the wrong time", rewrite(func(o map[string]any) { o["time"] = "2000-01-01T00:00:00Z" }), nativeFormat,
			`times: line 1 (codex.item.warning): time 2000-01-01T00:00:00Z: want 2025-12-02T10:52:12.123456789Z`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := testNative(tc.factory, tc.f)
			if err == nil {
				t.Fatal("testNative passed a broken adapter")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("the report does not say %q:\n%.3000s", tc.want, err)
			}
		})
	}
}

func TestFormats(t *testing.T) {
	fs := Formats()
	if len(fs) != 12 {
		t.Fatalf("%d formats, want 6 layouts in 2 zones", len(fs))
	}
	seen := map[string]bool{}
	for _, f := range fs {
		if seen[f.Name] {
			t.Errorf("format name %q twice", f.Name)
		}
		seen[f.Name] = true
		if f.Location == nil {
			t.Errorf("%s: no location", f.Name)
		}
		pf, err := PythonFormatter(f)
		if err != nil {
			t.Errorf("%s: %v", f.Name, err)
			continue
		}
		if _, isJSON := pf.(*pylog.JSONFormatter); isJSON != f.JSON {
			t.Errorf("%s: formatter %T", f.Name, pf)
		}
	}
	kolkata := fs[1]
	if kolkata.Name != "message.kolkata" {
		t.Fatalf("second format %q", kolkata.Name)
	}
	if _, off := time.Date(2025, 12, 2, 0, 0, 0, 0, kolkata.Location).Zone(); off != 5*3600+1800 {
		t.Errorf("Kolkata offset %d", off)
	}
	if _, err := PythonFormatter(Format{Fmt: "%(nope)s"}); err == nil {
		t.Error("PythonFormatter accepted an unknown attribute")
	}
}

func TestLineDiff(t *testing.T) {
	want := "a\nb\nc\nd\n"
	got := "a\nB\nx\nc\nd"
	d := lineDiff([]byte(want), []byte(got), "CPython", "adapter")
	for _, s := range []string{
		`(- CPython, + adapter; 4 lines against 5)`,
		`-2: "b\n"`, `+2: "B\n"`, `(first difference at byte 0)`, `+3: "x\n"`,
		`-4: "d\n"`, `+5: "d"`,
	} {
		if !strings.Contains(d, s) {
			t.Errorf("diff lacks %q:\n%s", s, d)
		}
	}
	long := strings.Repeat("x", 500)
	d = lineDiff([]byte(long+"\n"), []byte(long[:300]+"y"+long[301:]+"\n"), "CPython", "adapter")
	if !strings.Contains(d, `[byte 240] …"xxx`) || !strings.Contains(d, `… [501 bytes in all]`) || !strings.Contains(d, "(first difference at byte 300)") {
		t.Errorf("long line diff:\n%s", d)
	}
}

// TestDefaultLogger runs core's default logger (NewLogger), the standard-library
// handler for quick adoption, through the whole suite.
func TestDefaultLogger(t *testing.T) {
	Run(t, func(bus *telemetry.Bus, f Format, w io.Writer) (func(), error) {
		formatter, err := PythonFormatter(f)
		if err != nil {
			return nil, err
		}
		h, err := eventlog.NewLogger(eventlog.WithWriter(w), eventlog.WithFormatter(formatter), eventlog.WithLevel(pylog.NotSet))
		if err != nil {
			return nil, err
		}
		detach, err := bus.Attach(eventlog.DefaultLoggerID, h, "*")
		if err != nil {
			return nil, err
		}
		return func() { _ = detach() }, nil
	})
}
