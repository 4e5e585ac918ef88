package telemetry_test

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/telemetry"
)

// fakeClock advances by step on every read.
type fakeClock struct {
	mu   sync.Mutex
	now  time.Time
	step time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.now
	c.now = c.now.Add(c.step)
	return t
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func newSpanBus(t *testing.T) (*telemetry.Bus, *recorder) {
	t.Helper()
	clock := &fakeClock{now: mustTime(t, "2025-12-02T10:52:12Z"), step: 1500 * time.Microsecond}
	bus := telemetry.New(telemetry.WithClock(clock.Now))
	rec := &recorder{}
	mustAttach(t, bus, "rec", rec, "*")
	return bus, rec
}

func TestSpanStop(t *testing.T) {
	bus, rec := newSpanBus(t)
	var inner correlation.IDs
	err := bus.Span(context.Background(), "codex.thread", []slog.Attr{slog.String("thread_id", "th1")},
		func(ctx context.Context) error {
			inner = *correlation.From(ctx)
			bus.Emit(ctx, "codex.inside", nil)
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	// The bus read the clock once at creation (the monotonic epoch), then at
	// start (+1.5ms), for codex.inside when the recorder kept it (+3ms), and
	// at stop (+4.5ms).
	want := []string{
		"codex.thread.start{system_time=1764672732001500000, monotonic_time=1500000}[thread_id=th1]",
		"codex.inside{}[]",
		"codex.thread.stop{duration=3ms, duration_ms=3}[thread_id=th1]",
	}
	if got := rec.strings(); !slices.Equal(got, want) {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(inner.Span) != 16 || inner.ParentSpan != "" || len(inner.Correlation) != 32 {
		t.Errorf("root span ids = %+v", inner)
	}
	for _, e := range rec.events {
		if e.IDs() != inner {
			t.Errorf("%s carries ids %+v, want %+v", e.Name, e.IDs(), inner)
		}
	}
	if !rec.events[0].Time.Equal(mustTime(t, "2025-12-02T10:52:12.0015Z")) ||
		!rec.events[1].Time.Equal(mustTime(t, "2025-12-02T10:52:12.003Z")) ||
		!rec.events[2].Time.Equal(mustTime(t, "2025-12-02T10:52:12.0045Z")) {
		t.Errorf("times %v, %v, %v", rec.events[0].Time, rec.events[1].Time, rec.events[2].Time)
	}
}

func TestSpanException(t *testing.T) {
	bus, rec := newSpanBus(t)
	boom := &fs.PathError{Op: "open", Path: "x", Err: fs.ErrNotExist}
	err := bus.Span(context.Background(), "codex.tool", []slog.Attr{slog.String("tool", "shell")},
		func(context.Context) error { return boom })
	if err != boom {
		t.Fatalf("Span returned %v, want fn's error", err)
	}
	want := []string{
		"codex.tool.start{system_time=1764672732001500000, monotonic_time=1500000}[tool=shell]",
		"codex.tool.exception{duration=1.5ms, duration_ms=1.5}[tool=shell, kind=error, reason=open x: file does not exist, error_type=_OTHER]",
	}
	if got := rec.strings(); !slices.Equal(got, want) {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestSpanPanicIsReportedAndRepanicked(t *testing.T) {
	bus, rec := newSpanBus(t)
	defer func() {
		if r := recover(); r != "kaboom" {
			t.Errorf("recovered %v, want the original panic value", r)
		}
		if len(rec.events) != 2 {
			t.Fatalf("got %d events, want start and exception", len(rec.events))
		}
		e := rec.events[1]
		if e.Name != "codex.tool.exception" {
			t.Errorf("second event %s", e.Name)
		}
		for key, want := range map[string]string{"kind": "panic", "reason": "kaboom", "error_type": "_OTHER"} {
			if v, _ := e.Lookup(key); v.String() != want {
				t.Errorf("%s = %q, want %q", key, v, want)
			}
		}
		if v, _ := e.Lookup("stacktrace"); !strings.Contains(v.String(), "span_test.go") {
			t.Errorf("stacktrace lacks the panic site: %s", v)
		}
	}()
	_ = bus.Span(context.Background(), "codex.tool", nil, func(context.Context) error { panic("kaboom") })
	t.Fatal("Span swallowed the panic")
}

func TestNestedSpansFormATree(t *testing.T) {
	bus, rec := newSpanBus(t)
	ctx := correlation.With(context.Background(), correlation.IDs{Correlation: "sess", Thread: "th"})
	var threadID, turnID string
	_ = bus.Span(ctx, "codex.thread", nil, func(ctx context.Context) error {
		threadID = correlation.From(ctx).Span
		return bus.Span(ctx, "codex.turn", nil, func(ctx context.Context) error {
			turnID = correlation.From(ctx).Span
			// A span ended on another goroutine still reports its own ids.
			_, tool := bus.StartSpan(ctx, "codex.tool")
			done := make(chan struct{})
			go func() { tool.End(slog.Int("exit_code", 0)); close(done) }()
			<-done
			return nil
		})
	})
	type ids struct{ span, parent string }
	want := map[string]ids{
		"codex.thread.start": {threadID, ""}, "codex.thread.stop": {threadID, ""},
		"codex.turn.start": {turnID, threadID}, "codex.turn.stop": {turnID, threadID},
	}
	var toolSpan string
	for _, e := range rec.events {
		got := e.IDs()
		if got.Correlation != "sess" || got.Thread != "th" {
			t.Errorf("%s lost the outer ids: %+v", e.Name, got)
		}
		if strings.HasPrefix(e.Name, "codex.tool.") {
			if got.ParentSpan != turnID {
				t.Errorf("%s parent = %q, want the turn %q", e.Name, got.ParentSpan, turnID)
			}
			if toolSpan == "" {
				toolSpan = got.Span
			} else if got.Span != toolSpan {
				t.Errorf("tool start and stop have different span ids")
			}
			continue
		}
		if w := want[e.Name]; got.Span != w.span || got.ParentSpan != w.parent {
			t.Errorf("%s ids = %s/%s, want %s/%s", e.Name, got.Span, got.ParentSpan, w.span, w.parent)
		}
	}
	if threadID == turnID || toolSpan == turnID || toolSpan == "" {
		t.Errorf("span ids not distinct: %q %q %q", threadID, turnID, toolSpan)
	}
}

// TestSpanTakesReservedID: a span opened in a context with NextSpan takes
// that id (and has no parent when the context names no span); the spans
// opened inside it do not.
func TestSpanTakesReservedID(t *testing.T) {
	const reserved = "00f067aa0ba902b7"
	for _, tc := range []struct {
		name, outer, wantParent string
	}{
		{"root", "", ""},
		{"under a span", "53995c3f42cd8ad8", "53995c3f42cd8ad8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bus, _ := newSpanBus(t)
			ctx := correlation.With(context.Background(), correlation.IDs{Correlation: "sess", Span: tc.outer, NextSpan: reserved})
			threadCtx, thread := bus.StartSpan(ctx, "codex.thread")
			ids := correlation.From(threadCtx)
			if thread.ID() != reserved || ids.Span != reserved || ids.ParentSpan != tc.wantParent || ids.NextSpan != "" {
				t.Errorf("thread span ids %+v, want span %s, parent %q, no next", ids, reserved, tc.wantParent)
			}
			_, turn := bus.StartSpan(threadCtx, "codex.turn")
			if turn.ID() == reserved || turn.ID() == "" {
				t.Errorf("the turn span took id %q", turn.ID())
			}
			thread.End()
			_, tool := bus.StartSpan(threadCtx, "codex.tool")
			if tool.ID() == reserved || tool.ID() == turn.ID() {
				t.Errorf("the tool span took id %q", tool.ID())
			}
		})
	}
}

func TestSpanEndsOnce(t *testing.T) {
	bus, rec := newSpanBus(t)
	_, sp := bus.StartSpan(context.Background(), "codex.approval")
	sp.End()
	sp.End()
	sp.Fail(errors.New("late"))
	if got := rec.names(); !slices.Equal(got, []string{"codex.approval.start", "codex.approval.stop"}) {
		t.Errorf("got %v", got)
	}
	if sp.ID() == "" {
		t.Error("span has no id")
	}
}

func TestSpanWithoutListenersStillCorrelates(t *testing.T) {
	clock := &fakeClock{step: time.Second}
	bus := telemetry.New(telemetry.WithClock(clock.Now))
	rec := &recorder{}
	mustAttach(t, bus, "rec", rec, "codex.inner")
	reads := func() time.Time { clock.mu.Lock(); defer clock.mu.Unlock(); return clock.now }
	before := reads()
	ctx, sp := bus.StartSpan(context.Background(), "codex.silent")
	bus.Emit(ctx, "codex.inner", nil)
	sp.End()
	// One read: codex.inner's time, when the recorder kept the event.
	if got := reads(); !got.Equal(before.Add(time.Second)) {
		t.Errorf("the clock advanced from %v to %v: a span nobody listens to read it", before, got)
	}
	if got := rec.events[0].IDs().Span; got == "" || got != sp.ID() {
		t.Errorf("inner event span id %q, span %q", got, sp.ID())
	}
}

func TestSpanSuffixes(t *testing.T) {
	bus, rec := newSpanBus(t)
	_, turn := bus.StartSpan(context.Background(), "codex.turn")
	turn.EndAs("completed", slog.Int("turn_index", 1))
	_, approval := bus.StartSpanAs(context.Background(), "codex.approval", "requested", slog.String("call_id", "item_1"))
	approval.EndAs("approved", slog.String("decision", "accept"))
	_, tool := bus.StartSpan(context.Background(), "codex.tool")
	tool.FailAs("failure", errors.New("exit status 1"))
	want := []string{
		"codex.turn.start", "codex.turn.completed",
		"codex.approval.requested", "codex.approval.approved",
		"codex.tool.start", "codex.tool.failure",
	}
	if got := rec.names(); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got := rec.events[3].String(); got != "codex.approval.approved{duration=1.5ms, duration_ms=1.5}[call_id=item_1, decision=accept]" {
		t.Errorf("approved = %s", got)
	}
}

func TestSpanListenersByExactEndName(t *testing.T) {
	// A handler attached only to the span's end event still gets it, so the
	// span must read the clock and emit.
	bus := telemetry.New()
	only := &recorder{}
	mustAttach(t, bus, "only-stop", only, "codex.job.stop")
	_ = bus.Span(context.Background(), "codex.job", nil, func(context.Context) error { return nil })
	if got := only.names(); !slices.Equal(got, []string{"codex.job.stop"}) {
		t.Errorf("got %v", got)
	}
}

// TestSpanIDs: span ids are 16 and new correlation ids 32 lower-case hex
// digits, never all zeros, and unique across many spans.
func TestSpanIDs(t *testing.T) {
	bus := telemetry.New()
	hex := regexp.MustCompile(`^[0-9a-f]+$`)
	spans, corrs := map[string]bool{}, map[string]bool{}
	for range 2000 {
		ctx, sp := bus.StartSpan(context.Background(), "codex.tool")
		ids := correlation.From(ctx)
		if len(ids.Span) != 16 || len(ids.Correlation) != 32 || !hex.MatchString(ids.Span) || !hex.MatchString(ids.Correlation) ||
			strings.Trim(ids.Span, "0") == "" || sp.ID() != ids.Span || ids.ParentSpan != "" {
			t.Fatalf("ids %+v, span id %q", *ids, sp.ID())
		}
		if spans[ids.Span] || corrs[ids.Correlation] {
			t.Fatalf("id repeated: %+v", *ids)
		}
		spans[ids.Span], corrs[ids.Correlation] = true, true
		child, _ := bus.StartSpan(ctx, "codex.tool")
		if c := correlation.From(child); c.ParentSpan != ids.Span || c.Correlation != ids.Correlation || c.Span == ids.Span {
			t.Fatalf("child ids %+v under %+v", *c, *ids)
		}
		sp.End()
	}
}

// TestSpanListenersFollowAttachments: whether a span emits, and to whom,
// follows the handlers attached when it starts, whatever spans of the same
// name did before (the bus caches per name what spans need).
func TestSpanListenersFollowAttachments(t *testing.T) {
	bus := telemetry.New()
	other := &recorder{}
	mustAttach(t, bus, "other", other, "codex.other") // the bus has a handler, not for codex.job
	rec := &recorder{}
	var detach func() error
	attach := func(patterns ...string) func() {
		return func() {
			var err error
			if detach, err = bus.Attach("rec", rec, patterns...); err != nil {
				t.Fatal(err)
			}
		}
	}
	steps := []struct {
		name   string
		change func()
		fail   bool
		want   []string
	}{
		{"nobody listens", func() {}, false, nil},
		{"prefix attached", attach("codex.job.*"), false, []string{"codex.job.start", "codex.job.stop"}},
		{"prefix still attached", func() {}, true, []string{"codex.job.start", "codex.job.exception"}},
		{"detached", func() { _ = detach() }, false, nil},
		{"exception only", attach("codex.job.exception"), true, []string{"codex.job.exception"}},
		{"exception only, span ends", func() {}, false, nil},
		{"disabled", func() { bus.SetEnabled(false) }, true, nil},
		{"enabled again", func() { bus.SetEnabled(true) }, true, []string{"codex.job.exception"}},
		{"detached by id", func() { _ = bus.Detach("rec") }, true, nil},
		{"everything", attach("*"), false, []string{"codex.job.start", "codex.job.stop"}},
		{"the name itself only", func() { _ = detach(); attach("codex.job")() }, false, nil},
	}
	for _, step := range steps {
		step.change()
		rec.mu.Lock()
		rec.events = nil
		rec.mu.Unlock()
		_ = bus.Span(context.Background(), "codex.job", nil, func(context.Context) error {
			if step.fail {
				return errors.New("failed")
			}
			return nil
		})
		if got := rec.names(); !slices.Equal(got, step.want) {
			t.Errorf("%s: got %v, want %v", step.name, got, step.want)
		}
	}
	if len(other.events) != 0 {
		t.Errorf("codex.other's handler got %v", other.names())
	}
}
