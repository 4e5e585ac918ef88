//go:build e2e

// The end-to-end test: `codextel exec` runs the real Codex CLI (the npm
// package @openai/codex, at the version e2e.sh installs) against a scripted
// Responses API server on 127.0.0.1, and the telemetry it logs is checked
// against what Codex itself printed and what the script made the model do.
// Run it with `make e2e`, which installs Codex and sets CODEXTEL_E2E_CODEX.

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/codextel/codextel/cmd/codextel/internal/responsesmock"
	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/telemetrytest"
)

// e2eModel is the model Codex is told to use: one whose metadata the CLI
// bundles, so it asks the mock for nothing but responses.
const e2eModel = "gpt-5.5"

func TestE2E(t *testing.T) {
	codex := os.Getenv("CODEXTEL_E2E_CODEX")
	if codex == "" {
		t.Fatal("CODEXTEL_E2E_CODEX is not set: run `make e2e`, which installs the Codex CLI and sets it")
	}
	if _, err := os.Stat(codex); err != nil {
		t.Fatalf("CODEXTEL_E2E_CODEX: %v", err)
	}

	t.Run("plain_answer", func(t *testing.T) {
		const answer = "Hello from the codextel e2e mock."
		r := runE2E(t, codex, "say hello", []string{"--level", "DEBUG"},
			responsesmock.Stream(
				responsesmock.Created("resp_1"),
				responsesmock.MessageAdded("msg_1"),
				responsesmock.TextDelta("msg_1", "Hello from "),
				responsesmock.TextDelta("msg_1", "the codextel e2e mock."),
				responsesmock.MessageDone("msg_1", answer),
				responsesmock.Completed("resp_1", responsesmock.Usage{InputTokens: 1234, CachedInputTokens: 1000, OutputTokens: 56, ReasoningOutputTokens: 7}),
			))
		r.wantExit(t, 0)
		r.wantEvents(t,
			catalog.ThreadStart, catalog.TurnStart, catalog.ItemAgentMessage,
			catalog.ThreadTokenUsageUpdated, catalog.TurnCompleted, catalog.ThreadStop)
		r.wantSummary(t, "1 thread, 1 turn (0 failed), 0 tool calls (0 failed), 0 approvals, tokens 1234 in / 56 out")
		r.wantCorrelation(t)

		msg := r.line(t, catalog.ItemAgentMessage)
		msg.want(t, "call_id", r.item(t, "agent_message")["id"])
		msg.want(t, "text_bytes", len(answer))
		msg.wantAbsent(t, "text") // model data is redacted by default
		if strings.Contains(r.stdout, "Hello from") {
			t.Errorf("the agent's message reached the log although model data is redacted:\n%s", r.stdout)
		}
		r.line(t, catalog.TurnCompleted).want(t, "turn_index", 1)
		r.line(t, catalog.ThreadStop).want(t, "turns", 1)
		r.line(t, catalog.ThreadStop).want(t, "source", "exec")
		r.wantUsage(t, usage{1234, 1000, 56, 7}, usage{1234, 1000, 56, 7})

		reqs := r.requests
		if len(reqs) != 1 {
			t.Fatalf("Codex made %d requests to the mock, want 1", len(reqs))
		}
		body, err := reqs[0].JSON()
		if err != nil {
			t.Fatal(err)
		}
		if body["model"] != e2eModel || body["stream"] != true {
			t.Errorf("request: model %v, stream %v; want %s, true", body["model"], body["stream"], e2eModel)
		}
		if !strings.Contains(string(reqs[0].Body), `"say hello"`) {
			t.Errorf("the prompt is not in the request: %.300s", reqs[0].Body)
		}
	})

	t.Run("command_success", func(t *testing.T) {
		const answer = "The command printed the marker."
		r := runE2E(t, codex, "run the marker command", []string{"--level", "DEBUG", "--log-model-data", "--log-tool-data"},
			responsesmock.Stream(
				responsesmock.Created("resp_1"),
				responsesmock.FunctionCall("call_1", "exec_command", `{"cmd":"echo codextel-e2e-ok","login":false}`),
				responsesmock.Completed("resp_1", responsesmock.Usage{InputTokens: 100, OutputTokens: 10}),
			),
			responsesmock.Stream(
				responsesmock.Created("resp_2"),
				responsesmock.MessageAdded("msg_1"),
				responsesmock.TextDelta("msg_1", answer),
				responsesmock.MessageDone("msg_1", answer),
				responsesmock.Completed("resp_2", responsesmock.Usage{InputTokens: 200, CachedInputTokens: 100, OutputTokens: 20, ReasoningOutputTokens: 5}),
			))
		r.wantExit(t, 0)
		r.wantEvents(t,
			catalog.ThreadStart, catalog.TurnStart, catalog.ToolStart, catalog.ToolSuccess, catalog.ItemAgentMessage,
			catalog.ThreadTokenUsageUpdated, catalog.TurnCompleted, catalog.ThreadStop)
		r.wantSummary(t, "1 thread, 1 turn (0 failed), 1 tool call (0 failed), 0 approvals, tokens 300 in / 30 out")
		r.wantCorrelation(t)

		item := r.item(t, "command_execution")
		if item["status"] != "completed" || !strings.Contains(fmt.Sprint(item["command"]), "echo codextel-e2e-ok") {
			t.Fatalf("Codex's command item: %v; want the marker command, completed", item)
		}
		start, done := r.line(t, catalog.ToolStart), r.line(t, catalog.ToolSuccess)
		for _, l := range []*logLine{start, done} {
			l.want(t, "tool", "shell")
			l.want(t, "tool_kind", "command_execution")
			l.want(t, "call_id", item["id"])
			l.want(t, "input", item["command"])
		}
		done.want(t, "exit_code", 0)
		done.want(t, "result", item["aggregated_output"])
		if !strings.Contains(fmt.Sprint(done.fields["result"]), "codextel-e2e-ok") {
			t.Errorf("tool result %q lacks the command's output", done.fields["result"])
		}
		r.wantToolSpan(t, start, done)
		r.line(t, catalog.ItemAgentMessage).want(t, "text", answer)
		r.wantUsage(t, usage{300, 100, 30, 5}, usage{300, 100, 30, 5})
		r.wantCommandOutput(t, "call_1", "codextel-e2e-ok")
	})

	t.Run("command_failure", func(t *testing.T) {
		r := runE2E(t, codex, "read a missing file", []string{"--level", "DEBUG", "--log-tool-data"},
			responsesmock.Stream(
				responsesmock.Created("resp_1"),
				responsesmock.FunctionCall("call_1", "exec_command", `{"cmd":"cat /nonexistent/codextel-e2e","login":false}`),
				responsesmock.Completed("resp_1", responsesmock.Usage{InputTokens: 100, OutputTokens: 10}),
			),
			responsesmock.Stream(
				responsesmock.Created("resp_2"),
				responsesmock.MessageAdded("msg_1"),
				responsesmock.MessageDone("msg_1", "The file does not exist."),
				responsesmock.Completed("resp_2", responsesmock.Usage{InputTokens: 200, OutputTokens: 20}),
			))
		// A failed command does not fail the turn: Codex exits 0.
		r.wantExit(t, 0)
		r.wantEvents(t,
			catalog.ThreadStart, catalog.TurnStart, catalog.ToolStart, catalog.ToolFailure, catalog.ItemAgentMessage,
			catalog.ThreadTokenUsageUpdated, catalog.TurnCompleted, catalog.ThreadStop)
		r.wantSummary(t, "1 thread, 1 turn (0 failed), 1 tool call (1 failed), 0 approvals, tokens 300 in / 30 out")
		r.wantCorrelation(t)

		item := r.item(t, "command_execution")
		if item["status"] != "failed" || fmt.Sprint(item["exit_code"]) != "1" {
			t.Fatalf("Codex's command item: %v; want failed with exit code 1", item)
		}
		start, failed := r.line(t, catalog.ToolStart), r.line(t, catalog.ToolFailure)
		failed.want(t, "tool", "shell")
		failed.want(t, "call_id", item["id"])
		failed.want(t, "input", item["command"])
		failed.want(t, "status", "failed")
		failed.want(t, "exit_code", 1)
		failed.want(t, "result", item["aggregated_output"])
		if failed.level != "ERROR" { // with tool data on, the Agents SDK's ERROR line
			t.Errorf("tool failure logged at %s, want ERROR", failed.level)
		}
		if !strings.Contains(fmt.Sprint(failed.fields["result"]), "No such file or directory") {
			t.Errorf("tool result %q lacks cat's error", failed.fields["result"])
		}
		if reason, _ := failed.fields["reason"].(string); reason == "" {
			t.Errorf("tool failure has no reason: %s", failed.raw)
		}
		r.wantToolSpan(t, start, failed)
		r.line(t, catalog.ItemAgentMessage).wantAbsent(t, "text") // model data stays redacted
		r.wantUsage(t, usage{300, 0, 30, 0}, usage{300, 0, 30, 0})
		r.wantCommandOutput(t, "call_1", "No such file or directory")
	})

	t.Run("turn_failed_http_500", func(t *testing.T) {
		// The default level, INFO: the DEBUG turn start is not logged.
		r := runE2E(t, codex, "fail please", nil,
			responsesmock.HTTPError(500, "codextel-e2e: the mock's internal error"))
		r.wantExit(t, 1)
		r.wantEvents(t, catalog.ThreadStart, catalog.TurnFailed, catalog.ThreadException)
		r.wantSummary(t, "1 thread, 1 turn (1 failed), 0 tool calls (0 failed), 0 approvals, tokens 0 in / 0 out")
		r.wantCorrelation(t)
		r.wantTurnFailed(t)
		if n := len(r.requests); n != 1 {
			t.Errorf("Codex made %d requests, want 1 (retries are off)", n)
		}
	})

	t.Run("turn_failed_response_failed", func(t *testing.T) {
		r := runE2E(t, codex, "hit the rate limit", []string{"--level", "DEBUG"},
			responsesmock.Stream(
				responsesmock.Created("resp_1"),
				responsesmock.Failed("resp_1", "rate_limit_exceeded", "codextel-e2e: rate limit reached"),
			))
		r.wantExit(t, 1)
		r.wantEvents(t, catalog.ThreadStart, catalog.TurnStart, catalog.TurnFailed, catalog.ThreadException)
		r.wantSummary(t, "1 thread, 1 turn (1 failed), 0 tool calls (0 failed), 0 approvals, tokens 0 in / 0 out")
		r.wantCorrelation(t)
		reason := r.wantTurnFailed(t)
		if !strings.Contains(reason, "codextel-e2e: rate limit reached") {
			t.Errorf("turn failure reason %q does not carry the model's error", reason)
		}
	})
}

