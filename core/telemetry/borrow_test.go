package telemetry_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"

	"github.com/codextel/codextel/core/telemetry"
)

// TestKeptEventIsPoisoned: an event is valid only during Handle. A handler
// that keeps it without Clone reads garbage once the emission is over (in
// race builds at once: the bus poisons the record; in others when the
// record is reused), while its clone keeps the event whole.
func TestKeptEventIsPoisoned(t *testing.T) {
	bus := telemetry.New()
	var kept, cloned []telemetry.Event
	mustAttach(t, bus, "keep", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
		kept = append(kept, e)
		cloned = append(cloned, e.Clone())
	}), "myapp.*")
	for _, tc := range []struct{ v string }{{"first"}, {"second"}} {
		bus.Emit(context.Background(), "myapp.event", []telemetry.Measurement{telemetry.Int("n", 1)}, slog.String("value", tc.v))
	}
	for i, want := range []string{"myapp.event{n=1}[value=first]", "myapp.event{n=1}[value=second]"} {
		if got := cloned[i].String(); got != want {
			t.Errorf("clone %d = %s, want %s", i, got, want)
		}
	}
	if got := kept[0].String(); got == cloned[0].String() {
		t.Errorf("an event kept past Handle still reads %s", got)
	}
	if raceEnabled {
		for i, e := range kept {
			if got := e.String(); !strings.Contains(got, "event used after Handle returned") {
				t.Errorf("kept event %d = %s, want poisoned", i, got)
			}
		}
	}
}

// TestKeptEventIdsArePoisoned: an event without fields, kept past Handle,
// reads another emission's ids and entry once its record is reused, and
// poison in race builds, where it must not pass for a valid event.
func TestKeptEventIdsArePoisoned(t *testing.T) {
	bus := telemetry.New()
	var kept []telemetry.Event
	mustAttach(t, bus, "keep", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
		kept = append(kept, e)
	}), "codex.*", "myapp.*")
	bus.Emit(correlation.With(context.Background(), correlation.IDs{Thread: "t1"}), catalog.ToolStart, nil)
	bus.Emit(correlation.With(context.Background(), correlation.IDs{Thread: "t2"}), "myapp.event", nil)
	e := kept[0]
	if e.IDs().Thread == "t1" && e.Entry() != nil && e.Entry().Name == catalog.ToolStart {
		t.Errorf("an event kept past Handle still reads its ids %+v and entry %s", e.IDs(), e.Entry().Name)
	}
	if raceEnabled {
		for i, e := range kept {
			if e.IDs().Thread != e.IDs().Correlation || !strings.Contains(e.IDs().Thread, "event used after Handle returned") {
				t.Errorf("kept event %d has ids %+v, want poisoned", i, e.IDs())
			}
			if en := e.Entry(); en == nil || !strings.Contains(en.Name, "event used after Handle returned") {
				t.Errorf("kept event %d has entry %v, want poisoned", i, en)
			}
		}
	}
}

// TestOneClockReadPerEmission: with one handler the bus reads its clock
// only when the handler asks for the time, and once however often it asks;
// with two, once before dispatch, so both have one time.
func TestOneClockReadPerEmission(t *testing.T) {
	clock := &fakeClock{now: mustTime(t, "2025-12-02T10:52:12Z"), step: 1}
	reads := func() time.Time { clock.mu.Lock(); defer clock.mu.Unlock(); return clock.now }
	bus := telemetry.New(telemetry.WithClock(clock.Now))
	var times []time.Time
	ask := false
	mustAttach(t, bus, "a", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
		if ask {
			times = append(times, e.When(), e.When())
		}
	}), "myapp.*")

	before := reads()
	bus.Emit(context.Background(), "myapp.quiet", nil)
	if !reads().Equal(before) {
		t.Error("the bus read its clock for a handler that never asked")
	}
	ask = true
	bus.Emit(context.Background(), "myapp.asked", nil)
	if !reads().Equal(before.Add(1)) || !times[0].Equal(before) || !times[1].Equal(before) {
		t.Errorf("one handler asking twice: times %v, clock at %v, want one read", times, reads())
	}

	var clone telemetry.Event
	mustAttach(t, bus, "b", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
		clone = e.Clone()
	}), "myapp.*")
	times = nil
	bus.Emit(context.Background(), "myapp.two", nil)
	if !reads().Equal(before.Add(2)) || !times[0].Equal(times[1]) || !clone.When().Equal(times[0]) {
		t.Errorf("two handlers: times %v and %v, clock at %v, want one read", times, clone.When(), reads())
	}
}

// asker counts the questions it is asked and takes the names in yes.
type asker struct {
	mu    sync.Mutex
	asked map[string]int
	yes   map[string]bool
	got   []string
}

