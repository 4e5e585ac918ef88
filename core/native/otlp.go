package native

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// The OTLP/JSON wire shapes, only the members the store reads.

type anyValue struct {
	StringValue *string         `json:"stringValue"`
	IntValue    json.RawMessage `json:"intValue"` // a string by the spec; a number is read too
	BoolValue   *bool           `json:"boolValue"`
	DoubleValue json.RawMessage `json:"doubleValue"`
}

type keyValue struct {
	Key   string   `json:"key"`
	Value anyValue `json:"value"`
}

type logsBody struct {
	ResourceLogs []struct {
		ScopeLogs []struct {
			LogRecords []logRecord `json:"logRecords"`
		} `json:"scopeLogs"`
	} `json:"resourceLogs"`
}

type logRecord struct {
	TimeUnixNano         json.RawMessage `json:"timeUnixNano"`
	ObservedTimeUnixNano json.RawMessage `json:"observedTimeUnixNano"`
	Attributes           []keyValue      `json:"attributes"`
	TraceID              string          `json:"traceId"`
	SpanID               string          `json:"spanId"`
}

// A joinBody is a trace body as the join reads it: members a type does not
// name are skipped by encoding/json without a copy, so the join does not
// pay for what only KeepSpans reads (resources, scopes, events, statuses).
type joinBody struct {
	ResourceSpans []struct {
		ScopeSpans []struct {
			Spans []wireSpan `json:"spans"`
		} `json:"scopeSpans"`
	} `json:"resourceSpans"`
}

// A keptBody is a trace body as KeepSpans reads it: all of it.
type keptBody struct {
	ResourceSpans []struct {
		Resource struct {
			Attributes             []keyValue `json:"attributes"`
			DroppedAttributesCount wireInt    `json:"droppedAttributesCount"`
		} `json:"resource"`
		ScopeSpans []struct {
			Scope struct {
				Name    string `json:"name"`
				Version string `json:"version"`
			} `json:"scope"`
			Spans []keptSpan `json:"spans"`
		} `json:"scopeSpans"`
	} `json:"resourceSpans"`
}

// A wireSpan is what the join reads of a span.
type wireSpan struct {
	TraceID           string          `json:"traceId"`
	SpanID            string          `json:"spanId"`
	ParentSpanID      string          `json:"parentSpanId"`
	Name              string          `json:"name"`
	Kind              int             `json:"kind"`
	StartTimeUnixNano json.RawMessage `json:"startTimeUnixNano"`
	EndTimeUnixNano   json.RawMessage `json:"endTimeUnixNano"`
	Attributes        []keyValue      `json:"attributes"`
}

// A keptSpan is a span as KeepSpans decodes it: all of it.
type keptSpan struct {
	wireSpan
	Flags                  wireInt `json:"flags"`
	DroppedAttributesCount wireInt `json:"droppedAttributesCount"`
	Events                 rawList `json:"events"`
	DroppedEventsCount     wireInt `json:"droppedEventsCount"`
	Status                 struct {
		Code    wireInt `json:"code"`
		Message string  `json:"message"`
	} `json:"status"`
}

type wireEvent struct {
	TimeUnixNano           json.RawMessage `json:"timeUnixNano"`
	Name                   string          `json:"name"`
	Attributes             []keyValue      `json:"attributes"`
	DroppedAttributesCount wireInt         `json:"droppedAttributesCount"`
}

// A wireInt is an integer member of a span (flags, a dropped count, a
// status code), read as it is decoded, so that the join, which does not
// use them, does not keep a copy of each: a JSON number or string holding
// an integer; bad is any other value, for a problem (or a status code's
// name).
type wireInt struct {
	n   int64
	set bool
	bad string
}

func (w *wireInt) UnmarshalJSON(b []byte) error {
	*w = wireInt{}
	if string(b) == "null" {
		return nil
	}
	text := b
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' && bytes.IndexByte(b, '\\') < 0 {
		text = b[1 : len(b)-1]
	}
	n, err := parseInt(string(text))
	if err != nil {
		w.bad = string(b)
		if b[0] == '"' {
			_ = json.Unmarshal(b, &w.bad)
		}
		return nil
	}
	w.n, w.set = n, true
	return nil
}

// A rawList is a JSON array kept as it was sent, to be decoded only if
// needed; an empty one is nil.
type rawList []byte

