package codexlogrus_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	codexlogrus "github.com/codextel/codextel/adapters/logrus"
	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

var when = time.Date(2025, 12, 2, 10, 52, 12, 123456789, time.UTC)

// newBus returns a bus that lets every field through, whose clock reads when.
func newBus(t *testing.T) *telemetry.Bus {
	bus := telemetry.New(telemetry.WithScrubber(nil), telemetry.WithThrottle(nil), telemetry.WithClock(func() time.Time { return when }))
	t.Cleanup(bus.Close)
	return bus
}

func attach(t *testing.T, bus *telemetry.Bus, l logrus.FieldLogger) {
	t.Helper()
	detach, err := codexlogrus.Attach(bus, l)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { detach() })
}

// attachAll attaches the adapter for every event, with the bus's clock, as
// Attach gives it.
func attachAll(t *testing.T, bus *telemetry.Bus, l logrus.FieldLogger) {
	t.Helper()
	detach, err := bus.Attach(codexlogrus.DefaultID, codexlogrus.New(l), "*")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { detach() })
}

// jsonLogger returns a logger writing logrus' JSON to w, at every level.
func jsonLogger(w *bytes.Buffer, f logrus.Formatter) *logrus.Logger {
	if f == nil {
		f = &logrus.JSONFormatter{TimestampFormat: time.RFC3339Nano}
	}
	return &logrus.Logger{Out: w, Formatter: f, Hooks: make(logrus.LevelHooks), Level: logrus.TraceLevel}
}

