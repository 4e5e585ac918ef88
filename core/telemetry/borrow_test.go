package telemetry_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

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
