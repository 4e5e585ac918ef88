//go:build linux || freebsd

package main

import "syscall"

// childAttr puts codex in a process group of its own and has the kernel
// kill it (SIGKILL) when codextel dies. On Linux the signal comes when the
// thread that forked codex ends, not the process: startAndWait keeps that
// thread for itself until codex has exited.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
