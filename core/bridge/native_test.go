package bridge

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/native"
	"github.com/codextel/codextel/core/telemetry"
	"github.com/codextel/codextel/core/telemetrytest"
)

const nativeCaptures = "../native/testdata/captures"

// joined replays the runs of a capture (their exec.jsonl one after the
// other) joined with their native exports, on a bus timed by a stream
// clock whose fallback is fixed, with every event checked against the
// catalog.
func joined(t *testing.T, withNative bool, runs ...string) (*telemetrytest.Recorder, Summary) {
	t.Helper()
	store := native.NewStore(native.Limits{})
	var stream bytes.Buffer
	for _, run := range runs {
		dir := filepath.Join(nativeCaptures, run)
		b, err := os.ReadFile(filepath.Join(dir, "exec.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		stream.Write(b)
		if entries, _ := os.ReadDir(filepath.Join(dir, "native")); len(entries) > 0 {
			if err := store.Load(filepath.Join(dir, "native")); err != nil {
				t.Fatal(err)
			}
		}
	}
	fixed := time.Date(2025, 12, 2, 10, 52, 12, 0, time.UTC)
	clock := NewStreamClock(func() time.Time { return fixed })
	bus := telemetry.New(telemetry.WithClock(clock.Now), telemetry.WithThrottle(nil),
		telemetry.WithToolData(true))
	rec := telemetrytest.Record(t, bus)
	opts := []Option{WithStreamClock(clock)}
	if withNative {
		opts = append(opts, WithNative(store.Index()))
	}
	sum, err := ReadExec(context.Background(), &stream, bus, opts...)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range rec.Events() {
		if err := telemetrytest.CheckCatalog(e); err != nil {
			t.Errorf("%s: %v", e.Name, err)
		}
	}
	return rec, sum
}

func str(e telemetry.Event, key string) string {
	v, _ := e.Lookup(key)
	return v.String()
}

func ms(e telemetry.Event, key string) float64 {
	n, _ := e.Measurement(key)
	return n.Float64()
}

// find returns the events named name whose metadata key has value.
func find(rec *telemetrytest.Recorder, name, key, value string) []telemetry.Event {
	var out []telemetry.Event
	for _, e := range rec.Events() {
		if e.Name == name && (key == "" || str(e, key) == value) {
			out = append(out, e)
		}
	}
	return out
}

func TestNativeCmdSleep(t *testing.T) {
	rec, sum := joined(t, true, "cmd_sleep")
	done := find(rec, catalog.ToolSuccess, "call_id", "item_0")
	if len(done) != 1 {
		t.Fatalf("%d tool successes", len(done))
	}
	// Codex's duration_ms is 1598; the stream's lines are 1423 ms apart.
	if d := ms(done[0], "duration_ms"); math.Abs(d-1598) > 0.05*1598 {
		t.Errorf("tool duration %v ms, want Codex's 1598 within 5%%", d)
	}
	start := find(rec, catalog.ToolStart, "call_id", "item_0")[0]
	if got := done[0].Time.Sub(start.Time); got != 1598*time.Millisecond {
		t.Errorf("tool span from %v to %v", start.Time, done[0].Time)
	}
	// The tool result was logged 2162.7 ms after codex started (the unix time
	// of the capture's 0 is in exec.timing.tsv).
	t0 := time.Unix(0, 1796411275060709335)
	if got := done[0].Time.Sub(t0); got.Round(100*time.Microsecond) != 2162700*time.Microsecond {
		t.Errorf("tool result at %v after the start, want 2162.7ms", got)
	}
	for _, name := range []string{catalog.ThreadStart, catalog.TurnStart, catalog.ToolStart, catalog.ToolSuccess, catalog.TurnCompleted} {
		for _, e := range find(rec, name, "", "") {
			if str(e, "model") != "gpt-5.5" {
				t.Errorf("%s: model %q", name, str(e, "model"))
			}
		}
	}
	if e := find(rec, catalog.TurnStart, "", ""); len(e) != 1 || e[0].IDs().Turn != "01a24274-b933-7493-beb5-9e29ce0fe2e1" {
		t.Errorf("turn start %v", e)
	}
	want := []string{
		"codex.thread.start", "codex.turn.start",
		"codex.model.request.completed", "codex.model.token_usage", "codex.turn.first_token",
		"codex.tool.start", "codex.approval.requested", "codex.approval.approved", "codex.tool.success",
		"codex.model.request.completed", "codex.model.token_usage", "codex.item.agent_message",
		"codex.thread.token_usage.updated", "codex.turn.completed", "codex.thread.stop",
	}
	rec.WantNames(want...)
	ok := find(rec, catalog.ApprovalApproved, "call_id", "item_0")
	if len(ok) != 1 || str(ok[0], "decision") != "approved" || str(ok[0], "decision_source") != "Config" {
		t.Errorf("approval %v", ok)
	}
	usage := find(rec, catalog.ModelTokenUsage, "", "")
	if n, _ := usage[0].Measurement("input_tokens"); n.Int64() != 6000 {
		t.Errorf("first response's usage %v", usage[0])
	}
	if sum.Approvals != 1 || sum.Duration < 1700*time.Millisecond || sum.Duration > 2*time.Second {
		t.Errorf("summary %+v", sum)
	}
	// Times never come from the fallback clock.
	for _, e := range rec.Events() {
		if e.Time.Year() != t0.Year() {
			t.Errorf("%s at %v", e.Name, e.Time)
		}
	}
}

func TestNativeParallel(t *testing.T) {
	rec, _ := joined(t, true, "parallel_cmds")
	for _, tt := range []struct {
		item string
		ms   float64
		cmd  string
	}{
		{"item_0", 1121, "echo two"}, // call_par_b, dispatched second, became item_0
		{"item_1", 1127, "echo one"},
	} {
		done := find(rec, catalog.ToolSuccess, "call_id", tt.item)
		if len(done) != 1 || ms(done[0], "duration_ms") != tt.ms || !strings.Contains(str(done[0], "input"), tt.cmd) {
			t.Errorf("%s: %v", tt.item, done)
		}
		if a := find(rec, catalog.ApprovalApproved, "call_id", tt.item); len(a) != 1 {
			t.Errorf("%s: %d approvals", tt.item, len(a))
		}
	}
}

func TestNativeMCP(t *testing.T) {
	rec, _ := joined(t, true, "mcp_calls")
	for _, tt := range []struct {
		item, event string
		ms          float64
	}{
		{"item_0", catalog.MCPToolCallSuccess, 0},
		{"item_1", catalog.MCPToolCallFailure, 0},
		{"item_2", catalog.MCPToolCallFailure, 0},
	} {
		got := find(rec, tt.event, "call_id", tt.item)
		if len(got) != 1 || str(got[0], "model") != "gpt-5.5" {
			t.Errorf("%s: %v", tt.item, got)
			continue
		}
		start := find(rec, catalog.MCPToolCallStart, "call_id", tt.item)[0]
		if d := got[0].Time.Sub(start.Time); d <= 0 || d > time.Second {
			t.Errorf("%s: %v long", tt.item, d)
		}
	}
	if n := len(find(rec, catalog.ApprovalRequested, "", "")); n != 0 {
		t.Errorf("%d approvals for MCP calls, which Codex logs no decision for", n)
	}
	if n := len(find(rec, catalog.ModelRequestCompleted, "", "")); n != 4 {
		t.Errorf("%d model requests, want 4", n)
	}
}

func TestNativeResume(t *testing.T) {
	rec, sum := joined(t, true, "two_turns_resume/run1_exec", "two_turns_resume/run2_resume")
	const thread = "01a24276-01fb-70d0-a0ea-224b57f87105"
	for _, e := range rec.Events() {
		if e.IDs().Thread != thread {
			t.Errorf("%s in thread %q", e.Name, e.IDs().Thread)
		}
	}
	starts := find(rec, catalog.ThreadStart, "model", "gpt-5.5")
	if len(starts) != 2 || !starts[0].Time.Before(starts[1].Time) {
		t.Fatalf("thread starts %v", starts)
	}
	done := find(rec, catalog.ToolSuccess, "call_id", "item_0")
	if len(done) != 1 || ms(done[0], "duration_ms") != 66 {
		t.Errorf("the resumed run's command: %v", done)
	}
	if n := len(find(rec, catalog.ModelRequestCompleted, "", "")); n != 3 {
		t.Errorf("%d model requests, want 3 (1 + 2)", n)
	}
	if sum.Threads != 2 || sum.Duration < 4*time.Second {
		t.Errorf("summary %+v", sum)
	}
}

// TestNativeFailureComplete: where Codex's export sent nothing (HTTP 500)
// or stopped early (SIGINT), the record is as whole as without it.
func TestNativeFailureComplete(t *testing.T) {
	for _, capture := range []string{"http_500", "interrupt"} {
		t.Run(capture, func(t *testing.T) {
			plain, _ := joined(t, false, capture)
			rec, sum := joined(t, true, capture)
			var without []string
			for _, n := range rec.Names() {
				if !strings.HasPrefix(n, "codex.model.") && !strings.HasPrefix(n, "codex.approval.") && n != catalog.TurnFirstToken {
					without = append(without, n)
				}
			}
			if d := telemetrytest.Diff(plain.Names(), without); d != "" {
				t.Errorf("events other than the native ones differ:\n%s", d)
			}
			if sum.TurnsFailed != 1 {
				t.Errorf("summary %+v", sum)
			}
		})
	}
	rec, _ := joined(t, true, "interrupt")
	if a := find(rec, catalog.ApprovalApproved, "call_id", "item_0"); len(a) != 1 {
		t.Errorf("the interrupted command's approval: %v", a)
	}
	if f := find(rec, catalog.ToolFailure, "status", "abandoned"); len(f) != 1 || str(f[0], "model") != "gpt-5.5" {
		t.Errorf("abandoned command %v", f)
	}
}

// TestNativeScrubbed: what comes from the export passes the bus's scrubbing.
func TestNativeScrubbed(t *testing.T) {
	const secret = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd"
	body := `{"resourceLogs":[{"scopeLogs":[{"logRecords":[
	 {"observedTimeUnixNano":"1796411275538057183","attributes":[
	  {"key":"event.name","value":{"stringValue":"codex.conversation_starts"}},
	  {"key":"conversation.id","value":{"stringValue":"t1"}},{"key":"model","value":{"stringValue":"gpt-5.5"}}]},
	 {"observedTimeUnixNano":"1796411275638057183","attributes":[
	  {"key":"event.name","value":{"stringValue":"codex.api_request"}},
	  {"key":"conversation.id","value":{"stringValue":"t1"}},
	  {"key":"duration_ms","value":{"stringValue":"40"}},
	  {"key":"attempt","value":{"intValue":"0"}},
	  {"key":"http.response.status_code","value":{"intValue":"429"}},
	  {"key":"error.message","value":{"stringValue":"rate limited for key ` + secret + `"}}]},
	 {"observedTimeUnixNano":"1796411275738057183","attributes":[
	  {"key":"event.name","value":{"stringValue":"codex.api_request"}},
	  {"key":"conversation.id","value":{"stringValue":"t1"}},
	  {"key":"duration_ms","value":{"stringValue":"20"}},
	  {"key":"attempt","value":{"intValue":"1"}},
	  {"key":"http.response.status_code","value":{"intValue":"200"}}]}
	]}]}]}`
	store := native.NewStore(native.Limits{})
	if err := store.Add(native.Logs, "", []byte(body)); err != nil {
		t.Fatal(err)
	}
	bus := telemetry.New()
	rec := telemetrytest.Record(t, bus)
	stream := `{"type":"thread.started","thread_id":"t1"}
{"type":"turn.started"}
{"type":"turn.completed","usage":{"input_tokens":1,"cached_input_tokens":0,"output_tokens":1}}
`
	if _, err := ReadExec(context.Background(), strings.NewReader(stream), bus, WithNative(store.Index())); err != nil {
		t.Fatal(err)
	}
	failed := find(rec, catalog.ModelRequestFailed, "", "")
	if len(failed) != 1 || strings.Contains(str(failed[0], "error_message"), "AbCdEf") || !strings.Contains(str(failed[0], "error_message"), "rate limited") {
		t.Errorf("failed request %v", failed)
	}
	if n, _ := failed[0].Measurement("status_code"); n.Int64() != 429 {
		t.Errorf("status %v", n)
	}
	ok := find(rec, catalog.ModelRequestCompleted, "", "")
	if a, _ := ok[0].Measurement("attempt"); len(ok) != 1 || a.Int64() != 1 {
		t.Errorf("the retry %v", ok)
	}
}

// liveRun feeds the cmd_sleep stream to a live join line by line, calling
// feed after each line is written (with the line's index) to post native
// bodies as Codex would, and returns what was recorded and how long the
// read took.
func liveRun(t *testing.T, hold, sealAfter time.Duration, feed func(i int, store *native.Store)) (*telemetrytest.Recorder, time.Duration) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(nativeCaptures, "cmd_sleep", "exec.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	store := native.NewStore(native.Limits{})
	clock := NewStreamClock(time.Now)
	bus := telemetry.New(telemetry.WithClock(clock.Now), telemetry.WithThrottle(nil))
	rec := telemetrytest.Record(t, bus)
	pr, pw, err := os.Pipe() // buffered, as codex's stdout is
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	go func() {
		for i, line := range strings.SplitAfter(string(b), "\n") {
			pw.Write([]byte(line))
			feed(i, store)
			time.Sleep(10 * time.Millisecond)
		}
		pw.Close()
		time.Sleep(sealAfter) // codex still running after its last line
		store.Seal()
	}()
	start := time.Now()
	if _, err := ReadExec(context.Background(), pr, bus, WithStreamClock(clock), WithNativeLive(store.Index(), hold)); err != nil {
		t.Fatal(err)
	}
	return rec, time.Since(start)
}

func postCapture(t *testing.T, store *native.Store, names ...string) {
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(nativeCaptures, "cmd_sleep", "native", name))
		if err != nil {
			t.Error(err)
			return
		}
		sig, _ := native.SignalOf(b)
		if err := store.Add(sig, name, b); err != nil {
			t.Error(err)
		}
	}
}

