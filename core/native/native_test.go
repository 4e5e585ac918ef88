package native

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const captures = "testdata/captures"

// loadCapture loads a capture's native export; a capture without one (the
// HTTP 500 run posted nothing) gives an empty store.
func loadCapture(t *testing.T, name string) *Store {
	t.Helper()
	s := NewStore(Limits{})
	dir := filepath.Join(captures, name, "native")
	if entries, _ := os.ReadDir(dir); len(entries) == 0 {
		return s
	}
	if err := s.Load(dir); err != nil {
		t.Fatalf("Load(%s): %v", dir, err)
	}
	return s
}

func TestLoadCaptures(t *testing.T) {
	tests := []struct {
		capture     string
		bodies      int
		toolResults int
		decisions   int
		apiRequests int
		spans       bool // trace bodies kept whole
	}{
		{"cmd_sleep", 4, 1, 1, 2, true},
		{"cmd_fail_exit", 2, 1, 1, 2, false},
		{"mcp_calls", 4, 3, 0, 4, true},
		{"http_500", 0, 0, 0, 0, false},
		{"interrupt", 1, 0, 1, 1, false},
		{"streaming_answer", 4, 0, 0, 1, false},
		{"parallel_cmds", 3, 2, 2, 2, false},
		{"two_turns_resume/run1_exec", 2, 0, 0, 1, false},
		{"two_turns_resume/run2_resume", 3, 1, 1, 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.capture, func(t *testing.T) {
			s := loadCapture(t, tt.capture)
			st := s.Stats()
			if st.Bodies != tt.bodies || st.BadBodies != 0 || st.Problems != 0 {
				t.Errorf("stats = %+v, want %d bodies, none bad, no problems (%v)", st, tt.bodies, s.Problems())
			}
			count := map[string]int{}
			for _, r := range s.Records() {
				count[r.Event]++
				if r.Time.IsZero() {
					t.Errorf("%s record without a time", r.Event)
				}
				if r.Conversation == "" || r.Model != "gpt-5.5" {
					t.Errorf("%s record: conversation %q, model %q", r.Event, r.Conversation, r.Model)
				}
			}
			if count[EventToolResult] != tt.toolResults || count[EventToolDecision] != tt.decisions || count[EventAPIRequest] != tt.apiRequests {
				t.Errorf("records = %v, want %d tool results, %d decisions, %d API requests", count, tt.toolResults, tt.decisions, tt.apiRequests)
			}
			if got := len(s.Spans()) > 0; got != tt.spans {
				t.Errorf("spans kept: %v, want %v", got, tt.spans)
			}
			if tt.spans && st.Skipped == 0 {
				t.Error("no internal span was skipped")
			}
		})
	}
}

func TestCmdSleepRecords(t *testing.T) {
	s := loadCapture(t, "cmd_sleep")
	ix := s.Index()
	p := ix.Process("01a24274-b90a-74d2-b259-13c568aed366", 0)
	if p == nil {
		t.Fatal("no process for the thread")
	}
	if p.Model != "gpt-5.5" || p.Start.IsZero() {
		t.Errorf("process model %q start %v", p.Model, p.Start)
	}
	if ix.Process("01a24274-b90a-74d2-b259-13c568aed366", 1) != nil || ix.Process("nope", 0) != nil {
		t.Error("a process that does not exist was found")
	}
	if got := p.TurnID(0); got != "01a24274-b933-7493-beb5-9e29ce0fe2e1" {
		t.Errorf("TurnID(0) = %q", got)
	}
	c, ok := p.MatchCommand("/bin/bash -lc 'sleep 1.5 && echo done'")
	if !ok || c.CallID != "call_sleep_1" || c.Result == nil || c.Decision == nil {
		t.Fatalf("MatchCommand = %+v, %v", c, ok)
	}
	if c.Result.Duration != 1598*time.Millisecond || c.Result.Seq != 1 || c.Result.Success == nil || !*c.Result.Success {
		t.Errorf("result = %+v", c.Result)
	}
	if c.TurnID != p.TurnID(0) || c.Decision.Decision != "approved" || c.Decision.Source != "Config" {
		t.Errorf("call turn %q decision %+v", c.TurnID, c.Decision)
	}
	if !strings.Contains(c.Result.Output, "Process exited with code 0") {
		t.Errorf("output = %q", c.Result.Output)
	}
	// observed 2162.7 ms after the start, 1598 ms long: dispatched at 564.7 ms.
	start, _ := c.Start()
	t0 := time.Unix(0, 1796411275060709335)
	if ms := start.Sub(t0).Milliseconds(); ms != 564 {
		t.Errorf("dispatch at %d ms, want 564", ms)
	}
	if _, ok := p.MatchCommand("/bin/bash -lc 'sleep 1.5 && echo done'"); ok {
		t.Error("a call was paired twice")
	}
	var usage []Usage
	for _, r := range p.Events() {
		if r.Event == EventSSE {
			usage = append(usage, r.Usage)
		}
	}
	if len(usage) != 2 || usage[0] != (Usage{InputTokens: 6000, OutputTokens: 40}) || usage[1].CachedInputTokens != 5888 {
		t.Errorf("usage = %+v", usage)
	}
}

