//go:build unix && !linux && !freebsd

package main

import "syscall"

// childAttr puts codex in a process group of its own. These systems have no
// parent-death signal: codex outlives a codextel killed by SIGKILL.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
