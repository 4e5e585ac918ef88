package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/codextel/codextel/core/bridge"
	"github.com/codextel/codextel/core/instrument"
)

// runExec runs `codex exec --json ARGS...`, logs its stream live, and returns
// codex's exit status. SIGINT and SIGTERM are passed on to codex, whose stream
// then ends without a terminal event, which the bridge reports.
func runExec(o *options, args []string, stdout, stderr io.Writer) (int, error) {
	if len(args) == 0 {
		return 0, usagef("exec needs the arguments for codex exec after --")
	}
	path := o.codexPath
	if path == "" {
		var err error
		if path, err = exec.LookPath("codex"); err != nil {
			return 0, usagef("no codex on PATH: install it (npm install -g @openai/codex) or pass --codex PATH")
		}
	}
	bus, err := newBus(o, time.Now)
	if err != nil {
		return 0, err
	}
	out, err := attach(o, bus, stdout)
	if err != nil {
		return 0, err
	}

	cmd := exec.Command(path, append([]string{"exec", "--json"}, args...)...)
	cmd.Stdin = nil // /dev/null: codex must not wait for input
	cmd.Stderr = stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, usagef("cannot run %s: %v", path, err)
	}
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)
	go func() {
		for s := range signals {
			_ = cmd.Process.Signal(s)
		}
	}()

	sum, readErr := bridge.ReadExec(context.Background(), pipe, instrument.Codex{Bus: bus}, bridge.WithMaxLine(o.maxLine))
	if readErr != nil {
		_, _ = io.Copy(io.Discard, pipe) // let codex finish writing
	}
	waitErr := cmd.Wait()
	bus.Close()
	if err := out.close(); err != nil && readErr == nil {
		readErr = err
	}
	report(o, "exec", sum, stderr)

	code := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(waitErr, &exitErr):
		code = exitErr.ExitCode()
		if code < 0 { // killed by a signal
			code = 1
		}
	case waitErr != nil:
		return 1, fmt.Errorf("codex: %w", waitErr)
	}
	if readErr != nil {
		return max(code, 1), fmt.Errorf("codex stream: %w", readErr)
	}
	return code, nil
}