func TestMatchParallel(t *testing.T) {
	p := loadCapture(t, "parallel_cmds").Index().Process("01a24275-49fd-7f53-a9ec-bc6fe88ac3e9", 0)
	for _, tt := range []struct{ command, call string }{
		{"/bin/bash -lc 'sleep 1 && echo two'", "call_par_b"},
		{"/bin/bash -lc 'sleep 1 && echo one'", "call_par_a"},
	} {
		c, ok := p.MatchCommand(tt.command)
		if !ok || c.CallID != tt.call || c.Decision == nil || c.Decision.CallID != tt.call {
			t.Errorf("MatchCommand(%q) = %+v, %v; want %s", tt.command, c, ok, tt.call)
		}
	}
}

func TestMatchMCP(t *testing.T) {
	p := loadCapture(t, "mcp_calls").Index().Process("01a24277-91a0-72b2-afe6-bfe30a2edfa8", 0)
	for _, tt := range []struct {
		tool, args, call string
		success          bool
	}{
		{"crash", `{}`, "call_mcp_3", false},
		{"echo", `{"text":"hello mcp"}`, "call_mcp_1", true},
		{"fail", `{}`, "call_mcp_2", false},
	} {
		c, ok := p.MatchMCP("demo", tt.tool, []byte(tt.args))
		if !ok || c.CallID != tt.call || c.Result.Success == nil || *c.Result.Success != tt.success || c.TurnID == "" {
			t.Errorf("MatchMCP(%s) = %+v, %v", tt.tool, c, ok)
		}
	}
	if _, ok := p.MatchMCP("demo", "echo", nil); ok {
		t.Error("a taken MCP call was paired again")
	}
}

func TestMatchInterruptedPairsDecision(t *testing.T) {
	p := loadCapture(t, "interrupt").Index().Process("01a24275-0ed4-7da2-868c-27d64500e7b7", 0)
	c, ok := p.MatchCommand("/bin/bash -lc 'echo starting; sleep 30; echo never'")
	if !ok || c.Result != nil || c.Decision == nil || c.CallID != "call_int1" {
		t.Fatalf("MatchCommand = %+v, %v", c, ok)
	}
	if _, ok := c.Start(); ok {
		t.Error("a call without a result has a start")
	}
}

func TestResumeTwoProcesses(t *testing.T) {
	s := NewStore(Limits{})
	for _, run := range []string{"run1_exec", "run2_resume"} {
		if err := s.Load(filepath.Join(captures, "two_turns_resume", run, "native")); err != nil {
			t.Fatal(err)
		}
	}
	ix := s.Index()
	const thread = "01a24276-01fb-70d0-a0ea-224b57f87105"
	p1, p2 := ix.Process(thread, 0), ix.Process(thread, 1)
	if p1 == nil || p2 == nil || ix.Process(thread, 2) != nil {
		t.Fatalf("processes: %v %v", p1, p2)
	}
	if !p1.Start.Before(p2.Start) || len(p1.Prompts()) != 1 || len(p2.Prompts()) != 1 {
		t.Errorf("p1 %v %d prompts, p2 %v %d prompts", p1.Start, len(p1.Prompts()), p2.Start, len(p2.Prompts()))
	}
	if _, ok := p1.MatchCommand("/bin/bash -lc 'echo resumed'"); ok {
		t.Error("the first process paired the second's command")
	}
	if c, ok := p2.MatchCommand("/bin/bash -lc 'echo resumed'"); !ok || c.CallID != "call_rs1" {
		t.Errorf("MatchCommand = %+v, %v", c, ok)
	}
}

