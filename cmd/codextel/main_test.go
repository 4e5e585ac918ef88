package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/codextel/codextel/core/telemetry"
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
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"render", "--help"}, {"events", "--help"}, {"events", "-h"}} {
		code, out, errOut := runWith(t, "", args...)
		if code != 0 || !strings.HasPrefix(out, "usage:") || errOut != "" {
			t.Errorf("codextel %q: exit %d, stdout %.20q, stderr %q", args, code, out, errOut)
		}
	}
	// The bounds the usage states are the ones exec applies.
	for _, want := range []string{fmt.Sprintf("until %v pass without any, %v at most", drainIdle, drainMax), fmt.Sprintf("The first %d bad lines of\na stream are logged one by one", maxShownLines)} {
		if !strings.Contains(usageText, want) {
			t.Errorf("the usage does not say %q", want)
		}
	}
}

func TestReplaySample(t *testing.T) {
	t.Setenv("TZ", "UTC")
	code, out, errOut := runWith(t, "", "--clock", "2025-12-02T10:52:12.123456Z", "--fmt", "%(asctime)s %(levelname)s %(name)s: %(message)s")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	want := `2025-12-02 10:52:12,123 INFO codex.thread: Thread 01a24277-91a0-72b2-afe6-bfe30a2edfa8 started
2025-12-02 10:52:12,123 ERROR codex.mcp: Error invoking MCP tool fail: the tool reported an error
2025-12-02 10:52:12,123 ERROR codex.mcp: Error invoking MCP tool crash: tool call error: tool call failed for ` + "`demo/crash`" + `

Caused by:
    Mcp error: -32602: unknown tool crash
2025-12-02 10:52:12,123 INFO codex.item: Agent message item_3 (46 bytes)
2025-12-02 10:52:12,123 INFO codex.turn: Turn 1 completed
2025-12-02 10:52:12,123 INFO codex.thread: Thread 01a24277-91a0-72b2-afe6-bfe30a2edfa8 completed
`
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
	// The bundled session comes with Codex's own export of the run; --clock
	// fixes every time, so the summary gives none (without it: Codex's
	// 210ms of session time, see README.md).
	if !strings.Contains(errOut, "codextel: 1 thread, 1 turn (0 failed), 3 tool calls (2 failed), 0 approvals, tokens 24600 in / 120 out\n") ||
		!strings.Contains(errOut, "codextel: native: 3 bodies, 14 records and 24 spans kept") {
		t.Errorf("summary %q", errOut)
	}
	_, debug, _ := runWith(t, "", "--level", "DEBUG", "--format", "json", "--quiet")
	for _, want := range []string{
		`"message": "Model request returned HTTP 200 after 16.0 ms (attempt 0)"`,
		`"message": "MCP tool echo completed.", "server": "demo", "tool": "echo", "call_id": "item_0", "model": "gpt-5.5"`,
	} {
		if !strings.Contains(debug, want) {
			t.Errorf("the bundled session at DEBUG lacks %s", want)
		}
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
	code, out, errOut := runWith(t, "", "render", "--clock", "2025-12-02T10:00:00Z", "--fmt", "%(asctime)s %(name)s %(message)s", path)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	want := "2025-12-02 10:52:12,500 codex Reconnecting... 1/5\n2025-12-02 10:00:00,000 codex.item deprecated flag\n" +
		"2025-12-02 10:00:00,000 codex.bridge Skipping line 3: \"event\" must be a string, not a number\n"
	if out != want {
		t.Errorf("output %q, want %q", out, want)
	}
	wantErr := `codextel: line 3: "event" must be a string, not a number (line starts "{\"event\": 5}")` + "\n" +
		"codextel: 1 bad line skipped (reported as codex.bridge.invalid_line)\n"
	if errOut != wantErr {
		t.Errorf("stderr %q, want %q", errOut, wantErr)
	}
}

// TestRenderCases: what render makes of numbers Go and Python see
// differently, of repeated keys, and of bad lines that carry secrets.
func TestRenderCases(t *testing.T) {
	const secret = "sk-proj-a1B2c3D4e5F6g7H8i9J0k1L2m3N4"
	tests := []struct {
		name, input string
		format      string // --format; plain when empty
		stdout      string // the whole output
		stderr      []string
		notStderr   string // must not appear on stderr (nor stdout)
		code        int    // the exit status: 1 when no line could be read
	}{
		{
			name:   "float beyond int64 for an integer field",
			code:   1,
			input:  `{"event": "codex.telemetry.dropped", "measurements": {"dropped": 1e19, "interval_ms": 1000}, "metadata": {"event": "x"}}`,
			stdout: `WARNING:codex.bridge:Skipping line 1: measurement "dropped": 1e+19 is beyond the int64 range of an integer field` + "\n",
			stderr: []string{"1e+19 is beyond the int64 range", "1 bad line skipped"},
		},
		{
			name:   "infinite duration",
			code:   1,
			input:  `{"event": "codex.tool.success", "measurements": {"duration": Infinity}, "metadata": {"tool": "shell"}}`,
			stdout: `WARNING:codex.bridge:Skipping line 1: measurement "duration": Infinity is not a duration` + "\n",
			stderr: []string{"Infinity is not a duration"},
		},
		{
			name: "NaN and Infinity in text, as str() gives them",
			input: `{"event": "codex.error", "metadata": {"error_message": NaN}}
{"event": "codex.error", "metadata": {"error_message": -Infinity}}
{"event": "codex.error", "metadata": {"error_message": [Infinity, 1.0, 1e16, {"a": NaN}]}}`,
			stdout: "WARNING:codex:nan\nWARNING:codex:-inf\nWARNING:codex:[inf, 1.0, 1e+16, {'a': nan}]\n",
		},
		{
			name:   "NaN and Infinity in JSON, as json.dumps gives them",
			input:  `{"time": "2025-12-02T10:52:12Z", "event": "codex.tool.success", "measurements": {"duration_ms": Infinity}, "metadata": {"tool": "shell", "x": NaN, "y": -Infinity}}`,
			format: "json",
			stdout: `{"asctime": "2025-12-02 10:52:12,000", "levelname": "DEBUG", "name": "codex.tool", "message": "Tool shell completed.", "tool": "shell", "x": NaN, "y": -Infinity, "duration_ms": Infinity}` + "\n",
		},
		{
			name:   "a repeated key: the last value, at the first place",
			input:  `{"time": "2025-12-02T10:52:12Z", "event": "codex.item.warning", "metadata": {"warning": "first", "call_id": "c", "warning": "last"}}`,
			format: "json",
			stdout: `{"asctime": "2025-12-02 10:52:12,000", "levelname": "WARNING", "name": "codex.item", "message": "last", "warning": "last", "call_id": "c"}` + "\n",
		},
		{
			name:      "a secret in a bad line",
			code:      1,
			input:     `not json, but a key: ` + secret,
			stdout:    "WARNING:codex.bridge:Skipping line 1: expected an object at byte 0\n",
			stderr:    []string{`line starts "not json, but a key: [REDACTED]"`},
			notStderr: "a1B2c3",
		},
		{
			name:      "a secret in an error's text",
			code:      1,
			input:     `{"event": "codex.tool.success", "measurements": {"duration": "` + secret + `"}}`,
			stdout:    `WARNING:codex.bridge:Skipping line 1: measurement "duration": "[REDACTED]" is neither a number nor a duration` + "\n",
			stderr:    []string{`"[REDACTED]" is neither a number nor a duration`},
			notStderr: "a1B2c3",
		},
		{
			name:  "many bad lines: five shown, all counted",
			code:  1,
			input: strings.Repeat("bad\n", 7),
			stdout: strings.Repeat("WARNING:codex.bridge:Skipping line N: expected an object at byte 0\n", 5) +
				"WARNING:codex.bridge:Skipped 2 more bad lines, lines 6 to 7, without a report each (7 in all)\n",
			stderr: []string{"line 5: expected", "7 bad lines skipped (the first 5 reported as codex.bridge.invalid_line, shown above, the other 2 counted in codex.bridge.invalid_lines.unreported)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("TZ", "UTC")
			args := []string{"render", "--level", "DEBUG", "--clock", "2025-12-02T10:00:00Z"}
			if tt.format != "" {
				args = append(args, "--format", tt.format)
			}
			code, out, errOut := runWith(t, tt.input+"\n", append(args, "-")...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tt.code, errOut)
			}
			if strings.Contains(tt.stdout, "line N") {
				out = regexp.MustCompile(`line \d+`).ReplaceAllString(out, "line N")
			}
			if out != tt.stdout {
				t.Errorf("stdout\n%s\nwant\n%s", out, tt.stdout)
			}
			for _, want := range tt.stderr {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr %q lacks %q", errOut, want)
				}
			}
			// The lines shown, the count, and the verdict when no line was read.
			if got, most := strings.Count(errOut, "\n"), maxShownLines+1+tt.code; got > most {
				t.Errorf("stderr has %d lines, want at most %d", got, most)
			}
			if tt.notStderr != "" && (strings.Contains(errOut, tt.notStderr) || strings.Contains(out, tt.notStderr)) {
				t.Errorf("a secret leaked: stdout %q, stderr %q", out, errOut)
			}
		})
	}
}