func (r *rawList) UnmarshalJSON(b []byte) error {
	if t := bytes.TrimSpace(b); string(t) == "null" || len(t) >= 2 && t[0] == '[' && len(bytes.TrimSpace(t[1:len(t)-1])) == 0 {
		*r = nil
		return nil
	}
	*r = bytes.Clone(b)
	return nil
}

type metricsBody struct {
	ResourceMetrics []struct {
		ScopeMetrics []struct {
			Metrics []struct {
				Name      string      `json:"name"`
				Sum       *dataPoints `json:"sum"`
				Gauge     *dataPoints `json:"gauge"`
				Histogram *dataPoints `json:"histogram"`
			} `json:"metrics"`
		} `json:"scopeMetrics"`
	} `json:"resourceMetrics"`
}

type dataPoints struct {
	DataPoints []struct {
		TimeUnixNano json.RawMessage `json:"timeUnixNano"`
		AsInt        json.RawMessage `json:"asInt"`
		Count        json.RawMessage `json:"count"`
	} `json:"dataPoints"`
}

// A Problem is a value of a body that could not be read. The record it was
// in is kept without it.
type Problem struct {
	Body   string // the body's name: a file name, or "logs body 3" for a post
	Record string // the record's path in the body: resourceLogs[0].scopeLogs[1].logRecords[4]
	Field  string // the attribute or member: duration_ms, observedTimeUnixNano
	Err    string // what is wrong with it
}

// Error returns "native: BODY: RECORD: field FIELD: ERR".
func (p Problem) Error() string {
	return fmt.Sprintf("native: %s: %s: field %s: %s", p.Body, p.Record, p.Field, p.Err)
}

// decoder turns one body into records and spans, collecting problems.
type decoder struct {
	body     string
	path     string // the record being decoded
	problems []Problem
}

func (d *decoder) problem(field, format string, args ...any) {
	d.problems = append(d.problems, Problem{Body: d.body, Record: d.path, Field: field, Err: fmt.Sprintf(format, args...)})
}

// unmarshal decodes a whole body, naming it in the error.
func unmarshal(name string, body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("native: %s: not an OTLP/JSON body: %w", name, err)
	}
	if _, err := dec.Token(); err == nil {
		return fmt.Errorf("native: %s: not an OTLP/JSON body: data after the top-level value", name)
	}
	return nil
}

// unixNano reads an OTLP timestamp: a string (as the spec says) or a
// number of nanoseconds since the Unix epoch. Absent, null and "0" are the
// zero time.
func (d *decoder) unixNano(field string, raw json.RawMessage) time.Time {
	n, ok := d.integer(field, raw)
	if !ok || n == 0 {
		return time.Time{}
	}
	if n < 0 {
		d.problem(field, "negative timestamp %d", n)
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// integer reads a JSON string or number holding an integer; absent and
// null are not ok, without a problem.
func (d *decoder) integer(field string, raw json.RawMessage) (int64, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return 0, false
	}
	text := string(raw)
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &text); err != nil {
			d.problem(field, "%v", err)
			return 0, false
		}
	}
	n, err := parseInt(text)
	if err != nil {
		d.problem(field, "%s is not an integer", quoted(text))
		return 0, false
	}
	return n, true
}

// parseInt reads a decimal integer, or a float that is one (1e3, 12.0).
func parseInt(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || f > math.MaxInt64 || f < math.MinInt64 {
		return 0, strconv.ErrSyntax
	}
	return int64(f), nil
}

// excerpt quotes a bad value for a problem: whole when it is short, so
// that whoever prints it can scrub a secret in it whole; a longer one only
// by its length, since a cut secret may no longer be recognised.
func excerpt(s string) string {
	if len(s) > 64 {
		return fmt.Sprintf("(a %d-byte value)", len(s))
	}
	return s
}

// quoted is excerpt quoted as Go does when the value is shown whole.
func quoted(s string) string {
	if e := excerpt(s); e != s {
		return e
	}
	return strconv.Quote(s)
}

// attrs is a record's attributes by key.
type attrs map[string]anyValue

func attrMap(kvs []keyValue) attrs {
	m := make(attrs, len(kvs))
	for _, kv := range kvs {
		m[kv.Key] = kv.Value
	}
	return m
}