// TestNativeLive: the export arrives as Codex posts it (the first logs
// after the turn started, the rest at exit, after the last line); the
// join holds the tool's completion until its result comes and keeps
// Codex's duration.
func TestNativeLive(t *testing.T) {
	rec, _ := liveRun(t, 5*time.Second, 0, func(i int, store *native.Store) {
		switch i {
		case 2: // after item.started: the first log post
			postCapture(t, store, "001_v1_logs.json")
		case 5: // after turn.completed, at exit
			time.Sleep(20 * time.Millisecond)
			postCapture(t, store, "002_v1_traces.json", "003_v1_metrics.json", "004_v1_logs.json")
		}
	})
	done := find(rec, catalog.ToolSuccess, "call_id", "item_0")
	if len(done) != 1 || ms(done[0], "duration_ms") != 1598 || str(done[0], "model") != "gpt-5.5" {
		t.Fatalf("tool success %v", done)
	}
	if s := find(rec, catalog.ThreadStart, "model", "gpt-5.5"); len(s) != 1 {
		t.Errorf("thread start without the model: %v", rec.Names())
	}
	if n := len(find(rec, catalog.ModelRequestCompleted, "", "")); n != 2 {
		t.Errorf("%d model requests: %v", n, rec.Names())
	}
	if a := find(rec, catalog.ApprovalApproved, "call_id", "item_0"); len(a) != 1 {
		t.Errorf("approval %v", a)
	}
}

