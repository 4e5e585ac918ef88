package codexslog

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// toolStart emits a codex.tool.start event with a tool input.
func toolStart(bus *telemetry.Bus, ctx context.Context) {
	bus.Emit(ctx, catalog.ToolStart,
		[]telemetry.Measurement{telemetry.Int("system_time", 1), telemetry.Int("monotonic_time", 2)},
		slog.String("tool", "shell"), slog.String("tool_kind", "command_execution"),
		slog.String("call_id", "item_1"), slog.Any("input", []any{"ls", "-la"}))
}

func TestAttachNative(t *testing.T) {
	bus := telemetry.New(telemetry.WithToolData(true))
	var buf bytes.Buffer
	h := slog.NewJSONHandler(&buf, &slog.HandlerOptions{
		Level:       slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr { return dropTime(a) },
	})
	detach, err := Attach(bus, h)
	if err != nil {
		t.Fatal(err)
	}
	ctx := correlation.With(context.Background(), correlation.IDs{Thread: "t1", Span: "00f067aa0ba902b7"})
	toolStart(bus, ctx)
	bus.Emit(ctx, "myapp.not.codex", nil) // outside the default "codex.*"
	if err := detach(); err != nil {
		t.Fatal(err)
	}
	toolStart(bus, ctx) // detached
	want := `{"level":"DEBUG","msg":"Invoking tool shell with input ['ls', '-la']","logger":"codex.tool","tool":"shell","tool_kind":"command_execution","call_id":"item_1","input":["ls","-la"],"system_time":1,"monotonic_time":2,"thread_id":"t1","span_id":"00f067aa0ba902b7"}` + "\n"
	if got := buf.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if err := detach(); !errors.Is(err, telemetry.ErrUnknownHandler) {
		t.Errorf("second detach: %v", err)
	}
}

func dropTime(a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

func TestAttachEventTime(t *testing.T) {
	bus := telemetry.New()
	var buf bytes.Buffer
	if _, err := Attach(bus, slog.NewJSONHandler(&buf, nil)); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 12, 2, 10, 52, 12, 123456789, time.UTC)
	e := telemetry.NewEvent(catalog.Error, at)
	e.AddMetadata(slog.String("error_message", "boom"))
	bus.EmitEvent(context.Background(), e)
	before := time.Now()
	bus.Emit(context.Background(), catalog.Error, nil, slog.String("error_message", "now"))
	var lines []struct {
		Time time.Time
		Msg  string
	}
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var x struct {
			Time time.Time
			Msg  string
		}
		if err := json.Unmarshal([]byte(l), &x); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, x)
	}
	if len(lines) != 2 || !lines[0].Time.Equal(at) || lines[1].Time.Before(before) {
		t.Errorf("times %+v: want the event's, then the time of handling", lines)
	}
}

func TestAttachOptionsAndErrors(t *testing.T) {
	bus := telemetry.New()
	h := slog.NewJSONHandler(new(bytes.Buffer), nil)
	// A nil bus is the default bus, a nil handler slog.Default's.
	var def bytes.Buffer
	restore := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&def, nil)))
	detach, err := Attach(nil, nil)
	slog.SetDefault(restore)
	if err != nil {
		t.Fatal(err)
	}
	telemetry.Default().Emit(context.Background(), catalog.TurnCompactionFailed, nil, slog.String("reason", "too long"))
	if err := detach(); err != nil || !strings.Contains(def.String(), "Compacting conversation history failed: too long") {
		t.Errorf("Attach(nil, nil): detach %v, slog.Default wrote %q", err, def.String())
	}
	if _, err := Attach(bus, h); err != nil {
		t.Fatal(err)
	}
	if _, err := Attach(bus, h); !errors.Is(err, telemetry.ErrDuplicateHandler) {
		t.Errorf("second Attach under the default id: %v", err)
	}
	if _, err := bus.Attach("other", New(h), "codex..bad"); !errors.Is(err, telemetry.ErrBadName) {
		t.Errorf("bad pattern: %v", err)
	}
	if _, err := bus.Attach("tools", New(h), "codex.tool.*", "codex.mcp.*"); err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, hi := range bus.Handlers("") {
		got[hi.ID] = hi.Patterns
	}
	if fmt.Sprint(got) != "map[codexslog:[codex.*] tools:[codex.tool.* codex.mcp.*]]" {
		t.Errorf("handlers %v", got)
	}
}

func TestAttachErrorHandler(t *testing.T) {
	bus := telemetry.New()
	var got []error
	h := NewPythonHandler(failingWriter{}, mustText(t, ""), nil)
	if _, err := Attach(bus, h, WithErrorHandler(func(err error) { got = append(got, err) })); err != nil {
		t.Fatal(err)
	}
	bus.Emit(context.Background(), catalog.Error, nil, slog.String("error_message", "x"))
	if len(got) != 1 || !errors.Is(got[0], errWrite) || got[0].Error() != "codexslog: codex.error: disk full" {
		t.Errorf("errors %v", got)
	}
	// Without a handler the error is ignored, as slog.Logger ignores it.
	bus2 := telemetry.New()
	if _, err := Attach(bus2, h); err != nil {
		t.Fatal(err)
	}
	bus2.Emit(context.Background(), catalog.Error, nil, slog.String("error_message", "x"))
}

