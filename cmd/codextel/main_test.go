package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
)

func runWith(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestEvents(t *testing.T) {
	code, out, errOut := runWith(t, "", "events", "--json")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	var doc struct {
		Events []struct {
			Name  string `json:"name"`
			Level string `json:"level"`
		} `json:"events"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Events) < 20 || doc.Events[0].Name != "codex.thread.start" || doc.Events[0].Level != "INFO" {
		t.Errorf("unexpected catalog JSON: %d events, first %+v", len(doc.Events), doc.Events[0])
	}
	if code, out, _ := runWith(t, "", "events"); code != 0 || !strings.HasPrefix(out, "# Event catalog") {
		t.Errorf("markdown: exit %d, output starts %.40q", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"events", "--yaml"}, "flag provided but not defined: -yaml"},
		{[]string{"events", "extra"}, `unexpected argument "extra"`},
		{[]string{"--adapter", "log4j"}, `unknown adapter "log4j"`},
		{[]string{"--format", "xml"}, `unknown format "xml"`},
		{[]string{"--level", "LOUD"}, `bad --level`},
		{[]string{"--clock", "yesterday"}, `bad --clock "yesterday"`},
		{[]string{"--fmt", "%(nope)s"}, `bad --fmt`},
		{[]string{"no-such-file.jsonl"}, "cannot read no-such-file.jsonl: no such file or directory"},
		{[]string{"a", "b"}, "replay takes one FILE"},
		{[]string{"render"}, "render needs a FILE"},
		{[]string{"exec"}, "exec needs the arguments"},
		{[]string{"exec", "--codex", "/nonexistent/codex", "--", "hi"}, "cannot run /nonexistent/codex"},
		{[]string{"--max-line", "0"}, "bad --max-line 0"},
	}
	for _, tt := range tests {
		code, out, errOut := runWith(t, "", tt.args...)
		if code != 2 || !strings.Contains(errOut, tt.want) || strings.Count(errOut, "\n") != 1 || out != "" {
			t.Errorf("codextel %q: exit %d, stdout %q, stderr %q; want 2 and one stderr line containing %q", tt.args, code, out, errOut, tt.want)
		}
	}
}

// TestReplaySample is the README's first command: the bundled session,
// reproducibly with --clock and TZ=UTC.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"render", "--help"}} {
		code, out, errOut := runWith(t, "", args...)
		if code != 0 || !strings.HasPrefix(out, "usage:") || errOut != "" {
			t.Errorf("codextel %q: exit %d, stdout %.20q, stderr %q", args, code, out, errOut)
		}
	}
}

func TestReplaySample(t *testing.T) {
	t.Setenv("TZ", "UTC")
	code, out, errOut := runWith(t, "", "--clock", "2025-12-02T10:52:12.123456Z", "--fmt", "%(asctime)s %(levelname)s %(name)s: %(message)s")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	want := `2025-12-02 10:52:12,123 INFO codex.thread: Thread 01a21107-876b-7f93-9b26-bc3c6e0f818e started
2025-12-02 10:52:12,123 ERROR codex.mcp: Error invoking MCP tool fail: the tool reported an error
2025-12-02 10:52:12,123 ERROR codex.mcp: Error invoking MCP tool crash: tool call error: tool call failed for ` + "`demo/crash`" + `

Caused by:
    Mcp error: -32602: unknown tool crash
2025-12-02 10:52:12,123 INFO codex.item: Agent message item_3 (46 bytes)
2025-12-02 10:52:12,123 INFO codex.turn: Turn 1 completed
2025-12-02 10:52:12,123 INFO codex.thread: Thread 01a21107-876b-7f93-9b26-bc3c6e0f818e completed
`
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
	if !strings.Contains(errOut, "codextel: 1 thread, 1 turn (0 failed), 3 tool calls (2 failed), 0 approvals, tokens 24600 in / 120 out") {
		t.Errorf("summary %q", errOut)
	}
}

func TestReplayJSONWithData(t *testing.T) {
	t.Setenv("TZ", "UTC")
	code, out, errOut := runWith(t, "", "--clock", "2025-12-02T10:52:12Z", "--format", "json", "--level", "DEBUG", "--log-tool-data", "--quiet")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if !strings.Contains(out, `{"asctime": "2025-12-02 10:52:12,000", "levelname": "DEBUG", "name": "codex.mcp", "message": "Invoking MCP tool echo with input {'text': 'hello mcp'}", "server": "demo", "tool": "echo", "call_id": "item_0", "arguments": {"text": "hello mcp"}`) {
		t.Errorf("no tool-data line for the echo call in:\n%s", out)
	}
}

func TestReplayFromStdinWithBadLines(t *testing.T) {
	input := "{\"type\":\"thread.started\",\"thread_id\":\"t\"}\nnot json\n{\"type\":\"turn.started\"}\n{\"type\":\"turn.completed\"}\n"
	code, out, errOut := runWith(t, input, "--quiet", "--level", "WARNING", "-")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out, "WARNING:codex.bridge:Skipping line 2: not a JSON object") {
		t.Errorf("output %q", out)
	}
	if errOut != "codextel: 1 bad line skipped (reported as codex.bridge.invalid_line)\n" {
		t.Errorf("stderr %q", errOut)
	}
}

func TestAppServerReplay(t *testing.T) {
	path := filepath.Join("..", "..", "core", "bridge", "testdata", "appserver__codex-0.169.0-mock__approvals_accept_decline.wire.jsonl")
	code, out, errOut := runWith(t, "", "appserver", "--level", "INFO", path)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{
		"INFO:codex.approval:Approval granted for command_execution call_ap1: accept",
		"WARNING:codex.approval:Approval denied for file_change call_ap4: decline",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "4 approvals") {
		t.Errorf("summary %q", errOut)
	}
}

func TestRender(t *testing.T) {
	t.Setenv("TZ", "UTC")
	dir := t.TempDir()
	path := filepath.Join(dir, "events.jsonl")
	lines := `{"time": "2025-12-02T10:52:12.5Z", "event": "codex.error", "metadata": {"error_message": "Reconnecting... 1/5"}}
{"event": "codex.item.warning", "metadata": {"call_id": "item_0", "warning": "deprecated flag"}}
{"event": 5}
`
	if err := os.WriteFile(path, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runWith(t, "", "render", "--clock", "2025-12-02T10:00:00Z", "--fmt", "%(asctime)s %(message)s", path)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	want := "2025-12-02 10:52:12,500 Reconnecting... 1/5\n2025-12-02 10:00:00,000 deprecated flag\n"
	if out != want {
		t.Errorf("output %q, want %q", out, want)
	}
	if !strings.Contains(errOut, `line 3: "event" must be a string`) || !strings.Contains(errOut, "1 bad line skipped") {
		t.Errorf("stderr %q", errOut)
	}
}

// randomIDs matches the random correlation and span ids in JSON lines.
var randomIDs = regexp.MustCompile(`"(correlation_id|span_id|parent_span_id)": "[0-9a-f]+"`)

// TestAdaptersAgree replays the sample through every logging adapter: in the
// Python formats they must print the same bytes, and natively something.
func TestAdaptersAgree(t *testing.T) {
	t.Setenv("TZ", "UTC")
	for _, format := range []string{"plain", "json"} {
		var want string
		for _, adapter := range []string{"slog", "zap", "zerolog", "logrus"} {
			if _, ok := adapters[adapter]; !ok {
				continue
			}
			code, out, errOut := runWith(t, "", "--adapter", adapter, "--format", format, "--level", "DEBUG",
				"--clock", "2025-12-02T10:52:12Z", "--quiet", "--fmt", "%(asctime)s %(levelname)-8s %(name)s %(message)s")
			if code != 0 || errOut != "" || out == "" {
				t.Fatalf("%s %s: exit %d, stderr %q", adapter, format, code, errOut)
			}
			out = randomIDs.ReplaceAllString(out, `"$1": "<id>"`)
			if want == "" {
				want = out
			} else if out != want {
				t.Errorf("%s --format %s differs from slog:\n%s\nslog:\n%s", adapter, format, out, want)
			}
		}
	}
	for name := range adapters {
		if name == "otel" { // writes to a collector, not stdout: TestOtelAdapter
			continue
		}
		code, out, errOut := runWith(t, "", "--adapter", name, "--format", "native", "--quiet")
		if code != 0 || errOut != "" || strings.Count(out, "\n") < 6 {
			t.Errorf("%s native: exit %d, %d lines, stderr %q", name, code, strings.Count(out, "\n"), errOut)
		}
	}
}

func TestUnsyncable(t *testing.T) {
	pipe := &os.PathError{Op: "sync", Path: "/dev/stdout", Err: syscall.EINVAL}
	if err := unsyncable(pipe); err != nil {
		t.Errorf("unsyncable(%v) = %v, want nil", pipe, err)
	}
	disk := &os.PathError{Op: "sync", Path: "/tmp/x", Err: syscall.EIO}
	if err := unsyncable(disk); err != disk {
		t.Errorf("unsyncable(%v) = %v, want it unchanged", disk, err)
	}
}

// TestOtelAdapter replays the sample through --adapter otel into a stand-in
// OTLP/HTTP receiver and checks that logs and metrics arrive.
func TestOtelAdapter(t *testing.T) {
	var mu sync.Mutex
	posts := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		if len(body) > 0 && r.Method == http.MethodPost {
			posts[r.URL.Path]++
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	defer srv.Close()
	code, out, errOut := runWith(t, "", "--adapter", "otel", "--otlp-endpoint", srv.URL, "--quiet")
	if code != 0 || out != "" || errOut != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	mu.Lock()
	defer mu.Unlock()
	if posts["/v1/logs"] == 0 || posts["/v1/metrics"] == 0 {
		t.Errorf("OTLP requests by path: %v; want logs and metrics", posts)
	}
	if code, _, errOut := runWith(t, "", "--adapter", "otel"); code != 2 || !strings.Contains(errOut, "needs --otlp-endpoint") {
		t.Errorf("no endpoint: exit %d, stderr %q", code, errOut)
	}
}