// e2eResult is what one run of `codextel exec` left behind.
type e2eResult struct {
	exit      int // codextel's exit status
	codexExit int // the status the Codex CLI itself exited with
	codexArgs []string
	stream    []map[string]any // what Codex printed on stdout, line by line
	stdout    string           // codextel's log
	stderr    string
	lines     []*logLine
	requests  []responsesmock.Request // POST /v1/responses, in order

	// CPU time (user + system) the run took: this process's (codextel's,
	// and the mock's, which serves the same script either way) and its
	// children's (the shim, and codex with everything it started).
	cpuSelf, cpuChildren time.Duration
}

// runE2E runs `codextel exec --codex SHIM --format json FLAGS -- ... PROMPT`
// in-process against a mock serving script. SHIM runs the real Codex CLI,
// keeps a copy of its stdout and records its exit status. Codex gets an empty
// CODEX_HOME, CODEX_API_KEY=dummy, stdin /dev/null and the mock as its model
// provider, with retries off.
func runE2E(t *testing.T, codex, prompt string, flags []string, script ...responsesmock.Reply) *e2eResult {
	t.Helper()
	return runCodextel(t, codex, prompt, false, flags, script...)
}

// runCodextel is runE2E with the live join of Codex's own export on or off.
// On, codextel runs with its default --native=on and Codex may retry a
// failed request once (codex 0.169 retries a 429 as a reconnection of the
// stream, stream_max_retries, not as a request retry); off, --native=off
// and retries are off.
func runCodextel(t *testing.T, codex, prompt string, nativeOn bool, flags []string, script ...responsesmock.Reply) *e2eResult {
	t.Helper()
	mock, err := responsesmock.Start(script...)
	if err != nil {
		t.Fatal(err)
	}
	defer mock.Close()

	dir := t.TempDir()
	home, work := filepath.Join(dir, "codex-home"), filepath.Join(dir, "work")
	if nativeOn {
		// Codex's own records and spans name the working directory (cwd):
		// one that holds a secret shows they are scrubbed too.
		work = filepath.Join(dir, "work-"+e2eSecret)
	}
	for _, d := range []string{home, work} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	shim := writeShim(t, dir, codex)
	t.Setenv("CODEX_HOME", home)
	t.Setenv("CODEX_API_KEY", "dummy")
	for _, name := range []string{"OPENAI_AGENTS_DONT_LOG_MODEL_DATA", "OPENAI_AGENTS_DONT_LOG_TOOL_DATA", "CODEXTEL_LOG_MODEL_DATA", "CODEXTEL_LOG_TOOL_DATA"} {
		t.Setenv(name, "") // restored when the test ends
		os.Unsetenv(name)
	}

	// Off, the stream path alone: TestE2E's checks expect exactly the
	// stream's events. The join with Codex's own export is checked by
	// TestE2ENative, on the real codex 0.169's recorded exports (core/bridge,
	// core/native) and by TestExecNative.
	args := []string{"exec", "--codex", shim, "--format", "json"}
	retries := "0"
	if nativeOn {
		retries = "1"
	} else {
		args = append(args, "--native=off")
	}
	args = append(args, flags...)
	args = append(args, "--",
		"--skip-git-repo-check", "--ephemeral", "-C", work, "-m", e2eModel,
		"-c", `model_provider="mock"`,
		"-c", `model_providers.mock.name="mock"`,
		"-c", `model_providers.mock.base_url="`+mock.URL+`"`,
		"-c", `model_providers.mock.wire_api="responses"`,
		"-c", "model_providers.mock.supports_websockets=false",
		"-c", "model_providers.mock.request_max_retries="+retries,
		"-c", "model_providers.mock.stream_max_retries="+retries,
		"--", prompt)
	stdin, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()

	var stdout, stderr bytes.Buffer
	began := time.Now()
	self, children := cpuTimes(t)
	r := &e2eResult{exit: run(args, stdin, &stdout, &stderr)}
	self2, children2 := cpuTimes(t)
	r.cpuSelf, r.cpuChildren = self2-self, children2-children
	t.Logf("codextel exec ran %v, exit status %d", time.Since(began).Round(time.Millisecond), r.exit)
	r.stdout, r.stderr = stdout.String(), stderr.String()
	r.requests = mock.ResponsesRequests()
	t.Cleanup(func() {
		if t.Failed() {
			raw, _ := os.ReadFile(filepath.Join(dir, "codex.jsonl"))
			t.Logf("Codex's own stdout:\n%s\ncodextel's stdout:\n%s\nstderr:\n%s", raw, r.stdout, r.stderr)
		}
	})
	if err := mock.Err(); err != nil {
		t.Errorf("the mock: %v", err)
	}

	status, err := os.ReadFile(filepath.Join(dir, "codex.status"))
	if err != nil {
		t.Fatalf("the Codex CLI did not run (no exit status recorded): %v\nstderr:\n%s", err, r.stderr)
	}
	if r.codexExit, err = strconv.Atoi(strings.TrimSpace(string(status))); err != nil {
		t.Fatalf("codex exit status %q: %v", status, err)
	}
	if r.codexExit == 124 || r.codexExit == 137 {
		t.Fatalf("the Codex CLI timed out (exit status %d)\nstderr:\n%s", r.codexExit, r.stderr)
	}
	rawArgs, _ := os.ReadFile(filepath.Join(dir, "codex.args"))
	r.codexArgs = strings.Split(strings.TrimSuffix(string(rawArgs), "\x00"), "\x00")
	if len(r.codexArgs) < 2 || r.codexArgs[0] != "exec" || r.codexArgs[1] != "--json" {
		t.Errorf("codex was run with %q, want exec --json first", r.codexArgs)
	}
	if got := r.codexArgs[len(r.codexArgs)-1]; got != prompt {
		t.Errorf("codex's last argument is %q, want the prompt %q", got, prompt)
	}

	raw, err := os.ReadFile(filepath.Join(dir, "codex.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("Codex's stdout line %d is not JSON: %v: %q", i+1, err, line)
		}
		r.stream = append(r.stream, m)
	}
	r.lines = parseLog(t, r.stdout)
	return r
}