func (h *asker) Enabled(_ context.Context, entry *catalog.Entry, name string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if (entry == nil) != (name == "myapp.event" || name == "myapp.other") {
		panic("asked about " + name + " with the wrong entry")
	}
	h.asked[name]++
	return h.yes[name]
}
func (h *asker) Handle(_ context.Context, e telemetry.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.got = append(h.got, e.Name)
}

type staticAsker struct{ asker }

func (*staticAsker) EnabledIsStatic() {}

// TestEnabledHandlers: the bus asks an EnabledHandler on every emission,
// with the event's catalog entry, and a StaticEnabledHandler once per
// routed name when handlers are attached; declined events reach nobody.
func TestEnabledHandlers(t *testing.T) {
	ctx := context.Background()
	yes := map[string]bool{catalog.ToolStart: true, "myapp.event": true, "myapp.other": true}
	dynamic := &asker{asked: map[string]int{}, yes: yes}
	static := &staticAsker{asker{asked: map[string]int{}, yes: yes}}
	bus := telemetry.New()
	mustAttach(t, bus, "dynamic", dynamic, "codex.tool.*", "myapp.event")
	mustAttach(t, bus, "static", static, "codex.tool.*", "myapp.event")
	attachAsks := static.asked[catalog.ToolStart]
	for range 3 {
		bus.Emit(ctx, catalog.ToolStart, nil)
		bus.Emit(ctx, catalog.ToolSuccess, nil)
		bus.Emit(ctx, "myapp.event", nil)
	}
	if !bus.Enabled(catalog.ToolStart) || bus.Enabled(catalog.ToolSuccess) {
		t.Errorf("Enabled: tool.start %v, tool.success %v", bus.Enabled(catalog.ToolStart), bus.Enabled(catalog.ToolSuccess))
	}
	if got := dynamic.asked[catalog.ToolSuccess]; got != 4 {
		t.Errorf("the dynamic handler was asked %d times about tool.success, want 4", got)
	}
	if static.asked[catalog.ToolStart] != attachAsks || static.asked["myapp.event"] != attachAsks {
		t.Errorf("the static handler was asked at emission: %v", static.asked)
	}
	want := []string{catalog.ToolStart, "myapp.event", catalog.ToolStart, "myapp.event", catalog.ToolStart, "myapp.event"}
	if !slices.Equal(dynamic.got, want) || !slices.Equal(static.got, want) {
		t.Errorf("handled %v and %v, want %v", dynamic.got, static.got, want)
	}
}

// TestAppendMetadata: AppendMetadata appends what ranging over Metadata
// yields, after what dst holds, and writing the result leaves the event
// alone.
func TestAppendMetadata(t *testing.T) {
	for _, tc := range []struct {
		name string
		md   []slog.Attr
		dst  []slog.Attr
	}{
		{"none", nil, nil},
		{"none after some", nil, []slog.Attr{slog.Int("x", 1)}},
		{"three", []slog.Attr{slog.String("a", "1"), slog.Int("b", 2), slog.Bool("c", true)}, nil},
		{"after some, in spare capacity", []slog.Attr{slog.String("a", "1")}, append(make([]slog.Attr, 0, 8), slog.Int("x", 1))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := telemetry.NewEvent("codex.test", time.Time{})
			e.AddMetadata(tc.md...)
			want := slices.Clone(tc.dst)
			for a := range e.Metadata {
				want = append(want, a)
			}
			got := e.AppendMetadata(tc.dst)
			if !slices.EqualFunc(got, want, slog.Attr.Equal) {
				t.Fatalf("AppendMetadata = %v, want %v", got, want)
			}
			for i := len(tc.dst); i < len(got); i++ {
				got[i] = slog.String("overwritten", "x")
			}
			if n := e.NumMetadata(); n != len(tc.md) {
				t.Fatalf("NumMetadata = %d after writing the result, want %d", n, len(tc.md))
			}
			for a := range e.Metadata {
				if a.Key == "overwritten" {
					t.Fatalf("writing AppendMetadata's result changed the event: %v", e)
				}
			}
		})
	}
}

