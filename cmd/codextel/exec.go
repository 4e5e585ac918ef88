package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/codextel/codextel/core/bridge"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/native"
)

// Once codex has exited, exec reads its output on while it keeps coming,
// until drainIdle passes without any, and for drainMax at most. What codex
// wrote is in the pipe by then and is read in far less (unless stdout is
// slow to take it, hence an idle bound rather than a fixed one); the bounds
// matter when a process codex started (a command left running in the
// background) inherited the pipe and holds it open.
const (
	drainIdle = 2 * time.Second
	drainMax  = 10 * time.Second
)

// runExec runs `codex exec --json ARGS...`, logs its stream live, and returns
// codex's exit status, or 128+N when a signal N killed it.
//
// codex runs in a process group of its own (so that a signal codextel passes
// on reaches the commands codex runs, and killing the group ends them all),
// and on Linux and FreeBSD with a parent-death signal: if codextel dies, even
// by SIGKILL, the kernel kills codex, and a watchdog (watchdog_pdeathsig.go)
// kills the rest of its group. The first SIGINT or SIGTERM codextel
// gets is passed on to codex's group; a second one, or o.grace without codex
// exiting, kills the group with SIGKILL. codextel waits for codex to exit,
// then reads what is left of its output (see drainIdle). What the
// telemetry output fails to deliver when it is closed is reported on stderr
// as a telemetry loss, and does not change the exit status; a signal while
// the output is being closed stops the wait for it.
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
	if o.model == "" {
		o.model = execModel(args)
	}
	nativeOn, err := execNative(o)
	if err != nil {
		return 0, err
	}
	if o.nativeSpans && (!nativeOn || o.adapter != "otel") {
		return 0, usagef("--native-spans sends Codex's own spans to a trace exporter: it needs --adapter otel and --native on")
	}
	var fellBack atomic.Int64 // the clock's fallback reads, for --timeline
	clock := bridge.NewStreamClock(func() time.Time { fellBack.Add(1); return time.Now() })
	bus, err := newBus(o, clock.Now)
	if err != nil {
		return 0, err
	}
	o.live = true
	// codex's stderr (when it is not a file), the signal watcher, the
	// telemetry output and this goroutine all write to stderr.
	errw := &lockedWriter{w: stderr}
	o.errOut = errw
	out, err := attach(o, bus, stdout)
	if err != nil {
		return 0, err
	}
	traces, err := openOpenAITraces(o, stderr)
	if err != nil {
		bus.Close()
		_ = out.close()
		return 0, err
	}
	status := 0 // codex's exit status as the Agents SDK records it
	defer func() { _ = traces.finish(status) }()
	// Joined live with Codex's own telemetry, events take Codex's times
	// once it has sent one: an exec stream alone has none.
	tl, err := attachTimeline(o, bus, "codex exec (live)", streamTimelineOptions(kindExec, nativeOn, clock, &fellBack, busClock(o, clock.Now)))
	if err != nil {
		bus.Close()
		_ = out.close()
		return 0, err
	}

	cmd := exec.Command(path, append([]string{"exec", "--json"}, args...)...)
	cmd.Stdin = nil // /dev/null: codex must not wait for input
	cmd.SysProcAttr = childAttr()
	root := context.Background()
	// A caller's TRACEPARENT is continued: the thread span is a child of
	// its span, in its trace. Two processes of one thread (codex exec, then
	// codex exec resume) run by one caller are so two thread spans of one
	// trace, with the same thread id (docs/ARCHITECTURE.md).
	caller, hasCaller := callerTrace(os.Getenv("TRACEPARENT"))
	if hasCaller {
		root = correlation.With(root, caller)
	}
	var receiver *native.Receiver
	readOpts := o.bridgeOptions()
	if nativeOn {
		// codextel's spans and Codex's own share one trace, Codex's process
		// span a child of codextel's thread span: the thread span's id is
		// reserved now, given to codex in TRACEPARENT, and taken by the
		// thread span when the stream opens it.
		ids := caller
		if !hasCaller {
			ids.Correlation = correlation.NewCorrelationID()
		}
		ids.NextSpan = correlation.NewSpanID()
		root = correlation.With(root, ids)
		receiver, err = native.Prepare(cmd, native.PrepareOptions{
			TraceParent: "00-" + ids.Correlation + "-" + ids.NextSpan + "-01",
			Limits:      native.Limits{KeepSpans: o.nativeSpans},
		})
		if err != nil {
			bus.Close()
			_ = out.close()
			return 1, fmt.Errorf("exec: %w", err)
		}
		defer receiver.Close(time.Second)
		if path, ok := native.UserConfigHasOTel(cmd.Env); ok {
			fmt.Fprintf(stderr, "codextel: %s has an [otel] section: this run sends Codex's own telemetry to codextel instead of its exporters (--native=off keeps them)\n", scrubbed(path))
		}
		readOpts = append(readOpts, bridge.WithStreamClock(clock), bridge.WithNativeLive(receiver.Store().Index(), bridge.DefaultNativeHold))
	}
	// The pipes are codextel's own, not exec's StdoutPipe: Wait must return
	// when codex exits, not when every holder of the pipe has closed it.
	outR, outW, err := os.Pipe()
	if err != nil {
		bus.Close()
		_ = out.close()
		return 1, fmt.Errorf("exec: %w", err)
	}
	cmd.Stdout = outW
	var errR, errW *os.File
	if f, ok := stderr.(*os.File); ok {
		cmd.Stderr = f // codex writes to the terminal or file directly
	} else if errR, errW, err = os.Pipe(); err != nil {
		outR.Close()
		outW.Close()
		bus.Close()
		_ = out.close()
		return 1, fmt.Errorf("exec: %w", err)
	} else {
		cmd.Stderr = errW
	}

	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)

	started, exited := make(chan error, 1), make(chan error, 1)
	go startAndWait(cmd, started, exited)
	err = <-started
	outW.Close()
	if errW != nil {
		errW.Close()
	}
	if err != nil {
		outR.Close()
		if errR != nil {
			errR.Close()
		}
		bus.Close()
		_ = out.close()
		return 0, usagef("cannot run %s: %v", path, err)
	}

	stream := newDrainReader(outR)
	ctx := traces.begin(root)
	type result struct {
		sum bridge.Summary
		err error
	}
	read := make(chan result, 1)
	go func() {
		sum, err := bridge.ReadExec(ctx, traces.tee(stream), bus, readOpts...)
		if err != nil {
			_, _ = io.Copy(io.Discard, stream) // let codex finish writing
		}
		read <- result{sum, err}
	}()
	copied := make(chan struct{})
	var errStream *drainReader
	if errR != nil {
		errStream = newDrainReader(errR)
		go func() {
			_, _ = io.Copy(errw, errStream)
			close(copied)
		}()
	} else {
		close(copied)
	}

	waitErr := supervise(cmd.Process, signals, exited, o.grace, errw)
	if receiver != nil {
		receiver.Store().Seal() // codex has exited: its last posts are in
	}
	stream.expire()
	if errStream != nil {
		errStream.expire()
	}
	res := <-read
	<-copied
	outR.Close()
	if errR != nil {
		errR.Close()
	}
	if stream.cut.Load() {
		fmt.Fprintf(errw, "codextel: codex has exited but its output is still open (a process it started holds it): stopped reading it after %v without output (%v at most)\n", drainIdle, drainMax)
	}

	bus.Close()
	if receiver != nil {
		// Codex posted its spans at its exit: they are all in.
		forwardNativeSpans(o, out, receiver.Store(), errw)
	}
	closed := make(chan error, 1)
	go func() { closed <- out.close() }()
	select {
	case err := <-closed:
		if err != nil {
			reportTelemetryLoss(errw, err)
		}
	case s := <-signals:
		fmt.Fprintf(errw, "codextel: telemetry: %s: not waiting for the output to deliver what it holds\n", signalName(s))
	}
	report(o, "exec", res.sum, errw)
	if receiver != nil {
		reportNative(o, receiver.Store(), errw)
	}
	// A page that cannot be written is reported like a telemetry loss: it
	// does not change codex's status.
	if err := tl.write(); err != nil {
		fmt.Fprintf(errw, "codextel: %s\n", scrubbed(err.Error()))
	}

	code := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(waitErr, &exitErr):
		code = exitErr.ExitCode()
		status = code
		if sig, ok := killedBy(exitErr.ProcessState); ok {
			code = 128 + int(sig)
			status = -int(sig)
			fmt.Fprintf(errw, "codextel: codex was killed by signal %d (%v)\n", int(sig), sig)
		}
	case waitErr != nil:
		return 1, fmt.Errorf("codex: %w", waitErr)
	}
	if res.err != nil {
		return max(code, 1), fmt.Errorf("codex stream: %w", res.err)
	}
	return code, nil
}