func TestEndpointValidation(t *testing.T) {
	tests := []struct {
		endpoint string
		want     string // "" when valid
	}{
		{"http://127.0.0.1:4318", ""},
		{"https://collector.example.com", ""},
		{"http://[::1]:4317/", ""},
		{"http://127.0.0.1:", "bad --otlp-endpoint http://127.0.0.1:: the port after the colon is empty"},
		{"http://[::1]:", "the port after the colon is empty"},
		{"http://127.0.0.1:0", "port 0 is not between 1 and 65535"},
		{"http://127.0.0.1:70000", "port 70000 is not between 1 and 65535"},
		{"http://127.0.0.1:x", `bad --otlp-endpoint: invalid port ":x" after host`},
		{"http://user:hunter2-topsecret@127.0.0.1:4318", "credentials in the URL (before @) are not accepted"},
		{"https://tok_ABCdef123456@collector.example.com", "credentials in the URL (before @) are not accepted"},
		{"localhost:4318", "want an http:// or https:// URL"},
		{"grpc://127.0.0.1:4317", "want an http:// or https:// URL"},
		{"127.0.0.1:4318", "bad --otlp-endpoint: "},
		{"http://", "no host after http://"},
		{"http://:4318", "no host after http://"},
		{"http://127.0.0.1:4318?token=abc", "a query or fragment is not accepted"},
	}
	for _, tt := range tests {
		o := options{otlpEndpoint: tt.endpoint}
		err := checkEndpoint(o.otlpEndpoint)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.endpoint, err)
			}
			continue
		}
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want a usage error containing %q", tt.endpoint, err, tt.want)
		}
		if err != nil && (strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "tok_ABC")) {
			t.Errorf("%s: the error echoes the credential: %v", tt.endpoint, err)
		}
	}
	// Through the command line: exit 2, one line, the flag named.
	code, out, errOut := runWith(t, "", "--adapter", "otel", "--otlp-endpoint", "http://me:s3cret-pass@127.0.0.1:4318")
	if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "--otlp-endpoint") || strings.Contains(errOut, "s3cret") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
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

