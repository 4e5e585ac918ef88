//go:build unix

package main

import (
	"os"
	"syscall"
)

// signalGroup sends s to the process group p leads (codex runs in its own).
func signalGroup(p *os.Process, s os.Signal) error {
	sig, ok := s.(syscall.Signal)
	if !ok {
		return p.Signal(s)
	}
	return syscall.Kill(-p.Pid, sig)
}

// killGroup kills the process group p leads with SIGKILL; p itself is
// killed even if the group is gone.
func killGroup(p *os.Process) {
	_ = syscall.Kill(-p.Pid, syscall.SIGKILL)
	_ = p.Kill()
}

// killedBy returns the signal that ended the process, if one did.
func killedBy(ps *os.ProcessState) (syscall.Signal, bool) {
	ws, ok := ps.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() {
		return 0, false
	}
	return ws.Signal(), true
}