// startAndWait starts cmd and waits for it on one goroutine locked to its OS
// thread, reporting on started and then exited. Linux sends the
// parent-death signal when the thread that forked the child ends, not the
// process: Go ends a thread when a goroutine locked to it exits, so a thread
// that forked codex must not be left to another goroutine while codex runs.
// Locked here until Wait returns, no other goroutine can run on it, so the
// signal comes only when codextel itself dies. The watchdog, which kills
// codex's group when codextel dies, is started from the same thread for the
// same reason.
func startAndWait(cmd *exec.Cmd, started, exited chan<- error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := cmd.Start(); err != nil {
		started <- err
		return
	}
	watchdog := startWatchdog(cmd.Process.Pid)
	started <- nil
	err := cmd.Wait()
	stopWatchdog(watchdog)
	exited <- err
}

// supervise passes signals on to codex until it exits, and returns what Wait
// returned: the first SIGINT or SIGTERM goes to codex's process group; a
// second, or grace without exit, kills the group.
func supervise(p *os.Process, signals <-chan os.Signal, exited <-chan error, grace time.Duration, stderr io.Writer) error {
	var (
		deadline  <-chan time.Time
		forwarded bool
	)
	for {
		select {
		case err := <-exited:
			return err
		case s := <-signals:
			if !forwarded {
				forwarded = true
				if err := signalGroup(p, s); err != nil {
					fmt.Fprintf(stderr, "codextel: passing %s on to codex: %v\n", signalName(s), err)
				}
				fmt.Fprintf(stderr, "codextel: %s passed on to codex; another signal, or %v without exit, kills it\n", signalName(s), grace)
				t := time.NewTimer(grace)
				defer t.Stop()
				deadline = t.C
				continue
			}
			fmt.Fprintf(stderr, "codextel: %s again: killing codex's process group\n", signalName(s))
			killGroup(p)
			deadline = nil
		case <-deadline:
			fmt.Fprintf(stderr, "codextel: codex did not exit within %v: killing its process group\n", grace)
			killGroup(p)
			deadline = nil
		}
	}
}

