package codexotel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/telemetry"
)

// attrMap returns a span's attributes by key.
func attrMap(kvs []attribute.KeyValue) map[string]any {
	m := map[string]any{}
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.AsInterface()
	}
	return m
}

func TestSessionSpans(t *testing.T) {
	r := newRig(t, true)
	evs := replay(t, r.bus)
	for _, p := range checkSessionSpans(spanViews(r.spans.Ended()), evs) {
		t.Error(p)
	}
	if n := len(r.spans.Started()); n != len(r.spans.Ended()) {
		t.Errorf("%d spans started, %d ended", n, len(r.spans.Ended()))
	}
}

// TestSpansOff: without a TracerProvider the handler makes no spans, and the
// log records still carry the correlation ids as trace and span ids.
func TestSpansOff(t *testing.T) {
	r := newRig(t, false)
	evs := replay(t, r.bus)
	recs := r.logs.Records()
	if len(recs) != len(evs) {
		t.Fatalf("%d records for %d events", len(recs), len(evs))
	}
	for i, rec := range recs {
		ids := evs[i].IDs()
		if ids.Correlation == "" {
			continue
		}
		if rec.TraceID().String() != ids.Correlation || rec.SpanID().String() != ids.Span {
			t.Errorf("record %d (%s) has ids %s/%s, want %s/%s", i, evs[i].Name, rec.TraceID(), rec.SpanID(), ids.Correlation, ids.Span)
		}
	}
}

// TestSpanAcrossGoroutines: a span opened on one goroutine and closed on
// another, with its child opened on a third, keeps its tree.
func TestSpanAcrossGoroutines(t *testing.T) {
	r := newRig(t, true)
	ctx, th := r.bus.StartSpan(context.Background(), "codex.thread", slog.String("source", "sdk"))
	var wg sync.WaitGroup
	const tools = 8
	turnCtx := make(chan context.Context)
	turnSpan := make(chan *telemetry.Span)
	go func() {
		c, s := r.bus.StartSpan(ctx, "codex.turn", slog.Int("turn_index", 1))
		turnCtx <- c
		turnSpan <- s
	}()
	tc := <-turnCtx
	for i := range tools {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, s := r.bus.StartSpan(tc, "codex.tool", slog.String("tool", "shell"), slog.String("tool_kind", "command_execution"),
				slog.String("call_id", fmt.Sprint("item_", i)))
			done := make(chan struct{})
			go func() { s.EndAs("success"); close(done) }() // closed on yet another goroutine
			<-done
		}()
	}
	wg.Wait()
	ts := <-turnSpan
	go ts.EndAs("completed")
	time.Sleep(10 * time.Millisecond)
	th.End(slog.Int("turns", 1))

	ended := r.spans.Ended()
	if len(ended) != tools+2 {
		t.Fatalf("%d spans ended, want %d", len(ended), tools+2)
	}
	byName := map[string][]sdktrace.ReadOnlySpan{}
	for _, s := range ended {
		byName[s.Name()] = append(byName[s.Name()], s)
	}
	thread, turn := byName["codex.thread"][0], byName["invoke_agent codex"][0]
	if turn.Parent().SpanID() != thread.SpanContext().SpanID() {
		t.Errorf("turn's parent is %s, want the thread %s", turn.Parent().SpanID(), thread.SpanContext().SpanID())
	}
	for _, s := range byName["execute_tool shell"] {
		if s.Parent().SpanID() != turn.SpanContext().SpanID() || s.SpanContext().TraceID() != thread.SpanContext().TraceID() {
			t.Errorf("tool span %s: parent %s in trace %s, want %s in %s", s.SpanContext().SpanID(), s.Parent().SpanID(),
				s.SpanContext().TraceID(), turn.SpanContext().SpanID(), thread.SpanContext().TraceID())
		}
	}
	// The OpenTelemetry ids are codextel's own.
	if got, want := thread.SpanContext().TraceID().String(), correlation.From(ctx).Correlation; got != want {
		t.Errorf("trace id %s, want the correlation id %s", got, want)
	}
	if got, want := thread.SpanContext().SpanID().String(), th.ID(); got != want {
		t.Errorf("thread span id %s, want the bus's %s", got, want)
	}
}

// TestSpanFailure: a failed span has status Error, an exception event at its
// end with the error's type, message and stack, and error.type.
func TestSpanFailure(t *testing.T) {
	r := newRig(t, true)
	err := r.bus.Span(context.Background(), "codex.thread", []slog.Attr{slog.String("source", "sdk")}, func(context.Context) error {
		return errors.New("model unavailable")
	})
	if err == nil {
		t.Fatal("Span returned nil")
	}
	func() {
		defer func() { _ = recover() }()
		_ = r.bus.Span(context.Background(), "myapp.job", nil, func(context.Context) error { panic("boom") })
	}()
	ended := r.spans.Ended()
	if len(ended) != 2 {
		t.Fatalf("%d spans, want 2", len(ended))
	}
	for i, want := range []struct {
		name, msg, typ string
		stack          bool
	}{
		{"codex.thread", "model unavailable", "_OTHER", false},
		{"myapp.job", "boom", "_OTHER", true},
	} {
		s := ended[i]
		if s.Name() != want.name || s.Status().Code != codes.Error || s.Status().Description != want.msg {
			t.Errorf("span %d: %s %v, want %s with status Error %q", i, s.Name(), s.Status(), want.name, want.msg)
		}
		if got := attrMap(s.Attributes())[keyErrorType]; got != want.typ {
			t.Errorf("span %s: error.type %v, want %s", s.Name(), got, want.typ)
		}
		evs := s.Events()
		if len(evs) != 1 || evs[0].Name != "exception" || !evs[0].Time.Equal(s.EndTime()) {
			t.Fatalf("span %s: events %v, want one exception at its end", s.Name(), evs)
		}
		ex := attrMap(evs[0].Attributes)
		if ex["exception.type"] != want.typ || ex["exception.message"] != want.msg {
			t.Errorf("span %s: exception %v", s.Name(), ex)
		}
		_, hasStack := ex["exception.stacktrace"]
		if hasStack != want.stack { // only the panic has a stack
			t.Errorf("span %s: exception.stacktrace present=%v", s.Name(), hasStack)
		}
	}
}