// str returns a string attribute; an integer or a boolean gives its text.
func (a attrs) str(key string) string {
	v, ok := a[key]
	switch {
	case !ok:
		return ""
	case v.StringValue != nil:
		return *v.StringValue
	case v.BoolValue != nil:
		return strconv.FormatBool(*v.BoolValue)
	case len(v.IntValue) > 0:
		return strings.Trim(string(v.IntValue), `"`)
	}
	return ""
}

// int reads an integer attribute sent as intValue (a string or a number),
// as a stringValue holding a number (Codex's duration_ms), or as an
// integral doubleValue.
func (d *decoder) int(a attrs, key string) (int64, bool) {
	v, ok := a[key]
	switch {
	case !ok:
		return 0, false
	case len(v.IntValue) > 0:
		return d.integer(key, v.IntValue)
	case v.StringValue != nil:
		n, err := parseInt(*v.StringValue)
		if err != nil {
			d.problem(key, "%s is not an integer", quoted(*v.StringValue))
			return 0, false
		}
		return n, true
	case len(v.DoubleValue) > 0:
		return d.integer(key, v.DoubleValue)
	}
	d.problem(key, "no value")
	return 0, false
}

// bool reads a boolean attribute sent as boolValue or as the stringValue
// "true" or "false".
func (d *decoder) bool(a attrs, key string) (bool, bool) {
	v, ok := a[key]
	switch {
	case !ok:
		return false, false
	case v.BoolValue != nil:
		return *v.BoolValue, true
	case v.StringValue != nil:
		b, err := strconv.ParseBool(*v.StringValue)
		if err != nil {
			d.problem(key, "%s is not a boolean", quoted(*v.StringValue))
			return false, false
		}
		return b, true
	}
	d.problem(key, "not a boolean")
	return false, false
}

// The log events the store keeps.
const (
	EventConversationStarts = "codex.conversation_starts"
	EventUserPrompt         = "codex.user_prompt"
	EventAPIRequest         = "codex.api_request"
	EventSSE                = "codex.sse_event"
	EventTurnTTFT           = "codex.turn_ttft"
	EventToolDecision       = "codex.tool_decision"
	EventToolResult         = "codex.tool_result"
)

// A Record is one log event of Codex's export, with the members the join
// uses; the ones an event does not carry are zero.
type Record struct {
	Event        string    // EventToolResult and the others
	Time         time.Time // when Codex logged it (observedTimeUnixNano, or event.timestamp)
	Conversation string    // conversation.id: the thread id of the stream
	Model        string    // model
	TraceID      string    // the active span's, when Codex gives it
	SpanID       string

	Duration    time.Duration // duration_ms of a tool result, an API request, a turn's TTFT
	HasDuration bool

	// codex.tool_result and codex.tool_decision.
	CallID    string // the model's call id (call_...)
	Tool      string // tool_name: exec_command, or the MCP tool's own name
	Namespace string // tool_namespace: functions, mcp__<server>
	MCPServer string // mcp_server, for an MCP tool
	Seq       int64  // tool_result_seq: results in the order they were ready
	Success   *bool  // whether the call succeeded (not the command: see the README of the captures)
	Arguments string // the model's JSON arguments, cut to Limits.MaxText (tool data)
	Output    string // the tail of the output, at most 256 bytes (tool data; the join does not need it)
	Decision  string // approved, denied, abort, ...
	Source    string // where the decision came from: Config, User

	// codex.api_request.
	Attempt      int64
	Status       int64 // http.response.status_code
	Endpoint     string
	ErrorMessage string // error.message, on a failed request

	// codex.sse_event (response.completed with token counts only).
	Usage           Usage
	ReasoningEffort string
}

// Usage is one model response's token counts, from codex.sse_event.
type Usage struct {
	InputTokens, CachedInputTokens, CacheWriteInputTokens int64
	OutputTokens, ReasoningOutputTokens                   int64
}

