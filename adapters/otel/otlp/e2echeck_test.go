//go:build e2e

package codexotlp

// What the end-to-end tests check of what the collector received: the log
// records are compared with those the otel adapter's Handler writes for the
// same events through an in-memory provider, the spans with the recorded
// session's span tree (as the adapter's own unit tests check them).

import (
	"context"
	"encoding/base64"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"

	codexotel "github.com/codextel/codextel/adapters/otel"
	"github.com/codextel/codextel/core/telemetry"
)

// logView is what the tests check of a log record.
type logView struct {
	time        time.Time
	severity    int
	text, body  string
	scope       string
	trace, span string
	eventName   string
	attrs       []keyValue
}

// keyValue is an attribute with its value normalized by norm.
type keyValue struct {
	key   string
	value any
}

// norm turns an attribute value into plain Go values: bool, int64, float64,
// string, []byte as base64 text, []any, map[string]any, or nil; as the
// collector's JSON output is read (otlpValue.plain).
func norm(v attribute.Value) any {
	switch v.Type() {
	case attribute.BOOL:
		return v.AsBool()
	case attribute.INT64:
		return v.AsInt64()
	case attribute.FLOAT64:
		return v.AsFloat64()
	case attribute.STRING:
		return v.AsString()
	case attribute.BYTESLICE:
		return base64.StdEncoding.EncodeToString(v.AsByteSlice())
	case attribute.SLICE:
		out := []any{}
		for _, e := range v.AsSlice() {
			out = append(out, norm(e))
		}
		return out
	case attribute.MAP:
		out := map[string]any{}
		for _, kv := range v.AsMap() {
			out[string(kv.Key)] = norm(kv.Value)
		}
		return out
	case attribute.EMPTY:
		return nil
	}
	return v.AsInterface()
}

// keptLogs is an in-memory log exporter.
type keptLogs struct {
	mu   sync.Mutex
	recs []sdklog.Record
}

func (k *keptLogs) Export(_ context.Context, rs []sdklog.Record) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, r := range rs {
		k.recs = append(k.recs, r.Clone())
	}
	return nil
}
func (*keptLogs) Shutdown(context.Context) error   { return nil }
func (*keptLogs) ForceFlush(context.Context) error { return nil }

// expectedLogs returns the records the otel adapter's Handler writes for
// evs, as logViews.
func expectedLogs(t *testing.T, evs []telemetry.Event) []logView {
	t.Helper()
	keep := &keptLogs{}
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(keep)))
	h, err := codexotel.NewHandler(codexotel.WithLoggerProvider(lp))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		h.Handle(context.Background(), e)
	}
	var out []logView
	for _, r := range keep.recs {
		v := logView{
			time: r.Timestamp(), severity: int(r.Severity()), text: r.SeverityText(), body: r.Body().AsString(),
			scope: r.InstrumentationScope().Name, eventName: r.EventName(),
		}
		if r.TraceID().IsValid() {
			v.trace = r.TraceID().String()
		}
		if r.SpanID().IsValid() {
			v.span = r.SpanID().String()
		}
		r.WalkAttributes(func(kv attribute.KeyValue) bool {
			v.attrs = append(v.attrs, keyValue{string(kv.Key), norm(kv.Value)})
			return true
		})
		out = append(out, v)
	}
	return out
}

// checkRecord compares a record the collector received with the one the
// Handler writes, and returns the problems.
func checkRecord(got, want logView) []string {
	var ps []string
	bad := func(format string, args ...any) { ps = append(ps, fmt.Sprintf(format, args...)) }
	if !got.time.Equal(want.time) {
		bad("time %s, want %s", got.time, want.time)
	}
	if got.severity != want.severity || got.text != want.text {
		bad("severity %d %q, want %d %q", got.severity, got.text, want.severity, want.text)
	}
	if got.body != want.body {
		bad("body %q, want %q", got.body, want.body)
	}
	if got.scope != want.scope {
		bad("scope %q, want %q", got.scope, want.scope)
	}
	if got.eventName != want.eventName {
		bad("event name %q, want %q", got.eventName, want.eventName)
	}
	if got.trace != want.trace || got.span != want.span {
		bad("ids %s/%s, want %s/%s", got.trace, got.span, want.trace, want.span)
	}
	if !reflect.DeepEqual(got.attrs, want.attrs) {
		bad("attributes %v, want %v", got.attrs, want.attrs)
	}
	return ps
}

