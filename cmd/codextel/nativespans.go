package main

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

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

// forwardSpans hands queue Codex's spans as they were exported: each with
// its trace id, span id, parent (remote or not, as Codex said), name,
// kind, times, attributes, status, events, and the resource and
// instrumentation scope Codex exported it under, every string (names,
// attribute values, the status message, the resource's attributes)
// passed through scrub. flush is called after every spanChunk spans and at
// the end. A span whose ids are not W3C ids is skipped and counted; sent
// counts the spans queue took. The spans keep Codex's ids, so those that
// continue codextel's trace (TRACEPARENT) hang from its thread span.
func forwardSpans(queue func([]sdktrace.ReadOnlySpan) (int, error), flush func(context.Context) error, spans []native.Span, scrub func(string) string) (sent, skipped int, err error) {
	resources := map[*native.Resource]*resource.Resource{}
	chunk := make([]sdktrace.ReadOnlySpan, 0, min(len(spans), spanChunk))
	send := func() error {
		n, err := queue(chunk)
		sent += n
		chunk = chunk[:0]
		if err != nil {
			return fmt.Errorf("forwarding Codex's spans: %w", err)
		}
		return flushWithin(flush)
	}
	for _, s := range spans {
		stub, ok := spanStub(s, scrub)
		if !ok {
			skipped++
			continue
		}
		res, ok := resources[s.Resource]
		if !ok {
			res = codexResource(s.Resource, scrub)
			resources[s.Resource] = res
		}
		stub.Resource = res
		chunk = append(chunk, stub.Snapshot())
		if len(chunk) == spanChunk {
			if err := send(); err != nil {
				return sent, skipped, err
			}
		}
	}
	return sent, skipped, send()
}

// spanStub is Codex's span s, scrubbed, without its resource; ok is false
// when its ids are not W3C ids.
func spanStub(s native.Span, scrub func(string) string) (tracetest.SpanStub, bool) {
	tid, err1 := trace.TraceIDFromHex(s.TraceID)
	sid, err2 := trace.SpanIDFromHex(s.SpanID)
	if err1 != nil || err2 != nil {
		return tracetest.SpanStub{}, false
	}
	// Codex exported it: it was sampled.
	stub := tracetest.SpanStub{
		Name:                 scrub(s.Name),
		SpanContext:          trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled}),
		SpanKind:             trace.SpanKind(s.Kind),
		StartTime:            s.Start,
		EndTime:              s.End,
		Attributes:           otelAttributes(s.Attributes, scrub),
		Status:               sdktrace.Status{Description: scrub(s.Status.Message)},
		InstrumentationScope: instrumentation.Scope{Name: s.Scope.Name, Version: s.Scope.Version},
		DroppedAttributes:    s.DroppedAttributes,
		DroppedEvents:        s.DroppedEvents,
	}
	if parent, err := trace.SpanIDFromHex(s.ParentSpanID); err == nil {
		stub.Parent = trace.NewSpanContext(trace.SpanContextConfig{
			TraceID: tid, SpanID: parent, TraceFlags: trace.FlagsSampled, Remote: s.ParentRemote,
		})
	}
	// OTLP's status codes (1 ok, 2 error) are not the Go API's.
	switch s.Status.Code {
	case 1:
		stub.Status.Code = codes.Ok
	case 2:
		stub.Status.Code = codes.Error
	}
	if len(s.Events) > 0 {
		stub.Events = make([]sdktrace.Event, len(s.Events))
		for i, e := range s.Events {
			stub.Events[i] = sdktrace.Event{Name: scrub(e.Name), Time: e.Time,
				Attributes: otelAttributes(e.Attributes, scrub), DroppedAttributeCount: e.DroppedAttributes}
		}
	}
	return stub, true
}

// codexResource is the resource Codex exported its spans under, its
// string values scrubbed; an empty one when the span came without it.
func codexResource(r *native.Resource, scrub func(string) string) *resource.Resource {
	if r == nil {
		return resource.Empty()
	}
	return resource.NewSchemaless(otelAttributes(r.Attributes, scrub)...)
}

// otelAttributes converts Codex's attributes, string values passed
// through scrub.
func otelAttributes(as []native.Attribute, scrub func(string) string) []attribute.KeyValue {
	if len(as) == 0 {
		return nil
	}
	kvs := make([]attribute.KeyValue, 0, len(as))
	for _, a := range as {
		switch v := a.Value.(type) {
		case string:
			kvs = append(kvs, attribute.String(a.Key, scrub(v)))
		case int64:
			kvs = append(kvs, attribute.Int64(a.Key, v))
		case float64:
			kvs = append(kvs, attribute.Float64(a.Key, v))
		case bool:
			kvs = append(kvs, attribute.Bool(a.Key, v))
		}
	}
	return kvs
}

func flushWithin(flush func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), flushWait)
	defer cancel()
	if err := flush(ctx); err != nil {
		return fmt.Errorf("forwarding Codex's spans: %w", err)
	}
	return nil
}
