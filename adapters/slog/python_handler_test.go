package codexslog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/codextel/codextel/core/pylog"
)

func mustJSON(t testing.TB, format string, opts ...pylog.Option) *pylog.JSONFormatter {
	t.Helper()
	f, err := pylog.NewJSONFormatter(format, append([]pylog.Option{pylog.WithLocation(time.UTC)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func mustText(t testing.TB, format string, opts ...pylog.Option) *pylog.Formatter {
	t.Helper()
	f, err := pylog.NewFormatter(format, append([]pylog.Option{pylog.WithLocation(time.UTC)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestSlogtest runs log/slog's handler conformance tests on the JSON form.
// A Python record always has a time, so a zero Record.Time is stamped with
// the time of handling instead of being left out: that one rule, and only
// it, must fail.
func TestSlogtest(t *testing.T) {
	var buf bytes.Buffer
	h := NewPythonHandler(&buf, mustJSON(t, "%(asctime)s %(levelname)s %(name)s %(message)s"), nil)
	err := slogtest.TestHandler(h, func() []map[string]any {
		var out []map[string]any
		for _, line := range bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n")) {
			var m map[string]any
			if err := json.Unmarshal(line, &m); err != nil {
				t.Fatalf("%v: %s", err, line)
			}
			// Python's names for slog's built-in keys.
			for py, key := range map[string]string{"asctime": slog.TimeKey, "levelname": slog.LevelKey, "message": slog.MessageKey} {
				if v, ok := m[py]; ok {
					m[key] = v
					delete(m, py)
				}
			}
			delete(m, "name")
			out = append(out, m)
		}
		return out
	})
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else if err != nil {
		errs = []error{err}
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "a Handler should ignore a zero Record.Time") {
		t.Errorf("slogtest: want only the zero-time rule to fail, got %v", err)
	}
}

func TestPythonHandlerAppRecords(t *testing.T) {
	var buf bytes.Buffer
	h := NewPythonHandler(&buf, mustJSON(t, "%(levelname)s %(name)s %(message)s"), &slog.HandlerOptions{Level: slog.LevelDebug})
	l := slog.New(h)
	l.Info("plain", "n", 1, "f", 1.0, "d", 1500*time.Millisecond, "big", uint64(1<<63))
	l.With(LoggerKey, "myapp.db").Warn("named", "q", "select 'x'")
	l.Log(context.Background(), slog.Level(12), "critical", LoggerKey, "myapp", LoggerKey, "second is an extra")
	l.Log(context.Background(), slog.Level(2), "between")
	l.Debug("debug", slog.Group("g", slog.Int("a", 1), slog.Group("empty")), slog.Group("", slog.String("inlined", "yes")), slog.Attr{})
	l.WithGroup("req").With("id", 7).WithGroup("sub").Info("nested", "k", "v")
	l.WithGroup("req").With("id", 7).WithGroup("sub").Info("empty group dropped")
	l.With(LoggerKey, 5).Info("a non-string logger is an extra")
	want := `{"levelname": "INFO", "name": "root", "message": "plain", "n": 1, "f": 1.0, "d": "0:00:01.500000", "big": 9223372036854775808}
{"levelname": "WARNING", "name": "myapp.db", "message": "named", "q": "select 'x'"}
{"levelname": "CRITICAL", "name": "myapp", "message": "critical", "logger": "second is an extra"}
{"levelname": "Level 25", "name": "root", "message": "between"}
{"levelname": "DEBUG", "name": "root", "message": "debug", "g": {"a": 1}, "inlined": "yes"}
{"levelname": "INFO", "name": "root", "message": "nested", "req": {"id": 7, "sub": {"k": "v"}}}
{"levelname": "INFO", "name": "root", "message": "empty group dropped", "req": {"id": 7}}
{"levelname": "INFO", "name": "root", "message": "a non-string logger is an extra", "logger": 5}
`
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestPythonHandlerText(t *testing.T) {
	var buf bytes.Buffer
	h := NewPythonHandler(&buf, mustText(t, "%(asctime)s %(levelname)-8s %(name)s: %(message)s"), nil)
	r := slog.NewRecord(time.Date(2025, 12, 2, 10, 52, 12, 123456789, time.UTC), slog.LevelWarn, "two\nlines", 0)
	r.AddAttrs(slog.String("ignored", "text formats show no extras"))
	if err := h.Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "2025-12-02 10:52:12,123 WARNING  root: two\nlines\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPythonHandlerDefaultFormatter(t *testing.T) {
	var buf bytes.Buffer
	slog.New(NewPythonHandler(&buf, nil, nil)).Warn("bare", "k", "v")
	if got := buf.String(); got != "bare\n" {
		t.Errorf("got %q, want the bare message", got)
	}
}

func TestPythonHandlerZeroTime(t *testing.T) {
	var buf bytes.Buffer
	h := NewPythonHandler(&buf, mustJSON(t, "%(created)f"), nil)
	before := time.Now()
	if err := h.Handle(context.Background(), slog.NewRecord(time.Time{}, slog.LevelInfo, "m", 0)); err != nil {
		t.Fatal(err)
	}
	var m struct{ Created float64 }
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if got := time.Unix(0, int64(m.Created*1e9)); got.Before(before.Add(-time.Second)) || got.After(time.Now().Add(time.Second)) {
		t.Errorf("a zero time was written as %v, want about now", got)
	}
}

func TestPythonHandlerSourceAndReplace(t *testing.T) {
	var buf bytes.Buffer
	h := NewPythonHandler(&buf, mustJSON(t, "%(filename)s %(funcName)s %(message)s"), &slog.HandlerOptions{
		AddSource: true,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			switch {
			case a.Key == "password":
				return slog.String(a.Key, "***")
			case a.Key == "drop":
				return slog.Attr{}
			case len(groups) > 0:
				return slog.String(a.Key, strings.Join(groups, ".")+"."+a.Value.String())
			}
			return a
		},
	})
	slog.New(h).Info("m", "password", "hunter2", "drop", 1, slog.Group("g", slog.Group("h", "x", "y")))
	want := `{"filename": "python_handler_test.go", "funcName": "github.com/codextel/codextel/adapters/slog.TestPythonHandlerSourceAndReplace", "message": "m", "password": "***", "g": {"h": {"x": "g.h.y"}}}` + "\n"
	if got := buf.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	buf.Reset()
	h2 := NewPythonHandler(&buf, mustJSON(t, "%(pathname)s %(lineno)d %(message)s"), nil)
	slog.New(h2).Info("no source")
	if got, want := buf.String(), `{"pathname": "(unknown file)", "lineno": 0, "message": "no source"}`+"\n"; got != want {
		t.Errorf("without AddSource: got %s, want %s", got, want)
	}
}

func TestPythonHandlerLevel(t *testing.T) {
	var lv slog.LevelVar
	h := NewPythonHandler(new(bytes.Buffer), mustText(t, ""), &slog.HandlerOptions{Level: &lv})
	ctx := context.Background()
	if h.Enabled(ctx, slog.LevelDebug) || !h.Enabled(ctx, slog.LevelInfo) {
		t.Error("LevelVar at Info")
	}
	lv.Set(slog.LevelError)
	if h.Enabled(ctx, slog.LevelWarn) || !h.Enabled(ctx, slog.Level(12)) {
		t.Error("LevelVar at Error")
	}
	if d := NewPythonHandler(new(bytes.Buffer), mustText(t, ""), nil); d.Enabled(ctx, slog.LevelDebug) || !d.Enabled(ctx, slog.LevelInfo) {
		t.Error("default level is not Info")
	}
}

type failingWriter struct{}

var errWrite = errors.New("disk full")

func (failingWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestPythonHandlerWriteError(t *testing.T) {
	h := NewPythonHandler(failingWriter{}, mustText(t, ""), nil)
	if err := h.Handle(context.Background(), slog.NewRecord(time.Now(), slog.LevelInfo, "m", 0)); !errors.Is(err, errWrite) {
		t.Errorf("Handle returned %v, want the writer's error", err)
	}
}

func TestPythonHandlerWithIsImmutable(t *testing.T) {
	var buf bytes.Buffer
	base := NewPythonHandler(&buf, mustJSON(t, "%(name)s %(message)s"), nil)
	a := base.WithAttrs([]slog.Attr{slog.String("a", "1"), slog.String(LoggerKey, "A")})
	b := base.WithAttrs([]slog.Attr{slog.String("b", "2")})
	g := a.WithGroup("g")
	ga := g.WithAttrs([]slog.Attr{slog.Int("x", 1)})
	gb := g.WithAttrs([]slog.Attr{slog.Int("y", 2)})
	for _, h := range []slog.Handler{base, a, b, g, ga, gb} {
		slog.New(h).Info("m")
	}
	want := `{"name": "root", "message": "m"}
{"name": "A", "message": "m", "a": "1"}
{"name": "root", "message": "m", "b": "2"}
{"name": "A", "message": "m", "a": "1"}
{"name": "A", "message": "m", "a": "1", "g": {"x": 1}}
{"name": "A", "message": "m", "a": "1", "g": {"y": 2}}
`
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
