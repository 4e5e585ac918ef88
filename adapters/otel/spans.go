package codexotel

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/telemetry"
)

// A family is a kind of span: the events that open and close it.
type family struct {
	prefix string         // "codex.tool"
	kind   familyKind     // what the span stands for
	opens  string         // suffix of the opening event
	ok     []string       // suffixes that close it without error
	failed []string       // suffixes that close it with an error
	spanOf trace.SpanKind // the OpenTelemetry span kind
	name   func(*attrs) string
}

type familyKind uint8

const (
	kindCustom familyKind = iota
	kindThread
	kindTurn
	kindTool
	kindMCP
	kindApproval
)

// role is what an event does to its span.
type role uint8

const (
	roleNone role = iota
	roleOpen
	roleClose
	roleFail
)

// Attribute keys of the OpenTelemetry GenAI (and MCP) semantic conventions
// the adapter writes. The conventions are in development, so the names are
// spelled out here rather than taken from a semconv package.
const (
	keyOperation    = "gen_ai.operation.name"
	keyProvider     = "gen_ai.provider.name"
	keyConversation = "gen_ai.conversation.id"
	keyAgentName    = "gen_ai.agent.name"
	keyModel        = "gen_ai.request.model"
	keyToolName     = "gen_ai.tool.name"
	keyToolCallID   = "gen_ai.tool.call.id"
	keyToolType     = "gen_ai.tool.type"
	keyToolArgs     = "gen_ai.tool.call.arguments"
	keyToolResult   = "gen_ai.tool.call.result"
	keyInputTokens  = "gen_ai.usage.input_tokens"
	keyOutputTokens = "gen_ai.usage.output_tokens"
	keyCacheRead    = "gen_ai.usage.cache_read.input_tokens"
	keyCacheWrite   = "gen_ai.usage.cache_creation.input_tokens"
	keyInputMsgs    = "gen_ai.input.messages"
	keyOutputMsgs   = "gen_ai.output.messages"
	keyMCPMethod    = "mcp.method.name"
	keyErrorType    = "error.type"

	providerOpenAI = "openai"
	agentCodex     = "codex"
)

var families = []*family{
	{prefix: "codex.thread", kind: kindThread, opens: "start", ok: []string{"stop"}, failed: []string{"exception"},
		spanOf: trace.SpanKindInternal, name: func(*attrs) string { return "codex.thread" }},
	{prefix: "codex.turn", kind: kindTurn, opens: "start", ok: []string{"completed"}, failed: []string{"failed"},
		spanOf: trace.SpanKindClient, name: func(*attrs) string { return "invoke_agent " + agentCodex }},
	{prefix: "codex.tool", kind: kindTool, opens: "start", ok: []string{"success"}, failed: []string{"failure"},
		spanOf: trace.SpanKindInternal, name: func(a *attrs) string { return "execute_tool " + a.tool }},
	{prefix: "codex.mcp.tool_call", kind: kindMCP, opens: "start", ok: []string{"success"}, failed: []string{"failure"},
		spanOf: trace.SpanKindClient, name: func(a *attrs) string { return "tools/call " + a.tool }},
	{prefix: "codex.approval", kind: kindApproval, opens: "requested", ok: []string{"approved", "denied", "timeout", "cancelled"},
		spanOf: trace.SpanKindInternal, name: func(a *attrs) string { return "codex.approval " + a.approvalKind }},
}

