//go:build !linux && !freebsd

package main

import "os"

// startWatchdog starts nothing: without a parent-death signal, nothing would
// tell a watchdog that codextel died.
func startWatchdog(int) *os.Process { return nil }

// stopWatchdog has nothing to stop.
func stopWatchdog(*os.Process) {}

// watchdogIfAsked returns: there is no watchdog on these systems.
func watchdogIfAsked() {}