// TestRecord checks one event written through logrus' JSONFormatter: the
// values keep their types, objects their order; the time is the event's; the
// correlation fields are there. logrus sorts the top-level keys.
func TestRecord(t *testing.T) {
	var w bytes.Buffer
	bus := newBus(t)
	attachAll(t, bus, jsonLogger(&w, nil))
	ctx := correlation.With(context.Background(), correlation.IDs{Correlation: "c1", Thread: "th", Turn: "tu", Span: "s1", ParentSpan: "s0"})
	e := telemetry.NewEvent(catalog.ItemWarning, time.Date(2024, 1, 2, 3, 4, 5, 6000, time.UTC))
	e.AddMeasurements(telemetry.Int("n", 7))
	e.AddMetadata(
		slog.String("warning", "low disk"),
		slog.Int("z_int", -3),
		slog.Uint64("big", math.MaxUint64),
		slog.Float64("f", 1.5),
		slog.Float64("nan", math.NaN()),
		slog.Float64("inf", math.Inf(-1)),
		slog.Bool("ok", true),
		slog.Duration("d", 1500*time.Millisecond),
		slog.Time("zero_time", time.Time{}),
		slog.Any("none", nil),
		slog.Any("err", errors.New("bad")),
		slog.Group("obj", slog.Int("z", 1), slog.Int("a", 2), slog.Group("inner", slog.String("y", "1"), slog.String("b", "2"))),
		slog.Group("empty"),
		slog.Group("", slog.String("inlined", "yes")),
		slog.Any("list", []any{int64(1), "a", nil, math.NaN(), slog.GroupValue(slog.Int("z", 1), slog.Int("a", 2)), []any{int64(3)}}),
	)
	bus.EmitEvent(ctx, e)

	want := `{"big":18446744073709551615,"correlation_id":"c1","d":1500000000,"err":"bad","f":1.5,"inf":"-Infinity",` +
		`"inlined":"yes","level":"warning","list":[1,"a",null,"NaN",{"z":1,"a":2},[3]],"logger":"codex.item",` +
		`"msg":"low disk","n":7,"nan":"NaN","none":null,"obj":{"z":1,"a":2,"inner":{"y":"1","b":"2"}},"ok":true,` +
		`"parent_span_id":"s0","span_id":"s1","thread_id":"th","time":"2024-01-02T03:04:05.000006Z","turn_id":"tu",` +
		`"warning":"low disk","z_int":-3,"zero_time":"0001-01-01T00:00:00Z"}` + "\n"
	if got := w.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestTextFormatter checks logrus' own text format: an object is its JSON.
func TestTextFormatter(t *testing.T) {
	var w bytes.Buffer
	bus := newBus(t)
	attach(t, bus, jsonLogger(&w, &logrus.TextFormatter{DisableTimestamp: true}))
	bus.Emit(context.Background(), catalog.Error, nil, slog.String("error_message", "x"), slog.Group("cfg", slog.Int("z", 1), slog.Int("a", 2)))
	if got, want := w.String(), `level=warning msg=x cfg="{\"z\":1,\"a\":2}" error_message=x logger=codex`+"\n"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestLoggers checks the loggers Attach takes: a *logrus.Entry, whose fields
// (but not later changes to them) every event carries, and any other
// FieldLogger.
func TestLoggers(t *testing.T) {
	var w bytes.Buffer
	bus := newBus(t)
	entry := jsonLogger(&w, nil).WithField("service", "checkout")
	attach(t, bus, entry)
	entry.Data["service"] = "changed later"
	bus.Emit(context.Background(), catalog.TurnCompactionStarted, nil)
	if !strings.Contains(w.String(), `"service":"checkout"`) {
		t.Errorf("entry fields: %s", w.String())
	}

	w.Reset()
	bus = newBus(t)
	attach(t, bus, wrapper{jsonLogger(&w, nil).WithField("wrapped", true)})
	bus.Emit(context.Background(), catalog.TurnCompactionStarted, nil)
	if !strings.Contains(w.String(), `"wrapped":true`) {
		t.Errorf("FieldLogger: %s", w.String())
	}

	// A nil logger, or an entry without one, is logrus' standard logger.
	std := logrus.StandardLogger()
	out, formatter := std.Out, std.Formatter
	defer func() { std.SetOutput(out); std.SetFormatter(formatter) }()
	for _, l := range []logrus.FieldLogger{nil, (*logrus.Logger)(nil), (*logrus.Entry)(nil), wrapper{&logrus.Entry{}}} {
		var got bytes.Buffer
		std.SetOutput(&got)
		std.SetFormatter(&logrus.JSONFormatter{})
		bus := newBus(t)
		if _, err := bus.Attach("nil", codexlogrus.New(l), "*"); err != nil {
			t.Fatal(err)
		}
		bus.Emit(context.Background(), catalog.ItemWarning, nil, slog.String("warning", "to the standard logger"))
		if !strings.Contains(got.String(), "to the standard logger") {
			t.Errorf("New(%#v) wrote %q to the standard logger, want the event", l, got.String())
		}
	}
}

// wrapper is a logrus.FieldLogger that is neither a Logger nor an Entry.
type wrapper struct{ *logrus.Entry }

func (w wrapper) WithFields(f logrus.Fields) *logrus.Entry { return w.Entry.WithFields(f) }

type ctxKey struct{}

// contextHook records a context value of the entries it sees.
type contextHook struct{ seen []any }

func (h *contextHook) Levels() []logrus.Level { return logrus.AllLevels }
func (h *contextHook) Fire(e *logrus.Entry) error {
	h.seen = append(h.seen, e.Context.Value(ctxKey{}))
	return nil
}

// TestContext checks that hooks see the context the event was emitted in, in
// the entry's Context, natively and through a PythonFormatter.
func TestContext(t *testing.T) {
	for _, python := range []bool{false, true} {
		t.Run(fmt.Sprint("python=", python), func(t *testing.T) {
			var w bytes.Buffer
			l := jsonLogger(&w, nil)
			if python {
				f, _ := pylog.NewFormatter("")
				l = codexlogrus.NewPythonLogger(&w, f)
			}
			hook := new(contextHook)
			l.AddHook(hook)
			bus := newBus(t)
			attach(t, bus, l)
			bus.Emit(context.WithValue(context.Background(), ctxKey{}, "v1"), catalog.TurnCompactionStarted, nil)
			if len(hook.seen) != 1 || hook.seen[0] != "v1" {
				t.Errorf("the hook saw %v", hook.seen)
			}
		})
	}
}

func TestDetach(t *testing.T) {
	var w bytes.Buffer
	bus := newBus(t)
	detach, err := bus.Attach("mine", codexlogrus.New(jsonLogger(&w, nil)), "codex.turn.*")
	if err != nil {
		t.Fatal(err)
	}
	if hs := bus.Handlers(""); len(hs) != 1 || hs[0].ID != "mine" || hs[0].Patterns[0] != "codex.turn.*" {
		t.Fatalf("handlers %+v", hs)
	}
	bus.Emit(context.Background(), catalog.TurnCompactionStarted, nil)
	bus.Emit(context.Background(), catalog.ItemWarning, nil, slog.String("warning", "not taken"))
	if err := detach(); err != nil {
		t.Fatal(err)
	}
	bus.Emit(context.Background(), catalog.TurnCompactionStarted, nil)
	if n := strings.Count(w.String(), "\n"); n != 1 {
		t.Errorf("%d lines: %s", n, w.String())
	}
	if err := detach(); !errors.Is(err, telemetry.ErrUnknownHandler) {
		t.Errorf("second detach: %v", err)
	}
}

func TestAttachErrors(t *testing.T) {
	var w bytes.Buffer
	detach, err := codexlogrus.Attach(nil, jsonLogger(&w, nil)) // the default bus
	if err != nil {
		t.Fatal(err)
	}
	telemetry.Default().Emit(context.Background(), catalog.TurnCompactionStarted, nil)
	if err := detach(); err != nil || !strings.Contains(w.String(), "Compacting") {
		t.Errorf("nil bus: detach %v, wrote %q; want the default bus's event", err, w.String())
	}
	bus := newBus(t)
	attach(t, bus, logrus.New())
	if _, err := codexlogrus.Attach(bus, logrus.New()); !errors.Is(err, telemetry.ErrDuplicateHandler) {
		t.Errorf("same id twice: %v", err)
	}
	if _, err := bus.Attach("x", codexlogrus.New(logrus.New()), "bad..name"); !errors.Is(err, telemetry.ErrBadName) {
		t.Errorf("bad pattern: %v", err)
	}
}

// TestConcurrent emits from 16 goroutines through logrus' JSON and through a
// Python logger: logrus serializes the writes, every line is whole.
func TestConcurrent(t *testing.T) {
	const goroutines, events = 16, 200
	for _, python := range []bool{false, true} {
		t.Run(fmt.Sprint("python=", python), func(t *testing.T) {
			var w bytes.Buffer
			l := jsonLogger(&w, nil)
			if python {
				f, _ := pylog.NewJSONFormatter("%(levelname)s %(name)s %(message)s")
				l = codexlogrus.NewPythonLogger(&w, f)
			}
			bus := newBus(t)
			attach(t, bus, l)
			var wg sync.WaitGroup
			for g := range goroutines {
				wg.Go(func() {
					ctx := correlation.With(context.Background(), correlation.IDs{Thread: fmt.Sprint("t", g)})
					for i := range events {
						bus.Emit(ctx, catalog.ItemWarning, nil, slog.String("warning", strings.Repeat("w", i)), slog.Int("i", i))
					}
				})
			}
			wg.Wait()
			n := 0
			for line := range strings.Lines(w.String()) {
				n++
				if !json.Valid([]byte(line)) {
					t.Fatalf("line %d: %q", n, line)
				}
			}
			if n != goroutines*events {
				t.Errorf("%d lines, want %d", n, goroutines*events)
			}
		})
	}
}
