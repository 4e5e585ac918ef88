package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// renderInput writes n raw telemetry events for codextel render to a file.
func renderInput(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"event":"codex.error","metadata":{"error_message":"replayed %d"}}`+"\n", i)
	}
	path := filepath.Join(t.TempDir(), "events.jsonl")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestOtelReplayLosesNothing: a replay of 10,005 records through
// --adapter otel to a collector slower than the reader, with a log queue of
// 64, loses nothing: the replay waits for the collector (back-pressure)
// instead of dropping, so codextel exits 0 with nothing on stderr (a loss
// would be Shutdown's error, printed, and exit 1).
func TestOtelReplayLosesNothing(t *testing.T) {
	t.Setenv("OTEL_BLRP_MAX_QUEUE_SIZE", "64")
	var logPosts atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if r.URL.Path == "/v1/logs" {
			logPosts.Add(1)
			time.Sleep(2 * time.Millisecond)
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	defer srv.Close()
	code, out, errOut := runWith(t, "", "render", "--adapter", "otel", "--otlp-endpoint", srv.URL, renderInput(t, 10_005))
	if code != 0 || out != "" || errOut != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// 10,005 records in batches of at most 64.
	if n := logPosts.Load(); n < 157 {
		t.Errorf("%d log exports, want at least 157 of at most 64 records", n)
	}
}

// captureStderr runs f with os.Stderr, where the otel pipeline reports
// while it runs, going to a pipe, and returns what was written to it.
func captureStderr(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stderr
	os.Stderr = w
	got := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		got <- string(b)
	}()
	func() {
		defer func() {
			os.Stderr = saved
			w.Close()
		}()
		f()
	}()
	out := <-got
	r.Close()
	return out
}

// TestOtelCollectorDown: with nothing listening, a replay ends at once;
// each kind of failure is reported once while it runs, on the run's stderr,
// and the loss is counted once at the end, without saying the same errors
// again; the summary is still printed. (That the OpenTelemetry SDK's own
// logger and error handler write nothing to file descriptor 2 is
// adapters/otel/otlp's TestNoSDKStderr.)
func TestOtelCollectorDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	endpoint := "http://" + l.Addr().String()
	l.Close()
	for _, tc := range []struct {
		name, cmd string
		input     string
		lost      string
		summary   string
	}{
		{"render", "render", renderInput(t, 3000), "codexotlp: otel export: 3000 of 3000 log records lost", ""},
		{"replay", "replay", "", "log records lost", "codextel: 1 thread, 1 turn"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			var code int
			var errOut string
			reports := captureStderr(t, func() {
				args := []string{tc.cmd, "--adapter", "otel", "--otlp-endpoint", endpoint}
				if tc.input != "" {
					args = append(args, tc.input)
				}
				code, _, errOut = runWith(t, "", args...)
			})
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("the replay took %s", d)
			}
			if reports != "" {
				t.Errorf("written to os.Stderr, not the run's stderr: %q", reports)
			}
			if code != 1 || strings.Count(errOut, tc.lost) != 1 || !strings.Contains(errOut, tc.summary) {
				t.Errorf("exit %d, stderr %q: want exit 1, the summary and the loss once", code, errOut)
			}
			for _, once := range []string{"log records failed", "exporting metrics failed", `/v1/logs"`, `/v1/metrics"`} {
				if n := strings.Count(errOut, once); n != 1 {
					t.Errorf("%q said %d times, want once:\n%s", once, n, errOut)
				}
			}
			for line := range strings.Lines(errOut) {
				// The summary's table rows are indented under its first line.
				if !strings.HasPrefix(line, "codextel: ") && !strings.HasPrefix(line, "  ") {
					t.Errorf("stderr line %q lacks the codextel: prefix", line)
				}
			}
		})
	}
}
