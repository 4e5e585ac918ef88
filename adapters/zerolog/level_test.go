package codexzerolog

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/eventlog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

func TestLevel(t *testing.T) {
	tests := []struct {
		python        pylog.Level
		level, filter zerolog.Level
		text          string // what zerolog prints
		back          pylog.Level
	}{
		{pylog.Debug, zerolog.DebugLevel, zerolog.DebugLevel, "debug", pylog.Debug},
		{pylog.Info, zerolog.InfoLevel, zerolog.InfoLevel, "info", pylog.Info},
		{pylog.Warning, zerolog.WarnLevel, zerolog.WarnLevel, "warn", pylog.Warning},
		{pylog.Error, zerolog.ErrorLevel, zerolog.ErrorLevel, "error", pylog.Error},
		{pylog.Critical, zerolog.FatalLevel, zerolog.FatalLevel, "fatal", pylog.Critical},
		// Unnamed levels keep their number...
		{8, 8, zerolog.TraceLevel, "8", 8},
		{9, 9, zerolog.TraceLevel, "9", 9},
		{15, 15, zerolog.DebugLevel, "15", 15},
		{25, 25, zerolog.InfoLevel, "25", 25},
		{35, 35, zerolog.WarnLevel, "35", 35},
		{45, 45, zerolog.ErrorLevel, "45", 45},
		{51, 51, zerolog.FatalLevel, "51", 51},
		{60, 60, zerolog.FatalLevel, "60", 60},
		{127, 127, zerolog.FatalLevel, "127", 127},
		// ...where zerolog can: 1..7 are zerolog's own constants, 128 does
		// not fit an int8.
		{5, zerolog.TraceLevel, zerolog.TraceLevel, "trace", 5},
		{1, zerolog.TraceLevel, zerolog.TraceLevel, "trace", 5},
		{7, zerolog.TraceLevel, zerolog.TraceLevel, "trace", 5},
		{pylog.NotSet, zerolog.TraceLevel, zerolog.TraceLevel, "trace", 5},
		{-3, zerolog.TraceLevel, zerolog.TraceLevel, "trace", 5},
		{128, zerolog.FatalLevel, zerolog.FatalLevel, "fatal", pylog.Critical},
		{1000, zerolog.FatalLevel, zerolog.FatalLevel, "fatal", pylog.Critical},
	}
	for _, tt := range tests {
		level, filter := Level(tt.python)
		if level != tt.level || filter != tt.filter {
			t.Errorf("Level(%d) = %v, %v; want %v, %v", tt.python, level, filter, tt.level, tt.filter)
		}
		if level == zerolog.PanicLevel || level == zerolog.NoLevel || level == zerolog.Disabled {
			t.Errorf("Level(%d) = %v", tt.python, level)
		}
		if got := level.String(); got != tt.text {
			t.Errorf("Level(%d) prints %q, want %q", tt.python, got, tt.text)
		}
		if got := PythonLevel(level); got != tt.back {
			t.Errorf("PythonLevel(Level(%d)) = %d, want %d", tt.python, got, tt.back)
		}
	}
}

func TestPythonLevel(t *testing.T) {
	for l, want := range map[zerolog.Level]pylog.Level{
		zerolog.TraceLevel: 5, -5: 5,
		zerolog.DebugLevel: pylog.Debug, zerolog.InfoLevel: pylog.Info, zerolog.WarnLevel: pylog.Warning,
		zerolog.ErrorLevel: pylog.Error, zerolog.FatalLevel: pylog.Critical, zerolog.PanicLevel: pylog.Critical,
		zerolog.NoLevel: pylog.NotSet, 25: 25, 100: 100,
	} {
		if got := PythonLevel(l); got != want {
			t.Errorf("PythonLevel(%v) = %d, want %d", l, got, want)
		}
	}
}

// closeRecorder is a writer that records whether zerolog closed it, as its
// Fatal does before exiting.
type closeRecorder struct {
	bytes.Buffer
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

// TestCriticalNeverExits writes events at CRITICAL and above: zerolog's fatal
// level, or a custom level, never its Fatal (exit) or Panic.
func TestCriticalNeverExits(t *testing.T) {
	exited := false
	old := zerolog.FatalExitFunc
	zerolog.FatalExitFunc = func() { exited = true }
	defer func() { zerolog.FatalExitFunc = old }()

	w := new(closeRecorder)
	h := newHandler(zerolog.New(w))
	e := telemetry.NewEvent(catalog.Error, time.Unix(1, 0))
	e.AddMetadata(slog.String("error_message", "boom"))
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("panicked: %v", p)
			}
		}()
		for _, l := range []pylog.Level{pylog.Critical, 60, 200} {
			handleAt(h, &e, l)
		}
	}()
	if exited || w.closed {
		t.Fatalf("exited %v, writer closed %v", exited, w.closed)
	}
	var levels []string
	for line := range strings.Lines(w.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		levels = append(levels, m["level"].(string)+":"+m["message"].(string))
	}
	if got, want := strings.Join(levels, " "), "fatal:boom 60:boom fatal:boom"; got != want {
		t.Errorf("levels %q, want %q", got, want)
	}
}

// TestLevelFilter checks that the logger's level filters events by the named
// level below a custom one, and zerolog's global level too.
func TestLevelFilter(t *testing.T) {
	var w bytes.Buffer
	h := newHandler(zerolog.New(&w).Level(zerolog.WarnLevel))
	e := telemetry.NewEvent(catalog.Error, time.Unix(1, 0))
	for _, l := range []pylog.Level{pylog.Debug, pylog.Info, 25, 29, 30, 35, pylog.Error, 45, pylog.Critical} {
		e.AddMetadata(slog.String("error_message", l.String()))
		handleAt(h, &e, l)
		e = telemetry.NewEvent(catalog.Error, time.Unix(1, 0))
	}
	var got []string
	for line := range strings.Lines(w.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		got = append(got, m["level"].(string))
	}
	if want := "warn 35 error 45 fatal"; strings.Join(got, " ") != want {
		t.Errorf("written: %q, want %q", strings.Join(got, " "), want)
	}

	old := zerolog.GlobalLevel()
	zerolog.SetGlobalLevel(zerolog.ErrorLevel)
	defer zerolog.SetGlobalLevel(old)
	w.Reset()
	h = newHandler(zerolog.New(&w))
	for _, l := range []pylog.Level{pylog.Warning, 35, 45} {
		handleAt(h, &e, l)
	}
	if n := strings.Count(w.String(), "\n"); n != 1 || !strings.Contains(w.String(), `"level":"45"`) {
		t.Errorf("with the global level at error: %q", w.String())
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

// handleAt has h write e at the Python level l, with the message its
// catalog entry gives it.
func handleAt(h *handler, e *telemetry.Event, l pylog.Level) {
	tmpl, _ := e.Entry().MessageFor(e.Has)
	h.handle(context.Background(), e, l, &tmpl)
}