// writeShim writes an executable that runs codex with its arguments, copies
// its stdout to dir/codex.jsonl and writes its arguments (NUL-separated) to
// dir/codex.args and its exit status to dir/codex.status. `timeout` ends
// a Codex that hangs, so a broken run fails instead of stalling CI.
func writeShim(t *testing.T, dir, codex string) string {
	t.Helper()
	q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
	script := fmt.Sprintf(`#!/bin/bash
set -o pipefail
printf '%%s\0' "$@" > %[1]s/codex.args
timeout -k 10 120 %[2]s "$@" | tee %[1]s/codex.jsonl
status=${PIPESTATUS[0]}
echo "$status" > %[1]s/codex.status
exit "$status"
`, q(dir), q(codex))
	path := filepath.Join(dir, "codex")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// wantExit checks that codextel exited with Codex's status, and that this is
// want.
func (r *e2eResult) wantExit(t *testing.T, want int) {
	t.Helper()
	if r.exit != r.codexExit {
		t.Errorf("codextel exited %d, Codex exited %d: they must agree", r.exit, r.codexExit)
	}
	if r.codexExit != want {
		t.Errorf("Codex exited %d, want %d", r.codexExit, want)
	}
}

// wantEvents checks the sequence of catalog events in codextel's log.
func (r *e2eResult) wantEvents(t *testing.T, want ...string) {
	t.Helper()
	var got []string
	for _, l := range r.lines {
		got = append(got, l.event)
	}
	if d := telemetrytest.Diff(want, got); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}
}