// logRecord decodes one log record; ok is false for records the store does
// not keep.
func (d *decoder) record(lr *logRecord, maxText int) (Record, bool) {
	a := attrMap(lr.Attributes)
	r := Record{Event: a.str("event.name")}
	switch r.Event {
	case EventConversationStarts, EventUserPrompt, EventAPIRequest, EventTurnTTFT, EventToolDecision, EventToolResult:
	case EventSSE:
		// Only the response.completed record with the token counts is kept.
		if a.str("event.kind") != "response.completed" {
			return r, false
		}
		if _, ok := a["input_token_count"]; !ok {
			return r, false
		}
	default:
		return r, false
	}
	r.Time = d.unixNano("observedTimeUnixNano", lr.ObservedTimeUnixNano)
	if r.Time.IsZero() {
		r.Time = d.unixNano("timeUnixNano", lr.TimeUnixNano)
	}
	if ts := a.str("event.timestamp"); r.Time.IsZero() && ts != "" {
		t, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil {
			d.problem("event.timestamp", "%s is not an RFC 3339 time", quoted(ts))
		}
		r.Time = t.UTC()
	}
	r.Conversation = a.str("conversation.id")
	r.Model = a.str("model")
	r.TraceID, r.SpanID = lr.TraceID, lr.SpanID
	if ms, ok := d.int(a, "duration_ms"); ok {
		r.Duration, r.HasDuration = time.Duration(ms)*time.Millisecond, true
	}
	switch r.Event {
	case EventToolResult, EventToolDecision:
		r.CallID = a.str("call_id")
		r.Tool = a.str("tool_name")
		r.Namespace = a.str("tool_namespace")
		r.MCPServer = a.str("mcp_server")
		r.Decision = a.str("decision")
		r.Source = a.str("source")
		r.Seq, _ = d.int(a, "tool_result_seq")
		if b, ok := d.bool(a, "success"); ok {
			r.Success = &b
		}
		r.Arguments = head(a.str("arguments"), maxText)
		r.Output = tail(a.str("output"), min(maxText, maxOutput))
	case EventAPIRequest:
		r.Attempt, _ = d.int(a, "attempt")
		r.Status, _ = d.int(a, "http.response.status_code")
		r.Endpoint = a.str("endpoint")
		r.ErrorMessage = head(a.str("error.message"), maxText)
	case EventSSE:
		r.Usage.InputTokens, _ = d.int(a, "input_token_count")
		r.Usage.CachedInputTokens, _ = d.int(a, "cached_token_count")
		r.Usage.CacheWriteInputTokens, _ = d.int(a, "cache_write_token_count")
		r.Usage.OutputTokens, _ = d.int(a, "output_token_count")
		r.Usage.ReasoningOutputTokens, _ = d.int(a, "reasoning_token_count")
		r.ReasoningEffort = a.str("model_reasoning_effort")
	}
	return r, true
}

// maxOutput is how much of a tool's output a record keeps: its tail, for
// a person looking at the record; the join pairs calls by their arguments.
const maxOutput = 256

// A Span is one of Codex's spans that carries a join key, or with
// [Limits].KeepSpans any of its spans.
type Span struct {
	TraceID, SpanID, ParentSpanID string
	Name                          string
	Start, End                    time.Time
	Conversation                  string // conversation.id
	TurnID                        string // turn.id
	CallID                        string // call_id (tool.call_id on mcp.tools.call)
	Model                         string // gen_ai.request.model, or model

	// With KeepSpans only, the span as Codex exported it: its OTLP kind
	// (0 unspecified, 1 internal, 2 server, 3 client, 4 producer,
	// 5 consumer); every attribute with a scalar value, in the order Codex
	// sent them, at most 128; its status; its events, at most 128 (the
	// OpenTelemetry SDKs' default span limits); the resource and the
	// instrumentation scope it was exported under; and whether its parent
	// is in another process (the caller's TRACEPARENT). The Dropped counts
	// are Codex's own plus what was left out here (past a bound, not a
	// scalar, or unreadable; an event that cannot be read is dropped
	// alone). An events value that is not a list counts as one event
	// dropped: how many it held is unknown.
	Kind              int
	Attributes        []Attribute
	DroppedAttributes int
	Status            Status
	Events            []SpanEvent
	DroppedEvents     int
	Resource          *Resource // shared by the spans of one resource
	Scope             Scope
	ParentRemote      bool
}

// An Attribute is a span attribute: Value is a string, an int64, a float64
// or a bool.
type Attribute struct {
	Key   string
	Value any
}

// Status is a span's outcome: Code is the OTLP status code (0 unset,
// 1 ok, 2 error), Message what Codex said of an error.
type Status struct {
	Code    int
	Message string
}

