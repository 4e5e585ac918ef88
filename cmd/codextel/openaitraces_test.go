package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// agentsTestdata holds the shared transcripts and the SDK's reference
// outputs (adapters/agents/testdata, copied from the reference material).
const agentsTestdata = "../../adapters/agents/testdata"

// tokens is a JSON text as its token sequence: objects keep their key
// order, strings are decoded and numbers kept as written, so two texts
// compare equal whatever their separators and escaping.
func tokens(t *testing.T, v json.RawMessage) string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	var b strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return b.String()
		}
		if err != nil {
			t.Fatalf("bad JSON %s: %v", v, err)
		}
		fmt.Fprintf(&b, "%T:%v ", tok, tok)
	}
}

// jsonLines reads a file of JSON objects, one a line, as field maps.
func jsonLines(t *testing.T, path string) []map[string]json.RawMessage {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]json.RawMessage
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, m)
	}
	return out
}

func jsonString(t *testing.T, v json.RawMessage) string {
	t.Helper()
	var s *string
	if err := json.Unmarshal(v, &s); err != nil {
		t.Fatalf("not a string or null: %s", v)
	}
	if s == nil {
		return ""
	}
	return *s
}

var (
	traceIDRE = regexp.MustCompile(`^trace_[0-9a-f]{32}$`)
	spanIDRE  = regexp.MustCompile(`^span_[0-9a-f]{24}$`)
	timeRE    = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$`)
	corrRE    = regexp.MustCompile(`"correlation_id": "([0-9a-f]{32})"`)
)

// TestOpenAITracesFileMatchesSDK replays a transcript with --openai-traces
// FILE and compares the file with what the Agents SDK v0.22.0 sent for the
// same stream: the trace object, then the Codex tool's command spans and
// function span in the SDK's order, with the same span_data and error
// (the function span's input is the arguments: {"inputs": []} here, where
// the reference's model sent a prompt). The trace's metadata names the
// run's correlation id, which codextel's own log lines carry.
func TestOpenAITracesFileMatchesSDK(t *testing.T) {
	const name = "gen__codex-0.169.0-mock__command_failed_exit1"
	sdkEnv(t)
	file := filepath.Join(t.TempDir(), "traces.jsonl")
	code, stdout, stderr := runWith(t, "", "--openai-traces", file, "--format", "json", "--quiet", filepath.Join(agentsTestdata, "transcripts", name+".jsonl"))
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	got := jsonLines(t, file)
	var want []map[string]json.RawMessage
	for _, l := range jsonLines(t, filepath.Join(agentsTestdata, "python-traces", name+".spans.jsonl")) {
		switch jsonString(t, l["kind"]) {
		case "trace":
			want = append(want, l)
		case "span":
			var sd struct{ Type, Name string }
			_ = json.Unmarshal(l["span_data"], &sd)
			if sd.Type == "function" || sd.Name == "Codex command execution" {
				want = append(want, l)
			}
		}
	}
	if len(got) != len(want) || len(got) != 3 {
		t.Fatalf("%d items written, the SDK's subtree has %d (want 3)", len(got), len(want))
	}
	// The trace.
	tr := got[0]
	traceID := jsonString(t, tr["id"])
	if !traceIDRE.MatchString(traceID) || jsonString(t, tr["object"]) != "trace" {
		t.Errorf("trace %v", tr)
	}
	for _, k := range []string{"workflow_name", "group_id"} {
		if tokens(t, tr[k]) != tokens(t, want[0][k]) {
			t.Errorf("trace %s = %s, SDK %s", k, tr[k], want[0][k])
		}
	}
	var meta map[string]string
	if err := json.Unmarshal(tr["metadata"], &meta); err != nil || len(meta) != 1 {
		t.Fatalf("trace metadata %s", tr["metadata"])
	}
	m := corrRE.FindStringSubmatch(stdout)
	if m == nil || meta["codextel_correlation_id"] != m[1] {
		t.Errorf("metadata %v does not name the log lines' correlation id (%v)", meta, m)
	}
	// The spans, in the SDK's order.
	fnID := jsonString(t, got[2]["id"])
	for i := 1; i < 3; i++ {
		g, w := got[i], want[i]
		if jsonString(t, g["object"]) != "trace.span" || !spanIDRE.MatchString(jsonString(t, g["id"])) || jsonString(t, g["trace_id"]) != traceID {
			t.Errorf("span %d: object, id or trace_id wrong: %v", i, g)
		}
		start, end := jsonString(t, g["started_at"]), jsonString(t, g["ended_at"])
		if !timeRE.MatchString(start) || !timeRE.MatchString(end) || start > end {
			t.Errorf("span %d: times %q, %q", i, start, end)
		}
		wantParent := fnID
		if i == 2 {
			wantParent = "" // the function span is the root: no Runner spans
		}
		if p := jsonString(t, g["parent_id"]); p != wantParent {
			t.Errorf("span %d: parent %q, want %q", i, p, wantParent)
		}
		if tokens(t, g["error"]) != tokens(t, w["error"]) {
			t.Errorf("span %d: error\n%s\nSDK\n%s", i, g["error"], w["error"])
		}
		gd, wd := g["span_data"], w["span_data"]
		if i == 2 {
			var a, b map[string]json.RawMessage
			_ = json.Unmarshal(gd, &a)
			_ = json.Unmarshal(wd, &b)
			if in := jsonString(t, a["input"]); in != openAITracesArgs {
				t.Errorf("function input %q, want %q", in, openAITracesArgs)
			}
			// Same keys in the same order; input aside, the same values.
			gd = bytes.Replace(gd, a["input"], b["input"], 1)
		}
		if tokens(t, gd) != tokens(t, wd) {
			t.Errorf("span %d: span_data\n%s\nSDK\n%s", i, gd, wd)
		}
	}
}

// sdkEnv sets the SDK's switches to their defaults for the test: tracing
// on, log records redacted.
func sdkEnv(t *testing.T) {
	t.Setenv("OPENAI_AGENTS_DISABLE_TRACING", "")
	t.Setenv("OPENAI_AGENTS_DONT_LOG_MODEL_DATA", "1")
	t.Setenv("OPENAI_AGENTS_DONT_LOG_TOOL_DATA", "1")
}

// ingestServer is a traces ingest endpoint on 127.0.0.1 answering the
// statuses given in turn, then 200.
type ingestServer struct {
	mu       sync.Mutex
	statuses []int
	bodies   []string
	auth     []string
	srv      *httptest.Server
}

func newIngestServer(t *testing.T, statuses ...int) *ingestServer {
	s := &ingestServer{statuses: statuses}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.bodies = append(s.bodies, string(b))
		s.auth = append(s.auth, r.Header.Get("Authorization"))
		st := 200
		if len(s.statuses) > 0 {
			st, s.statuses = s.statuses[0], s.statuses[1:]
		}
		s.mu.Unlock()
		w.WriteHeader(st)
		// A server that echoes the key must not get it printed.
		fmt.Fprintf(w, `{"error":"bad request for %s"}`, r.Header.Get("Authorization"))
	}))
	if !strings.HasPrefix(s.srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server not on 127.0.0.1: %s", s.srv.URL)
	}
	t.Cleanup(s.srv.Close)
	return s
}

// TestOpenAITracesEndpoint posts a replay's export to a local endpoint: a
// 500 is retried and the second attempt succeeds (exit 0); a 400 is not
// retried and fails the run (exit 1). The key is sent, and never printed.
func TestOpenAITracesEndpoint(t *testing.T) {
	const key = "sk-proj-TESTKEY0123456789abcdefghij"
	t.Setenv("OPENAI_API_KEY", key)
	sdkEnv(t)
	stream := filepath.Join(agentsTestdata, "transcripts", "gen__codex-0.169.0-mock__command_failed_exit1.jsonl")
	tests := []struct {
		name     string
		statuses []int
		code     int
		requests int
		stderr   string
	}{
		{"500 then success", []int{500}, 0, 2, "codextel: openai-traces: [non-fatal] Tracing: server error 500, retrying.\n"},
		{"400 no retry", []int{400}, 1, 1, "codextel: openai-traces: [non-fatal] Tracing client error 400. Response data is redacted.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newIngestServer(t, tt.statuses...)
			code, _, stderr := runWith(t, "", "--openai-traces-endpoint", srv.srv.URL+"/v1/traces/ingest", "--quiet", stream)
			if code != tt.code || stderr != tt.stderr {
				t.Errorf("exit %d, stderr %q; want %d, %q", code, stderr, tt.code, tt.stderr)
			}
			srv.mu.Lock()
			defer srv.mu.Unlock()
			if len(srv.bodies) != tt.requests {
				t.Fatalf("%d requests, want %d", len(srv.bodies), tt.requests)
			}
			for i, b := range srv.bodies {
				if srv.auth[i] != "Bearer "+key {
					t.Errorf("request %d: Authorization %q", i, srv.auth[i])
				}
				var body struct{ Data []map[string]json.RawMessage }
				if err := json.Unmarshal([]byte(b), &body); err != nil || len(body.Data) != 3 {
					t.Errorf("request %d: %d items (%v)", i, len(body.Data), err)
				}
				if b != srv.bodies[0] {
					t.Errorf("request %d differs from the first", i)
				}
			}
			if strings.Contains(stderr, key) {
				t.Error("the key was printed")
			}
		})
	}
}

// TestOpenAITracesSecrets replays a stream whose commands, outputs,
// agent message and error carry the secrets of core/scrub's corpus: none
// reaches the file.
func TestOpenAITracesSecrets(t *testing.T) {
	sdkEnv(t)
	f, err := os.Open("../../core/scrub/testdata/secrets.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var secrets []string
	var stream strings.Builder
	cases := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for i := 0; sc.Scan(); i++ {
		var c struct {
			Text    string   `json:"text"`
			Secrets []string `json:"secrets"`
		}
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, c.Secrets...)
		cases++
		q, _ := json.Marshal(c.Text)
		fmt.Fprintf(&stream, `{"type":"item.started","item":{"id":"c%d","type":"command_execution","command":%s,"aggregated_output":"","exit_code":null,"status":"in_progress"}}`+"\n", i, q)
		fmt.Fprintf(&stream, `{"type":"item.completed","item":{"id":"c%d","type":"command_execution","command":%s,"aggregated_output":%s,"exit_code":1,"status":"failed"}}`+"\n", i, q, q)
		fmt.Fprintf(&stream, `{"type":"item.completed","item":{"id":"m%d","type":"agent_message","text":%s}}`+"\n", i, q)
	}
	if len(secrets) < 20 {
		t.Fatalf("only %d secrets in the corpus", len(secrets))
	}
	stream.WriteString(`{"type":"error","message":` + strings.TrimSuffix(stream.String()[strings.LastIndex(stream.String(), `"text":`)+7:], "}}\n") + "}\n")
	file := filepath.Join(t.TempDir(), "traces.jsonl")
	code, _, stderr := runWith(t, stream.String(), "--openai-traces", file, "--quiet", "-")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	out, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	// The file is ASCII JSON: compare its decoded strings too.
	var decoded strings.Builder
	for _, l := range jsonLines(t, file) {
		for _, v := range l {
			decoded.WriteString(tokens(t, v))
		}
	}
	// The trace, a command span a case and the function span.
	if n := strings.Count(string(out), "\n"); n != cases+2 {
		t.Errorf("%d items written for %d cases", n, cases)
	}
	for _, s := range secrets {
		if strings.Contains(string(out), s) || strings.Contains(decoded.String(), s) {
			t.Errorf("secret %q reached the export", s)
		}
	}
	if !strings.Contains(string(out), "Codex stream error: ") {
		t.Error("the error line did not fail the call")
	}
}

// TestOpenAITracesUsage checks the flags' usage errors.
func TestOpenAITracesUsage(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--openai-traces", "a", "--openai-traces-endpoint", "http://127.0.0.1:1"}, "exclude each other"},
		{[]string{"--openai-traces", "-"}, "--openai-traces needs a FILE"},
		{[]string{"--openai-traces-endpoint", "http://127.0.0.1:1/v1/traces/ingest"}, "needs OPENAI_API_KEY"},
		{[]string{"--openai-traces-endpoint", "http://u:sk-secret@127.0.0.1:1"}, "credentials in the URL"},
		{[]string{"--openai-traces-endpoint", "ftp://h"}, "want an http:// or https:// URL"},
		{[]string{"--openai-traces", filepath.Join(t.TempDir(), "no", "such", "dir")}, "cannot write --openai-traces"},
		{[]string{"render", "--openai-traces", filepath.Join(t.TempDir(), "x"), "-"}, "render does not read one"},
	}
	for _, tt := range tests {
		code, _, stderr := runWith(t, "", tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) || strings.Contains(stderr, "sk-secret") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, stderr, tt.want)
		}
	}
}