// wantSummary checks the summary line codextel writes on stderr: want, then
// the run's duration, which cannot be zero for a real Codex run.
func (r *e2eResult) wantSummary(t *testing.T, want string) {
	t.Helper()
	re := regexp.MustCompile(`(?m)^codextel: ` + regexp.QuoteMeta(want) + `, ([0-9.]+(?:ns|µs|ms|s|m[0-9.]+s)) of session time$`)
	m := re.FindStringSubmatch(r.stderr)
	if m == nil {
		t.Errorf("stderr has no summary line %q followed by a session time; stderr:\n%s", "codextel: "+want, r.stderr)
		return
	}
	if d, err := time.ParseDuration(m[1]); err != nil || d <= 0 {
		t.Errorf("the summary's duration is %s, want the run's (more than 0)", m[1])
	}
}

// wantCorrelation checks the correlation fields: every line carries the
// thread id Codex printed in thread.started and one correlation id; the
// thread's events are in the thread span, the turn's in a turn span nested
// in it (codex exec names no turn ids, so there are none to check).
func (r *e2eResult) wantCorrelation(t *testing.T) {
	t.Helper()
	started := r.streamEvent(t, "thread.started")
	threadID, _ := started["thread_id"].(string)
	if threadID == "" {
		t.Fatalf("Codex's thread.started has no thread_id: %v", started)
	}
	first := r.lines[0]
	threadSpan, correlationID := first.fields["span_id"], first.fields["correlation_id"]
	if first.event != catalog.ThreadStart || threadSpan == nil || correlationID == nil {
		t.Fatalf("the first line is not a thread start with a span and correlation id: %s", first.raw)
	}
	var turnSpan any
	for _, l := range r.lines {
		l.want(t, "thread_id", threadID)
		l.want(t, "correlation_id", correlationID)
		switch {
		case strings.HasPrefix(l.event, "codex.thread."):
			// The thread's own events, and token usage, which codex exec
			// reports at the end of a turn, in the turn's span.
			if l.event == catalog.ThreadTokenUsageUpdated {
				l.want(t, "span_id", turnSpan)
				continue
			}
			l.want(t, "span_id", threadSpan)
			l.wantAbsent(t, "parent_span_id")
		case strings.HasPrefix(l.event, "codex.turn."):
			if turnSpan == nil {
				turnSpan = l.fields["span_id"]
			}
			l.want(t, "span_id", turnSpan)
			l.want(t, "parent_span_id", threadSpan)
		case strings.HasPrefix(l.event, "codex.tool."):
			l.want(t, "parent_span_id", turnSpan)
		default: // items
			l.want(t, "span_id", turnSpan)
			l.want(t, "parent_span_id", threadSpan)
		}
	}
	if turnSpan == nil || turnSpan == threadSpan {
		t.Errorf("no turn span distinct from the thread's %v", threadSpan)
	}
}

