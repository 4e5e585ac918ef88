package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal pair: the master, read by the test, and
// the slave, the terminal codextel writes to.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlocking the pty: %v", err)
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("the pty's number: %v", err)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("opening the pty: %v", err)
	}
	t.Cleanup(func() { slave.Close() })
	return master, slave
}

// TestRealTerminal: on a real terminal (a pseudo-terminal), without any
// injection, stdout gets the coloured console format; a pipe gets
// Python's format.
func TestRealTerminal(t *testing.T) {
	t.Setenv("TERM", "xterm")
	os.Unsetenv("NO_COLOR")
	master, slave := openPTY(t)
	got := make(chan string)
	go func() {
		b, _ := io.ReadAll(master) // ends with EIO when the slave closes
		got <- string(b)
	}()
	var errOut strings.Builder
	code := run([]string{"--clock", "2025-12-02T10:52:12Z"}, nil, slave, &errOut)
	slave.Close()
	out := <-got
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	if !strings.Contains(out, "\x1b[34mINFO\x1b[0m     codex.thread  Thread ") {
		t.Errorf("the terminal got %q, want the coloured console format", out)
	}

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		b, _ := io.ReadAll(r)
		got <- string(b)
	}()
	code = run([]string{"--clock", "2025-12-02T10:52:12Z"}, nil, w, &errOut)
	w.Close()
	if out := <-got; code != 0 || !strings.HasPrefix(out, "INFO:codex.thread:Thread ") {
		t.Errorf("exit %d; the pipe got %q, want Python's format", code, out)
	}
}
