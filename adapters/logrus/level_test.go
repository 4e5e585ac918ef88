package codexlogrus

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/eventlog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

func TestLevel(t *testing.T) {
	tests := []struct {
		python pylog.Level
		level  logrus.Level
		exact  bool
	}{
		{pylog.Debug, logrus.DebugLevel, true},
		{pylog.Info, logrus.InfoLevel, true},
		{pylog.Warning, logrus.WarnLevel, true},
		{pylog.Error, logrus.ErrorLevel, true},
		{pylog.Critical, logrus.ErrorLevel, false},
		{60, logrus.ErrorLevel, false},
		{1000, logrus.ErrorLevel, false},
		{45, logrus.ErrorLevel, false},
		{35, logrus.WarnLevel, false},
		{25, logrus.InfoLevel, false},
		{15, logrus.DebugLevel, false},
		{5, logrus.TraceLevel, false},
		{pylog.NotSet, logrus.TraceLevel, false},
		{-1, logrus.TraceLevel, false},
	}
	for _, tt := range tests {
		level, exact := Level(tt.python)
		if level != tt.level || exact != tt.exact {
			t.Errorf("Level(%d) = %v, %v; want %v, %v", tt.python, level, exact, tt.level, tt.exact)
		}
		if level == logrus.FatalLevel || level == logrus.PanicLevel {
			t.Errorf("Level(%d) = %v", tt.python, level)
		}
		if exact && PythonLevel(level) != tt.python {
			t.Errorf("PythonLevel(Level(%d)) = %d", tt.python, PythonLevel(level))
		}
	}
	for l, want := range map[logrus.Level]pylog.Level{
		logrus.TraceLevel: 5, logrus.DebugLevel: pylog.Debug, logrus.InfoLevel: pylog.Info, logrus.WarnLevel: pylog.Warning,
		logrus.ErrorLevel: pylog.Error, logrus.FatalLevel: pylog.Critical, logrus.PanicLevel: pylog.Critical, 42: pylog.NotSet,
	} {
		if got := PythonLevel(l); got != want {
			t.Errorf("PythonLevel(%v) = %d, want %d", l, got, want)
		}
	}
}

// levelHook records the levels it fires for.
type levelHook struct {
	levels []logrus.Level
	fired  []string
}

func (h *levelHook) Levels() []logrus.Level { return h.levels }
func (h *levelHook) Fire(e *logrus.Entry) error {
	h.fired = append(h.fired, e.Level.String())
	return nil
}

// TestCriticalNeverExits writes events at CRITICAL and above: logrus' error
// level with the levelname field, never its fatal or panic level (hooks for
// those never fire, the logger never exits), and the process never panics.
func TestCriticalNeverExits(t *testing.T) {
	var w bytes.Buffer
	exited := false
	logger := &logrus.Logger{Out: &w, Formatter: new(logrus.JSONFormatter), Hooks: make(logrus.LevelHooks),
		Level: logrus.TraceLevel, ExitFunc: func(int) { exited = true }}
	fatal := &levelHook{levels: []logrus.Level{logrus.PanicLevel, logrus.FatalLevel}}
	all := &levelHook{levels: logrus.AllLevels}
	logger.AddHook(fatal)
	logger.AddHook(all)
	h := &handler{logger: logger}
	e := telemetry.NewEvent(catalog.Error, time.Unix(1, 0))
	e.AddMetadata(slog.String("error_message", "boom"))
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("panicked: %v", p)
			}
		}()
		for _, l := range []pylog.Level{pylog.Critical, 60, 1000} {
			h.handle(context.Background(), &e, l)
		}
	}()
	if exited || len(fatal.fired) > 0 {
		t.Fatalf("exited %v, fatal/panic hooks fired %v", exited, fatal.fired)
	}
	if got := strings.Join(all.fired, " "); got != "error error error" {
		t.Errorf("levels written: %q", got)
	}
	var names []string
	for line := range strings.Lines(w.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		names = append(names, m["level"].(string)+"/"+m[LevelNameKey].(string))
	}
	if got, want := strings.Join(names, " "), "error/CRITICAL error/Level 60 error/Level 1000"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestLevelFilter checks that the logger's level filters events by the
// logrus level they are written at.
func TestLevelFilter(t *testing.T) {
	var w bytes.Buffer
	logger := &logrus.Logger{Out: &w, Formatter: new(logrus.JSONFormatter), Hooks: make(logrus.LevelHooks), Level: logrus.WarnLevel}
	h := &handler{logger: logger}
	for _, l := range []pylog.Level{pylog.Debug, pylog.Info, 25, 29, 30, 35, pylog.Error, 45, pylog.Critical} {
		e := telemetry.NewEvent(catalog.Error, time.Unix(1, 0))
		e.AddMetadata(slog.String("error_message", "m"))
		h.handle(context.Background(), &e, l)
	}
	var got []string
	for line := range strings.Lines(w.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		name, _ := m[LevelNameKey].(string)
		got = append(got, m["level"].(string)+"/"+name)
	}
	if want := "warning/ warning/Level 35 error/ error/Level 45 error/CRITICAL"; strings.Join(got, " ") != want {
		t.Errorf("written: %q, want %q", strings.Join(got, " "), want)
	}
}

// TestEventLevel checks that the level Handle filters with is the one
// eventlog.Mapper gives the record, for every event of the catalog with and
// without its data fields, and for events outside it.
func TestEventLevel(t *testing.T) {
	var m eventlog.Mapper
	check := func(e telemetry.Event) {
		t.Helper()
		var r pylog.Record
		m.Map(&r, &e)
		if got := eventlog.Level(&e); got != r.Level {
			t.Errorf("%s: level %v, Map gives %v", e, got, r.Level)
		}
	}
	for _, entry := range catalog.All() {
		check(telemetry.NewEvent(entry.Name, time.Unix(1, 0)))
		e := telemetry.NewEvent(entry.Name, time.Unix(1, 0))
		for _, f := range entry.Metadata {
			e.AddMetadata(slog.String(f.Key, "x"))
		}
		check(e)
	}
	check(telemetry.NewEvent("myapp.cache.miss", time.Unix(1, 0)))
}