func TestNumbers(t *testing.T) {
	body := `{"resourceLogs":[{"scopeLogs":[{"logRecords":[
	  {"timeUnixNano":"0","observedTimeUnixNano":1796411277223447783,"attributes":[
	    {"key":"event.name","value":{"stringValue":"codex.tool_result"}},
	    {"key":"duration_ms","value":{"intValue":"12"}},
	    {"key":"tool_result_seq","value":{"intValue":3}},
	    {"key":"success","value":{"boolValue":false}}]},
	  {"timeUnixNano":"0","observedTimeUnixNano":"x1","attributes":[
	    {"key":"event.name","value":{"stringValue":"codex.api_request"}},
	    {"key":"event.timestamp","value":{"stringValue":"2026-12-04T19:07:55.621Z"}},
	    {"key":"duration_ms","value":{"stringValue":"1.5"}},
	    {"key":"attempt","value":{"doubleValue":2.0}},
	    {"key":"http.response.status_code","value":{"stringValue":"429"}}]},
	  {"observedTimeUnixNano":"5","attributes":[
	    {"key":"event.name","value":{"stringValue":"codex.tool_result"}},
	    {"key":"success","value":{"stringValue":"maybe"}}]}
	]}]}]}`
	s := NewStore(Limits{})
	if err := s.Add(Logs, "", []byte(body)); err != nil {
		t.Fatal(err)
	}
	rs := s.Records()
	if len(rs) != 3 {
		t.Fatalf("%d records", len(rs))
	}
	byEvent := map[string][]Record{}
	for _, r := range rs {
		byEvent[r.Event] = append(byEvent[r.Event], r)
	}
	api := byEvent[EventAPIRequest][0]
	if api.HasDuration || api.Attempt != 2 || api.Status != 429 || api.Time.UnixMilli() != 1796411275621 {
		t.Errorf("api request = %+v", api)
	}
	ps := s.Problems()
	want := []string{
		"native: logs body 1: resourceLogs[0].scopeLogs[0].logRecords[1]: field observedTimeUnixNano: \"x1\" is not an integer",
		"native: logs body 1: resourceLogs[0].scopeLogs[0].logRecords[1]: field duration_ms: \"1.5\" is not an integer",
		"native: logs body 1: resourceLogs[0].scopeLogs[0].logRecords[2]: field success: \"maybe\" is not a boolean",
	}
	if len(ps) != len(want) || s.Stats().Problems != len(want) {
		t.Fatalf("problems = %v", ps)
	}
	for i := range want {
		if ps[i].Error() != want[i] {
			t.Errorf("problem %d = %q\nwant %q", i, ps[i].Error(), want[i])
		}
	}
}

func TestBadBodies(t *testing.T) {
	tests := []struct {
		sig  Signal
		body string
		want string
	}{
		{Logs, `not json`, "native: logs body 1: not an OTLP/JSON body: invalid character"},
		{Traces, `{"resourceSpans": 3}`, "native: traces body 1: not an OTLP/JSON body: json: cannot unmarshal number"},
		{Metrics, `{} {}`, "native: metrics body 1: not an OTLP/JSON body: data after the top-level value"},
		{"profiles", `{}`, `native: profiles body 1: unknown signal "profiles"`},
	}
	for _, tt := range tests {
		s := NewStore(Limits{})
		err := s.Add(tt.sig, "", []byte(tt.body))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("Add(%s, %q) = %v, want %q...", tt.sig, tt.body, err, tt.want)
		}
		if st := s.Stats(); st.BadBodies != 1 || st.Bodies != 0 {
			t.Errorf("stats = %+v", st)
		}
	}
}