// A SpanEvent is an event of a span: what happened, when, with its scalar
// attributes (at most 128; DroppedAttributes counts Codex's dropped ones
// and those left out here).
type SpanEvent struct {
	Name              string
	Time              time.Time
	Attributes        []Attribute
	DroppedAttributes int
}

// A Resource is the resource of an OTLP export: the process that sent the
// spans (service.name, service.version, telemetry.sdk.*, ...), with its
// scalar attributes, at most 128.
type Resource struct {
	Attributes        []Attribute
	DroppedAttributes int
}

// Scope is the instrumentation scope a span was exported under.
type Scope struct {
	Name, Version string
}

// The bounds of what a span keeps with KeepSpans: the OpenTelemetry SDKs'
// default span limits. What is over them is counted in the Dropped
// members.
const (
	maxSpanAttributes = 128 // of a span, of each of its events, of a resource
	maxSpanEvents     = 128 // of a span
)

// processSpans are the spans of a Codex process that name no join key but
// still matter: the process's own, and its JSON-RPC handlers.
var processSpans = map[string]bool{
	"codex.exec": true, "thread/start": true, "thread/resume": true, "turn/start": true,
}

// span decodes one span; ok is false for Codex's internal plumbing unless
// kept, the whole span as KeepSpans decodes it, is given: then the span's
// kind, attributes, status and events are kept too (the caller sets its
// resource and scope).
func (d *decoder) span(ws *wireSpan, kept *keptSpan) (Span, bool) {
	all := kept != nil
	a := attrMap(ws.Attributes)
	s := Span{
		TraceID: ws.TraceID, SpanID: ws.SpanID, ParentSpanID: ws.ParentSpanID, Name: ws.Name,
		Conversation: a.str("conversation.id"), TurnID: a.str("turn.id"), CallID: a.str("call_id"),
		Model: a.str("gen_ai.request.model"),
	}
	if s.CallID == "" {
		s.CallID = a.str("tool.call_id")
	}
	if s.Model == "" {
		s.Model = a.str("model")
	}
	if !all && s.Conversation == "" && s.TurnID == "" && s.CallID == "" && !processSpans[s.Name] {
		return s, false
	}
	s.Start = d.unixNano("startTimeUnixNano", ws.StartTimeUnixNano)
	s.End = d.unixNano("endTimeUnixNano", ws.EndTimeUnixNano)
	if all {
		if ws.Kind < 0 || ws.Kind > 5 {
			d.problem("kind", "%d is not an OTLP span kind", ws.Kind)
		} else {
			s.Kind = ws.Kind
		}
		// Bit 9 of the flags: the parent is remote (OTLP SpanFlags).
		if flags, ok := d.count("flags", kept.Flags); ok {
			s.ParentRemote = flags&0x200 != 0
		}
		s.Attributes, s.DroppedAttributes = d.attributes("", ws.Attributes)
		s.DroppedAttributes += d.dropped("droppedAttributesCount", kept.DroppedAttributesCount)
		s.Status = d.status(kept.Status.Code, kept.Status.Message)
		s.Events, s.DroppedEvents = d.events(kept.Events)
		s.DroppedEvents += d.dropped("droppedEventsCount", kept.DroppedEventsCount)
	}
	return s, true
}

// statusCodes are the names protobuf's JSON mapping may give a status code
// instead of its number.
var statusCodes = map[string]int{"STATUS_CODE_UNSET": 0, "STATUS_CODE_OK": 1, "STATUS_CODE_ERROR": 2}

// status reads a span's status; a code that is not one of OTLP's is a
// problem, and the status is then unset with the message kept.
func (d *decoder) status(code wireInt, message string) Status {
	st := Status{Message: message}
	if c, ok := statusCodes[code.bad]; ok {
		st.Code = c
		return st
	}
	switch n, ok := d.wireInt("status.code", code); {
	case !ok:
	case n < 0 || n > 2:
		d.problem("status.code", "%d is not an OTLP status code", n)
	default:
		st.Code = int(n)
	}
	return st
}