// spanRole says what event name does to a span, and of which family. The
// catalog's span families are known; any other name ending in .start, .stop
// or .exception (the suffixes of [telemetry.Bus.Span]) is a span of its own
// family, named by the rest of the name.
func spanRole(name string) (*family, role) {
	for _, f := range families {
		rest, ok := strings.CutPrefix(name, f.prefix+".")
		if !ok {
			continue
		}
		switch {
		case rest == f.opens:
			return f, roleOpen
		case contains(f.ok, rest):
			return f, roleClose
		case contains(f.failed, rest):
			return f, roleFail
		}
	}
	if _, ok := catalog.Lookup(name); ok {
		return nil, roleNone
	}
	i := strings.LastIndexByte(name, '.')
	if i <= 0 {
		return nil, roleNone
	}
	prefix, suffix := name[:i], name[i+1:]
	f := &family{prefix: prefix, kind: kindCustom, opens: telemetry.SpanStart, spanOf: trace.SpanKindInternal,
		ok: []string{telemetry.SpanStop}, failed: []string{telemetry.SpanException},
		name: func(*attrs) string { return prefix }}
	switch suffix {
	case telemetry.SpanStart:
		return f, roleOpen
	case telemetry.SpanStop:
		return f, roleClose
	case telemetry.SpanException:
		return f, roleFail
	}
	return nil, roleNone
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// attrs are an event's fields as span attributes, and the few values a span
// name or its children need.
type attrs struct {
	kvs          []attribute.KeyValue
	tool         string
	approvalKind string
	model        string
	errType      string
	reason       string
	stacktrace   string
	input        string // a turn's user input (model data: present when logged)
}

// spanAttrs converts e's metadata for a span of family f: the fields with a
// GenAI name get it, the others are written as codex.<field>. reason and
// stacktrace go to the status and the exception event instead.
func spanAttrs(f *family, e *telemetry.Event, a *attrs) {
	tooly := f.kind == kindTool || f.kind == kindMCP
	for m := range e.Metadata {
		v := m.Value.Resolve()
		var key string
		switch m.Key {
		case "tool":
			a.tool = text(v)
			key = keyToolName
			if !tooly {
				key = "codex.tool"
			}
		case "call_id":
			key = keyToolCallID
			if !tooly {
				key = "codex.call_id"
			}
		case "model":
			a.model = text(v)
			key = keyModel
		case "input", "arguments":
			key = "codex." + m.Key
			if tooly {
				key = keyToolArgs
			}
			if f.kind == kindTurn && m.Key == "input" {
				// The turn's input is its gen_ai.input.messages.
				a.input = text(v)
				continue
			}
		case "result":
			key = "codex.result"
			if tooly {
				key = keyToolResult
			}
		case "error_type":
			a.errType = text(v)
			key = keyErrorType
		case "reason":
			a.reason = text(v)
			continue
		case "stacktrace":
			a.stacktrace = text(v)
			continue
		case "approval_kind":
			a.approvalKind = text(v)
			key = "codex.approval.kind"
		case "decision":
			key = "codex.approval.decision"
		case "tool_kind":
			key = "codex.tool.kind"
			if v.Kind() == slog.KindString {
				typ := "extension"
				if v.String() == "function" {
					typ = "function"
				}
				a.kvs = append(a.kvs, attribute.String(keyToolType, typ))
			}
		case "server":
			key = "codex.mcp.server"
		case "status":
			key = "codex.status"
			if f.kind == kindTool {
				key = "codex.tool.status"
			}
		default:
			key = "codex." + m.Key
		}
		a.kvs = append(a.kvs, attribute.KeyValue{Key: attribute.Key(key), Value: spanValue(v)})
	}
}

// openSpan is a span between its opening and closing events.
type openSpan struct {
	ctx      startContext // what the span was started under
	remote   idSpan       // its parent, when that is not one of the handler's spans
	span     trace.Span
	fam      *family
	id       string
	parent   string
	start    time.Time
	model    string
	children []string
	startKVs []attribute.KeyValue // the attributes it was started with
	turn     *turnState           // a turn span's, nil for other spans
}

// turnState is what a turn span gathers while it is open.
type turnState struct {
	tokens [len(usageKeys)]int64 // the turn's token counts so far: the sum of its usage events'
	output []messagePart         // its agent messages and reasoning so far (model data)
}

// spanTracker turns span events into OpenTelemetry spans. Spans are found by
// the bus's span id, so a span may close on another goroutine than the one
// that opened it.
type spanTracker struct {
	tracer   trace.Tracer
	max      int
	untraced atomic.Uint64

	mu   sync.RWMutex
	open map[string]*openSpan
}

func newSpanTracker(tp trace.TracerProvider, max int) *spanTracker {
	return &spanTracker{
		tracer: tp.Tracer(scopeName, trace.WithInstrumentationVersion(Version)),
		max:    max,
		open:   map[string]*openSpan{},
	}
}

// spanContext returns the context of the open span with the bus span id id.
func (t *spanTracker) spanContext(id string) (trace.SpanContext, bool) {
	if id == "" {
		return trace.SpanContext{}, false
	}
	t.mu.RLock()
	s := t.open[id]
	t.mu.RUnlock()
	if s == nil {
		return trace.SpanContext{}, false
	}
	return s.span.SpanContext(), true
}

// startTime is when the span e opens started: the event's own time, its
// system_time measurement, or the time the bus gave its emission.
func startTime(e *telemetry.Event) time.Time {
	if !e.Time.IsZero() {
		return e.Time
	}
	if n, ok := e.Measurement("system_time"); ok {
		return time.Unix(0, n.Int64())
	}
	return e.When()
}

// handle opens or closes a span for e, when e is a span event.
func (t *spanTracker) handle(e *telemetry.Event, ids *correlation.IDs, f *family, r role) {
	switch r {
	case roleOpen:
		if ids.Span == "" {
			return
		}
		t.mu.RLock()
		_, dup := t.open[ids.Span]
		t.mu.RUnlock()
		if dup { // not a new span: an event that merely ends in .start
			return
		}
		a := attrs{kvs: make([]attribute.KeyValue, 0, e.NumMetadata()+8)}
		spanAttrs(f, e, &a)
		t.begin(f, ids, startTime(e), &a)
	case roleClose, roleFail:
		t.finish(e, ids, f, r)
	}
}

// begin starts the span ids.Span of family f at start.
func (t *spanTracker) begin(f *family, ids *correlation.IDs, start time.Time, a *attrs) *openSpan {
	t.mu.RLock()
	parent := t.open[ids.ParentSpan]
	n := len(t.open)
	t.mu.RUnlock()
	if n >= t.max {
		t.untraced.Add(1)
		return nil
	}

	s := &openSpan{fam: f, id: ids.Span, parent: ids.ParentSpan, start: start}
	if f.kind == kindTurn {
		s.turn = &turnState{}
	}
	s.ctx.Context = context.Background()
	s.ctx.want.span, _ = spanID(ids.Span)
	if tid, ok := traceID(ids.Correlation); ok {
		s.ctx.want.trace = tid
	}
	var ctx context.Context = &s.ctx
	switch {
	case parent != nil:
		ctx = trace.ContextWithSpan(ctx, parent.span)
	case s.ctx.want.trace.IsValid():
		if psid, ok := spanID(ids.ParentSpan); ok {
			s.remote.sc = trace.NewSpanContext(trace.SpanContextConfig{
				TraceID: s.ctx.want.trace, SpanID: psid, TraceFlags: trace.FlagsSampled, Remote: true,
			})
			ctx = trace.ContextWithSpan(ctx, &s.remote)
		}
	}

	s.model = a.model
	if s.model == "" && parent != nil {
		s.model = parent.model
	}
	kvs := a.kvs
	switch f.kind {
	case kindThread:
		kvs = append(kvs, attribute.String(keyProvider, providerOpenAI), attribute.String(keyAgentName, agentCodex))
	case kindTurn:
		kvs = append(kvs, attribute.String(keyOperation, "invoke_agent"), attribute.String(keyProvider, providerOpenAI),
			attribute.String(keyAgentName, agentCodex))
		if a.model == "" && s.model != "" {
			kvs = append(kvs, attribute.String(keyModel, s.model))
		}
		if a.input != "" {
			kvs = append(kvs, attribute.String(keyInputMsgs, inputMessages(a.input)))
		}
	case kindTool:
		kvs = append(kvs, attribute.String(keyOperation, "execute_tool"), attribute.String(keyProvider, providerOpenAI))
	case kindMCP:
		kvs = append(kvs, attribute.String(keyOperation, "execute_tool"), attribute.String(keyMCPMethod, "tools/call"),
			attribute.String(keyProvider, providerOpenAI))
	}
	if ids.Thread != "" {
		kvs = append(kvs, attribute.String(keyConversation, ids.Thread))
	}
	if ids.Turn != "" {
		kvs = append(kvs, attribute.String("codex.turn_id", ids.Turn))
	}
	if ids.Correlation != "" {
		kvs = append(kvs, attribute.String("codex.correlation_id", ids.Correlation))
	}

	s.startKVs = kvs
	_, s.span = t.tracer.Start(ctx, f.name(a), trace.WithTimestamp(start), trace.WithSpanKind(f.spanOf),
		trace.WithAttributes(kvs...))
	t.mu.Lock()
	t.open[ids.Span] = s
	if p := t.open[ids.ParentSpan]; p != nil {
		p.children = append(p.children, ids.Span)
	}
	t.mu.Unlock()
	return s
}

// finish closes the span e closes.
func (t *spanTracker) finish(e *telemetry.Event, ids *correlation.IDs, f *family, r role) {
	d, hasDuration := e.Measurement("duration")
	t.mu.Lock()
	s := t.open[ids.Span]
	if s != nil {
		delete(t.open, ids.Span)
	}
	t.mu.Unlock()

	buf := kvBuffers.Get().(*[]attribute.KeyValue)
	defer func() {
		clear(*buf)
		if cap(*buf) <= 64 {
			kvBuffers.Put(buf)
		}
	}()
	a := attrs{kvs: (*buf)[:0]}
	spanAttrs(f, e, &a)
	*buf = a.kvs
	end := e.Time
	if s == nil {
		// The opening event was not seen (the handler was attached later):
		// the closing one says when the span started.
		if !hasDuration || ids.Span == "" {
			return
		}
		if end.IsZero() {
			end = e.When()
		}
		start := attrs{kvs: slices.Clone(a.kvs), tool: a.tool, approvalKind: a.approvalKind, model: a.model}
		if s = t.begin(f, ids, end.Add(-d.Duration()), &start); s == nil {
			return
		}
		t.mu.Lock()
		delete(t.open, ids.Span)
		t.mu.Unlock()
	} else {
		// The closing event repeats the opening one's metadata: set only
		// what is new, sparing the SDK the deduplication.
		kvs := a.kvs[:0]
		for _, kv := range a.kvs {
			if !hasKV(s.startKVs, kv) {
				kvs = append(kvs, kv)
			}
		}
		s.span.SetAttributes(kvs...)
	}
	if end.IsZero() {
		if hasDuration {
			end = s.start.Add(d.Duration())
		} else {
			end = e.When()
		}
	}
	if f.kind == kindTurn {
		t.mu.Lock()
		out := s.turn.output
		s.turn.output = nil
		t.mu.Unlock()
		if len(out) > 0 {
			finish := "stop"
			if r == roleFail {
				finish = "error"
			}
			s.span.SetAttributes(attribute.String(keyOutputMsgs, outputMessages(out, finish)))
		}
	}
	if f.kind == kindApproval {
		outcome := e.Name[len(f.prefix)+1:]
		s.span.SetAttributes(attribute.String("codex.approval.outcome", outcome))
	}
	if r == roleFail {
		ex := []attribute.KeyValue{
			attribute.String("exception.type", a.errType),
			attribute.String("exception.message", a.reason),
		}
		if a.stacktrace != "" {
			ex = append(ex, attribute.String("exception.stacktrace", a.stacktrace))
		}
		s.span.AddEvent("exception", trace.WithTimestamp(end), trace.WithAttributes(ex...))
		s.span.SetStatus(codes.Error, a.reason)
	}
	t.endChildren(s, end)
	s.span.End(trace.WithTimestamp(end))
}

// kvBuffers hold the attributes of closing events while they are set: the
// SDK copies them.
var kvBuffers = sync.Pool{New: func() any { b := make([]attribute.KeyValue, 0, 16); return &b }}

// hasKV reports whether kvs holds kv, comparing scalar values only.
func hasKV(kvs []attribute.KeyValue, kv attribute.KeyValue) bool {
	for _, x := range kvs {
		if x.Key != kv.Key || x.Value.Type() != kv.Value.Type() {
			continue
		}
		switch kv.Value.Type() {
		case attribute.STRING:
			return x.Value.AsString() == kv.Value.AsString()
		case attribute.INT64:
			return x.Value.AsInt64() == kv.Value.AsInt64()
		case attribute.BOOL:
			return x.Value.AsBool() == kv.Value.AsBool()
		}
		return false
	}
	return false
}

// endChildren ends the spans still open under s, at end, marked incomplete:
// a tool call whose completion never came, for example.
func (t *spanTracker) endChildren(s *openSpan, end time.Time) {
	t.mu.Lock()
	var kids []*openSpan
	for _, id := range s.children {
		if c := t.open[id]; c != nil {
			delete(t.open, id)
			kids = append(kids, c)
		}
	}
	t.mu.Unlock()
	for _, c := range kids {
		t.endChildren(c, end)
		c.span.SetAttributes(attribute.Bool("codex.incomplete", true))
		c.span.End(trace.WithTimestamp(end))
	}
}

// closeAll ends every open span at end, marked incomplete.
func (t *spanTracker) closeAll(end time.Time) {
	t.mu.Lock()
	all := t.open
	t.open = map[string]*openSpan{}
	t.mu.Unlock()
	for _, s := range all {
		s.span.SetAttributes(attribute.Bool("codex.incomplete", true))
		s.span.End(trace.WithTimestamp(end))
	}
}

// A messagePart is a part of a GenAI message, as the semantic conventions'
// gen_ai.input.messages and gen_ai.output.messages write it.
type messagePart struct {
	Type    string `json:"type"` // "text" or "reasoning"
	Content string `json:"content"`
}

// genAIMessage is a message of gen_ai.input.messages or
// gen_ai.output.messages.
type genAIMessage struct {
	Role         string        `json:"role"`
	Parts        []messagePart `json:"parts"`
	FinishReason string        `json:"finish_reason,omitempty"`
}

// inputMessages is gen_ai.input.messages of a turn whose user input is
// input: one user message of one text part, as JSON.
func inputMessages(input string) string {
	b, _ := json.Marshal([]genAIMessage{{Role: "user", Parts: []messagePart{{Type: "text", Content: input}}}})
	return string(b)
}

// outputMessages is gen_ai.output.messages of a turn that produced parts
// and ended for finish ("stop", "error"): one assistant message, as JSON.
func outputMessages(parts []messagePart, finish string) string {
	b, _ := json.Marshal([]genAIMessage{{Role: "assistant", Parts: parts, FinishReason: finish}})
	return string(b)
}

// content adds the text of an agent message or reasoning event (present
// only when the bus lets model data through) to its turn's output
// messages, which the turn span carries when it ends.
func (t *spanTracker) content(e *telemetry.Event, ids *correlation.IDs) {
	v, ok := e.Lookup("text")
	if !ok {
		return
	}
	part := messagePart{Type: "text", Content: text(v)}
	if e.Name == catalog.ItemReasoning {
		part.Type = "reasoning"
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for s, hops := t.open[ids.Span], 0; s != nil && hops < 64; s, hops = t.open[s.parent], hops+1 {
		if s.fam.kind == kindTurn {
			if len(s.turn.output) < maxOutputParts {
				s.turn.output = append(s.turn.output, part)
			}
			return
		}
	}
}

// maxOutputParts bounds the parts a turn's output messages keep.
const maxOutputParts = 256

// usageKeys are the span attributes of token usage and the measurements
// they come from (the thread's totals are total_<field>).
var usageKeys = [...]struct{ key, field string }{
	{keyInputTokens, "input_tokens"},
	{keyOutputTokens, "output_tokens"},
	{keyCacheRead, "cached_input_tokens"},
	{keyCacheWrite, "cache_write_input_tokens"},
	{"codex.usage.reasoning_output_tokens", "reasoning_output_tokens"},
}

// usage records a token usage event on the open spans it belongs to: on
// the innermost open turn span, the turn's counts, the sum of the counts of
// its usage events (each event counts one model request on the app-server
// path, the tokens since the last report on the exec path); on its thread
// span, the thread's totals.
func (t *spanTracker) usage(e *telemetry.Event, ids *correlation.IDs) {
	get := func(k string) (int64, bool) {
		n, ok := e.Measurement(k)
		return n.Int64(), ok
	}
	t.mu.Lock()
	var turn, thread *openSpan
	for s, hops := t.open[ids.Span], 0; s != nil && hops < 64; s, hops = t.open[s.parent], hops+1 {
		switch s.fam.kind {
		case kindTurn:
			if turn == nil {
				turn = s
			}
		case kindThread:
			if thread == nil {
				thread = s
			}
		}
	}
	if s := t.open[ids.ParentSpan]; turn == nil && thread == nil && s != nil && s.fam.kind == kindThread {
		thread = s
	}
	var turnKVs []attribute.KeyValue
	if turn != nil {
		for i, m := range usageKeys {
			if n, ok := get(m.field); ok {
				turn.turn.tokens[i] += n
				turnKVs = append(turnKVs, attribute.Int64(m.key, turn.turn.tokens[i]))
			}
		}
	}
	t.mu.Unlock()
	if turn != nil {
		turn.span.SetAttributes(turnKVs...)
	}
	if thread != nil {
		var kvs []attribute.KeyValue
		for _, m := range usageKeys {
			if n, ok := get("total_" + m.field); ok {
				kvs = append(kvs, attribute.Int64(m.key, n))
			}
		}
		thread.span.SetAttributes(kvs...)
	}
}
