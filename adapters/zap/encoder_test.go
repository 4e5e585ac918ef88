package codexzap_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/codextel/codextel/conformance"
	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	codexzap "github.com/codextel/codextel/adapters/zap"
)

// fixedClock is a zapcore.Clock stopped at fixedNow.
type fixedClock struct{}

func (fixedClock) Now() time.Time                         { return fixedNow }
func (fixedClock) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(d) }

func utcJSON(t *testing.T) *pylog.JSONFormatter {
	t.Helper()
	f, err := pylog.NewJSONFormatter(codexzap.JSONFormat, pylog.WithLocation(time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// An object is a zap.ObjectMarshaler of the app's own.
type object struct{}

func (object) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString("k", "v")
	enc.OpenNamespace("inner")
	enc.AddInt("z", 1)
	return nil
}

// A stringer is a fmt.Stringer.
type stringer struct{}

func (stringer) String() string { return "stringer text" }

// TestEncoderFields: an app's own entries, written by the Python JSON
// encoder: every zap field kind becomes the Python value pylog writes for
// the Go value it holds, in order, the With fields first, namespaces as
// dicts.
func TestEncoderFields(t *testing.T) {
	f := utcJSON(t)
	var buf bytes.Buffer
	logger := zap.New(zapcore.NewCore(codexzap.NewPythonEncoder(f), zapcore.AddSync(&buf), zapcore.DebugLevel), zap.WithClock(fixedClock{}))
	logger.Named("app").
		With(zap.String("service", "api"), zap.Namespace("ctx"), zap.Int("n", 1)).
		Info("hello",
			zap.Int64("i", -1), zap.Uint("u", 2), zap.Float64("f", 0.1), zap.Float32("f32", 1.5),
			zap.Bool("b", true), zap.String("s", "héllo"), zap.Duration("d", 1500*time.Millisecond),
			zap.Time("t", fixedNow), zap.Binary("bin", []byte("ab")), zap.ByteString("bs", []byte("ab")),
			zap.Complex128("c", 1+2i), zap.Reflect("m", map[string]int{"b": 2, "a": 1}),
			zap.Error(errors.New("boom")), zap.Stringer("str", stringer{}), zap.Object("obj", object{}),
			zap.Ints("arr", []int{1, 2}), zap.Any("nothing", nil),
		)

	// The oracle: pylog, given the Go values the fields hold.
	want := f.Append(nil, &pylog.Record{
		Time: fixedNow, Level: pylog.Info, Logger: "app", Message: "hello",
		Attrs: []slog.Attr{
			slog.String("service", "api"),
			slog.Group("ctx",
				slog.Int("n", 1), slog.Int("i", -1), slog.Uint64("u", 2), slog.Float64("f", 0.1), slog.Float64("f32", 1.5),
				slog.Bool("b", true), slog.String("s", "héllo"), slog.Duration("d", 1500*time.Millisecond),
				slog.Time("t", fixedNow), slog.Any("bin", []byte("ab")), slog.String("bs", "ab"),
				slog.Any("c", 1+2i), slog.Any("m", map[string]int{"b": 2, "a": 1}),
				slog.String("error", "boom"), slog.String("str", "stringer text"),
				slog.Group("obj", slog.String("k", "v"), slog.Group("inner", slog.Int("z", 1))),
				slog.Any("arr", []any{1, 2}), slog.Any("nothing", nil),
			),
		},
	})
	want = append(want, '\n')
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("got\n%s\nwant\n%s", buf.Bytes(), want)
	}
	// And a few values spelled out, so the oracle is not trusted blindly.
	for _, s := range []string{
		`{"asctime": "2025-12-02 10:52:12,123", "levelname": "INFO", "name": "app", "message": "hello", "service": "api", "ctx": {"n": 1, "i": -1,`,
		`"f": 0.1, "f32": 1.5,`, `"s": "h\u00e9llo"`, `"d": "0:00:01.500000"`, `"t": "2025-12-02T10:52:12.123456+00:00"`,
		`"bin": "b'ab'"`, `"m": {"a": 1, "b": 2}`, `"obj": {"k": "v", "inner": {"z": 1}}`, `"arr": [1, 2], "nothing": null}}`,
	} {
		if !bytes.Contains(buf.Bytes(), []byte(s)) {
			t.Errorf("no %s in\n%s", s, buf.Bytes())
		}
	}
}

// TestEncoderLevelsAndRoot: zap's levels by the table, its unnamed logger
// as Python's root logger.
func TestEncoderLevelsAndRoot(t *testing.T) {
	var buf bytes.Buffer
	logger := codexzap.NewPythonLogger(&buf, nil, nil)
	logger.Debug("d")
	logger.Info("i")
	logger.Warn("w")
	logger.Error("e")
	logger.Named("a").Named("b").DPanic("dp")
	logger.Check(zapcore.Level(-2), "custom").Write()
	want := "DEBUG:root:d\nINFO:root:i\nWARNING:root:w\nERROR:root:e\nCRITICAL:a.b:dp\nLevel 9:root:custom\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

// TestEncoderCallerAndStack: the caller fills pathname, lineno and
// funcName; a stack trace follows the message as an exception's traceback
// does.
func TestEncoderCallerAndStack(t *testing.T) {
	f, err := pylog.NewFormatter("%(levelname)s %(filename)s:%(lineno)d %(funcName)s %(message)s")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	logger := codexzap.NewPythonLogger(&buf, f, nil).WithOptions(zap.AddCaller(), zap.AddStacktrace(zapcore.ErrorLevel))
	_, _, line, _ := runtime.Caller(0)
	logger.Info("here")
	logger.Error("failed")
	out := buf.String()
	first, rest, _ := strings.Cut(out, "\n")
	fn := "github.com/codextel/codextel/adapters/zap_test.TestEncoderCallerAndStack"
	if want := "INFO encoder_test.go:" + strconv.Itoa(line+1) + " " + fn + " here"; first != want {
		t.Errorf("got %q, want %q", first, want)
	}
	if want := "ERROR encoder_test.go:" + strconv.Itoa(line+2) + " " + fn + " failed\n" + fn; !strings.HasPrefix(rest, want) {
		t.Errorf("got %q, want the line then the stack, from %q", rest, want)
	}
}

// TestRegisteredEncodings: a zap.Config names the Python encodings; the
// config's line ending is kept.
// encodingRuns numbers the runs of TestRegisteredEncodings, for the names
// they register.
var encodingRuns atomic.Int64

func TestRegisteredEncodings(t *testing.T) {
	build := func(t *testing.T, encoding string, edit func(*zap.Config)) (*zap.Logger, string) {
		path := filepath.Join(t.TempDir(), "log")
		cfg := zap.NewProductionConfig()
		cfg.Encoding = encoding
		cfg.OutputPaths = []string{path}
		if edit != nil {
			edit(&cfg)
		}
		logger, err := cfg.Build()
		if err != nil {
			t.Fatal(err)
		}
		return logger, path
	}
	read := func(t *testing.T, path string) string {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	t.Run("text", func(t *testing.T) {
		logger, path := build(t, codexzap.TextEncoding, nil)
		logger.Named("app").Warn("careful", zap.Int("n", 1))
		if got := read(t, path); got != "WARNING:app:careful\n" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("json", func(t *testing.T) {
		logger, path := build(t, codexzap.JSONEncoding, nil)
		logger = logger.WithOptions(zap.WithClock(fixedClock{}))
		logger.Named("app").Warn("careful", zap.Int("n", 1))
		f, err := pylog.NewJSONFormatter(codexzap.JSONFormat) // the local zone, as registered
		if err != nil {
			t.Fatal(err)
		}
		want := string(f.Append(nil, &pylog.Record{Time: fixedNow, Level: pylog.Warning, Logger: "app", Message: "careful", Attrs: []slog.Attr{slog.Int("n", 1)}})) + "\n"
		if got := read(t, path); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("line ending", func(t *testing.T) {
		logger, path := build(t, codexzap.TextEncoding, func(c *zap.Config) { c.EncoderConfig.LineEnding = "\r\n" })
		logger.Info("a")
		logger2, path2 := build(t, codexzap.TextEncoding, func(c *zap.Config) { c.EncoderConfig.SkipLineEnding = true })
		logger2.Info("a")
		if got, got2 := read(t, path), read(t, path2); got != "INFO:root:a\r\n" || got2 != "INFO:root:a" {
			t.Errorf("got %q and %q", got, got2)
		}
	})
	t.Run("custom", func(t *testing.T) {
		f, err := pylog.NewFormatter("[%(levelname)-8s] %(message)s")
		if err != nil {
			t.Fatal(err)
		}
		// zap's registry of encodings is global and has no removal: each
		// run registers a name of its own, so that -count=N repeats.
		name := fmt.Sprintf("codex-test-brackets-%d", encodingRuns.Add(1))
		if err := codexzap.RegisterPythonEncoder(name, f); err != nil {
			t.Fatal(err)
		}
		if err := codexzap.RegisterPythonEncoder(name, f); err == nil {
			t.Error("registering a name twice: no error")
		}
		if err := codexzap.RegisterPythonEncoder(name+"-nil", nil); err == nil {
			t.Error("registering a nil formatter: no error")
		}
		logger, path := build(t, name, nil)
		logger.Info("a")
		if got := read(t, path); got != "[INFO    ] a\n" {
			t.Errorf("got %q", got)
		}
	})
}

// TestEncoderAttachedThroughConfig: the adapter writes through a logger
// built from a zap.Config naming a Python encoding, as an app would wire it.
func TestEncoderAttachedThroughConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	cfg := zap.NewProductionConfig()
	cfg.Encoding = codexzap.TextEncoding
	cfg.OutputPaths = []string{path}
	logger, err := cfg.Build()
	if err != nil {
		t.Fatal(err)
	}
	bus := newBus(t)
	attach(t, bus, logger)
	bus.Emit(t.Context(), catalog.TurnCompactionFailed, nil, slog.String("reason", "context too long"))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(data), "WARNING:codex.turn:Compacting conversation history failed: context too long\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// A stripper is a core between the adapter and the logger's core that
// takes away the first field, which carries the adapter's record: the
// encoder then sees only the zap fields.
type stripper struct{ zapcore.Core }

func (s stripper) With(fields []zapcore.Field) zapcore.Core { return stripper{s.Core.With(fields)} }
func (s stripper) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if s.Enabled(e.Level) {
		return ce.AddCore(e, s)
	}
	return ce
}
func (s stripper) Write(e zapcore.Entry, fields []zapcore.Field) error {
	if len(fields) == 0 || fields[0].Type != zapcore.SkipType {
		return errors.New("the adapter's first field is not the skipped one")
	}
	return s.Core.Write(e, fields[1:])
}

// TestConformanceThroughFields runs the conformance suite with the Python
// encoder reading only the zap fields the adapter makes: they keep every
// value's type and order well enough that CPython's output is still
// matched, byte for byte (CRITICAL aside, which the scenarios do not use,
// the levels are those of the table).
func TestConformanceThroughFields(t *testing.T) {
	conformance.Run(t, func(bus *telemetry.Bus, f conformance.Format, w io.Writer) (func(), error) {
		pf, err := conformance.PythonFormatter(f)
		if err != nil {
			return nil, err
		}
		logger := codexzap.NewPythonLogger(w, pf, nil)
		logger = zap.New(stripper{logger.Core()})
		detach, err := bus.Attach(codexzap.DefaultID, codexzap.New(logger), "*")
		if err != nil {
			return nil, err
		}
		return func() {
			if err := detach(); err != nil {
				t.Error(err)
			}
		}, nil
	})
}