// signalName names the signals codextel passes on as a shell user knows them.
func signalName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// A drainReader reads a pipe until its end, or, once expire was called,
// until idle passes without data or max has passed; that reads as the end of
// the stream, and is recorded in cut.
type drainReader struct {
	f         *os.File
	idle, max time.Duration
	stop      atomic.Int64 // when max passes, in Unix nanoseconds; 0 before expire
	cut       atomic.Bool
}

func newDrainReader(f *os.File) *drainReader {
	return &drainReader{f: f, idle: drainIdle, max: drainMax}
}

func (r *drainReader) Read(b []byte) (int, error) {
	if stop := r.stop.Load(); stop != 0 {
		_ = r.f.SetReadDeadline(time.Unix(0, min(time.Now().Add(r.idle).UnixNano(), stop)))
	}
	n, err := r.f.Read(b)
	if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, os.ErrClosed) {
		r.cut.Store(true)
		return n, io.EOF
	}
	return n, err
}

// expire starts the bounds, waking a read under way. A pipe without
// deadlines (not pollable) is closed after idle instead, which ends a read on
// the systems where one can block.
func (r *drainReader) expire() {
	now := time.Now()
	r.stop.Store(now.Add(r.max).UnixNano())
	if r.f.SetReadDeadline(now.Add(r.idle)) != nil {
		time.AfterFunc(r.idle, func() { r.f.Close() })
	}
}

// A lockedWriter serialises writes to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// callerTrace reads a W3C traceparent (version 00, or a later one's first
// four fields, as the specification says): the ids of the caller's span,
// as the trace (correlation id) and the span codextel's thread span is to
// hang from. A value that is not one, or names the all-zero trace or span,
// is ignored, as the specification says.
func callerTrace(tp string) (correlation.IDs, bool) {
	parts := strings.Split(strings.TrimSpace(tp), "-")
	if len(parts) < 4 || len(parts[0]) != 2 || parts[0] == "ff" || (parts[0] == "00" && len(parts) != 4) ||
		!lowerHex(parts[0]) || !lowerHex(parts[1]) || len(parts[1]) != 32 || !lowerHex(parts[2]) || len(parts[2]) != 16 ||
		len(parts[3]) != 2 || !lowerHex(parts[3]) ||
		strings.Trim(parts[1], "0") == "" || strings.Trim(parts[2], "0") == "" {
		return correlation.IDs{}, false
	}
	return correlation.IDs{Correlation: parts[1], Span: parts[2]}, true
}

// lowerHex reports whether s is lower-case hexadecimal digits.
func lowerHex(s string) bool {
	for i := range len(s) {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
