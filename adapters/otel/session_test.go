package codexotel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"testing"
	"time"

	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/codextel/codextel/core/eventjson"
	"github.com/codextel/codextel/core/telemetry"
	"github.com/codextel/codextel/core/telemetrytest"
)

// sessionFile is a recorded Codex session: two turns, tools, an MCP call,
// approvals and token usage, as telemetry events.
const sessionFile = "testdata/session.jsonl"

// sessionEvents reads the recorded session.
func sessionEvents(t testing.TB) []telemetry.Event {
	t.Helper()
	f, err := os.Open(sessionFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := eventjson.NewDecoder(f)
	var out []telemetry.Event
	for {
		e, err := d.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
}

// replay emits the recorded session on bus, each event with the ids it was
// recorded with.
func replay(t testing.TB, bus *telemetry.Bus) []telemetry.Event {
	t.Helper()
	evs := sessionEvents(t)
	for _, e := range evs {
		bus.EmitEvent(context.Background(), e)
	}
	return evs
}

// sessionSpan is a span the recorded session must produce.
type sessionSpan struct {
	name, id, parent string
	failed           bool
	attrs            map[string]any // a few attributes it must have
}

const (
	sessionTrace  = "4bf92f3577b34da6a3ce929d0e0e4736"
	sessionThread = "0199a213-81c0-7800-8aa1-bbab2a035a53"
)

// sessionSpans is the span tree of the recorded session.
var sessionSpans = []sessionSpan{
	{"codex.thread", "a1b2c3d4e5f60718", "", true, map[string]any{
		keyConversation: sessionThread, keyModel: "gpt-5.5", keyProvider: "openai", "codex.source": "exec",
		keyInputTokens: int64(2000), keyOutputTokens: int64(400), "codex.turns": int64(2), keyErrorType: "_OTHER"}},
	{"invoke_agent codex", "b2c3d4e5f6071829", "a1b2c3d4e5f60718", false, map[string]any{
		keyOperation: "invoke_agent", keyModel: "gpt-5.5", "codex.turn_index": int64(1),
		keyInputTokens: int64(1200), keyOutputTokens: int64(300), keyCacheRead: int64(200), "codex.turn_id": "turn-1"}},
	{"codex.approval command_execution", "d4e5f60718293a4b", "b2c3d4e5f6071829", false, map[string]any{
		"codex.approval.outcome": "approved", "codex.approval.decision": "accept", "codex.call_id": "item_1"}},
	{"execute_tool shell", "c3d4e5f60718293a", "b2c3d4e5f6071829", false, map[string]any{
		keyOperation: "execute_tool", keyToolName: "shell", keyToolCallID: "item_1", keyToolType: "extension",
		"codex.tool.kind": "command_execution", "codex.exit_code": int64(0)}},
	{"execute_tool apply_patch", "e5f60718293a4b5c", "b2c3d4e5f6071829", false, map[string]any{
		keyToolName: "apply_patch", "codex.tool.kind": "file_change"}},
	{"tools/call search", "f60718293a4b5c6d", "b2c3d4e5f6071829", true, map[string]any{
		keyOperation: "execute_tool", keyMCPMethod: "tools/call", keyToolName: "search", "codex.mcp.server": "docs",
		keyErrorType: "tool_error"}},
	{"invoke_agent codex", "0718293a4b5c6d7e", "a1b2c3d4e5f60718", true, map[string]any{
		"codex.turn_index": int64(2), keyInputTokens: int64(800), keyOutputTokens: int64(100)}},
	{"codex.approval command_execution", "293a4b5c6d7e8f90", "0718293a4b5c6d7e", false, map[string]any{
		"codex.approval.outcome": "denied", "codex.approval.decision": "decline"}},
	{"execute_tool shell", "18293a4b5c6d7e8f", "0718293a4b5c6d7e", true, map[string]any{
		keyToolName: "shell", "codex.tool.status": "failed", "codex.exit_code": int64(1), keyErrorType: "_OTHER"}},
}

// TestSessionCatalog checks that the recorded session is what codextel
// emits: every event matches its catalog entry.
func TestSessionCatalog(t *testing.T) {
	for _, e := range sessionEvents(t) {
		if err := telemetrytest.CheckCatalog(e); err != nil {
			t.Errorf("%s: %v", e.Name, err)
		}
	}
}

// spanView is what the tests check of a span, whether it comes from the SDK
// (unit tests) or from the collector's output (make e2e).
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

// spanViews converts SDK spans.
func spanViews(spans []sdktrace.ReadOnlySpan) []spanView {
	var out []spanView
	for _, s := range spans {
		v := spanView{
			name: s.Name(), trace: s.SpanContext().TraceID().String(), id: s.SpanContext().SpanID().String(),
			start: s.StartTime(), end: s.EndTime(), failed: s.Status().Code == codes.Error,
			statusMessage: s.Status().Description, attrs: attrMap(s.Attributes()),
		}
		if s.Parent().SpanID().IsValid() {
			v.parent = s.Parent().SpanID().String()
		}
		for _, e := range s.Events() {
			v.events = append(v.events, spanEvent{e.Name, e.Time, attrMap(e.Attributes)})
		}
		out = append(out, v)
	}
	return out
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
	// Start and end times are the events' times.
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
		if s.name != want.name {
			ps = append(ps, fmt.Sprintf("span %s is named %q, want %q", want.id, s.name, want.name))
		}
		if s.trace != sessionTrace {
			ps = append(ps, fmt.Sprintf("span %s is in trace %s, want %s", want.id, s.trace, sessionTrace))
		}
		if s.parent != want.parent {
			ps = append(ps, fmt.Sprintf("span %s has parent %q, want %q", want.id, s.parent, want.parent))
		}
		if tt := times[want.id]; !s.start.Equal(tt[0]) || !s.end.Equal(tt[1]) {
			ps = append(ps, fmt.Sprintf("span %s runs %s..%s, want %s..%s", want.id, s.start, s.end, tt[0], tt[1]))
		}
		if s.failed != want.failed {
			ps = append(ps, fmt.Sprintf("span %s failed=%v, want %v", want.id, s.failed, want.failed))
		}
		var ex int
		for _, ev := range s.events {
			if ev.name == "exception" && ev.attrs["exception.message"] == s.statusMessage && ev.time.Equal(s.end) {
				ex++
			}
		}
		if want.failed && ex != 1 || !want.failed && len(s.events) != 0 {
			ps = append(ps, fmt.Sprintf("span %s has events %v, want one exception at its end when failed", want.id, s.events))
		}
		for k, v := range want.attrs {
			if s.attrs[k] != v {
				ps = append(ps, fmt.Sprintf("span %s: attribute %s = %v, want %v", want.id, k, s.attrs[k], v))
			}
		}
		if _, ok := s.attrs["codex.command"]; ok {
			ps = append(ps, fmt.Sprintf("span %s carries the redacted command", want.id))
		}
	}
	return ps
}
