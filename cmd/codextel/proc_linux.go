//go:build linux

package main

import "syscall"

// childAttr puts codex in a process group of its own and has the kernel
// kill it (SIGKILL) when codextel dies; startAndWait makes that reliable.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
