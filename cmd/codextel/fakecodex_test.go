package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The fake codex: the test binary, run again with CODEXTEL_FAKE_CODEX set to
// the behaviour wanted (see fakeCodex). It ignores its arguments.
const (
	envFakeCodex = "CODEXTEL_FAKE_CODEX"
	envFakePID   = "CODEXTEL_FAKE_PIDFILE" // where the fake writes a pid
)

// builtDir holds the codextel binary the tests that run it build.
var builtDir string

func TestMain(m *testing.M) {
	watchdogIfAsked() // exec runs the test binary as its watchdog
	if mode := os.Getenv(envFakeCodex); mode != "" {
		os.Exit(fakeCodex(mode))
	}
	code := m.Run()
	if builtDir != "" {
		os.RemoveAll(builtDir)
	}
	os.Exit(code)
}

// fakeSession is a complete codex exec --json session.
var fakeSession = []string{
	`{"type":"thread.started","thread_id":"fake-thread"}`,
	`{"type":"turn.started"}`,
	`{"type":"turn.completed","usage":{"input_tokens":11,"cached_input_tokens":0,"output_tokens":7}}`,
}

// fakeCodex behaves as mode says and returns the exit status:
//
//	ok              a complete session, exit 0
//	exit:N          a complete session, exit N
//	legacy          a line of the format of Codex CLIs before 2025-10, exit 0
//	kill-self:N     thread.started, then signal N to itself
//	stubborn        thread.started, pid to the pid file, ignores SIGINT and
//	                SIGTERM, and sleeps (60 s at most)
//	obedient        thread.started, pid to the pid file, sleeps until a
//	                signal ends it (Go's default action: death by it)
//	wrapper         runs a stubborn child (its pid to the pid file) and waits
//	                for it, as the npm package's Node.js wrapper runs the
//	                native codex
//	watchdog-parent starts a sleeper in a process group of its own (its pid
//	                to the pid file) and the watchdog for that group, and
//	                exits at once: the watchdog is still starting
//	grandchild      starts a child that inherits stdout and stderr and
//	                sleeps 60 s (its pid to the pid file), then a complete
//	                session, exit 0
//	sleep           sleeps 60 s
//	native          the cmd_sleep capture: its stream, and its native export
//	                posted to the endpoints of the -c otel.* arguments as
//	                codex 0.169 posts them (the first logs after the
//	                command started, the rest after the last line); writes
//	                its TRACEPARENT to the pid file; exit 0
func fakeCodex(mode string) int {
	say := func(lines ...string) {
		for _, l := range lines {
			fmt.Println(l)
		}
	}
	writePID := func(pid int) {
		if path := os.Getenv(envFakePID); path != "" {
			_ = os.WriteFile(path+".tmp", []byte(strconv.Itoa(pid)), 0o644)
			_ = os.Rename(path+".tmp", path)
		}
	}
	name, arg, _ := strings.Cut(mode, ":")
	n, _ := strconv.Atoi(arg)
	switch name {
	case "ok":
		say(fakeSession...)
		return 0
	case "exit":
		say(fakeSession...)
		return n
	case "legacy":
		say(`{"id":"0","msg":{"type":"session_configured","model":"o3"}}`)
		return 0
	case "kill-self":
		say(fakeSession[0])
		p, _ := os.FindProcess(os.Getpid())
		_ = p.Signal(syscall.Signal(n))
		time.Sleep(10 * time.Second)
		return 99
	case "stubborn":
		signal.Ignore(os.Interrupt, syscall.SIGTERM)
		say(fakeSession[0])
		writePID(os.Getpid())
		time.Sleep(60 * time.Second)
		return 98
	case "obedient":
		say(fakeSession[0])
		writePID(os.Getpid())
		time.Sleep(60 * time.Second)
		return 97
	case "wrapper":
		child := exec.Command(os.Args[0])
		child.Env = append(os.Environ(), envFakeCodex+"=stubborn")
		child.Stdout, child.Stderr = os.Stdout, os.Stderr
		if err := child.Run(); err != nil {
			return 1
		}
		return 0
	case "grandchild":
		child := exec.Command(os.Args[0])
		child.Env = append(os.Environ(), envFakeCodex+"=sleep")
		child.Stdout, child.Stderr = os.Stdout, os.Stderr
		if err := child.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 96
		}
		writePID(child.Process.Pid)
		say(fakeSession...)
		return 0
	case "sleep":
		time.Sleep(60 * time.Second)
		return 0
	case "watchdog-parent":
		// A codextel that dies while its watchdog is still starting: a
		// sleeper in a process group of its own (its pid to the pid file),
		// the watchdog for that group, then exit at once.
		child := exec.Command(os.Args[0])
		child.Env = append(os.Environ(), envFakeCodex+"=sleep")
		child.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := child.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 96
		}
		writePID(child.Process.Pid)
		runtime.LockOSThread() // the parent-death signal follows this thread
		if startWatchdog(child.Process.Pid) == nil {
			fmt.Fprintln(os.Stderr, "fake codex: no watchdog")
			return 97
		}
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL) // no exit's delays
		return 0
	case "native":
		if path := os.Getenv(envFakePID); path != "" {
			_ = os.WriteFile(path, []byte(os.Getenv("TRACEPARENT")), 0o644)
		}
		return fakeNative()
	}
	fmt.Fprintf(os.Stderr, "fake codex: unknown mode %q\n", mode)
	return 95
}

// fakeNative plays the cmd_sleep capture against the endpoints codextel
// passed (see fakeCodex).
func fakeNative() int {
	endpoints := map[string]string{}
	for i, a := range os.Args {
		if i == 0 || os.Args[i-1] != "-c" {
			continue
		}
		key, val, _ := strings.Cut(a, "=")
		if _, rest, ok := strings.Cut(val, `endpoint="`); ok {
			endpoints[key], _, _ = strings.Cut(rest, `"`)
		}
	}
	dir := filepath.Join(captures, "cmd_sleep")
	post := func(name, key string) {
		body, err := os.ReadFile(filepath.Join(dir, "native", name))
		if err == nil && endpoints[key] != "" {
			resp, err := http.Post(endpoints[key], "application/json", bytes.NewReader(body))
			if err == nil {
				resp.Body.Close()
			}
		}
	}
	stream, err := os.ReadFile(filepath.Join(dir, "exec.jsonl"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 94
	}
	for i, line := range strings.SplitAfter(string(stream), "\n") {
		fmt.Print(line)
		time.Sleep(20 * time.Millisecond)
		if i == 2 {
			post("001_v1_logs.json", "otel.exporter")
		}
	}
	post("002_v1_traces.json", "otel.trace_exporter")
	post("003_v1_metrics.json", "otel.metrics_exporter")
	post("004_v1_logs.json", "otel.exporter")
	return 0
}
