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
// SIGCHLD: on it, the watchdog kills codex's whole process group. SIGCHLD,
// and not SIGTERM, because its default action is to be ignored: a codextel
// that dies while the watchdog is still starting (before signal.Notify)
// would otherwise end the watchdog with it, and leave codex running.
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
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGCHLD}
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
	signal.Notify(died, syscall.SIGCHLD)
	// A parent-death signal sent before Notify was ignored: the parent is
	// then already gone, which Getppid shows. A SIGCHLD of another origin
	// (the watchdog has no children) changes nothing.
	for os.Getppid() == ppid {
		<-died
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	os.Exit(0)
}
