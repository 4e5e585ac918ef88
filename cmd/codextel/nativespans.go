package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/native"
	"github.com/codextel/codextel/core/scrub"
)

// spanChunk is how many of Codex's spans forwardSpans hands the exporter
// before it flushes: half the default export queue (2048), so that the
// spans of a long session (several hundred a turn) are not dropped by a
// queue that live exec never waits on.
const spanChunk = 1024

// flushWait bounds each flush of forwarded spans.
const flushWait = 10 * time.Second

// forwardNativeSpans forwards the spans store kept (--native-spans) to
// out's trace exporter, once the run's own events are all delivered, and
// says on stderr how many went.
func forwardNativeSpans(o *options, out output, store *native.Store, stderr io.Writer) {
	f, ok := out.(spanForwarder)
	if !ok || !o.nativeSpans || store == nil {
		return
	}
	sent, skipped, err := f.forwardSpans(store.Spans())
	if err != nil {
		reportTelemetryLoss(stderr, err)
	}
	if !o.quiet {
		fmt.Fprintf(stderr, "codextel: native: %d of Codex's spans forwarded, %d with bad ids skipped\n", sent, skipped)
	}
}

// A spanForwarder is an output that can send Codex's own spans on
// (--native-spans): the otel adapter's.
type spanForwarder interface {
	forwardSpans(spans []native.Span) (sent, skipped int, err error)
}

// A spanCleaner scrubs Codex's spans before they are forwarded, and leaves
// out the attributes that name data the bus's redaction policy drops.
// Forwarded spans do not pass through the bus: this is what they get
// instead.
type spanCleaner struct {
	sc *scrub.Scrubber
	// data holds the metadata keys the catalog marks as model or tool
	// data that the policy drops (arguments, command, delta, diff, input,
	// items, result, text: both classes off); a span's or an event's
	// attribute named so, or whose last dot-separated part is so named
	// (gen_ai.tool.call.arguments), is left out and counted dropped.
	data map[string]bool
}

// newSpanCleaner returns the cleaner for a run whose bus scrubs with sc and
// lets model and tool data through as modelData and toolData say.
func newSpanCleaner(sc *scrub.Scrubber, modelData, toolData bool) *spanCleaner {
	c := &spanCleaner{sc: sc, data: map[string]bool{}}
	for _, e := range catalog.All() {
		for _, f := range e.Metadata {
			if f.Data == catalog.ModelData && !modelData || f.Data == catalog.ToolData && !toolData {
				c.data[f.Key] = true
			}
		}
	}
	return c
}

// text returns s scrubbed as free text.
func (c *spanCleaner) text(s string) string {
	out, _ := c.sc.String(s)
	return out
}

// isData reports whether an attribute named key carries data the policy
// drops.
func (c *spanCleaner) isData(key string) bool {
	if c.data[key] {
		return true
	}
	i := strings.LastIndexByte(key, '.')
	return i >= 0 && c.data[key[i+1:]]
}