func TestLimits(t *testing.T) {
	s := NewStore(Limits{MaxRecords: 5, MaxSpans: 3, MaxText: 10})
	if err := s.Load(filepath.Join(captures, "cmd_sleep", "native")); err != nil {
		t.Fatal(err)
	}
	st := s.Stats()
	if st.Records != 5 || st.DroppedRecords == 0 || st.Spans != 3 || st.DroppedSpans == 0 {
		t.Errorf("stats = %+v", st)
	}
	s = NewStore(Limits{MaxText: 10})
	if err := s.Load(filepath.Join(captures, "cmd_sleep", "native")); err != nil {
		t.Fatal(err)
	}
	for _, r := range s.Records() {
		if r.Event == EventToolResult && (r.Arguments != `{"cmd": "s` || r.Output != "put:\ndone\n") {
			t.Errorf("arguments %q output %q", r.Arguments, r.Output)
		}
	}
	if err := NewStore(Limits{MaxBody: 100}).Load(filepath.Join(captures, "cmd_sleep", "native")); err == nil || !strings.Contains(err.Error(), "over the limit of 100") {
		t.Errorf("Load over MaxBody = %v", err)
	}
}

func TestLoadLines(t *testing.T) {
	dir := t.TempDir()
	var lines []string
	for _, name := range []string{"001_v1_logs.json", "004_v1_logs.json"} {
		b, err := os.ReadFile(filepath.Join(captures, "cmd_sleep", "native", name))
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, strings.ReplaceAll(string(b), "\n", ""))
	}
	lines = append(lines, "# a comment", "", `{"nothing": 1}`, `[1]`)
	path := filepath.Join(dir, "bodies.jsonl")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	s := NewStore(Limits{})
	err := s.Load(path)
	for _, want := range []string{
		"native: bodies.jsonl line 5: not an OTLP/JSON body: no resourceLogs",
		"native: bodies.jsonl line 6: not an OTLP/JSON body: not a JSON object",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load = %v, want it to say %q", err, want)
		}
	}
	if st := s.Stats(); st.Bodies != 2 || st.BadBodies != 2 || st.Records != 9 {
		t.Errorf("stats = %+v", st)
	}
	if err := s.Load(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing path loaded")
	}
	if err := s.Load(dir + "/"); err == nil || !strings.Contains(err.Error(), "no OTLP bodies") {
		t.Errorf("a directory without bodies: %v", err)
	}
}

func TestTrimmedOnlyWithoutWhole(t *testing.T) {
	dir := t.TempDir()
	metrics := `{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","sum":{"dataPoints":[{"asInt":1},{"asInt":"2"}]}}]}]}]}`
	os.WriteFile(filepath.Join(dir, "001_v1_metrics.json"), []byte(metrics), 0o644)
	os.WriteFile(filepath.Join(dir, "001_v1_metrics.trimmed.json"), []byte(metrics), 0o644)
	os.WriteFile(filepath.Join(dir, "requests.log"), []byte("not a body"), 0o644)
	s := NewStore(Limits{})
	if err := s.Load(dir); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Bodies != 1 || st.MetricPoints != 2 {
		t.Errorf("stats = %+v", st)
	}
}

