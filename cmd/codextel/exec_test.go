//go:build unix

package main

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// execFake runs `codextel exec` in-process with the fake codex in mode.
func execFake(t *testing.T, mode string, flags ...string) (code int, stdout, stderr string, took time.Duration) {
	t.Helper()
	t.Setenv(envFakeCodex, mode)
	args := append([]string{"exec", "--codex", os.Args[0]}, flags...)
	args = append(args, "--", "the prompt")
	began := time.Now()
	code, stdout, stderr = runWith(t, "", args...)
	return code, stdout, stderr, time.Since(began)
}

func TestExecExitStatus(t *testing.T) {
	segv := filepath.Join(t.TempDir(), "codex-segv")
	script := "#!/bin/sh\necho '" + fakeSession[0] + "'\nkill -SEGV $$\n"
	if err := os.WriteFile(segv, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, mode string
		codex      string // default: the fake
		want       int
		stderr     string
	}{
		{"success", "ok", "", 0, "codextel: 1 thread, 1 turn (0 failed)"},
		{"failure", "exit:3", "", 3, "codextel: 1 thread, 1 turn (0 failed)"},
		{"unreadable stream", "legacy", "", 1, "codextel: codex stream: line 1: bridge: this is the legacy"},
		{"SIGKILL", "kill-self:9", "", 128 + 9, "codextel: codex was killed by signal 9 (killed)\n"},
		{"SIGTERM", "kill-self:15", "", 128 + 15, "codextel: codex was killed by signal 15 (terminated)\n"},
		{"SIGSEGV", "ok", segv, 128 + 11, "codextel: codex was killed by signal 11 (segmentation fault)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var flags []string
			if tt.codex != "" {
				flags = []string{"--codex", tt.codex}
			}
			code, _, errOut, _ := execFake(t, tt.mode, flags...)
			if code != tt.want || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, tt.want, tt.stderr)
			}
		})
	}
}

// TestExecGrandchildHoldsOutput: a process codex leaves running with its
// stdout and stderr does not hold codextel once codex has exited.
func TestExecGrandchildHoldsOutput(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	t.Setenv(envFakePID, pidFile)
	t.Cleanup(func() { killPIDFile(pidFile) })
	code, out, errOut, took := execFake(t, "grandchild", "--level", "DEBUG")
	if code != 0 {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if took > drainIdle+5*time.Second {
		t.Errorf("codextel took %v after codex exited; want about %v", took, drainIdle)
	}
	if !strings.Contains(errOut, "its output is still open (a process it started holds it): stopped reading it after 2s without output") || !strings.Contains(errOut, "1 turn (0 failed)") {
		t.Errorf("stderr %q", errOut)
	}
	if !strings.Contains(out, "Turn 1 completed") {
		t.Errorf("stdout %q: the session before the drain is missing", out)
	}
}

// TestExecBlackholedCollector: a collector that accepts connections and never
// answers costs telemetry, not codex's exit status, and is reported as such.
func TestExecBlackholedCollector(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "500") // milliseconds
	code, out, errOut, took := execFake(t, "ok", "--adapter", "otel", "--otlp-endpoint", blackhole(t))
	t.Logf("exec with a blackholed collector took %v; stderr:\n%s", took, errOut)
	if code != 0 {
		t.Errorf("exit %d, want codex's 0; stderr %q", code, errOut)
	}
	if out != "" || strings.Contains(errOut, "codex stream") || !strings.Contains(errOut, "codextel: telemetry: ") {
		t.Errorf("stdout %q, stderr %q; want the loss reported as telemetry", out, errOut)
	}
	seen := map[string]bool{}
	for line := range strings.Lines(errOut) {
		if strings.HasPrefix(line, "codextel: telemetry: ") && seen[line] {
			t.Errorf("stderr %q: %q twice, want each loss once", errOut, line)
		}
		seen[line] = true
	}
	if took > 30*time.Second {
		t.Errorf("took %v: the export timeout does not bound the wait", took)
	}
}

// blackhole returns the URL of a collector that accepts connections and
// never reads nor answers.
func blackhole(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu   sync.Mutex
		held []net.Conn
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		for _, c := range held {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String()
}

// killPIDFile kills the process whose pid the fake wrote, if it did.
func killPIDFile(path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	if pid, err := strconv.Atoi(string(b)); err == nil && pid > 0 {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

// TestDrainReader: once expired, a drainReader reads on while data comes,
// ends after idle without any, and after max at most.
func TestDrainReader(t *testing.T) {
	const idle, maxTime = 100 * time.Millisecond, 600 * time.Millisecond
	pipe := func(t *testing.T) (*drainReader, *os.File) {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close(); w.Close() })
		return &drainReader{f: r, idle: idle, max: maxTime}, w
	}
	t.Run("slow reader keeps what is in the pipe", func(t *testing.T) {
		d, w := pipe(t)
		w.WriteString("last line\n")
		d.expire()
		time.Sleep(3 * idle) // the reader was busy writing elsewhere
		b, err := io.ReadAll(d)
		if string(b) != "last line\n" || err != nil || !d.cut.Load() {
			t.Errorf("read %q, %v, cut %v; want the line, then the end after idle", b, err, d.cut.Load())
		}
	})
	t.Run("the writer closes", func(t *testing.T) {
		d, w := pipe(t)
		w.WriteString("x")
		w.Close()
		d.expire()
		if b, err := io.ReadAll(d); string(b) != "x" || err != nil || d.cut.Load() {
			t.Errorf("read %q, %v, cut %v; want x and a plain end", b, err, d.cut.Load())
		}
	})
	t.Run("a writer that never stops is cut at max", func(t *testing.T) {
		d, w := pipe(t)
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			// As fast as the pipe takes it: a writer paced by timers
			// leaves gaps longer than idle on a loaded machine, and the
			// reader is then rightly cut early.
			line := []byte("more\n")
			for {
				select {
				case <-stop:
					return
				default:
					if _, err := w.Write(line); err != nil {
						return
					}
				}
			}
		}()
		began := time.Now()
		d.expire()
		_, err := io.Copy(io.Discard, d)
		// Cut at max, give or take a loaded machine's scheduling: never
		// before, and long before the never-ending writer would stop.
		if took := time.Since(began); err != nil || !d.cut.Load() || took < maxTime || took > maxTime+30*idle {
			t.Errorf("took %v, %v, cut %v; want a cut after %v", took, err, d.cut.Load(), maxTime)
		}
	})
}
