package codexzerolog_test

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

	"github.com/rs/zerolog"

	codexzerolog "github.com/codextel/codextel/adapters/zerolog"
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

func attach(t *testing.T, bus *telemetry.Bus, l zerolog.Logger) {
	t.Helper()
	detach, err := codexzerolog.Attach(bus, l)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { detach() })
}

// attachAll attaches the adapter for every event, with the bus's clock, as
// Attach gives it.
func attachAll(t *testing.T, bus *telemetry.Bus, l zerolog.Logger) {
	t.Helper()
	detach, err := bus.Attach(codexzerolog.DefaultID, codexzerolog.New(l), "*")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { detach() })
}

// keys returns the top-level keys of a JSON object, in order.
func keys(t *testing.T, line string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(line))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %q", line)
	}
	var out []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestRecord checks one event written natively: fields in the event's order
// after the logger name, with their JSON types, the event's own time, the
// correlation fields and the message last.
func TestRecord(t *testing.T) {
	var w bytes.Buffer
	bus := newBus(t)
	attachAll(t, bus, zerolog.New(&w))
	ctx := correlation.With(context.Background(), correlation.IDs{Correlation: "c1", Thread: "th", Turn: "tu", Span: "s1", ParentSpan: "s0"})
	e := telemetry.NewEvent(catalog.ItemWarning, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC))
	e.AddMeasurements(telemetry.Int("n", 7))
	e.AddMetadata(
		slog.String("warning", "low disk"),
		slog.String("call_id", "call_1"),
		slog.Int("z_int", -3),
		slog.Uint64("big", math.MaxUint64),
		slog.Float64("f", 1.5),
		slog.Float64("nan", math.NaN()),
		slog.Bool("ok", true),
		slog.Duration("d", 1500*time.Millisecond),
		slog.Time("zero_time", time.Time{}),
		slog.Any("none", nil),
		slog.Any("err", errors.New("bad")),
		slog.Group("obj", slog.Int("z", 1), slog.Int("a", 2), slog.Group("inner", slog.String("y", "1"), slog.String("b", "2"))),
		slog.Group("empty"),
		slog.Any("list", []any{int64(1), "a", nil, 2.5, true, slog.GroupValue(slog.Int("z", 1), slog.Int("a", 2)), []any{int64(3)}}),
		slog.Any("num", json.Number("12345678901234567890")),
	)
	bus.EmitEvent(ctx, e)

	line := w.String()
	wantKeys := "level logger warning call_id z_int big f nan ok d zero_time none err obj list num n " +
		"correlation_id thread_id turn_id span_id parent_span_id time message"
	if got := strings.Join(keys(t, line), " "); got != wantKeys {
		t.Errorf("keys:\n got %s\nwant %s", got, wantKeys)
	}
	for _, want := range []string{
		`{"level":"warn","logger":"codex.item","warning":"low disk","call_id":"call_1",`,
		`"z_int":-3,"big":18446744073709551615,"f":1.5,"nan":"NaN","ok":true,"d":1500,`,
		`"zero_time":"0001-01-01T00:00:00Z","none":null,"err":"bad",`,
		`"obj":{"z":1,"a":2,"inner":{"y":"1","b":"2"}},`,
		`"list":[1,"a",null,2.5,true,{"z":1,"a":2},[3]],"num":12345678901234567890,"n":7,`,
		`"correlation_id":"c1","thread_id":"th","turn_id":"tu","span_id":"s1","parent_span_id":"s0",`,
		`"time":"2024-01-02T03:04:05Z","message":"low disk"}` + "\n",
	} {
		if !strings.Contains(line, want) {
			t.Errorf("missing %s in\n%s", want, line)
		}
	}
}

// TestTime checks where the time comes from: the event's, else the bus
// clock's; zerolog's own when the logger stamps its lines (and then once).
func TestTime(t *testing.T) {
	var w bytes.Buffer
	bus := newBus(t)
	attach(t, bus, zerolog.New(&w))
	bus.Emit(context.Background(), catalog.TurnCompactionStarted, nil)
	if !strings.Contains(w.String(), `"time":"2025-12-02T10:52:12Z"`) {
		t.Errorf("an event without a time takes the bus clock's: %s", w.String())
	}

	w.Reset()
	bus = newBus(t)
	before := time.Now().Add(-time.Second)
	attach(t, bus, zerolog.New(&w).With().Timestamp().Logger())
	bus.EmitEvent(context.Background(), telemetry.NewEvent(catalog.TurnCompactionStarted, time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)))
	line := w.String()
	if n := strings.Count(line, `"time":`); n != 1 {
		t.Fatalf("%d time keys: %s", n, line)
	}
	var m struct{ Time time.Time }
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		t.Fatal(err)
	}
	if m.Time.Before(before) {
		t.Errorf("a Timestamp logger writes the time of the write: %s", line)
	}
}

// TestEmptyMessage checks that an empty message is written, although
// zerolog's Msg("") leaves the key out.
func TestEmptyMessage(t *testing.T) {
	var w bytes.Buffer
	bus := newBus(t)
	attach(t, bus, zerolog.New(&w))
	bus.Emit(context.Background(), catalog.ItemWarning, nil, slog.String("warning", ""))
	if !strings.HasSuffix(w.String(), `"message":""}`+"\n") {
		t.Errorf("got %s", w.String())
	}
}