// wantToolSpan checks that a tool's start and end share a span of their own
// (wantCorrelation checks that its parent is the turn's).
func (r *e2eResult) wantToolSpan(t *testing.T, start, end *logLine) {
	t.Helper()
	span := start.fields["span_id"]
	if span == nil || end.fields["span_id"] != span {
		t.Errorf("tool span ids: start %v, end %v; want one id", span, end.fields["span_id"])
	}
	if span == start.fields["parent_span_id"] {
		t.Errorf("the tool span %v is its own parent", span)
	}
}

type usage struct{ input, cached, output, reasoning int }

// wantUsage checks the token usage event against the turn's delta and the
// thread's totals, and the totals against Codex's own turn.completed.
func (r *e2eResult) wantUsage(t *testing.T, delta, total usage) {
	t.Helper()
	l := r.line(t, catalog.ThreadTokenUsageUpdated)
	l.want(t, "input_tokens", delta.input)
	l.want(t, "cached_input_tokens", delta.cached)
	l.want(t, "output_tokens", delta.output)
	l.want(t, "reasoning_output_tokens", delta.reasoning)
	l.want(t, "total_input_tokens", total.input)
	l.want(t, "total_cached_input_tokens", total.cached)
	l.want(t, "total_output_tokens", total.output)
	l.want(t, "total_reasoning_output_tokens", total.reasoning)
	u, _ := r.streamEvent(t, "turn.completed")["usage"].(map[string]any)
	for key, want := range map[string]int{
		"input_tokens": total.input, "cached_input_tokens": total.cached,
		"output_tokens": total.output, "reasoning_output_tokens": total.reasoning,
	} {
		if fmt.Sprint(u[key]) != strconv.Itoa(want) {
			t.Errorf("Codex's turn.completed usage %s = %v, want %d", key, u[key], want)
		}
	}
}

