package telemetry_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/scrub"
	"github.com/codextel/codextel/core/telemetry"
)

// recorder keeps the events it handles, safe for concurrent use.
type recorder struct {
	mu     sync.Mutex
	events []telemetry.Event
}

func (r *recorder) Handle(_ context.Context, e telemetry.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e.Clone())
}

func (r *recorder) names() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, e := range r.events {
		out = append(out, e.Name)
	}
	return out
}

func (r *recorder) strings() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, e := range r.events {
		out = append(out, e.String())
	}
	return out
}

func TestAttachErrors(t *testing.T) {
	h := telemetry.HandlerFunc(func(context.Context, telemetry.Event) {})
	tests := []struct {
		name     string
		id       string
		handler  telemetry.Handler
		patterns []string
		want     error  // checked with errors.Is when set
		wantText string // a substring of the message
	}{
		{"duplicate id", "taken", h, []string{"codex.x"}, telemetry.ErrDuplicateHandler, `"taken"`},
		{"no patterns", "a", h, nil, telemetry.ErrBadName, "no event patterns"},
		{"empty id", "", h, []string{"codex.x"}, nil, "empty handler id"},
		{"nil handler", "a", nil, []string{"codex.x"}, nil, "nil handler"},
		{"empty pattern", "a", h, []string{""}, telemetry.ErrBadName, "empty name"},
		{"empty segment", "a", h, []string{"codex..x"}, telemetry.ErrBadName, "empty segment at byte 6"},
		{"trailing dot", "a", h, []string{"codex."}, telemetry.ErrBadName, "empty segment"},
		{"bad byte", "a", h, []string{"codex.tool start"}, telemetry.ErrBadName, "byte ' ' at 10"},
		{"star inside", "a", h, []string{"codex.*.start"}, telemetry.ErrBadName, `byte '*'`},
		{"bare prefix star", "a", h, []string{".*"}, telemetry.ErrBadName, "empty name"},
		{"second pattern bad", "a", h, []string{"codex.ok", "bad-name"}, telemetry.ErrBadName, `"bad-name"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bus := telemetry.New()
			if _, err := bus.Attach("taken", h, "codex.taken"); err != nil {
				t.Fatal(err)
			}
			_, err := bus.Attach(tt.id, tt.handler, tt.patterns...)
			if err == nil {
				t.Fatalf("Attach(%q, %v) = nil, want an error", tt.id, tt.patterns)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Attach error %v is not %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("Attach error %q does not mention %q", err, tt.wantText)
			}
			if got := len(bus.Handlers("")); got != 1 {
				t.Errorf("after a failed Attach, %d handlers are attached, want 1", got)
			}
		})
	}
}

func TestDetach(t *testing.T) {
	bus := telemetry.New()
	rec := &recorder{}
	mustAttach(t, bus, "rec", rec, "codex.a")
	if err := bus.Detach("nope"); !errors.Is(err, telemetry.ErrUnknownHandler) {
		t.Errorf("Detach(unknown) = %v, want ErrUnknownHandler", err)
	}
	bus.Emit(context.Background(), "codex.a", nil)
	if err := bus.Detach("rec"); err != nil {
		t.Fatal(err)
	}
	if err := bus.Detach("rec"); !errors.Is(err, telemetry.ErrUnknownHandler) {
		t.Errorf("second Detach = %v, want ErrUnknownHandler", err)
	}
	bus.Emit(context.Background(), "codex.a", nil)
	if got := rec.names(); !slices.Equal(got, []string{"codex.a"}) {
		t.Errorf("handler saw %v, want one event before Detach", got)
	}
	// The id is free again.
	mustAttach(t, bus, "rec", rec, "codex.a")
}

// The function Attach returns detaches its own attachment only: a second
// call, or a call after Detach, Detach by id or a panic detached it, reports
// ErrUnknownHandler and leaves a later handler under the same id attached.
func TestAttachDetachFunc(t *testing.T) {
	panics := telemetry.HandlerFunc(func(context.Context, telemetry.Event) { panic("boom") })
	tests := []struct {
		name   string
		h      telemetry.Handler
		before func(bus *telemetry.Bus, detach func() error) // what detaches the first handler
	}{
		{"detach twice", &recorder{}, func(_ *telemetry.Bus, detach func() error) {
			if err := detach(); err != nil {
				t.Fatalf("first detach = %v", err)
			}
		}},
		{"after Detach by id", &recorder{}, func(bus *telemetry.Bus, _ func() error) {
			if err := bus.Detach("a"); err != nil {
				t.Fatal(err)
			}
		}},
		{"after a panic", panics, func(bus *telemetry.Bus, _ func() error) {
			bus.Emit(context.Background(), "codex.a", nil)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bus := telemetry.New(telemetry.WithErrorOutput(io.Discard))
			detach, err := bus.Attach("a", tt.h, "codex.a")
			if err != nil {
				t.Fatal(err)
			}
			tt.before(bus, detach)
			later := &recorder{}
			mustAttach(t, bus, "a", later, "codex.a")
			if err := detach(); !errors.Is(err, telemetry.ErrUnknownHandler) {
				t.Errorf("stale detach = %v, want ErrUnknownHandler", err)
			}
			bus.Emit(context.Background(), "codex.a", nil)
			if got := later.names(); !slices.Equal(got, []string{"codex.a"}) {
				t.Errorf("the later handler under the same id saw %v, want [codex.a]: the stale detach removed it", got)
			}
		})
	}
}

func TestDispatchMatchesAndOrder(t *testing.T) {
	// Handlers attached by exact name and by prefix are called in attach
	// order, whichever way they matched.
	var calls []string
	record := func(id string) telemetry.Handler {
		return telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
			calls = append(calls, id+"<"+e.Name)
		})
	}
	bus := telemetry.New()
	mustAttach(t, bus, "all", record("all"), "*")
	mustAttach(t, bus, "tool-start", record("tool-start"), "codex.tool.start")
	mustAttach(t, bus, "tool", record("tool"), "codex.tool.*")
	mustAttach(t, bus, "multi", record("multi"), "codex.turn.completed", "codex.tool.start")

	tests := []struct {
		name string
		want []string
	}{
		{"codex.tool.start", []string{"all", "tool-start", "tool", "multi"}},
		{"codex.tool.success", []string{"all", "tool"}},
		{"codex.tool.x.y", []string{"all", "tool"}},
		{"codex.tool", []string{"all"}}, // a prefix pattern needs something after the dot
		{"codex.toolbox.start", []string{"all"}},
		{"codex.turn.completed", []string{"all", "multi"}},
		{"other", []string{"all"}},
	}
	for _, tt := range tests {
		calls = nil
		bus.Emit(context.Background(), tt.name, nil)
		var want []string
		for _, id := range tt.want {
			want = append(want, id+"<"+tt.name)
		}
		if !slices.Equal(calls, want) {
			t.Errorf("Emit(%q) called %v, want %v", tt.name, calls, want)
		}
		if got := bus.Enabled(tt.name); !got {
			t.Errorf("Enabled(%q) = false with a catch-all handler", tt.name)
		}
	}
}

func TestManyExactNames(t *testing.T) {
	// Past the scan limit the snapshot indexes names with a map; the result
	// must not change.
	bus := telemetry.New()
	rec := &recorder{}
	var names []string
	for i := range 20 {
		names = append(names, fmt.Sprintf("codex.n%d", i))
	}
	mustAttach(t, bus, "rec", rec, names...)
	mustAttach(t, bus, "pre", rec, "codex.p.*")
	for _, n := range append(names, "codex.p.q", "codex.none") {
		bus.Emit(context.Background(), n, nil)
	}
	want := append(slices.Clone(names), "codex.p.q")
	if got := rec.names(); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if bus.Enabled("codex.none") {
		t.Error("Enabled(codex.none) = true")
	}
}

// TestRouteByPointerOrBytes: a name routes to its own route whether it
// shares its bytes with the catalog's (a constant) or not (built at run
// time), for catalog names and exact names alike, and a name of the same
// length that is no route's goes to the prefix handlers only.
func TestRouteByPointerOrBytes(t *testing.T) {
	bus := telemetry.New(telemetry.WithThrottle(nil))
	exact, prefix := &recorder{}, &recorder{}
	mustAttach(t, bus, "exact", exact, "codex.tool.success", "codex.tool.failure", "app.one")
	mustAttach(t, bus, "prefix", prefix, "codex.*")
	built := func(s string) string { return string([]byte(s)) } // the same bytes elsewhere
	for _, tc := range []struct {
		name        string
		exact, pref bool
	}{
		{"codex.tool.success", true, true},
		{built("codex.tool.success"), true, true},
		{built("codex.tool.failure"), true, true},
		{"codex.tool.succesS", false, true}, // same length, no route
		{built("app.one"), true, false},
		{"app.two", false, false},
	} {
		exact.events, prefix.events = nil, nil
		bus.Emit(context.Background(), tc.name, nil)
		if got := len(exact.events) == 1; got != tc.exact {
			t.Errorf("Emit(%q): exact handler called %v, want %v", tc.name, got, tc.exact)
		}
		if got := len(prefix.events) == 1; got != tc.pref {
			t.Errorf("Emit(%q): prefix handler called %v, want %v", tc.name, got, tc.pref)
		}
		if tc.exact && exact.events[0].Name != tc.name {
			t.Errorf("Emit(%q): handler got %q", tc.name, exact.events[0].Name)
		}
	}
}

func TestHandlers(t *testing.T) {
	bus := telemetry.New()
	h := telemetry.HandlerFunc(func(context.Context, telemetry.Event) {})
	mustAttach(t, bus, "exact", h, "codex.tool.start")
	mustAttach(t, bus, "tools", h, "codex.tool.*")
	mustAttach(t, bus, "codex", h, "codex.*")
	mustAttach(t, bus, "all", h, "*")
	mustAttach(t, bus, "turn", h, "codex.turn.completed", "codex.turn.failed")
	mustAttach(t, bus, "toolbox", h, "codex.toolbox.open")

	tests := []struct {
		prefix string
		want   []string
	}{
		{"", []string{"exact", "tools", "codex", "all", "turn", "toolbox"}},
		{"codex", []string{"exact", "tools", "codex", "all", "turn", "toolbox"}},
		{"codex.tool", []string{"exact", "tools", "codex", "all"}},
		{"codex.tool.start", []string{"exact", "tools", "codex", "all"}},
		{"codex.turn", []string{"codex", "all", "turn"}},
		{"other", []string{"all"}},
	}
	for _, tt := range tests {
		var got []string
		for _, info := range bus.Handlers(tt.prefix) {
			got = append(got, info.ID)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Handlers(%q) = %v, want %v", tt.prefix, got, tt.want)
		}
	}
	if got := bus.Handlers("codex.turn")[2].Patterns; !slices.Equal(got, []string{"codex.turn.completed", "codex.turn.failed"}) {
		t.Errorf("Patterns = %v", got)
	}
}

func TestPanickingHandlerIsDetachedAndReported(t *testing.T) {
	var errOut bytes.Buffer
	bus := telemetry.New(telemetry.WithErrorOutput(&errOut))
	before, after, failures := &recorder{}, &recorder{}, &recorder{}
	mustAttach(t, bus, "before", before, "codex.x")
	mustAttach(t, bus, "boom", telemetry.HandlerFunc(func(context.Context, telemetry.Event) {
		panic("handler exploded")
	}), "codex.x", "codex.y")
	mustAttach(t, bus, "after", after, "codex.x")
	mustAttach(t, bus, "failures", failures, telemetry.HandlerFailure)

	bus.Emit(context.Background(), "codex.x", nil, slog.Int("n", 1))
	bus.Emit(context.Background(), "codex.x", nil, slog.Int("n", 2))

	for _, r := range []*recorder{before, after} {
		if got := len(r.names()); got != 2 {
			t.Errorf("a healthy handler saw %d events, want 2", got)
		}
	}
	for _, info := range bus.Handlers("") {
		if info.ID == "boom" {
			t.Error("the panicking handler is still attached")
		}
	}
	if len(failures.events) != 1 {
		t.Fatalf("got %d failure events, want 1", len(failures.events))
	}
	f := failures.events[0]
	for key, want := range map[string]string{
		"handler_id": "boom",
		"event":      "codex.x",
		"kind":       "panic",
		"reason":     "handler exploded",
	} {
		if v, ok := f.Lookup(key); !ok || v.String() != want {
			t.Errorf("failure %s = %v, want %q", key, v, want)
		}
	}
	if v, _ := f.Lookup("stacktrace"); !strings.Contains(v.String(), "bus_test.go") {
		t.Errorf("stacktrace does not show the panic site:\n%s", v)
	}
	if errOut.Len() != 0 {
		t.Errorf("error output written although a handler took the failure: %q", errOut.String())
	}
}

func TestUnhandledFailureGoesToErrorOutput(t *testing.T) {
	var errOut bytes.Buffer
	bus := telemetry.New(telemetry.WithErrorOutput(&errOut))
	mustAttach(t, bus, "boom", telemetry.HandlerFunc(func(context.Context, telemetry.Event) {
		panic(errors.New("nil map"))
	}), "codex.*")
	bus.Emit(context.Background(), "codex.x", nil)
	want := `telemetry: handler "boom" panicked on event "codex.x" and was detached: nil map` + "\n"
	if errOut.String() != want {
		t.Errorf("error output = %q, want %q", errOut.String(), want)
	}
}

func TestFailureHandlerThatPanics(t *testing.T) {
	// A handler of failure events that itself panics is detached too; the
	// chain ends because every panic detaches one handler.
	var errOut bytes.Buffer
	bus := telemetry.New(telemetry.WithErrorOutput(&errOut))
	mustAttach(t, bus, "everything", telemetry.HandlerFunc(func(context.Context, telemetry.Event) {
		panic("always")
	}), "*")
	bus.Emit(context.Background(), "codex.x", nil)
	if len(bus.Handlers("")) != 0 {
		t.Error("handler still attached")
	}
	if !strings.Contains(errOut.String(), `handler "everything" panicked on event "codex.x"`) {
		t.Errorf("error output = %q", errOut.String())
	}
}

func TestSetEnabled(t *testing.T) {
	bus := telemetry.New()
	rec := &recorder{}
	mustAttach(t, bus, "rec", rec, "*")
	bus.SetEnabled(false)
	bus.Emit(context.Background(), "codex.off", nil)
	if bus.Enabled("codex.off") {
		t.Error("Enabled = true on a disabled bus")
	}
	ctx, sp := bus.StartSpan(context.Background(), "codex.span")
	if sp != nil || correlation.From(ctx) != nil {
		t.Error("a disabled bus made a span")
	}
	sp.End() // a nil span's methods are no-ops
	sp.Fail(errors.New("x"))
	bus.SetEnabled(true)
	bus.Emit(context.Background(), "codex.on", nil)
	if got := rec.names(); !slices.Equal(got, []string{"codex.on"}) {
		t.Errorf("got %v, want only codex.on", got)
	}
}

func TestEventContents(t *testing.T) {
	bus := telemetry.New()
	a, b := &recorder{}, &recorder{}
	mustAttach(t, bus, "a", a, "codex.e")
	mustAttach(t, bus, "b", b, "codex.e")

	ms := []telemetry.Measurement{
		telemetry.Int("input_tokens", 12300),
		telemetry.Int("cached_input_tokens", 5888),
		telemetry.Float("ratio", 0.5),
		telemetry.Duration("wait", 1500000),
	}
	md := []slog.Attr{
		slog.String("k1", "v1"), slog.Int("k2", 2), slog.Bool("k3", true),
		slog.Float64("k4", 0.1), slog.String("k5", "v5"), slog.String("k6", "v6"),
		slog.Group("k7", slog.String("nested", "x")),
	}
	ids := correlation.IDs{Correlation: "c", Thread: "t", Turn: "u", Span: "s", ParentSpan: "p"}
	bus.Emit(correlation.With(context.Background(), ids), "codex.e", ms, md...)

	// The caller may reuse its slices.
	ms[0] = telemetry.Int("changed", 0)
	md[0], md[6] = slog.String("changed", ""), slog.String("changed", "")

	want := "codex.e{input_tokens=12300, cached_input_tokens=5888, ratio=0.5, wait=1.5ms}" +
		"[k1=v1, k2=2, k3=true, k4=0.1, k5=v5, k6=v6, k7=[nested=x]]"
	// Two handlers took the event: the bus read its clock once, before
	// dispatch, and both have that one time.
	if ta, tb := a.events[0].When(), b.events[0].When(); ta.IsZero() || !ta.Equal(tb) {
		t.Errorf("handlers got times %v and %v, want one time", ta, tb)
	}
	for _, r := range []*recorder{a, b} {
		got := r.events[0]
		if got.String() != want {
			t.Errorf("event = %s\nwant    %s", got.String(), want)
		}
		if got.IDs() != ids {
			t.Errorf("IDs = %+v, want %+v", got.IDs(), ids)
		}
	}

	// Adding to one handler's copy never shows in another's.
	a.events[0].AddMetadata(slog.String("mine", "a"))
	a.events[0].AddMeasurements(telemetry.Int("mine", 1))
	if got := b.events[0].String(); got != want {
		t.Errorf("b's copy changed to %s", got)
	}
	if n := a.events[0].NumMetadata(); n != 8 {
		t.Errorf("a's copy has %d metadata, want 8", n)
	}
	if v, ok := a.events[0].Measurement("wait"); !ok || v.Duration() != 1500000 {
		t.Errorf("Measurement(wait) = %v, %v", v, ok)
	}
	if v, ok := a.events[0].Lookup("k7"); !ok || v.Kind() != slog.KindGroup {
		t.Errorf("Lookup(k7) = %v, %v", v, ok)
	}
	if _, ok := a.events[0].Lookup("absent"); ok {
		t.Error("Lookup(absent) found something")
	}
}

func TestEmitEventKeepsTimeAndIDs(t *testing.T) {
	bus := telemetry.New()
	rec := &recorder{}
	mustAttach(t, bus, "rec", rec, "*")
	when := mustTime(t, "2025-12-02T10:52:12.123456Z")

	e := telemetry.NewEvent("codex.replayed", when)
	e.SetIDs(correlation.IDs{Thread: "from-event"})
	bus.EmitEvent(context.Background(), e)
	bus.EmitEvent(correlation.With(context.Background(), correlation.IDs{Thread: "from-ctx"}), e)

	if got := rec.events[0]; !got.Time.Equal(when) || got.IDs().Thread != "from-event" {
		t.Errorf("first = %v %+v", got.Time, got.IDs())
	}
	if got := rec.events[1].IDs().Thread; got != "from-ctx" {
		t.Errorf("ctx ids did not win: %q", got)
	}
}

func TestConcurrentEmitAttachDetach(t *testing.T) {
	// Emitters never block on attach and detach, and each emitting goroutine's
	// events reach a handler in the order emitted. Run with -race.
	bus := telemetry.New()
	const goroutines, perG = 16, 500
	var mu sync.Mutex
	seen := make(map[int][]int)
	mustAttach(t, bus, "order", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
		g, _ := e.Lookup("g")
		i, _ := e.Lookup("i")
		mu.Lock()
		seen[int(g.Int64())] = append(seen[int(g.Int64())], int(i.Int64()))
		mu.Unlock()
	}), "codex.order")

	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() { // churn: attach and detach while emission runs
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			id := fmt.Sprintf("churn-%d", n)
			if _, err := bus.Attach(id, telemetry.HandlerFunc(func(context.Context, telemetry.Event) {}), "codex.*"); err != nil {
				t.Error(err)
				return
			}
			if err := bus.Detach(id); err != nil {
				t.Error(err)
				return
			}
		}
	})
	var emitters sync.WaitGroup
	for g := range goroutines {
		emitters.Go(func() {
			for i := range perG {
				bus.Emit(context.Background(), "codex.order", nil, slog.Int("g", g), slog.Int("i", i))
			}
		})
	}
	emitters.Wait()
	close(stop)
	wg.Wait()

	for g := range goroutines {
		got := seen[g]
		if len(got) != perG {
			t.Fatalf("goroutine %d: %d events, want %d", g, len(got), perG)
		}
		for i, v := range got {
			if v != i {
				t.Fatalf("goroutine %d: event %d arrived as number %d", g, v, i)
			}
		}
	}
}

func TestAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector; `make test` also runs this test without -race")
	}
	ctx := context.Background()
	none := telemetry.New()
	one := telemetry.New()
	mustAttach(t, one, "noop", &noop{}, "codex.tool.start")
	prefix := telemetry.New()
	mustAttach(t, prefix, "noop", &noop{}, "codex.*")
	wantAllocs(t, "no handlers", 0, func() { emitFive(ctx, none) })
	wantAllocs(t, "one handler", 0, func() { emitFive(ctx, one) })
	wantAllocs(t, "prefix handler", 0, func() { emitFive(ctx, prefix) })
	withIDs := correlation.With(ctx, correlation.IDs{Correlation: "c", Span: "s"})
	wantAllocs(t, "with ids", 0, func() { emitFive(withIDs, one) })
	ms, md := prebuilt()
	wantAllocs(t, "prebuilt", 0, func() { one.Emit(ctx, "codex.tool.start", ms, md...) })
	two := telemetry.New()
	mustAttach(t, two, "a", &noop{}, "codex.tool.start")
	mustAttach(t, two, "b", &noop{}, "codex.*")
	wantAllocs(t, "two handlers", 0, func() { emitFive(ctx, two) })
	refused := telemetry.New()
	mustAttach(t, refused, "refuser", &refuser{}, "codex.*")
	wantAllocs(t, "refused", 0, func() { emitFive(ctx, refused) })
	wide := telemetry.New()
	mustAttach(t, wide, "noop", &noop{}, "myapp.wide")
	attrs := make([]slog.Attr, 100)
	for i := range attrs {
		attrs[i] = slog.String(fmt.Sprintf("field_%d", i), "value")
	}
	wantAllocs(t, "100 fields", 0, func() { wide.Emit(ctx, "myapp.wide", nil, attrs...) })
	spans := telemetry.New()
	mustAttach(t, spans, "noop", &noop{}, "codex.tool.*")
	// One allocation: the span with its context, ids and id text.
	wantAllocs(t, "span", 1, func() {
		_ = spans.Span(ctx, "codex.tool", nil, func(context.Context) error { return nil })
	})
	wantAllocs(t, "span nobody listens to", 1, func() {
		_ = none.Span(ctx, "codex.tool", nil, func(context.Context) error { return nil })
	})
}

func wantAllocs(t *testing.T, what string, want int, f func()) {
	t.Helper()
	if got := testing.AllocsPerRun(100, f); int(got) != want {
		t.Errorf("%s: %v allocs per run, want %d", what, got, want)
	}
}

func TestDefault(t *testing.T) {
	first, second := telemetry.Default(), telemetry.Default()
	if first == nil || first != second {
		t.Fatal("Default is not one bus")
	}
}

// TestWideEvents: an event with more attributes than fit inline reaches
// handlers whole and in order, scrubbed and redacted, through Emit and
// EmitEvent alike; an event a handler kept is not changed by later ones.
func TestWideEvents(t *testing.T) {
	const key = "sk-proj-7XKy7hFIkG6k8xQqs1iK7fxubGT539EPBwcZAQfZ"
	var kept []telemetry.Event
	bus := telemetry.New(telemetry.WithThrottle(nil))
	mustAttach(t, bus, "keep", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
		kept = append(kept, e.Clone())
	}), "*")
	wide := func(tag string) []slog.Attr {
		attrs := make([]slog.Attr, 23)
		for i := range attrs {
			attrs[i] = slog.String(fmt.Sprintf("f%02d", i), tag)
		}
		attrs[17] = slog.String("f17", "key "+key)
		return attrs
	}
	bus.Emit(context.Background(), "myapp.wide", nil, wide("a")...)
	e := telemetry.NewEvent("myapp.wide", time.Time{})
	e.AddMetadata(wide("b")...)
	bus.EmitEvent(context.Background(), e)
	bus.Emit(context.Background(), "myapp.wide", nil, wide("c")...)
	if len(kept) != 3 {
		t.Fatalf("%d events, want 3", len(kept))
	}
	for n, tag := range []string{"a", "b", "c"} {
		var got []string
		for a := range kept[n].Metadata {
			got = append(got, a.String())
		}
		if len(got) != 23 {
			t.Fatalf("event %s: %d attributes, want 23: %v", tag, len(got), got)
		}
		for i, a := range got {
			want := fmt.Sprintf("f%02d=%s", i, tag)
			if i == 17 {
				want = "f17=key " + scrub.DefaultReplacement
			}
			if a != want {
				t.Errorf("event %s, attribute %d: %s, want %s", tag, i, a, want)
			}
		}
	}
}
