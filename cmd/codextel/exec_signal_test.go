//go:build unix

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	builtOnce sync.Once
	builtPath string
	builtErr  error
)

// codextelBinary builds codextel once per test run, with the go command on
// PATH (go test puts the one running the tests first), into builtDir
// (TestMain removes it).
func codextelBinary(t *testing.T) string {
	t.Helper()
	builtOnce.Do(func() {
		goCmd, err := exec.LookPath("go") // go test puts its own first on PATH
		if err != nil {
			builtErr = err
			return
		}
		if builtDir, builtErr = os.MkdirTemp("", "codextel-test-"); builtErr != nil {
			return
		}
		builtPath = filepath.Join(builtDir, "codextel")
		out, err := exec.Command(goCmd, "build", "-o", builtPath, ".").CombinedOutput()
		if err != nil {
			builtErr = err
			builtPath = string(out)
		}
	})
	if builtErr != nil {
		// A failure, not a skip: these tests are the only check of the
		// signal and parent-death handling, and go test has the go command.
		t.Fatalf("cannot build codextel: %v %s", builtErr, builtPath)
	}
	return builtPath
}

// A child is codextel exec running the fake codex, as a process of its own.
type child struct {
	cmd     *exec.Cmd
	stderr  *lockedWriter // exec's copying goroutine writes it while the test may read it
	pidFile string
	done    chan struct{}
}

func startCodextel(t *testing.T, mode string, flags ...string) *child {
	t.Helper()
	bin := codextelBinary(t)
	pidFile := filepath.Join(t.TempDir(), "pid")
	args := append([]string{"exec", "--codex", os.Args[0], "--quiet"}, flags...)
	c := &child{cmd: exec.Command(bin, append(args, "--", "the prompt")...), stderr: &lockedWriter{w: new(bytes.Buffer)}, pidFile: pidFile, done: make(chan struct{})}
	c.cmd.Env = append(os.Environ(), envFakeCodex+"="+mode, envFakePID+"="+pidFile)
	c.cmd.Stderr = c.stderr
	c.cmd.WaitDelay = time.Second // an orphaned codex would hold the stderr pipe
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = c.cmd.Wait(); close(c.done) }()
	t.Cleanup(func() {
		_ = c.cmd.Process.Kill()
		killPIDFile(pidFile)
		<-c.done
	})
	return c
}

// String returns what has been written to l, a bytes.Buffer, so far.
func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.(*bytes.Buffer).String()
}

// codexPID waits for the fake codex to write its pid.
func (c *child) codexPID(t *testing.T) int {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if b, err := os.ReadFile(c.pidFile); err == nil {
			pid, err := strconv.Atoi(string(b))
			if err != nil {
				t.Fatal(err)
			}
			return pid
		}
	}
	t.Fatalf("the fake codex did not start; codextel's stderr: %q", c.stderr)
	return 0
}

// exit waits at most d for codextel to end and returns its exit status.
func (c *child) exit(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-c.done:
		return c.cmd.ProcessState.ExitCode()
	case <-time.After(d):
		t.Fatalf("codextel still running after %v; stderr: %q", d, c.stderr)
		return 0
	}
}

// alive reports whether pid is a process that has not ended (a zombie,
// waiting for its new parent to reap it, has ended).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return !os.IsNotExist(err) || runtime.GOOS != "linux"
	}
	// pid (comm) S ...: the state follows the last ')'.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

// TestExecSignalWhileClosing: once codex has exited, a signal stops the wait
// for a collector that does not answer; codex's status stands.
func TestExecSignalWhileClosing(t *testing.T) {
	c := startCodextel(t, "ok", "--adapter", "otel", "--otlp-endpoint", blackhole(t))
	time.Sleep(1500 * time.Millisecond) // codex is done, the output is closing
	if err := c.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := c.exit(t, 5*time.Second); code != 0 || !strings.Contains(c.stderr.String(), "codextel: telemetry: SIGINT: not waiting") {
		t.Errorf("exit %d, stderr %q; want 0 and the wait stopped", code, c.stderr)
	}
}

// TestExecSignals: codextel passes the first signal on, escalates to SIGKILL
// on the second or after --grace, and always ends.
func TestExecSignals(t *testing.T) {
	tests := []struct {
		name, mode string
		flags      []string
		signals    []syscall.Signal // sent to codextel, 300 ms apart
		want       int
		stderr     string
	}{
		{"obeyed", "obedient", nil, []syscall.Signal{syscall.SIGINT}, 128 + 2, "codex was killed by signal 2 (interrupt)"},
		{"ignored, then a second signal", "stubborn", nil, []syscall.Signal{syscall.SIGTERM, syscall.SIGTERM}, 128 + 9, "SIGTERM again: killing codex's process group"},
		{"ignored until the grace ends", "stubborn", []string{"--grace", "500ms"}, []syscall.Signal{syscall.SIGINT}, 128 + 9, "codex did not exit within 500ms: killing its process group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := startCodextel(t, tt.mode, tt.flags...)
			pid := c.codexPID(t)
			for i, s := range tt.signals {
				if i > 0 {
					time.Sleep(300 * time.Millisecond)
					if !alive(pid) {
						t.Fatalf("codex ended before signal %d; stderr %q", i+1, c.stderr)
					}
				}
				if err := c.cmd.Process.Signal(s); err != nil {
					t.Fatal(err)
				}
			}
			if code := c.exit(t, 15*time.Second); code != tt.want || !strings.Contains(c.stderr.String(), tt.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, c.stderr, tt.want, tt.stderr)
			}
			if alive(pid) {
				t.Errorf("codex (pid %d) outlived codextel", pid)
			}
		})
	}
}