// TestTelemetryLoss: an output whose close fails is reported once per
// distinct loss, as telemetry; a replay then exits 1, exec with codex's
// status (TestExecBlackholedCollector runs exec against a real collector
// that does not answer).
func TestTelemetryLoss(t *testing.T) {
	adapters["failing"] = func(o *options, bus *telemetry.Bus, w io.Writer) (output, error) {
		return closeFunc(func() error {
			lost := errors.New("collector: 3 log records not exported")
			return errors.Join(lost, errors.New("context deadline exceeded"), lost)
		}), nil
	}
	t.Cleanup(func() { delete(adapters, "failing") })
	code, _, errOut := runWith(t, "", "--adapter", "failing", "--quiet")
	want := "codextel: telemetry: collector: 3 log records not exported\ncodextel: telemetry: context deadline exceeded\n"
	if code != 1 || errOut != want {
		t.Errorf("replay: exit %d, stderr %q; want 1 and %q", code, errOut, want)
	}
	// The stream was read whole: its summary comes before the loss.
	code, _, errOut = runWith(t, "", "--adapter", "failing")
	if code != 1 || !strings.HasPrefix(errOut, "codextel: 1 thread, 1 turn") || !strings.HasSuffix(errOut, want) {
		t.Errorf("replay with its summary: exit %d, stderr %q", code, errOut)
	}
}