// wantTurnFailed checks the failed turn against Codex's turn.failed and
// returns its reason.
func (r *e2eResult) wantTurnFailed(t *testing.T) string {
	t.Helper()
	e, _ := r.streamEvent(t, "turn.failed")["error"].(map[string]any)
	message, _ := e["message"].(string)
	if message == "" {
		t.Fatalf("Codex's turn.failed has no error message: %v", e)
	}
	failed := r.line(t, catalog.TurnFailed)
	failed.want(t, "reason", message)
	failed.want(t, "turn_index", 1)
	if failed.level != "ERROR" {
		t.Errorf("turn failure logged at %s, want ERROR", failed.level)
	}
	exc := r.line(t, catalog.ThreadException)
	exc.want(t, "reason", message)
	exc.want(t, "turns", 1)
	return message
}

// wantCommandOutput checks that Codex really ran the command: its next
// request to the model carries the output of call callID.
func (r *e2eResult) wantCommandOutput(t *testing.T, callID, want string) {
	t.Helper()
	if len(r.requests) != 2 {
		t.Fatalf("Codex made %d requests to the mock, want 2", len(r.requests))
	}
	input, err := r.requests[1].Input()
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range input {
		if it["type"] == "function_call_output" && it["call_id"] == callID {
			if out := fmt.Sprint(it["output"]); !strings.Contains(out, want) {
				t.Errorf("the command's output sent to the model is %q, want it to contain %q", out, want)
			}
			return
		}
	}
	t.Errorf("Codex's second request has no function_call_output for %s", callID)
}

// streamEvent returns the one event of type typ Codex printed.
func (r *e2eResult) streamEvent(t *testing.T, typ string) map[string]any {
	t.Helper()
	var found []map[string]any
	for _, e := range r.stream {
		if e["type"] == typ {
			found = append(found, e)
		}
	}
	if len(found) != 1 {
		t.Fatalf("Codex printed %d %s events, want 1", len(found), typ)
	}
	return found[0]
}

// item returns the one completed item of type typ Codex printed.
func (r *e2eResult) item(t *testing.T, typ string) map[string]any {
	t.Helper()
	var found []map[string]any
	for _, e := range r.stream {
		if it, _ := e["item"].(map[string]any); e["type"] == "item.completed" && it["type"] == typ {
			found = append(found, it)
		}
	}
	if len(found) != 1 {
		t.Fatalf("Codex completed %d %s items, want 1", len(found), typ)
	}
	return found[0]
}

