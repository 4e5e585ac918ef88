package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	codexotel "github.com/codextel/codextel/adapters/otel"
	"github.com/codextel/codextel/core/native"
)

// TestForwardSpans: Codex's spans reach the exporter with their ids,
// parent, name, kind, times and typed attributes, string values scrubbed;
// spans with bad ids are skipped and counted; the provider is flushed
// every spanChunk spans and at the end, and a failed flush is returned.
func TestForwardSpans(t *testing.T) {
	const (
		traceID = "5b8efff798038103d269b633813fc60c"
		thread  = "b7ad6b7169203331"
		secret  = "sk-proj-Zq8vW2xR5tY7uI9oP1aS3dF6gH4jK0lM"
	)
	t0 := time.Unix(1796411275, 0)
	spans := []native.Span{
		{TraceID: traceID, SpanID: "eee19b7ec3c1b174", ParentSpanID: thread, Name: "codex.exec", Kind: 1,
			Start: t0, End: t0.Add(2 * time.Second), Attributes: []native.Attribute{
				{Key: "cwd", Value: "/home/u/" + secret}, {Key: "code.line.number", Value: int64(12)},
				{Key: "wait_ms", Value: 1.5}, {Key: "sandboxed", Value: true}}},
		{TraceID: "0af7651916cd43dd8448eb211c80319c", SpanID: "00f067aa0ba902b7", Name: "session_init", Kind: 3, Start: t0, End: t0.Add(time.Millisecond)},
		{TraceID: "not hex", SpanID: "00f067aa0ba902b8", Name: "bad"},
	}
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithIDGenerator(codexotel.NewIDGenerator()), sdktrace.WithSpanProcessor(rec))
	flushes := 0
	flush := func(context.Context) error { flushes++; return nil }
	sent, skipped, err := forwardSpans(tp, flush, spans, scrubbed)
	if err != nil || sent != 2 || skipped != 1 || flushes != 1 {
		t.Fatalf("sent %d, skipped %d, %d flushes, err %v; want 2, 1, 1, nil", sent, skipped, flushes, err)
	}
	got := rec.Ended()
	for i, want := range spans[:2] {
		g := got[i]
		sc := g.SpanContext()
		if sc.TraceID().String() != want.TraceID || sc.SpanID().String() != want.SpanID || g.Name() != want.Name ||
			int(g.SpanKind()) != want.Kind || !g.StartTime().Equal(want.Start) || !g.EndTime().Equal(want.End) {
			t.Errorf("span %d: %s %s/%s kind %d %v..%v; want %+v", i, g.Name(), sc.TraceID(), sc.SpanID(), g.SpanKind(), g.StartTime(), g.EndTime(), want)
		}
		parent := ""
		if g.Parent().IsValid() {
			parent = g.Parent().SpanID().String()
		}
		if parent != want.ParentSpanID {
			t.Errorf("span %s: parent %q, want %q", g.Name(), parent, want.ParentSpanID)
		}
	}
	attrs := fmt.Sprint(got[0].Attributes())
	want := fmt.Sprint([]attribute.KeyValue{attribute.String("cwd", "/home/u/[REDACTED]"), attribute.Int64("code.line.number", 12),
		attribute.Float64("wait_ms", 1.5), attribute.Bool("sandboxed", true)})
	if attrs != want || strings.Contains(attrs, secret[8:]) {
		t.Errorf("attributes %s, want %s", attrs, want)
	}
	if got[0].InstrumentationScope().Name != "codex_exec" {
		t.Errorf("scope %q, want codex_exec", got[0].InstrumentationScope().Name)
	}

	// A session's thousands of spans are flushed a chunk at a time.
	many := make([]native.Span, spanChunk+1)
	for i := range many {
		many[i] = native.Span{TraceID: traceID, SpanID: fmt.Sprintf("%016x", i+1), Name: "s", Start: t0, End: t0}
	}
	flushes = 0
	if sent, _, err := forwardSpans(tp, flush, many, scrubbed); err != nil || sent != len(many) || flushes != 2 {
		t.Errorf("%d spans: sent %d, %d flushes, err %v; want all, 2, nil", len(many), sent, flushes, err)
	}
	boom := errors.New("collector down")
	if _, _, err := forwardSpans(tp, func(context.Context) error { return boom }, spans, scrubbed); !errors.Is(err, boom) {
		t.Errorf("a failed flush gave %v, want it", err)
	}
}
