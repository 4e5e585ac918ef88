package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const captures = "../../core/native/testdata/captures"

// TestReplayNative replays the cmd_sleep pair: the records take Codex's
// times, the command's duration is Codex's duration_ms (1598 ms; the
// stream's lines are 1423 ms apart), and the model and the model requests
// appear.
func TestReplayNative(t *testing.T) {
	t.Setenv("TZ", "UTC")
	dir := filepath.Join(captures, "cmd_sleep")
	code, out, errOut := runWith(t, "", "--native", filepath.Join(dir, "native"), "--format", "json", "--level", "DEBUG",
		"--fmt", "%(asctime)s %(levelname)s %(name)s %(message)s", filepath.Join(dir, "exec.jsonl"))
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{
		`{"asctime": "2026-12-04 19:07:55,538", "levelname": "INFO", "name": "codex.thread", "message": "Thread 01a24274-b90a-74d2-b259-13c568aed366 started", "source": "exec", "model": "gpt-5.5"`,
		`"name": "codex.model", "message": "Model request returned HTTP 200 after 15.0 ms (attempt 0)"`,
		`"name": "codex.turn", "message": "First token after 47.0 ms"`,
		`"message": "Approval granted for command_execution item_0: approved"`,
		`{"asctime": "2026-12-04 19:07:57,223", "levelname": "DEBUG", "name": "codex.tool", "message": "Tool shell completed.", "tool": "shell", "tool_kind": "command_execution", "call_id": "item_0", "model": "gpt-5.5", "exit_code": 0, "duration": "0:00:01.598000", "duration_ms": 1598.0`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %s in:\n%s", want, out)
		}
	}
	for _, want := range []string{
		"codextel: 1 thread, 1 turn (0 failed), 1 tool call (0 failed), 1 approval, tokens 12200 in / 55 out, 1.772s of session time\n",
		"codextel: native: 4 bodies, 9 records and 14 spans kept, 458 skipped, 0 bad bodies, 0 unreadable values\n",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr %q lacks %q", errOut, want)
		}
	}
}

// TestReplayNativeBadBodies: unreadable bodies and values are described on
// stderr, scrubbed, and the replay goes on with the rest.
func TestReplayNativeBadBodies(t *testing.T) {
	dir := t.TempDir()
	logs, err := os.ReadFile(filepath.Join(captures, "cmd_sleep", "native", "001_v1_logs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, logs); err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(compact.String(), `"duration_ms","value":{"stringValue":"15"}`,
		`"duration_ms","value":{"stringValue":"ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"}`, 1)
	bodies := bad + "\n{\"resourceLogs\": [\n"
	path := filepath.Join(dir, "bodies.jsonl")
	if err := os.WriteFile(path, []byte(bodies), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runWith(t, "", "--native", path, "--quiet", filepath.Join(captures, "cmd_sleep", "exec.jsonl"))
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`codextel: native: bodies.jsonl line 2: not an OTLP/JSON body: `),
		regexp.MustCompile(`codextel: native: bodies.jsonl line 1: resourceLogs\[0\]\.scopeLogs\[1\]\.logRecords\[\d+\]: field duration_ms: "[^"]*" is not an integer`),
	} {
		if !want.MatchString(errOut) {
			t.Errorf("stderr %q does not match %s", errOut, want)
		}
	}
	if strings.Contains(errOut, "0123456789abcdef") {
		t.Errorf("a secret on stderr: %q", errOut)
	}
}

func TestReplayNativeUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--native", "/nonexistent/dir", "-"}, "cannot read the native export /nonexistent/dir: no such file or directory"},
		{[]string{"appserver", "--native", captures, "-"}, "--native joins Codex's own export to an exec stream"},
	} {
		code, out, errOut := runWith(t, "", tt.args...)
		if code != 2 || !strings.Contains(errOut, tt.want) || out != "" {
			t.Errorf("codextel %q: exit %d, stderr %q; want 2 and %q", tt.args, code, errOut, tt.want)
		}
	}
}
