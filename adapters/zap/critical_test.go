package codexzap

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// No catalog event is logged at CRITICAL today, so these tests give the
// adapter's write path (the one Handle takes after reading an event's
// level, logger and message) events at the levels the catalog does not use.

func writeRecord(t *testing.T, logger *zap.Logger, level pylog.Level) {
	t.Helper()
	h := newHandler(logger, newConfig(nil))
	when := time.Date(2025, 12, 2, 10, 52, 12, 123456000, time.UTC)
	e := telemetry.NewEvent("codex.test.critical", when)
	e.AddMetadata(slog.String("reason", "disk full"))
	st := &state{ev: e, level: level}
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("writing a %v record panicked: %v", level, r)
		}
	}()
	h.write(st, zapcore.Entry{Time: when, LoggerName: "codex.test", Message: "something critical"})
}

type hookFunc func(*zapcore.CheckedEntry, []zapcore.Field)

func (f hookFunc) OnWrite(ce *zapcore.CheckedEntry, fields []zapcore.Field) { f(ce, fields) }

// readLines returns the JSON lines of a log file.
func readLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		out = append(out, m)
	}
	return out
}

// TestCriticalNeverPanicsOrExits: CRITICAL, and every level above it, is
// written at DPanic, with zap's production and development configs (the
// latter panics on DPanic), and none of zap's terminal behaviour runs: no
// panic, no exit (which would end this test binary), no panic or fatal hook.
func TestCriticalNeverPanicsOrExits(t *testing.T) {
	for _, name := range []string{"production", "development"} {
		t.Run(name, func(t *testing.T) {
			cfg := zap.NewProductionConfig()
			if name == "development" {
				cfg = zap.NewDevelopmentConfig()
				cfg.Encoding = "json"
			}
			path := filepath.Join(t.TempDir(), "log")
			cfg.OutputPaths = []string{path}
			logger, err := cfg.Build()
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range []pylog.Level{pylog.Critical, 51, 60, 1000} {
				writeRecord(t, logger, l)
			}
			lines := readLines(t, path)
			if len(lines) != 4 {
				t.Fatalf("%d lines, want 4", len(lines))
			}
			levelKey, msgKey := cfg.EncoderConfig.LevelKey, cfg.EncoderConfig.MessageKey
			for _, m := range lines {
				if l := m[levelKey]; l != "dpanic" && l != "DPANIC" {
					t.Errorf("level %v, want dpanic", l)
				}
				if m["reason"] != "disk full" || m[msgKey] != "something critical" {
					t.Errorf("line %v", m)
				}
			}
		})
	}

	// The same logger's own DPanic does panic in development: the test above
	// is not vacuous.
	dev, err := zap.NewDevelopment(zap.ErrorOutput(zapcore.AddSync(new(bytes.Buffer))))
	if err != nil {
		t.Fatal(err)
	}
	dev = dev.WithOptions(zap.WrapCore(func(zapcore.Core) zapcore.Core { return zapcore.NewNopCore() }))
	func() {
		defer func() {
			if recover() == nil {
				t.Error("zap's development logger did not panic on DPanic")
			}
		}()
		dev.DPanic("boom")
	}()
}

// TestCriticalRunsNoTerminalHook: the panic and fatal hooks a logger is
// given are zap.Logger's, and the adapter never calls them.
func TestCriticalRunsNoTerminalHook(t *testing.T) {
	var hooked []string
	hook := hookFunc(func(ce *zapcore.CheckedEntry, _ []zapcore.Field) { hooked = append(hooked, ce.Message) })
	var buf bytes.Buffer
	logger := zap.New(
		zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(&buf), zapcore.DebugLevel),
		zap.Development(), zap.WithPanicHook(hook), zap.WithFatalHook(hook),
	)
	logger.DPanic("zap's own")
	writeRecord(t, logger, pylog.Critical)
	if len(hooked) != 1 || hooked[0] != "zap's own" {
		t.Errorf("hooks ran for %q, want only zap's own DPanic", hooked)
	}
	if n := strings.Count(buf.String(), "\n"); n != 2 {
		t.Errorf("%d lines, want 2:\n%s", n, buf.String())
	}
}

// TestUnnamedLevelsKeepTheirNumber: a record at a level Python does not
// name reaches zap at the level of the table, and the Python encoders write
// its exact level, as CPython would ("Level 25").
func TestUnnamedLevelsKeepTheirNumber(t *testing.T) {
	f, err := pylog.NewFormatter("%(levelname)s %(levelno)d:%(name)s:%(message)s")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	var levels []zapcore.Level
	py := NewPythonLogger(&buf, f, nil)
	logger := zap.New(zapcore.NewTee(py.Core(), levelRecorder{&levels}))
	in := []pylog.Level{5, 15, 25, 35, 45, 55, pylog.Critical}
	for _, l := range in {
		writeRecord(t, logger, l)
	}
	want := "Level 5 5:codex.test:something critical\n" +
		"Level 15 15:codex.test:something critical\n" +
		"Level 25 25:codex.test:something critical\n" +
		"Level 35 35:codex.test:something critical\n" +
		"Level 45 45:codex.test:something critical\n" +
		"Level 55 55:codex.test:something critical\n" +
		"CRITICAL 50:codex.test:something critical\n"
	if buf.String() != want {
		t.Errorf("Python text:\n%s\nwant:\n%s", buf.String(), want)
	}
	wantZap := []zapcore.Level{zapcore.DebugLevel, zapcore.DebugLevel, zapcore.InfoLevel, zapcore.WarnLevel, zapcore.ErrorLevel, zapcore.DPanicLevel, zapcore.DPanicLevel}
	if len(levels) != len(wantZap) {
		t.Fatalf("zap levels %v, want %v", levels, wantZap)
	}
	for i := range levels {
		if levels[i] != wantZap[i] {
			t.Errorf("level %v reached zap at %v, want %v", in[i], levels[i], wantZap[i])
		}
	}
}

// A levelRecorder is a core that records the level of each entry.
type levelRecorder struct{ levels *[]zapcore.Level }

func (levelRecorder) Enabled(zapcore.Level) bool          { return true }
func (r levelRecorder) With([]zapcore.Field) zapcore.Core { return r }
func (r levelRecorder) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	return ce.AddCore(e, r)
}
func (r levelRecorder) Write(e zapcore.Entry, _ []zapcore.Field) error {
	*r.levels = append(*r.levels, e.Level)
	return nil
}
func (levelRecorder) Sync() error { return nil }