// events reads a span's events, at most maxSpanEvents of them; dropped
// counts the others. Each event is decoded on its own: one that cannot be
// read is a problem named by its place in the list, and dropped. A value
// that is not a list is a problem, and counted as one event dropped (how
// many it held is unknown).
func (d *decoder) events(raw rawList) (events []SpanEvent, dropped int) {
	if raw == nil {
		return nil, 0
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		d.problem("events", "not a list of span events: %v", err)
		return nil, 1
	}
	if len(list) > maxSpanEvents {
		dropped = len(list) - maxSpanEvents
		list = list[:maxSpanEvents]
	}
	if len(list) > 0 {
		events = make([]SpanEvent, 0, len(list))
	}
	for i, raw := range list {
		field := fmt.Sprintf("events[%d]", i)
		var we wireEvent
		if err := json.Unmarshal(raw, &we); err != nil {
			d.problem(field, "not a span event: %v", err)
			dropped++
			continue
		}
		field += "."
		e := SpanEvent{Name: we.Name, Time: d.unixNano(field+"timeUnixNano", we.TimeUnixNano)}
		e.Attributes, e.DroppedAttributes = d.attributes(field, we.Attributes)
		e.DroppedAttributes += d.dropped(field+"droppedAttributesCount", we.DroppedAttributesCount)
		events = append(events, e)
	}
	return events, dropped
}

// wireInt returns w's integer; absent is not ok, without a problem, and
// a value that is not an integer is a problem.
func (d *decoder) wireInt(field string, w wireInt) (int64, bool) {
	if w.bad != "" {
		d.problem(field, "%s is not an integer", quoted(w.bad))
	}
	return w.n, w.set
}

// count reads a non-negative integer that fits in 32 bits (an OTLP count
// or flags); absent is not ok, without a problem.
func (d *decoder) count(field string, w wireInt) (int, bool) {
	n, ok := d.wireInt(field, w)
	if ok && (n < 0 || n > math.MaxUint32) {
		d.problem(field, "%d is out of range", n)
		return 0, false
	}
	return int(n), ok
}

// dropped reads a droppedAttributesCount or droppedEventsCount; absent
// is 0.
func (d *decoder) dropped(field string, w wireInt) int {
	n, _ := d.count(field, w)
	return n
}

// resource reads the resource of a resourceSpans entry.
func (d *decoder) resource(kvs []keyValue, droppedCount wireInt) *Resource {
	r := &Resource{}
	r.Attributes, r.DroppedAttributes = d.attributes("", kvs)
	r.DroppedAttributes += d.dropped("droppedAttributesCount", droppedCount)
	return r
}

// attributes reads the attributes with a scalar value, at most
// maxSpanAttributes: an integer given as a string (as OTLP/JSON says) or a
// number becomes an int64. Arrays, maps and bytes are left out; they, the
// ones over the bound and those whose value cannot be read (a problem
// named by prefix and key) are counted in dropped.
func (d *decoder) attributes(prefix string, kvs []keyValue) (out []Attribute, dropped int) {
	out = make([]Attribute, 0, min(len(kvs), maxSpanAttributes))
	for _, kv := range kvs {
		if len(out) == maxSpanAttributes {
			dropped++
			continue
		}
		v := kv.Value
		switch {
		case v.StringValue != nil:
			out = append(out, Attribute{kv.Key, *v.StringValue})
		case v.BoolValue != nil:
			out = append(out, Attribute{kv.Key, *v.BoolValue})
		case len(v.IntValue) > 0:
			if n, ok := d.integer(prefix+kv.Key, v.IntValue); ok {
				out = append(out, Attribute{kv.Key, n})
			} else {
				dropped++
			}
		case len(v.DoubleValue) > 0:
			f, err := strconv.ParseFloat(strings.Trim(string(v.DoubleValue), `"`), 64)
			if err != nil {
				d.problem(prefix+kv.Key, "%s is not a number", quoted(string(v.DoubleValue)))
				dropped++
				continue
			}
			out = append(out, Attribute{kv.Key, f})
		default:
			dropped++
		}
	}
	return out, dropped
}

// head returns s cut to at most n bytes, on a rune boundary.
func head(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return strings.Clone(s[:n]) // not keeping the whole value alive
}

// tail returns the last n bytes of s at most, on a rune boundary.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := len(s) - n
	for i < len(s) && s[i]&0xC0 == 0x80 {
		i++
	}
	return strings.Clone(s[i:]) // not keeping the whole value alive
}