// line returns the one log line of event name.
func (r *e2eResult) line(t *testing.T, name string) *logLine {
	t.Helper()
	var found []*logLine
	for _, l := range r.lines {
		if l.event == name {
			found = append(found, l)
		}
	}
	if len(found) != 1 {
		t.Fatalf("the log has %d %s lines, want 1", len(found), name)
	}
	return found[0]
}

// A logLine is one line of `--format json` output: python-json-logger's
// asctime, levelname, name and message, then the record's extras.
type logLine struct {
	raw                  string
	asctime, level, name string
	message, event       string         // event: the catalog entry the line renders
	fields               map[string]any // the extras; numbers as json.Number
}

// want checks that the line has field key equal to want (numbers compare by
// their decimal text).
func (l *logLine) want(t *testing.T, key string, want any) {
	t.Helper()
	got, ok := l.fields[key]
	if !ok {
		t.Errorf("%s: no field %s in %s", l.event, key, l.raw)
		return
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: %s = %#v, want %#v", l.event, key, got, want)
	}
}

// wantAbsent checks that the line has no field key.
func (l *logLine) wantAbsent(t *testing.T, key string) {
	t.Helper()
	if v, ok := l.fields[key]; ok {
		t.Errorf("%s: field %s = %v, want none", l.event, key, v)
	}
}

// parseLog reads codextel's JSON log and names the catalog event of each line.
func parseLog(t *testing.T, out string) []*logLine {
	t.Helper()
	var lines []*logLine
	for i, raw := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if raw == "" {
			continue
		}
		dec := json.NewDecoder(strings.NewReader(raw))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("log line %d is not a JSON object: %v: %q", i+1, err, raw)
		}
		l := &logLine{raw: raw, fields: m}
		for key, dst := range map[string]*string{"asctime": &l.asctime, "levelname": &l.level, "name": &l.name, "message": &l.message} {
			v, ok := m[key].(string)
			if !ok {
				t.Fatalf("log line %d has no string %q: %s", i+1, key, raw)
			}
			*dst = v
			delete(m, key)
		}
		name, err := classify(l)
		if err != nil {
			t.Fatalf("log line %d: %v: %s", i+1, err, raw)
		}
		l.event = name
		lines = append(lines, l)
	}
	return lines
}

// classify names the catalog event a log line renders: the one whose logger,
// fields, level and message template the line fits. A line that fits no
// entry, or more than one, is an error: the log disagrees with the catalog.
func classify(l *logLine) (string, error) {
	correlation := make(map[string]bool)
	for _, f := range catalog.CorrelationFields() {
		correlation[f.Key] = true
	}
	var fits []string
	for _, e := range catalog.All() {
		if e.Logger != l.name || !fieldsFit(e, l.fields, correlation) {
			continue
		}
		tmpl, level := e.MessageFor(func(key string) bool { _, ok := l.fields[key]; return ok })
		if level.String() != l.level || !templateRegexp(tmpl).MatchString(l.message) {
			continue
		}
		fits = append(fits, e.Name)
	}
	if len(fits) != 1 {
		return "", fmt.Errorf("the line fits %d catalog entries %q, want exactly 1", len(fits), fits)
	}
	return fits[0], nil
}

// fieldsFit reports whether every extra is a field of e or a correlation
// field, and every field e always has (those not optional, and not data
// that redaction may remove) is there.
func fieldsFit(e *catalog.Entry, fields map[string]any, correlation map[string]bool) bool {
	for key := range fields {
		if _, ok := e.Field(key); !ok && !correlation[key] {
			return false
		}
	}
	for _, list := range [][]catalog.Field{e.Measurements, e.Metadata} {
		for _, f := range list {
			if _, ok := fields[f.Key]; !ok && !f.Optional && f.Data == catalog.NoData {
				return false
			}
		}
	}
	return true
}

// templateRegexp matches messages rendered from tmpl, any text standing for
// each field.
func templateRegexp(tmpl catalog.Template) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for text, isField := range tmpl.Parts {
		if isField {
			b.WriteString(`.*`)
		} else {
			b.WriteString(regexp.QuoteMeta(text))
		}
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}
