package main

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	codexotel "github.com/codextel/codextel/adapters/otel"
	"github.com/codextel/codextel/core/native"
)

// spanChunk is how many of Codex's spans forwardSpans hands the exporter
// before it flushes: half the default export queue (2048), so that the
// spans of a long session (several hundred a turn) are not dropped by a
// queue that live exec never waits on.
const spanChunk = 1024

// flushWait bounds each flush of forwarded spans.
const flushWait = 10 * time.Second

// A spanForwarder is an output that can send Codex's own spans on
// (--native-spans): the otel adapter's.
type spanForwarder interface {
	forwardSpans(spans []native.Span) (sent, skipped int, err error)
}

// forwardSpans starts and ends in tp one span for each of Codex's spans,
// with its trace id, span id, parent, name, kind and times, and its
// attributes with every string value passed through scrub; flush is called
// after every spanChunk spans and at the end. A span whose ids are not W3C
// ids is skipped and counted. The spans keep Codex's ids, so those that
// continue codextel's trace (TRACEPARENT) hang from its thread span.
func forwardSpans(tp trace.TracerProvider, flush func(context.Context) error, spans []native.Span, scrub func(string) string) (sent, skipped int, err error) {
	tracer := tp.Tracer("codex_exec")
	for i, s := range spans {
		tid, err1 := trace.TraceIDFromHex(s.TraceID)
		sid, err2 := trace.SpanIDFromHex(s.SpanID)
		if err1 != nil || err2 != nil {
			skipped++
			continue
		}
		ctx := context.Background()
		if parent, err := trace.SpanIDFromHex(s.ParentSpanID); err == nil {
			ctx = trace.ContextWithRemoteSpanContext(ctx, trace.NewSpanContext(trace.SpanContextConfig{
				TraceID: tid, SpanID: parent, TraceFlags: trace.FlagsSampled, Remote: true,
			}))
		}
		attrs := make([]attribute.KeyValue, 0, len(s.Attributes))
		for _, a := range s.Attributes {
			switch v := a.Value.(type) {
			case string:
				attrs = append(attrs, attribute.String(a.Key, scrub(v)))
			case int64:
				attrs = append(attrs, attribute.Int64(a.Key, v))
			case float64:
				attrs = append(attrs, attribute.Float64(a.Key, v))
			case bool:
				attrs = append(attrs, attribute.Bool(a.Key, v))
			}
		}
		_, sp := tracer.Start(codexotel.WithIDs(ctx, tid, sid), s.Name, trace.WithTimestamp(s.Start),
			trace.WithSpanKind(trace.SpanKind(s.Kind)), trace.WithAttributes(attrs...))
		sp.End(trace.WithTimestamp(s.End))
		sent++
		if (i+1)%spanChunk == 0 {
			if err := flushWithin(flush); err != nil {
				return sent, skipped, err
			}
		}
	}
	return sent, skipped, flushWithin(flush)
}

func flushWithin(flush func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), flushWait)
	defer cancel()
	if err := flush(ctx); err != nil {
		return fmt.Errorf("forwarding Codex's spans: %w", err)
	}
	return nil
}
