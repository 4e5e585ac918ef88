//go:build !unix

package main

import (
	"os"
	"syscall"
)

// childAttr is nil: these systems have neither process groups as Unix has
// them nor a parent-death signal.
func childAttr() *syscall.SysProcAttr { return nil }

// signalGroup passes s on to codex itself; where the system cannot deliver
// it (os.Interrupt on Windows), codex is killed.
func signalGroup(p *os.Process, s os.Signal) error {
	if err := p.Signal(s); err != nil {
		return p.Kill()
	}
	return nil
}

// killGroup kills codex.
func killGroup(p *os.Process) { _ = p.Kill() }

// killedBy reports no signal: exit codes say it all on these systems.
func killedBy(*os.ProcessState) (syscall.Signal, bool) { return 0, false }