// BenchmarkStoreAdd decodes the whole native export of the cmd_sleep run
// (two log bodies, 0.8 MB of traces, 0.5 MB of metrics): what the receiver
// costs codextel per such run.
func BenchmarkStoreAdd(b *testing.B) {
	dir := filepath.Join(captures, "cmd_sleep", "native")
	var bodies [][]byte
	var total int64
	for _, name := range []string{"001_v1_logs.json", "002_v1_traces.json", "003_v1_metrics.json", "004_v1_logs.json"} {
		body, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		bodies = append(bodies, body)
		total += int64(len(body))
	}
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		s := NewStore(Limits{})
		for _, body := range bodies {
			sig, _ := SignalOf(body)
			if err := s.Add(sig, "", body); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// TestLive: a live store checks the start of trace and metric bodies and
// counts them without reading the rest; logs are decoded as always.
func TestLive(t *testing.T) {
	s := NewStore(Limits{Live: true})
	if err := s.Load(filepath.Join(captures, "cmd_sleep", "native")); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Bodies != 4 || st.Records != 9 || st.Spans != 0 || st.MetricPoints != 0 {
		t.Errorf("stats = %+v", st)
	}
	for _, tt := range []struct {
		sig        Signal
		body, want string
	}{
		{Traces, `{"resourceSpans": [`, ""}, // the rest is not read
		{Traces, `[{"resourceSpans": []}]`, "native: traces body 1: not an OTLP/JSON traces body"},
		{Traces, `{"resource`, "native: traces body 1: not an OTLP/JSON traces body"},
		{Metrics, `{"resourceLogs": []}`, "native: metrics body 1: not an OTLP/JSON metrics body"},
		{Metrics, `{"x": 1, "resourceMetrics": []}`, ""},
	} {
		s := NewStore(Limits{Live: true})
		err := s.Add(tt.sig, "", []byte(tt.body))
		if got := fmt.Sprint(err); tt.want == "" && err != nil || tt.want != "" && got != tt.want {
			t.Errorf("Add(%s, %q) = %v, want %q", tt.sig, tt.body, err, tt.want)
		}
		if st := s.Stats(); st.Bodies+st.BadBodies != 1 || (st.BadBodies == 1) != (tt.want != "") {
			t.Errorf("Add(%s, %q): stats %+v", tt.sig, tt.body, st)
		}
	}
}

// TestKeepSpans: with KeepSpans every span of cmd_sleep's traces body is
// kept, in a live store too, with its kind and typed attributes; without,
// a live store keeps none and a replay store only those with a join key.
func TestKeepSpans(t *testing.T) {
	body, err := os.ReadFile(filepath.Join(captures, "cmd_sleep", "native", "002_v1_traces.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		limits Limits
		spans  int
	}{
		{"replay", Limits{}, 14},
		{"live", Limits{Live: true}, 0},
		{"replay keep", Limits{KeepSpans: true}, 462},
		{"live keep", Limits{Live: true, KeepSpans: true}, 462},
		{"keep over the limit", Limits{KeepSpans: true, MaxSpans: 100}, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewStore(tc.limits)
			if err := s.Add(Traces, "", body); err != nil {
				t.Fatal(err)
			}
			spans := s.Spans()
			if len(spans) != tc.spans || len(s.Problems()) != 0 {
				t.Fatalf("%d spans kept, problems %v; want %d, none", len(spans), s.Problems(), tc.spans)
			}
			var exec *Span
			for i := range spans {
				if spans[i].Name == "codex.exec" {
					exec = &spans[i]
				}
				if !tc.limits.KeepSpans && (spans[i].Kind != 0 || spans[i].Attributes != nil) {
					t.Errorf("span %s keeps kind %d and %d attributes without KeepSpans", spans[i].Name, spans[i].Kind, len(spans[i].Attributes))
				}
			}
			if !tc.limits.KeepSpans || tc.limits.MaxSpans != 0 {
				return
			}
			if exec == nil {
				t.Fatal("no codex.exec span")
			}
			attrs := map[string]any{}
			for _, a := range exec.Attributes {
				attrs[a.Key] = a.Value
			}
			if exec.Kind != 1 || exec.ParentSpanID == "" || attrs["code.file.path"] == nil {
				t.Errorf("codex.exec: kind %d, parent %q, attributes %v", exec.Kind, exec.ParentSpanID, attrs)
			}
			for key, want := range map[string]any{"code.line.number": int64(1), "code.file.path": ""} {
				if v := attrs[key]; fmt.Sprintf("%T", v) != fmt.Sprintf("%T", want) {
					t.Errorf("codex.exec: %s = %#v, want a %T", key, v, want)
				}
			}
		})
	}
}

// TestSpanAttributes: every scalar OTLP/JSON value type is read; a value
// that is not a number is a problem naming the attribute, and a bad kind
// is one naming the kind.
func TestSpanAttributes(t *testing.T) {
	body := `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"s","kind":9,
	"startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[
	{"key":"s","value":{"stringValue":"x"}},{"key":"b","value":{"boolValue":true}},
	{"key":"i","value":{"intValue":"42"}},{"key":"n","value":{"intValue":7}},
	{"key":"d","value":{"doubleValue":1.5}},{"key":"bad","value":{"doubleValue":"one"}},
	{"key":"arr","value":{"arrayValue":{"values":[]}}}]}]}]}]}`
	s := NewStore(Limits{KeepSpans: true})
	if err := s.Add(Traces, "t", []byte(body)); err != nil {
		t.Fatal(err)
	}
	spans := s.Spans()
	if len(spans) != 1 {
		t.Fatalf("%d spans", len(spans))
	}
	want := []Attribute{{"s", "x"}, {"b", true}, {"i", int64(42)}, {"n", int64(7)}, {"d", 1.5}}
	if got := spans[0].Attributes; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("attributes %v, want %v", got, want)
	}
	if spans[0].Kind != 0 {
		t.Errorf("kind %d, want 0 for the bad 9", spans[0].Kind)
	}
	var fields []string
	for _, p := range s.Problems() {
		fields = append(fields, p.Field)
	}
	if fmt.Sprint(fields) != "[kind bad]" {
		t.Errorf("problems %v, want kind and bad", s.Problems())
	}
}

// TestKeepSpansAsExported: with KeepSpans a span keeps what Codex exported
// with it, from mcp_calls' two trace bodies: the resource (one, shared by
// every span of both bodies), the scope, the status, the events with their
// times and typed attributes, and whether its parent is remote.
func TestKeepSpansAsExported(t *testing.T) {
	s := NewStore(Limits{KeepSpans: true})
	dir := filepath.Join(captures, "mcp_calls", "native")
	for _, name := range []string{"001_v1_traces.json", "002_v1_traces.json"} {
		body, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Add(Traces, name, body); err != nil {
			t.Fatal(err)
		}
	}
	spans := s.Spans()
	if len(spans) != 679 || len(s.Problems()) != 0 {
		t.Fatalf("%d spans, problems %v; want 679, none", len(spans), s.Problems())
	}
	byID := map[string]Span{}
	remote := 0
	for _, sp := range spans {
		byID[sp.SpanID] = sp
		if sp.Resource != spans[0].Resource {
			t.Fatalf("span %s has a resource of its own: %p, not %p", sp.Name, sp.Resource, spans[0].Resource)
		}
		if sp.Scope != (Scope{Name: "codex_exec"}) || sp.Status != (Status{}) || sp.DroppedAttributes != 0 || sp.DroppedEvents != 0 {
			t.Errorf("span %s: scope %+v, status %+v, dropped %d attributes, %d events", sp.Name, sp.Scope, sp.Status, sp.DroppedAttributes, sp.DroppedEvents)
		}
		if sp.ParentRemote {
			remote++
		}
	}
	res := map[string]any{}
	for _, a := range spans[0].Resource.Attributes {
		res[a.Key] = a.Value
	}
	wantRes := map[string]any{"service.name": "codex_exec", "service.version": "0.169.0", "telemetry.sdk.language": "rust",
		"telemetry.sdk.name": "opentelemetry", "telemetry.sdk.version": "0.31.0", "env": "capture"}
	if fmt.Sprint(res) != fmt.Sprint(wantRes) {
		t.Errorf("resource %v, want %v", res, wantRes)
	}
	// The spans whose parent is codextel's thread span (TRACEPARENT), and
	// one in thread_spawn: flags 769.
	if remote != 6 || !byID["40c1a7bc0c954ce6"].ParentRemote || byID["c47b5d40aca26ee5"].ParentRemote {
		t.Errorf("%d spans with a remote parent, want 6 (codex.exec among them, mcp__demoecho not)", remote)
	}

	echo := byID["c47b5d40aca26ee5"]
	if echo.Name != "mcp__demoecho" || len(echo.Events) != 1 {
		t.Fatalf("span c47b5d40aca26ee5: %s with %d events", echo.Name, len(echo.Events))
	}
	ev := echo.Events[0]
	if ev.Name != "codex.tool_result_ready" || !ev.Time.Equal(time.Unix(0, 1796411462166942747)) || ev.DroppedAttributes != 0 || len(ev.Attributes) != 13 {
		t.Errorf("event %s at %v, %d attributes (%d dropped)", ev.Name, ev.Time, len(ev.Attributes), ev.DroppedAttributes)
	}
	for _, want := range []Attribute{{"event.name", "codex.tool_result_ready"}, {"dispatch_to_result_ready_ms", 2.849505},
		{"call_id", "call_mcp_1"}, {"code.line.number", int64(75)}} {
		found := false
		for _, a := range ev.Attributes {
			found = found || a == want
		}
		if !found {
			t.Errorf("event attributes %v lack %v", ev.Attributes, want)
		}
	}
	events := 0
	for _, sp := range spans {
		events += len(sp.Events)
	}
	if events != 20 {
		t.Errorf("%d events, want the 20 of the two bodies", events)
	}
}

// TestSpanStatusEvents: a status and events are read as sent (a code as a
// number or as its protobuf name); a bad status code, event time or count
// is a problem naming the span and the field, and the rest of the span is
// kept; what is over the bounds, not a scalar or unreadable is counted
// dropped, with Codex's own dropped counts (an events value that is not a
// list counts as one event dropped: how many it held is unknown).
func TestSpanStatusEvents(t *testing.T) {
	attrs := func(n int) string {
		kvs := make([]string, n)
		for i := range kvs {
			kvs[i] = fmt.Sprintf(`{"key":"k%d","value":{"intValue":"%d"}}`, i, i)
		}
		return strings.Join(kvs, ",")
	}
	events := make([]string, 130)
	for i := range events {
		events[i] = fmt.Sprintf(`{"timeUnixNano":"%d","name":"e%d"}`, 1000+i, i)
	}
	span := func(id, rest string) string {
		return `{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"` + id + `","name":"s` + id + `","startTimeUnixNano":"1","endTimeUnixNano":"2"` + rest + `}`
	}
	body := `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"codex_exec"}},{"key":"list","value":{"arrayValue":{}}}],"droppedAttributesCount":2},
	"scopeSpans":[{"scope":{"name":"codex_core","version":"0.169.0"},"spans":[` + strings.Join([]string{
		span("0000000000000001", `,"status":{"code":2,"message":"stream disconnected"},"droppedAttributesCount":3,"droppedEventsCount":1,
		"events":[{"timeUnixNano":"1796411462166942747","name":"retry","attributes":[{"key":"attempt","value":{"intValue":"2"}},{"key":"why","value":{"stringValue":"500"}},{"key":"bad","value":{"intValue":"x"}}],"droppedAttributesCount":1},
		{"timeUnixNano":"-3","name":"late"}]`),
		span("0000000000000002", `,"status":{"code":"STATUS_CODE_OK"},"attributes":[`+attrs(130)+`],"events":[`+strings.Join(events, ",")+`]`),
		span("0000000000000003", `,"flags":true,"status":{"code":7,"message":"m"},"events":{"not":"a list"},"droppedEventsCount":"-1"`),
	}, ",") + `]}]}]}`
	s := NewStore(Limits{KeepSpans: true})
	if err := s.Add(Traces, "t", []byte(body)); err != nil {
		t.Fatal(err)
	}
	spans := s.Spans()
	if len(spans) != 3 {
		t.Fatalf("%d spans", len(spans))
	}
	slices.SortFunc(spans, func(a, b Span) int { return strings.Compare(a.SpanID, b.SpanID) })
	one, two, three := spans[0], spans[1], spans[2]
	if one.Resource != two.Resource || one.Resource.DroppedAttributes != 3 || fmt.Sprint(one.Resource.Attributes) != "[{service.name codex_exec}]" {
		t.Errorf("resource %+v (shared: %v)", one.Resource, one.Resource == two.Resource)
	}
	if one.Scope != (Scope{"codex_core", "0.169.0"}) {
		t.Errorf("scope %+v", one.Scope)
	}
	if one.Status != (Status{2, "stream disconnected"}) || one.DroppedAttributes != 3 || one.DroppedEvents != 1 || len(one.Events) != 2 {
		t.Errorf("span 1: status %+v, dropped %d attributes, %d events; %d events", one.Status, one.DroppedAttributes, one.DroppedEvents, len(one.Events))
	} else {
		e := one.Events[0]
		if e.Name != "retry" || !e.Time.Equal(time.Unix(0, 1796411462166942747)) || fmt.Sprint(e.Attributes) != "[{attempt 2} {why 500}]" || e.DroppedAttributes != 2 {
			t.Errorf("event %+v", e)
		}
		if e := one.Events[1]; e.Name != "late" || !e.Time.IsZero() {
			t.Errorf("event %+v, want late with no time", e)
		}
	}
	if two.Status != (Status{Code: 1}) || len(two.Attributes) != 128 || two.DroppedAttributes != 2 || len(two.Events) != 128 || two.DroppedEvents != 2 {
		t.Errorf("span 2: status %+v, %d attributes (%d dropped), %d events (%d dropped); want ok, 128 (2), 128 (2)",
			two.Status, len(two.Attributes), two.DroppedAttributes, len(two.Events), two.DroppedEvents)
	}
	if three.Status != (Status{Message: "m"}) || three.Events != nil || three.DroppedEvents != 1 {
		t.Errorf("span 3: status %+v, events %v (%d dropped), want none (1 dropped)", three.Status, three.Events, three.DroppedEvents)
	}
	var got []string
	for _, p := range s.Problems() {
		got = append(got, p.Record+" "+p.Field)
	}
	want := []string{
		"resourceSpans[0].scopeSpans[0].spans[0] events[0].bad",
		"resourceSpans[0].scopeSpans[0].spans[0] events[1].timeUnixNano",
		"resourceSpans[0].scopeSpans[0].spans[2] flags",
		"resourceSpans[0].scopeSpans[0].spans[2] status.code",
		"resourceSpans[0].scopeSpans[0].spans[2] events",
		"resourceSpans[0].scopeSpans[0].spans[2] droppedEventsCount",
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems\n%s\nwant\n%s\n(%v)", strings.Join(got, "\n"), strings.Join(want, "\n"), s.Problems())
	}
}

// TestSpanEventsOneByOne: a span's events are decoded one by one, so that
// an event that cannot be read is dropped alone: it is a problem naming
// its place in the list and counted in DroppedEvents with Codex's own
// count and those past the bound, and the readable ones are kept.
func TestSpanEventsOneByOne(t *testing.T) {
	many := make([]string, maxSpanEvents+2)
	for i := range many {
		many[i] = fmt.Sprintf(`{"name":"e%d"}`, i)
	}
	many[1] = `{"name":["not","a","name"]}`
	for _, tc := range []struct {
		name     string
		members  string // after the span's ids and times
		names    []string
		dropped  int
		problems []string
	}{
		{"one bad of two", `,"events":[{"name":"ok","timeUnixNano":"5"},{"name":5}],"droppedEventsCount":1`,
			[]string{"ok"}, 2, []string{"events[1]"}},
		{"bad first", `,"events":[7,{"name":"ok"}]`, []string{"ok"}, 1, []string{"events[0]"}},
		{"all bad", `,"events":[{"attributes":{}},"x"]`, nil, 2, []string{"events[0]", "events[1]"}},
		{"a bad value in a good event is its own problem", `,"events":[{"name":"t","timeUnixNano":"x"}]`,
			[]string{"t"}, 0, []string{"events[0].timeUnixNano"}},
		{"past the bound, one bad within it", `,"events":[` + strings.Join(many, ",") + `]`,
			nil, 3, []string{"events[1]"}},
		{"not a list", `,"events":{"name":"e"},"droppedEventsCount":2`, nil, 3, []string{"events"}},
		{"null", `,"events":null`, nil, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"a","startTimeUnixNano":"1","endTimeUnixNano":"2"` +
				tc.members + `}]}]}]}`
			s := NewStore(Limits{KeepSpans: true})
			if err := s.Add(Traces, "b", []byte(body)); err != nil {
				t.Fatal(err)
			}
			sp := s.Spans()[0]
			var names []string
			for _, e := range sp.Events {
				names = append(names, e.Name)
			}
			if tc.names != nil && !slices.Equal(names, tc.names) || tc.names == nil && len(names) != 0 && len(names) != maxSpanEvents-1 {
				t.Errorf("events %q, want %q", names, tc.names)
			}
			if sp.DroppedEvents != tc.dropped {
				t.Errorf("DroppedEvents %d, want %d", sp.DroppedEvents, tc.dropped)
			}
			var problems []string
			for _, p := range s.Problems() {
				if p.Record != "resourceSpans[0].scopeSpans[0].spans[0]" {
					t.Errorf("problem %v names the wrong record", p)
				}
				problems = append(problems, p.Field)
			}
			if !slices.Equal(problems, tc.problems) {
				t.Errorf("problems %q, want %q (%v)", problems, tc.problems, s.Problems())
			}
		})
	}
}