// TestOneDynamicHandler: a name whose route holds one EnabledHandler asks
// it on every emission (its answer, a logger's level, changes at run time),
// for catalog names and for others, through Emit, EmitEvent, Enabled and
// spans alike.
func TestOneDynamicHandler(t *testing.T) {
	ctx := context.Background()
	h := &asker{asked: map[string]int{}, yes: map[string]bool{}}
	bus := telemetry.New()
	mustAttach(t, bus, "one", h, catalog.ToolStart, "myapp.event")
	for round, on := range []bool{false, true, false, true} {
		h.mu.Lock()
		h.yes[catalog.ToolStart], h.yes["myapp.event"] = on, on
		h.got = nil
		h.mu.Unlock()
		bus.Emit(ctx, catalog.ToolStart, nil)
		bus.Emit(ctx, "myapp.event", nil)
		bus.EmitEvent(ctx, telemetry.NewEvent(catalog.ToolStart, time.Time{}))
		if got := bus.Enabled(catalog.ToolStart); got != on {
			t.Errorf("round %d: Enabled = %v, want %v", round, got, on)
		}
		var want []string
		if on {
			want = []string{catalog.ToolStart, "myapp.event", catalog.ToolStart}
		}
		if !slices.Equal(h.got, want) {
			t.Errorf("round %d (enabled %v): handled %v, want %v", round, on, h.got, want)
		}
	}
	if h.asked[catalog.ToolStart] != 12 || h.asked["myapp.event"] != 4 {
		t.Errorf("asked %v, want tool.start 12 times and myapp.event 4", h.asked)
	}
}

// TestAddToBorrowedEvent: a handler that adds to the event it is handed,
// without cloning it, changes its own copy only. The handlers after it see
// the emission as it was, and the changed copy keeps the emission's time
// and correlation ids.
func TestAddToBorrowedEvent(t *testing.T) {
	tick := time.Date(2026, 12, 5, 1, 2, 3, 0, time.UTC)
	bus := telemetry.New(telemetry.WithClock(func() time.Time { tick = tick.Add(time.Second); return tick }))
	var changed string
	var changedAt time.Time
	var changedIDs correlation.IDs
	mustAttach(t, bus, "adder", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
		e.AddMetadata(slog.String("mine", "x"))
		e.AddMeasurements(telemetry.Int("n", 1))
		e.SetIDs(correlation.IDs{Thread: "other"})
		changed, changedAt = e.String(), e.When()
		e.SetIDs(e.IDs()) // a second change, on the copy already owned
		changedIDs = e.IDs()
	}), "codex.e")
	after := &recorder{}
	mustAttach(t, bus, "after", after, "codex.e")

	ctx := correlation.With(context.Background(), correlation.IDs{Thread: "t1"})
	bus.Emit(ctx, "codex.e", []telemetry.Measurement{telemetry.Int("m", 2)}, slog.String("k", "v"))

	if want := "codex.e{m=2, n=1}[k=v, mine=x]"; changed != want {
		t.Errorf("the adder's copy = %s, want %s", changed, want)
	}
	if changedIDs.Thread != "other" {
		t.Errorf("the adder's copy has ids %+v", changedIDs)
	}
	if len(after.events) != 1 {
		t.Fatalf("after got %d events", len(after.events))
	}
	got := after.events[0]
	if want := "codex.e{m=2}[k=v]"; got.String() != want {
		t.Errorf("the next handler got %s, want %s", got.String(), want)
	}
	if got.IDs().Thread != "t1" {
		t.Errorf("the next handler got ids %+v, want thread t1", got.IDs())
	}
	if !changedAt.Equal(got.When()) {
		t.Errorf("the adder's copy has time %v, the emission %v", changedAt, got.When())
	}
}

// TestAddDetachesBorrowedEvent: a borrowed event a handler adds to becomes
// an event of its own, fields and all: kept past Handle, it still reads as
// it was after the bus reuses the emission's record.
func TestAddDetachesBorrowedEvent(t *testing.T) {
	for _, add := range []struct {
		name string
		add  func(e *telemetry.Event)
		want string
	}{
		{"metadata", func(e *telemetry.Event) { e.AddMetadata(slog.String("mine", "x")) }, "myapp.event{n=1}[k=v1, mine=x]"},
		{"measurements", func(e *telemetry.Event) { e.AddMeasurements(telemetry.Int("m", 3)) }, "myapp.event{n=1, m=3}[k=v1]"},
		{"ids", func(e *telemetry.Event) { e.SetIDs(correlation.IDs{Thread: "mine"}) }, "myapp.event{n=1}[k=v1]"},
	} {
		t.Run(add.name, func(t *testing.T) {
			bus := telemetry.New()
			var kept []telemetry.Event
			mustAttach(t, bus, "keep", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
				add.add(&e)
				kept = append(kept, e)
			}), "myapp.*")
			bus.Emit(context.Background(), "myapp.event", []telemetry.Measurement{telemetry.Int("n", 1)}, slog.String("k", "v1"))
			bus.Emit(context.Background(), "myapp.event", []telemetry.Measurement{telemetry.Int("n", 2)}, slog.String("k", "v2"))
			if got := kept[0].String(); got != add.want {
				t.Errorf("kept after an Add = %s, want %s", got, add.want)
			}
			if kept[0].When().IsZero() || kept[0].When().Equal(time.Date(1, 2, 3, 4, 5, 6, 7, time.UTC)) {
				t.Errorf("kept after an Add has time %v", kept[0].When())
			}
		})
	}
}
