//go:build linux

package main

import (
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