// FuzzCheckEndpoint checks that no endpoint panics the validation and that
// one with credentials is refused with the fixed message, which quotes
// nothing of the URL.
func FuzzCheckEndpoint(f *testing.F) {
	for _, s := range []string{"http://127.0.0.1:4318", "http://u:p@h:1", "https://[::1]:", "http://h:99999", "http://%zz@h", "x://y?z#w"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		err := checkEndpoint(raw)
		u, perr := url.Parse(raw)
		if perr == nil && u.User != nil {
			const want = "bad --otlp-endpoint: credentials in the URL (before @) are not accepted; pass them as a header in CODEX_OTLP_HEADERS or OTEL_EXPORTER_OTLP_HEADERS"
			if err == nil || err.Error() != want {
				t.Fatalf("checkEndpoint(%q) = %v, want the credentials error", raw, err)
			}
		}
		if err != nil {
			var ue usageError
			if !errors.As(err, &ue) {
				t.Fatalf("checkEndpoint(%q) = %v, not a usage error", raw, err)
			}
		}
	})
}

// TestRenderBadLineReachesCollector: a bad line render skips is emitted on
// the bus, so it reaches the collector too, scrubbed.
func TestRenderBadLineReachesCollector(t *testing.T) {
	var (
		mu   sync.Mutex
		logs []byte
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/v1/logs" {
			mu.Lock()
			logs = append(logs, body...)
			mu.Unlock()
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	defer srv.Close()
	input := `{"event": "codex.error", "metadata": {"error_message": "fine"}}` + "\nnot json sk-proj-a1B2c3D4e5F6g7H8i9J0k1L2m3N4\n"
	code, _, errOut := runWith(t, input, "render", "--adapter", "otel", "--otlp-endpoint", srv.URL, "-")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, want := range []string{"Skipping line 2: expected an object at byte 0", "not json [REDACTED]", "fine"} {
		if !bytes.Contains(logs, []byte(want)) {
			t.Errorf("the collector got no %q", want)
		}
	}
	if bytes.Contains(logs, []byte("a1B2c3")) {
		t.Error("the secret reached the collector")
	}
}

// TestVersion: --version and version print one line and exit 0, as any
// command-line tool does.
func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}, {"render", "--version"}} {
		code, out, errOut := runWith(t, "", args...)
		if code != 0 || !strings.HasPrefix(out, "codextel "+Version+" ") || strings.Count(out, "\n") != 1 || errOut != "" {
			t.Errorf("codextel %q: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

// TestFlagsAnywhere: flags may follow FILE, and after -- everything is a
// file; exec keeps flags before its --, since codex's own follow it.
func TestFlagsAnywhere(t *testing.T) {
	t.Setenv("TZ", "UTC")
	clock := "2025-12-02T10:52:12Z"
	_, before, _ := runWith(t, sample, "--level", "DEBUG", "--clock", clock, "-")
	for _, args := range [][]string{
		{"-", "--level", "DEBUG", "--clock", clock},
		{"--level", "DEBUG", "-", "--clock", clock},
		{"replay", "-", "--clock=" + clock, "--level=DEBUG"},
	} {
		code, out, errOut := runWith(t, sample, args...)
		if code != 0 || out != before {
			t.Errorf("codextel %q: exit %d, stderr %q, stdout differs from flags first:\n%s\nwant:\n%s", args, code, errOut, out, before)
		}
	}
	if !strings.Contains(before, "DEBUG:") {
		t.Fatalf("--level DEBUG had no effect:\n%s", before)
	}
	code, _, errOut := runWith(t, "", "replay", "--", "--level")
	if code != 2 || !strings.Contains(errOut, "cannot read --level") {
		t.Errorf("after --, --level is a file: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runWith(t, "", "a.jsonl", "--level", "DEBUG", "b.jsonl")
	if code != 2 || !strings.Contains(errOut, "got 2: a.jsonl b.jsonl") {
		t.Errorf("two files: exit %d, stderr %q", code, errOut)
	}
}