// TestNativeLiveHoldBounded: with no export at all, the live join holds
// the stream once, by the hold at most, and reads it as without the join.
func TestNativeLiveHoldBounded(t *testing.T) {
	const hold = 200 * time.Millisecond
	rec, took := liveRun(t, hold, time.Second, func(int, *native.Store) {})
	// One wait runs out at the thread's start; the one at the end, for
	// codex's exit, runs out too.
	if took > 2*hold+500*time.Millisecond {
		t.Errorf("the read took %v with a hold of %v", took, hold)
	}
	if took < hold {
		t.Errorf("the read took %v: the thread's start was not held", took)
	}
	plain, _ := joined(t, false, "cmd_sleep")
	if d := telemetrytest.Diff(plain.Names(), rec.Names()); d != "" {
		t.Errorf("events differ from a read without the export:\n%s", d)
	}
}

// TestNativeEveryCapture joins every capture with its export: every tool
// call Codex logged a result for takes Codex's duration, every thread the
// export knows has the model, and the model requests are all there.
func TestNativeEveryCapture(t *testing.T) {
	tests := []struct {
		runs     []string
		tools    map[string]float64 // item -> Codex's duration_ms
		requests int
		model    bool
	}{
		{[]string{"cmd_sleep"}, map[string]float64{"item_0": 1598}, 2, true},
		{[]string{"cmd_fail_exit"}, map[string]float64{"item_0": 117}, 2, true},
		{[]string{"mcp_calls"}, map[string]float64{"item_0": 2, "item_1": 1, "item_2": 3}, 4, true},
		{[]string{"http_500"}, nil, 0, false},
		{[]string{"interrupt"}, nil, 1, true},
		{[]string{"streaming_answer"}, nil, 1, true},
		{[]string{"parallel_cmds"}, map[string]float64{"item_0": 1121, "item_1": 1127}, 2, true},
		{[]string{"two_turns_resume/run1_exec", "two_turns_resume/run2_resume"}, map[string]float64{"item_0": 66}, 3, true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.runs, "+"), func(t *testing.T) {
			rec, _ := joined(t, true, tt.runs...)
			for item, want := range tt.tools {
				var ends []telemetry.Event
				for _, name := range []string{catalog.ToolSuccess, catalog.ToolFailure, catalog.MCPToolCallSuccess, catalog.MCPToolCallFailure} {
					ends = append(ends, find(rec, name, "call_id", item)...)
				}
				if len(ends) != 1 || ms(ends[0], "duration_ms") != want {
					t.Errorf("%s: %v, want Codex's %v ms", item, ends, want)
				}
			}
			if got := len(find(rec, catalog.ModelRequestCompleted, "", "")); got != tt.requests {
				t.Errorf("%d model requests, want %d", got, tt.requests)
			}
			for _, e := range find(rec, catalog.ThreadStart, "", "") {
				if (str(e, "model") == "gpt-5.5") != tt.model {
					t.Errorf("thread start model %q", str(e, "model"))
				}
			}
		})
	}
}