// spanView is what the tests check of a span.
type spanView struct {
	name, trace, id, parent string
	start, end              time.Time
	failed                  bool
	statusMessage           string
	attrs                   map[string]any
	events                  []spanEvent
}

type spanEvent struct {
	name  string
	time  time.Time
	attrs map[string]any
}

// sessionSpan is a span the recorded session must produce.
type sessionSpan struct {
	name, id, parent string
	failed           bool
	attrs            map[string]any // a few attributes it must have
}

const sessionThread = "0199a213-81c0-7800-8aa1-bbab2a035a53"

// sessionSpans is the span tree of the recorded session (the otel adapter's
// spans_test checks the same).
var sessionSpans = []sessionSpan{
	{"codex.thread", "a1b2c3d4e5f60718", "", true, map[string]any{
		"gen_ai.conversation.id": sessionThread, "gen_ai.request.model": "gpt-5.5", "gen_ai.provider.name": "openai",
		"gen_ai.usage.input_tokens": int64(2000), "gen_ai.usage.output_tokens": int64(400)}},
	{"invoke_agent codex", "b2c3d4e5f6071829", "a1b2c3d4e5f60718", false, map[string]any{
		"gen_ai.operation.name": "invoke_agent", "gen_ai.request.model": "gpt-5.5", "codex.turn_id": "turn-1"}},
	{"codex.approval command_execution", "d4e5f60718293a4b", "b2c3d4e5f6071829", false, map[string]any{
		"codex.approval.outcome": "approved"}},
	{"execute_tool shell", "c3d4e5f60718293a", "b2c3d4e5f6071829", false, map[string]any{
		"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "shell", "gen_ai.tool.call.id": "item_1"}},
	{"execute_tool apply_patch", "e5f60718293a4b5c", "b2c3d4e5f6071829", false, map[string]any{
		"gen_ai.tool.name": "apply_patch"}},
	{"tools/call search", "f60718293a4b5c6d", "b2c3d4e5f6071829", true, map[string]any{
		"mcp.method.name": "tools/call", "gen_ai.tool.name": "search"}},
	{"invoke_agent codex", "0718293a4b5c6d7e", "a1b2c3d4e5f60718", true, nil},
	{"codex.approval command_execution", "293a4b5c6d7e8f90", "0718293a4b5c6d7e", false, map[string]any{
		"codex.approval.outcome": "denied"}},
	{"execute_tool shell", "18293a4b5c6d7e8f", "0718293a4b5c6d7e", true, map[string]any{
		"gen_ai.tool.name": "shell", "codex.tool.status": "failed"}},
}

// checkSessionSpans checks spans against the recorded session's span tree,
// and returns the problems.
func checkSessionSpans(spans []spanView, events []telemetry.Event) []string {
	var ps []string
	byID := map[string]spanView{}
	for _, s := range spans {
		byID[s.id] = s
	}
	if len(spans) != len(sessionSpans) {
		ps = append(ps, fmt.Sprintf("%d spans, want %d", len(spans), len(sessionSpans)))
	}
	times := map[string][2]time.Time{}
	for _, e := range events {
		id := e.IDs().Span
		tt := times[id]
		if _, ok := e.Measurement("system_time"); ok {
			tt[0] = e.Time
		}
		if _, ok := e.Measurement("duration"); ok {
			tt[1] = e.Time
		}
		times[id] = tt
	}
	for _, want := range sessionSpans {
		s, ok := byID[want.id]
		if !ok {
			ps = append(ps, fmt.Sprintf("no span %s (%s)", want.id, want.name))
			continue
		}
		if s.name != want.name || s.trace != sessionTrace || s.parent != want.parent || s.failed != want.failed {
			ps = append(ps, fmt.Sprintf("span %s is %q in %s under %q failed=%v, want %q in %s under %q failed=%v",
				want.id, s.name, s.trace, s.parent, s.failed, want.name, sessionTrace, want.parent, want.failed))
		}
		if tt := times[want.id]; !s.start.Equal(tt[0]) || !s.end.Equal(tt[1]) {
			ps = append(ps, fmt.Sprintf("span %s runs %s..%s, want %s..%s", want.id, s.start, s.end, tt[0], tt[1]))
		}
		for k, v := range want.attrs {
			if s.attrs[k] != v {
				ps = append(ps, fmt.Sprintf("span %s: attribute %s = %v, want %v", want.id, k, s.attrs[k], v))
			}
		}
	}
	return ps
}
