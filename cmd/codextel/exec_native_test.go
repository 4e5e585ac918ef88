//go:build unix

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestExecNative runs codextel exec on a fake codex that plays the
// cmd_sleep capture, posting its native export as codex does: the join
// gives Codex's duration, the model and the model requests live, and
// Codex continues codextel's trace under its thread span.
func TestExecNative(t *testing.T) {
	t.Setenv("TRACEPARENT", "") // no caller's trace (TestExecContinuesCallerTrace has one)
	pidfile := filepath.Join(t.TempDir(), "traceparent")
	t.Setenv(envFakePID, pidfile)
	code, out, errOut, _ := execFake(t, "native", "--format", "json", "--level", "DEBUG")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{
		`"message": "Thread 01a24274-b90a-74d2-b259-13c568aed366 started", "source": "exec", "model": "gpt-5.5"`,
		`"message": "Tool shell completed.", "tool": "shell", "tool_kind": "command_execution", "call_id": "item_0", "model": "gpt-5.5", "exit_code": 0, "duration": "0:00:01.598000", "duration_ms": 1598.0`,
		`"message": "Model request returned HTTP 200 after 63.0 ms (attempt 0)"`,
		`"message": "Approval granted for command_execution item_0: approved"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %s in:\n%s", want, out)
		}
	}
	// Two log bodies: exec asks codex for its logs only (traces with
	// --native-spans), and the fake posts to the endpoints it is given.
	if !strings.Contains(errOut, "codextel: native: 2 bodies, 9 records and 0 spans kept") {
		t.Errorf("stderr %q", errOut)
	}
	tp, err := os.ReadFile(pidfile)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`^00-([0-9a-f]{32})-([0-9a-f]{16})-01$`).FindStringSubmatch(string(tp))
	if m == nil {
		t.Fatalf("TRACEPARENT %q", tp)
	}
	// Codex continues codextel's trace as a child of the thread span.
	thread := regexp.MustCompile(`"message": "Thread [^"]*started".*"span_id": "([0-9a-f]{16})"(, "parent_span_id")?`).FindStringSubmatch(out)
	if !strings.Contains(out, `"correlation_id": "`+m[1]+`"`) || thread == nil || thread[1] != m[2] || thread[2] != "" {
		t.Errorf("codextel's trace and thread span (%q) are not the ones Codex was given (%s):\n%s", thread, tp, out)
	}

	code, out, errOut, _ = execFake(t, "native", "--native=off", "--format", "json", "--level", "DEBUG")
	if code != 0 || strings.Contains(out, "codex.model") || strings.Contains(errOut, "native:") {
		t.Errorf("--native=off: exit %d, stderr %q, output:\n%s", code, errOut, out)
	}
	if tp, _ := os.ReadFile(pidfile); len(tp) != 0 {
		t.Errorf("--native=off passed TRACEPARENT %q", tp)
	}
	if code, _, errOut, _ := execFake(t, "ok", "--native=maybe"); code != 2 || !strings.Contains(errOut, `bad --native "maybe" for exec`) {
		t.Errorf("--native=maybe: exit %d, stderr %q", code, errOut)
	}
	for _, flags := range [][]string{{"--native-spans"}, {"--native-spans", "--native=off", "--adapter", "otel", "--otlp-endpoint", "http://127.0.0.1:1"}} {
		if code, _, errOut, _ := execFake(t, "ok", flags...); code != 2 || !strings.Contains(errOut, "--native-spans sends Codex's own spans to a trace exporter: it needs --adapter otel and --native on") {
			t.Errorf("%q: exit %d, stderr %q", flags, code, errOut)
		}
	}
}

// TestCallerTrace: a W3C traceparent gives the caller's trace and span;
// anything else is ignored.
func TestCallerTrace(t *testing.T) {
	const trace, span = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"
	for _, tc := range []struct {
		tp string
		ok bool
	}{
		{"00-" + trace + "-" + span + "-01", true},
		{" 00-" + trace + "-" + span + "-00\n", true},
		{"01-" + trace + "-" + span + "-01-future", true},
		{"00-" + trace + "-" + span + "-01-extra", false},
		{"ff-" + trace + "-" + span + "-01", false},
		{"00-" + strings.ToUpper(trace) + "-" + span + "-01", false},
		{"00-" + strings.Repeat("0", 32) + "-" + span + "-01", false},
		{"00-" + trace + "-" + strings.Repeat("0", 16) + "-01", false},
		{"00-" + trace[:31] + "-" + span + "-01", false},
		{"00-" + trace + "-" + span + "-1", false},
		{"00-" + trace + "-" + span, false},
		{"", false},
	} {
		ids, ok := callerTrace(tc.tp)
		if ok != tc.ok || ok && (ids.Correlation != trace || ids.Span != span || ids.NextSpan != "") {
			t.Errorf("callerTrace(%q) = %+v, %v; want ok %v", tc.tp, ids, ok, tc.ok)
		}
	}
}

// TestExecContinuesCallerTrace: under a caller's TRACEPARENT, exec's
// thread span is a child of the caller's span in the caller's trace, and
// Codex continues the thread span; with --native=off too.
func TestExecContinuesCallerTrace(t *testing.T) {
	const trace, span = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"
	t.Setenv("TRACEPARENT", "00-"+trace+"-"+span+"-01")
	pidfile := filepath.Join(t.TempDir(), "traceparent")
	t.Setenv(envFakePID, pidfile)
	threadRe := regexp.MustCompile(`"message": "Thread [^"]*started".*"correlation_id": "([0-9a-f]+)".*"span_id": "([0-9a-f]{16})", "parent_span_id": "([0-9a-f]{16})"`)
	for _, native := range []string{"--native=on", "--native=off"} {
		code, out, errOut, _ := execFake(t, "native", native, "--format", "json")
		if code != 0 {
			t.Fatalf("%s: exit %d, stderr %q", native, code, errOut)
		}
		m := threadRe.FindStringSubmatch(out)
		if m == nil || m[1] != trace || m[3] != span {
			t.Errorf("%s: thread start %q: want correlation %s, parent %s:\n%s", native, m, trace, span, out)
			continue
		}
		tp, _ := os.ReadFile(pidfile)
		want := "00-" + trace + "-" + m[2] + "-01"
		if native == "--native=off" {
			want = "00-" + trace + "-" + span + "-01" // codex gets the caller's, untouched
		}
		if string(tp) != want {
			t.Errorf("%s: codex's TRACEPARENT %q, want %q", native, tp, want)
		}
	}
}
