//go:build linux

package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestExecNoOrphan: codextel killed with SIGKILL takes codex with it (the
// parent-death signal), and the process a wrapper codex runs (the watchdog),
// within a bounded time.
func TestExecNoOrphan(t *testing.T) {
	for _, mode := range []string{"stubborn", "wrapper"} {
		t.Run(mode, func(t *testing.T) {
			c := startCodextel(t, mode)
			pid := c.codexPID(t) // the wrapper's child's
			if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			c.exit(t, 5*time.Second)
			killed := time.Now()
			for alive(pid) {
				if time.Since(killed) > 5*time.Second {
					t.Fatalf("codex (pid %d) still runs 5s after codextel was killed", pid)
				}
				time.Sleep(time.Millisecond)
			}
			t.Logf("codex gone %v after codextel's exit was seen", time.Since(killed))
		})
	}
}

// TestWatchdogEarlyParentDeath: a codextel that dies while its watchdog is
// still starting (before the watchdog listens for the parent-death signal)
// still takes codex's process group with it.
func TestWatchdogEarlyParentDeath(t *testing.T) {
	for i := range 3 {
		pidFile := filepath.Join(t.TempDir(), "pid")
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), envFakeCodex+"=watchdog-parent", envFakePID+"="+pidFile)
		if out, err := cmd.CombinedOutput(); !isKilled(err) {
			t.Fatalf("the fake parent: %v, want killed: %s", err, out)
		}
		t.Cleanup(func() { killPIDFile(pidFile) })
		b, err := os.ReadFile(pidFile)
		if err != nil {
			t.Fatal(err)
		}
		pid, err := strconv.Atoi(string(b))
		if err != nil {
			t.Fatal(err)
		}
		for died := time.Now(); alive(pid); time.Sleep(5 * time.Millisecond) {
			if time.Since(died) > 15*time.Second {
				t.Fatalf("run %d: the sleeper (pid %d) still runs 15s after its codextel died", i, pid)
			}
		}
	}
}

// isKilled reports whether err is a process's death by SIGKILL.
func isKilled(err error) bool {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}
