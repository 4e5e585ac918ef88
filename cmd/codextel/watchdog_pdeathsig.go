//go:build linux || freebsd

package main

import (
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
)

// The watchdog: the parent-death signal reaches codex only, but the codex
// installed by npm is a Node.js wrapper that runs the native binary as its
// child, which would outlive both. So exec also starts a watchdog, codextel
// itself run again with these variables set, whose parent-death signal is
// SIGTERM: on it, the watchdog kills codex's whole process group.
const (
	envWatchdogGroup  = "CODEXTEL_WATCHDOG_PGID"   // the process group to kill
	envWatchdogParent = "CODEXTEL_WATCHDOG_PARENT" // the codextel that started it
)

// startWatchdog starts the watchdog for codex's process group pgid from the
// calling thread, which must stay alive as long as codextel (startAndWait's).
// It returns nil when the watchdog cannot run: codex is then still killed
// with codextel, though not a process codex started.
func startWatchdog(pgid int) *os.Process {
	self, err := os.Executable()
	if err != nil {
		return nil
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), envWatchdogGroup+"="+strconv.Itoa(pgid), envWatchdogParent+"="+strconv.Itoa(os.Getpid()))
	// A group of its own: a terminal's Ctrl-C, meant for codextel, must not
	// end the watchdog.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if cmd.Start() != nil {
		return nil
	}
	return cmd.Process
}

// stopWatchdog ends the watchdog once codex has exited.
func stopWatchdog(p *os.Process) {
	if p == nil {
		return
	}
	_ = p.Kill()
	_, _ = p.Wait()
}

// watchdogIfAsked runs the watchdog and exits when this process was started
// as one; otherwise it returns. main (and the tests' TestMain) call it first.
func watchdogIfAsked() {
	group, parent := os.Getenv(envWatchdogGroup), os.Getenv(envWatchdogParent)
	if group == "" {
		return
	}
	pgid, err1 := strconv.Atoi(group)
	ppid, err2 := strconv.Atoi(parent)
	if err1 != nil || err2 != nil || pgid <= 1 {
		os.Exit(2)
	}
	died := make(chan os.Signal, 1)
	signal.Notify(died, syscall.SIGTERM)
	if os.Getppid() == ppid { // else codextel died before Notify: act now
		<-died
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	os.Exit(0)
}