// TestSpanIncomplete: spans left open under a span that ends are ended with
// it, marked incomplete; Close ends the rest.
func TestSpanIncomplete(t *testing.T) {
	r := newRig(t, true)
	ctx, th := r.bus.StartSpan(context.Background(), "codex.thread", slog.String("source", "exec"))
	tctx, turn := r.bus.StartSpan(ctx, "codex.turn", slog.Int("turn_index", 1))
	r.bus.StartSpan(tctx, "codex.tool", slog.String("tool", "shell"), slog.String("tool_kind", "command_execution"), slog.String("call_id", "item_0"))
	turn.EndAs("completed")
	_, other := r.bus.StartSpan(ctx, "codex.turn", slog.Int("turn_index", 2))
	_ = other // never ended
	_ = th    // never ended
	if n := len(r.spans.Ended()); n != 2 {
		t.Fatalf("%d spans ended after the turn, want 2 (the turn and its tool)", n)
	}
	r.h.Close()
	ended := r.spans.Ended()
	if len(ended) != 4 {
		t.Fatalf("%d spans ended after Close, want 4", len(ended))
	}
	for _, s := range ended {
		_, incomplete := attrMap(s.Attributes())["codex.incomplete"]
		if want := s.Name() != "invoke_agent codex" || attrMap(s.Attributes())["codex.turn_index"] == int64(2); incomplete != want {
			t.Errorf("span %s (%v): incomplete=%v, want %v", s.Name(), attrMap(s.Attributes())["codex.turn_index"], incomplete, want)
		}
	}
}

// TestSpanWithoutStart: a span whose opening event was missed is made from
// its closing event, with the start its duration gives.
func TestSpanWithoutStart(t *testing.T) {
	r := newRig(t, true)
	evs := sessionEvents(t)
	var stop telemetry.Event
	for _, e := range evs {
		if e.Name == catalog.ToolSuccess {
			stop = e
			break
		}
	}
	r.bus.EmitEvent(context.Background(), stop)
	ended := r.spans.Ended()
	if len(ended) != 1 {
		t.Fatalf("%d spans, want 1", len(ended))
	}
	d, _ := stop.Measurement("duration")
	if s := ended[0]; !s.EndTime().Equal(stop.Time) || !s.StartTime().Equal(stop.Time.Add(-d.Duration())) ||
		s.SpanContext().SpanID().String() != stop.IDs().Span {
		t.Errorf("span %s %s..%s, want %s %s..%s", s.SpanContext().SpanID(), s.StartTime(), s.EndTime(),
			stop.IDs().Span, stop.Time.Add(-d.Duration()), stop.Time)
	}
}

// TestCorrelate: Codex spans opened under Correlate(ctx) are children of the
// application's span, in its trace, and so are their log records.
func TestCorrelate(t *testing.T) {
	r := newRig(t, true)
	appRec := tracetest.NewSpanRecorder()
	appTP := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(appRec))
	ctx, app := appTP.Tracer("app").Start(context.Background(), "handle request")
	ctx = Correlate(ctx)
	_, th := r.bus.StartSpan(ctx, "codex.thread", slog.String("source", "sdk"))
	th.End(slog.Int("turns", 0))
	app.End()
	s := r.spans.Ended()[0]
	if s.Parent().SpanID() != app.SpanContext().SpanID() || s.SpanContext().TraceID() != app.SpanContext().TraceID() {
		t.Errorf("thread span parent %s in trace %s, want %s in %s", s.Parent().SpanID(), s.SpanContext().TraceID(),
			app.SpanContext().SpanID(), app.SpanContext().TraceID())
	}
	for _, rec := range r.logs.Records() {
		if rec.TraceID() != app.SpanContext().TraceID() {
			t.Errorf("record %q in trace %s, want %s", rec.Body().AsString(), rec.TraceID(), app.SpanContext().TraceID())
		}
	}
	// An event outside any span, under a plain OpenTelemetry context,
	// takes that context's ids.
	r.bus.Emit(trace.ContextWithSpan(context.Background(), app), catalog.Error, nil, slog.String("error_message", "x"))
	recs := r.logs.Records()
	if last := recs[len(recs)-1]; last.SpanID() != app.SpanContext().SpanID() {
		t.Errorf("record outside spans has span %s, want the context's %s", last.SpanID(), app.SpanContext().SpanID())
	}
}

// TestMaxOpenSpans: past the bound, spans are counted, not traced.
func TestMaxOpenSpans(t *testing.T) {
	r := newRig(t, true, WithMaxOpenSpans(2))
	ctx, _ := r.bus.StartSpan(context.Background(), "codex.thread", slog.String("source", "sdk"))
	for i := range 3 {
		r.bus.StartSpan(ctx, "codex.turn", slog.Int("turn_index", i))
	}
	if got := r.h.UntracedSpans(); got != 2 {
		t.Errorf("UntracedSpans = %d, want 2", got)
	}
	if got := len(r.spans.Started()); got != 2 {
		t.Errorf("%d spans started, want 2", got)
	}
}
