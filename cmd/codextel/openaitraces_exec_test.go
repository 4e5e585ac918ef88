//go:build unix

package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestExecOpenAITraces runs the fake codex under exec --openai-traces:
// the function span records codex's exit status as the SDK does (a
// signal as a negative status), and exec's own exit status is codex's.
func TestExecOpenAITraces(t *testing.T) {
	tests := []struct {
		mode   string
		code   int
		output string // the function span's output starts so
		err    string // its error's data.error; "" for none
	}{
		{"ok", 0, `{"thread_id": "fake-thread", "response": "Codex task completed with no inputs.", "usage": {"input_tokens": 11`, ""},
		{"exit:3", 3, "An error occurred while running the tool.", "Codex exec exited with code 3: "},
		{"kill-self:15", 128 + 15, "An error occurred while running the tool.", "Codex exec exited with code -15: "},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			sdkEnv(t)
			file := filepath.Join(t.TempDir(), "traces.jsonl")
			code, _, stderr, _ := execFake(t, tt.mode, "--openai-traces", file, "--quiet")
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tt.code, stderr)
			}
			lines := jsonLines(t, file)
			if len(lines) != 2 {
				t.Fatalf("%d items, want the trace and the function span", len(lines))
			}
			var sd struct {
				Type, Name, Output string
			}
			if err := json.Unmarshal(lines[1]["span_data"], &sd); err != nil || sd.Type != "function" || sd.Name != "codex" {
				t.Fatalf("span_data %s (%v)", lines[1]["span_data"], err)
			}
			if !strings.HasPrefix(sd.Output, tt.output) {
				t.Errorf("output %q, want it to start %q", sd.Output, tt.output)
			}
			var e *struct {
				Message string
				Data    struct{ Error string }
			}
			if err := json.Unmarshal(lines[1]["error"], &e); err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.err == "" && e != nil:
				t.Errorf("error %s, want null", lines[1]["error"])
			case tt.err != "" && (e == nil || e.Data.Error != tt.err):
				t.Errorf("error %s, want data.error %q", lines[1]["error"], tt.err)
			}
		})
	}
}