type ctxKey struct{}

// TestContext checks that zerolog hooks see the context the event was
// emitted in, natively and through a Python logger.
func TestContext(t *testing.T) {
	for _, python := range []bool{false, true} {
		t.Run(fmt.Sprint("python=", python), func(t *testing.T) {
			var w bytes.Buffer
			l := zerolog.New(&w)
			if python {
				f, _ := pylog.NewFormatter("")
				l = codexzerolog.NewPythonLogger(&w, f)
			}
			var seen []any
			l = l.Hook(zerolog.HookFunc(func(e *zerolog.Event, _ zerolog.Level, _ string) {
				seen = append(seen, e.GetCtx().Value(ctxKey{}))
			}))
			bus := newBus(t)
			attach(t, bus, l)
			bus.Emit(context.WithValue(context.Background(), ctxKey{}, "v1"), catalog.TurnCompactionStarted, nil)
			if len(seen) != 1 || seen[0] != "v1" {
				t.Errorf("the hook saw %v", seen)
			}
		})
	}
}

// TestHooksAfterPythonLogger pins what NewPythonLogger documents: a hook added
// after it sees adapter events discarded, and the line is the Python one.
func TestHooksAfterPythonLogger(t *testing.T) {
	var w bytes.Buffer
	f, _ := pylog.NewFormatter("%(levelname)s:%(name)s:%(message)s")
	var levels []zerolog.Level
	l := codexzerolog.NewPythonLogger(&w, f).Hook(zerolog.HookFunc(func(_ *zerolog.Event, l zerolog.Level, _ string) {
		levels = append(levels, l)
	}))
	bus := newBus(t)
	attach(t, bus, l)
	bus.Emit(context.Background(), catalog.TurnCompactionStarted, nil)
	l.Warn().Msg("own")
	if got, want := w.String(), "INFO:codex.turn:Compacting conversation history\nWARNING:root:own\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if len(levels) != 2 || levels[0] != zerolog.Disabled || levels[1] != zerolog.WarnLevel {
		t.Errorf("levels seen by the later hook: %v", levels)
	}
}

func TestDetach(t *testing.T) {
	var w bytes.Buffer
	bus := newBus(t)
	detach, err := bus.Attach("mine", codexzerolog.New(zerolog.New(&w)), "codex.turn.*")
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
	detach, err := codexzerolog.Attach(nil, zerolog.New(&w)) // the default bus
	if err != nil {
		t.Fatal(err)
	}
	telemetry.Default().Emit(context.Background(), catalog.TurnCompactionStarted, nil)
	if err := detach(); err != nil || !strings.Contains(w.String(), "Compacting") {
		t.Errorf("nil bus: detach %v, wrote %q; want the default bus's event", err, w.String())
	}
	bus := newBus(t)
	attach(t, bus, zerolog.Nop())
	if _, err := codexzerolog.Attach(bus, zerolog.Nop()); !errors.Is(err, telemetry.ErrDuplicateHandler) {
		t.Errorf("same id twice: %v", err)
	}
	if _, err := bus.Attach("x", codexzerolog.New(zerolog.Nop()), "bad..name"); !errors.Is(err, telemetry.ErrBadName) {
		t.Errorf("bad pattern: %v", err)
	}
}

// lineChecker is a writer that fails the test when a Write is not exactly
// one whole JSON line. It is safe for concurrent use.
type lineChecker struct {
	t     *testing.T
	mu    sync.Mutex
	lines int
}

func (c *lineChecker) Write(p []byte) (int, error) {
	if !bytes.HasSuffix(p, []byte("\n")) || bytes.Count(p, []byte("\n")) != 1 || !json.Valid(p) {
		c.t.Errorf("not one JSON line: %q", p)
	}
	c.mu.Lock()
	c.lines++
	c.mu.Unlock()
	return len(p), nil
}

// TestConcurrent emits from 16 goroutines: every line is whole, natively
// (through a writer safe for concurrent use, as zerolog requires) and through
// a Python logger (which serializes its writes itself: a bytes.Buffer is
// fine).
func TestConcurrent(t *testing.T) {
	const goroutines, events = 16, 200
	emit := func(bus *telemetry.Bus) {
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
	}

	c := &lineChecker{t: t}
	bus := newBus(t)
	attach(t, bus, zerolog.New(c))
	emit(bus)
	if c.lines != goroutines*events {
		t.Errorf("%d lines, want %d", c.lines, goroutines*events)
	}

	var buf bytes.Buffer
	f, _ := pylog.NewJSONFormatter("%(levelname)s %(name)s %(message)s")
	bus = newBus(t)
	attach(t, bus, codexzerolog.NewPythonLogger(&buf, f))
	emit(bus)
	n := 0
	for line := range strings.Lines(buf.String()) {
		n++
		if !json.Valid([]byte(line)) {
			t.Fatalf("line %d: %q", n, line)
		}
	}
	if n != goroutines*events {
		t.Errorf("%d Python lines, want %d", n, goroutines*events)
	}
}