// forwardSpans hands queue Codex's spans as they were exported: each with
// its trace id, span id, parent (remote or not, as Codex said), name,
// kind, times, attributes, status, events, and the resource and
// instrumentation scope Codex exported it under, cleaned by clean: span
// and event names, the status message and the scope's name and version
// scrubbed as text; every attribute (of the span, of its events, of the
// resource) scrubbed as the bus scrubs an attribute it has no plan for,
// key and value (a string under a secret key, password or api_key, is
// replaced whole; numbers and booleans are kept); and the span's and its
// events' attributes that name data the redaction policy drops left out,
// counted in their dropped counts. flush is called after every spanChunk
// spans and at the end. A span whose ids are not W3C ids is skipped and
// counted; sent counts the spans queue took. The spans keep Codex's ids,
// so those that continue codextel's trace (TRACEPARENT) hang from its
// thread span. Nothing in spans is modified (the store shares them).
func forwardSpans(queue func([]sdktrace.ReadOnlySpan) (int, error), flush func(context.Context) error, spans []native.Span, clean *spanCleaner) (sent, skipped int, err error) {
	cl := &spanCleaning{clean, map[string]keyPlan{}}
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
		stub, ok := cl.spanStub(s)
		if !ok {
			skipped++
			continue
		}
		res, ok := resources[s.Resource]
		if !ok {
			res = cl.resource(s.Resource)
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

// spanStub is Codex's span s, cleaned, without its resource; ok is false
// when its ids are not W3C ids.
func (c *spanCleaning) spanStub(s native.Span) (tracetest.SpanStub, bool) {
	tid, err1 := trace.TraceIDFromHex(s.TraceID)
	sid, err2 := trace.SpanIDFromHex(s.SpanID)
	if err1 != nil || err2 != nil {
		return tracetest.SpanStub{}, false
	}
	attrs, dropped := c.attributes(s.Attributes, true)
	// Codex exported it: it was sampled.
	stub := tracetest.SpanStub{
		Name:                 c.text(s.Name),
		SpanContext:          trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled}),
		SpanKind:             trace.SpanKind(s.Kind),
		StartTime:            s.Start,
		EndTime:              s.End,
		Attributes:           attrs,
		Status:               sdktrace.Status{Description: c.text(s.Status.Message)},
		InstrumentationScope: instrumentation.Scope{Name: c.text(s.Scope.Name), Version: c.text(s.Scope.Version)},
		DroppedAttributes:    s.DroppedAttributes + dropped,
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
			attrs, dropped := c.attributes(e.Attributes, true)
			stub.Events[i] = sdktrace.Event{Name: c.text(e.Name), Time: e.Time,
				Attributes: attrs, DroppedAttributeCount: e.DroppedAttributes + dropped}
		}
	}
	return stub, true
}

// resource is the resource Codex exported its spans under, cleaned; an
// empty one when the span came without it.
func (c *spanCleaning) resource(r *native.Resource) *resource.Resource {
	if r == nil {
		return resource.Empty()
	}
	attrs, _ := c.attributes(r.Attributes, false)
	return resource.NewSchemaless(attrs...)
}

// A spanCleaning is one forwarding's cleaning: the cleaner, and the plan
// for each attribute key met so far (Codex's spans use a few dozen keys,
// thousands of times).
type spanCleaning struct {
	*spanCleaner
	keys map[string]keyPlan
}

// A keyPlan is what cleaning an attribute's value needs to know of its
// key, found once per key.
type keyPlan struct {
	key   string // the key, scrubbed as text
	plain bool   // scrub.Scrubber.PlainKey: a string under it is scrubbed as text
	data  bool   // it names data the redaction policy drops (spanCleaner.isData)
}

func (c *spanCleaning) plan(key string) keyPlan {
	p, ok := c.keys[key]
	if !ok {
		p = keyPlan{key: c.text(key), plain: c.sc.PlainKey(key), data: c.isData(key)}
		c.keys[key] = p
	}
	return p
}

// attributes converts Codex's attributes, each cleaned as the bus cleans
// an attribute it has no plan for (scrub.Scrubber.Attr): its key scrubbed
// as text; a string value scrubbed under the key (as text under a plain
// key; replaced whole under a secret one); numbers and booleans kept, as
// the scrubber keeps them under any key. With policy, those that name data
// the redaction policy drops are left out, and counted in dropped.
func (c *spanCleaning) attributes(as []native.Attribute, policy bool) (kvs []attribute.KeyValue, dropped int) {
	if len(as) == 0 {
		return nil, 0
	}
	kvs = make([]attribute.KeyValue, 0, len(as))
	for _, a := range as {
		p := c.plan(a.Key)
		if policy && p.data {
			dropped++
			continue
		}
		switch v := a.Value.(type) {
		case string:
			if p.plain {
				v, _ = c.sc.String(v)
			} else if clean, changed := c.sc.Value(a.Key, slog.StringValue(v)); changed {
				v = clean.String()
			}
			kvs = append(kvs, attribute.String(p.key, v))
		case int64:
			kvs = append(kvs, attribute.Int64(p.key, v))
		case float64:
			kvs = append(kvs, attribute.Float64(p.key, v))
		case bool:
			kvs = append(kvs, attribute.Bool(p.key, v))
		default: // native keeps no other kind
			dropped++
		}
	}
	return kvs, dropped
}

func flushWithin(flush func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), flushWait)
	defer cancel()
	if err := flush(ctx); err != nil {
		return fmt.Errorf("forwarding Codex's spans: %w", err)
	}
	return nil
}