// levelHandler records what it is asked and given.
type levelHandler struct {
	min     slog.Level
	asked   []slog.Level
	handled []slog.Record
}

func (h *levelHandler) Enabled(_ context.Context, l slog.Level) bool {
	h.asked = append(h.asked, l)
	return l >= h.min
}
func (h *levelHandler) Handle(_ context.Context, r slog.Record) error {
	h.handled = append(h.handled, r)
	return nil
}
func (h *levelHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *levelHandler) WithGroup(string) slog.Handler      { return h }

func TestAttachLevels(t *testing.T) {
	failure := func(bus *telemetry.Bus) {
		bus.Emit(context.Background(), catalog.ToolFailure, nil,
			slog.String("tool", "shell"), slog.String("tool_kind", "command_execution"), slog.String("call_id", "i"),
			slog.String("input", "make"), slog.String("kind", "error"), slog.String("reason", "exit 2"),
			slog.String("error_type", "*exec.ExitError"), slog.String("status", "failed"))
	}
	for _, tc := range []struct {
		name    string
		policy  dataPolicy
		min     slog.Level
		asked   string
		handled string
	}{
		// Redacted, tool.failure is DEBUG; with tool data (its data message
		// names input) it is ERROR. The bus asks first whether either level
		// is enabled (DEBUG, then ERROR when DEBUG is not); a handler that
		// enables neither costs nothing more. Then the adapter asks about
		// the level of the event as redacted.
		{"redacted at info", dataPolicy{}, slog.LevelInfo, "[DEBUG ERROR DEBUG]", "[]"},
		{"data at info", dataPolicy{ToolData: true}, slog.LevelInfo, "[DEBUG ERROR ERROR]", "[ERROR]"},
		{"data at debug", dataPolicy{ToolData: true}, slog.LevelDebug, "[DEBUG ERROR]", "[ERROR]"},
		{"redacted at debug", dataPolicy{}, slog.LevelDebug, "[DEBUG DEBUG]", "[DEBUG]"},
		{"data at critical", dataPolicy{ToolData: true}, slog.Level(12), "[DEBUG ERROR]", "[]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bus := telemetry.New(telemetry.WithModelData(tc.policy.ModelData), telemetry.WithToolData(tc.policy.ToolData))
			h := &levelHandler{min: tc.min}
			if _, err := Attach(bus, h); err != nil {
				t.Fatal(err)
			}
			failure(bus)
			var handled []slog.Level
			for _, r := range h.handled {
				handled = append(handled, r.Level)
			}
			if got := fmt.Sprint(h.asked); got != tc.asked {
				t.Errorf("asked %s, want %s", got, tc.asked)
			}
			if got := fmt.Sprint(handled); got != tc.handled {
				t.Errorf("handled %s, want %s", got, tc.handled)
			}
		})
	}
}

func TestAttachCritical(t *testing.T) {
	// No catalog event is CRITICAL; a record at Level(CRITICAL) is written
	// all the same, never panicking or exiting.
	var buf bytes.Buffer
	h := NewPythonHandler(&buf, mustText(t, "%(levelname)s:%(name)s:%(message)s"), nil)
	rec := slog.NewRecord(time.Now(), Level(pylog.Critical), "the end", 0)
	rec.AddAttrs(slog.String(LoggerKey, "codex"))
	if err := h.Handle(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "CRITICAL:codex:the end\n" {
		t.Errorf("got %q", got)
	}
	buf.Reset()
	slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr { return dropTime(a) }})).
		Log(context.Background(), Level(pylog.Critical), "the end")
	if got := buf.String(); got != "level=ERROR+4 msg=\"the end\"\n" {
		t.Errorf("slog's text handler: %q", got)
	}
}

// TestConcurrentLines emits from 16 goroutines through one PythonHandler
// (and the application's own slog calls through it) and checks that no
// line is torn or interleaved. Run it under -race.
func TestConcurrentLines(t *testing.T) {
	const goroutines, each = 16, 200
	bus := telemetry.New(telemetry.WithToolData(true), telemetry.WithThrottle(nil))
	var out bytes.Buffer // not safe for concurrent use: the handler's mutex must guard it
	h := NewPythonHandler(&out, mustJSON(t, "%(asctime)s %(levelname)s %(name)s %(message)s"), &slog.HandlerOptions{Level: slog.LevelDebug})
	if _, err := Attach(bus, h); err != nil {
		t.Fatal(err)
	}
	app := slog.New(h).With(LoggerKey, "app")
	long := strings.Repeat("x", 4096)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			ctx := correlation.With(context.Background(), correlation.IDs{Thread: fmt.Sprintf("thread-%d", g)})
			for i := range each {
				if i%2 == 0 {
					toolStart(bus, ctx)
				} else {
					app.Info("app line", "g", g, "i", i, "long", long)
				}
			}
		})
	}
	wg.Wait()
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %d is torn: %v: %.200s", n+1, err, sc.Bytes())
		}
		n++
	}
	if n != goroutines*each {
		t.Errorf("%d lines, want %d", n, goroutines*each)
	}
}

// dataPolicy says which data classes a test bus lets through
// (telemetry.WithModelData, telemetry.WithToolData).
type dataPolicy struct{ ModelData, ToolData bool }
