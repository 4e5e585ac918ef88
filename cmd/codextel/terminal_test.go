package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// fakeTerminals makes isTerminal answer as given for stdout and stderr
// buffers (and false for anything else) for the rest of the test.
func fakeTerminals(t *testing.T, stdout, stderr *bytes.Buffer, outTTY, errTTY bool) {
	t.Helper()
	saved := isTerminal
	t.Cleanup(func() { isTerminal = saved })
	isTerminal = func(w io.Writer) bool {
		switch w {
		case io.Writer(stdout):
			return outTTY
		case io.Writer(stderr):
			return errTTY
		}
		return false
	}
}

// runTTY runs codextel with stdout and stderr buffers that isTerminal
// takes for terminals as outTTY and errTTY say.
func runTTY(t *testing.T, outTTY, errTTY bool, stdin io.Reader, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	fakeTerminals(t, &out, &errOut, outTTY, errTTY)
	code = run(args, stdin, &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestConsoleFormat: the default format is the console one on a terminal
// (coloured unless NO_COLOR, TERM=dumb or --color never) and Python's,
// byte for byte as --format plain writes it, anywhere else; --fmt or
// --datefmt keep Python's on a terminal.
func TestConsoleFormat(t *testing.T) {
	const clock = "--clock=2025-12-02T10:52:12Z"
	t.Setenv("TZ", "UTC")
	_, plain, _ := runWith(t, "", clock, "--format", "plain")
	if !strings.HasPrefix(plain, "INFO:codex.thread:Thread ") {
		t.Fatalf("--format plain wrote %q", plain)
	}
	const consoleLine = "10:52:12.000 INFO     codex.thread  Thread 01a24277-91a0-72b2-afe6-bfe30a2edfa8 started source=exec model=gpt-5.5\n"
	const colourLine = "10:52:12.000 \x1b[34mINFO\x1b[0m     codex.thread  Thread 01a24277-91a0-72b2-afe6-bfe30a2edfa8 started \x1b[2msource=\x1b[0mexec \x1b[2mmodel=\x1b[0mgpt-5.5\n"
	for _, tc := range []struct {
		name      string
		tty       bool
		env       map[string]string
		args      []string
		wantFirst string // the first line; "" for plain's output whole
	}{
		{"not a terminal", false, nil, nil, ""},
		{"not a terminal, colour asked", false, nil, []string{"--color", "always"}, ""},
		{"terminal", true, nil, nil, colourLine},
		{"terminal, NO_COLOR", true, map[string]string{"NO_COLOR": "1"}, nil, consoleLine},
		{"terminal, NO_COLOR empty", true, map[string]string{"NO_COLOR": ""}, nil, colourLine},
		{"terminal, TERM=dumb", true, map[string]string{"TERM": "dumb"}, nil, consoleLine},
		{"terminal, --color never", true, nil, []string{"--color=never"}, consoleLine},
		{"terminal, NO_COLOR, --color always", true, map[string]string{"NO_COLOR": "1"}, []string{"--color", "always"}, colourLine},
		{"terminal, --format plain", true, nil, []string{"--format", "plain"}, ""},
		{"terminal, --fmt", true, nil, []string{"--fmt", "%(levelname)s:%(name)s:%(message)s"}, ""},
		{"terminal, --datefmt", true, nil, []string{"--datefmt", "%H"}, ""},
		{"pipe, --format console", false, nil, []string{"--format", "console"}, consoleLine},
		{"pipe, --format console --color always", false, nil, []string{"--format", "console", "--color", "always"}, colourLine},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("NO_COLOR", "")
			os.Unsetenv("NO_COLOR")
			t.Setenv("TERM", "xterm-256color")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			for _, adapter := range []string{"slog", "zap", "zerolog", "logrus"} {
				args := append([]string{clock, "--adapter", adapter}, tc.args...)
				code, out, errOut := runTTY(t, tc.tty, false, nil, args...)
				if code != 0 {
					t.Fatalf("%s: exit %d, stderr %q", adapter, code, errOut)
				}
				if tc.wantFirst == "" {
					if out != plain {
						t.Errorf("%s: got\n%s\nwant Python's format as --format plain writes it:\n%s", adapter, out, plain)
					}
					continue
				}
				if first, _, _ := strings.Cut(out, "\n"); first+"\n" != tc.wantFirst {
					t.Errorf("%s: first line\n%q\nwant\n%q", adapter, first, tc.wantFirst)
				}
				if n, want := strings.Count(out, "\n"), strings.Count(plain, "\n"); n < want {
					t.Errorf("%s: %d lines, want at least Python's %d", adapter, n, want)
				}
			}
		})
	}
}

func TestConsoleFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--color", "yes"}, `codextel: bad --color "yes": want auto, always or never` + "\n"},
		{[]string{"--progress", "sometimes"}, `codextel: bad --progress "sometimes": want auto, always or never` + "\n"},
		{[]string{"--format", "pretty"}, `codextel: unknown format "pretty" (want plain, json, native or console)` + "\n"},
	} {
		code, out, errOut := runWith(t, "", tc.args...)
		if code != 2 || out != "" || errOut != tc.want {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", tc.args, code, out, errOut, tc.want)
		}
	}
}

// slowReader gives its lines one by one, pausing before each.
type slowReader struct {
	lines []string
	pause time.Duration
}

func (r *slowReader) Read(b []byte) (int, error) {
	if len(r.lines) == 0 {
		return 0, io.EOF
	}
	time.Sleep(r.pause)
	n := copy(b, r.lines[0])
	r.lines[0] = r.lines[0][n:]
	if r.lines[0] == "" {
		r.lines = r.lines[1:]
	}
	return n, nil
}

// TestProgress: a replay that runs past the delay shows its progress on
// stderr when stderr is a terminal (or with --progress always), redrawn on
// one line and erased before the summary; never otherwise, and never on
// stdout.
func TestProgress(t *testing.T) {
	progressLine := regexp.MustCompile(`^codextel: [0-9]+ lines?, [0-9.]+ k?B, [0-9]+ events? in [0-9.]+m?s \([0-9]+ lines/s, [0-9.]+ k?B/s\)$`)
	savedDelay, savedEvery := progressDelay, progressEvery
	progressDelay, progressEvery = 30*time.Millisecond, 10*time.Millisecond
	t.Cleanup(func() { progressDelay, progressEvery = savedDelay, savedEvery })
	lines := strings.SplitAfter(sample, "\n")
	for _, tc := range []struct {
		name   string
		errTTY bool
		args   []string
		want   bool
	}{
		{"stderr a terminal", true, nil, true},
		{"stderr a terminal, --progress never", true, []string{"--progress=never"}, false},
		{"stderr a pipe", false, nil, false},
		{"stderr a pipe, --progress always", false, []string{"--progress", "always"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &slowReader{lines: slices.Clone(lines), pause: 10 * time.Millisecond}
			args := append([]string{"--format", "plain", "-"}, tc.args...)
			code, out, errOut := runTTY(t, false, tc.errTTY, in, args...)
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			if strings.Contains(out, "\x1b") || strings.Contains(out, "lines/s") {
				t.Errorf("progress on stdout: %q", out)
			}
			shown := strings.Contains(errOut, "\r\x1b[Kcodextel: ")
			if shown != tc.want {
				t.Fatalf("progress shown %v, want %v; stderr %q", shown, tc.want, errOut)
			}
			summary := strings.Index(errOut, "codextel: 1 thread")
			if summary < 0 {
				t.Fatalf("no summary: %q", errOut)
			}
			if !tc.want {
				if strings.Contains(errOut, "\x1b") {
					t.Errorf("escape sequences on stderr without progress: %q", errOut)
				}
				return
			}
			// The line is erased before the summary, which starts a line.
			if !strings.HasSuffix(errOut[:summary], "\r\x1b[K") {
				t.Errorf("summary not on an erased line: %q", errOut)
			}
			last := errOut[strings.LastIndex(errOut[:summary-len("\r\x1b[K")], "\r\x1b[K")+len("\r\x1b[K") : summary-len("\r\x1b[K")]
			if !progressLine.MatchString(last) {
				t.Errorf("last progress line %q does not match %s", last, progressLine)
			}
		})
	}
}

// TestProgressLine: the counts, units and rate.
func TestProgressLine(t *testing.T) {
	for _, tc := range []struct {
		lines, bytes, events int64
		elapsed              time.Duration
		want                 string
	}{
		{1, 999, 1, time.Second, "codextel: 1 line, 999 B, 1 event in 1s (1 lines/s, 999 B/s)"},
		{120000, 48_200_000, 95000, 2 * time.Second, "codextel: 120000 lines, 48.2 MB, 95000 events in 2s (60000 lines/s, 24.1 MB/s)"},
		{0, 0, 0, 0, "codextel: 0 lines, 0 B, 0 events in 0s (0 lines/s, 0 B/s)"},
		{10, 1500, 3, 1500 * time.Millisecond, "codextel: 10 lines, 1.5 kB, 3 events in 1.5s (7 lines/s, 1.0 kB/s)"},
		{10, 3_000_000_000, 3, time.Second, "codextel: 10 lines, 3.0 GB, 3 events in 1s (10 lines/s, 3.0 GB/s)"},
	} {
		p := &progress{}
		p.lines.Store(tc.lines)
		p.bytes.Store(tc.bytes)
		p.events.Store(tc.events)
		if got := p.line(tc.elapsed); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}

// TestProgressWrite: a message written while the line is shown erases it
// first; after stop, nothing more is drawn.
func TestProgressWrite(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf, start: time.Now(), quit: make(chan struct{}), done: make(chan struct{})}
	close(p.done) // no loop
	p.draw()
	io.WriteString(p, "codextel: message\n")
	p.stop()
	p.draw()
	got := buf.String()
	if !strings.HasPrefix(got, "\r\x1b[Kcodextel: 0 lines") || !strings.HasSuffix(got, "\r\x1b[Kcodextel: message\n") {
		t.Errorf("got %q", got)
	}
}

// TestProgressFile: a replay of a file shows its progress too (the
// reader counts the file's bytes and lines).
func TestProgressFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.jsonl")
	if err := os.WriteFile(path, []byte(sample), 0o644); err != nil {
		t.Fatal(err)
	}
	var errOut bytes.Buffer
	p := newProgress(&errOut)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, err := io.Copy(io.Discard, p.reader(f))
	p.stop()
	if err != nil || n != int64(len(sample)) || p.bytes.Load() != n || p.lines.Load() != int64(strings.Count(sample, "\n")) {
		t.Errorf("read %d (%v); counted %d bytes, %d lines", n, err, p.bytes.Load(), p.lines.Load())
	}
}

// TestProgressSharedTerminal: when stdout is the terminal the progress is
// drawn on, a stdout write erases the progress line first, and no redraw
// erases a line stdout left unfinished.
func TestProgressSharedTerminal(t *testing.T) {
	var term bytes.Buffer // stdout and stderr on one terminal
	p := &progress{w: &term, start: time.Now(), quit: make(chan struct{}), done: make(chan struct{})}
	close(p.done) // no loop
	stdout := p.sharing(&term)
	p.draw()
	io.WriteString(stdout, "INFO:codex.thread:Thread t1 started\nINFO:codex.turn:unfin")
	p.draw() // held: it would erase "INFO:codex.turn:unfin"
	io.WriteString(stdout, "ished\n")
	p.draw()
	p.stop()
	const e = "\r\x1b[K"
	want := e + "codextel: 0 lines, 0 B, 0 events in T" + e +
		"INFO:codex.thread:Thread t1 started\nINFO:codex.turn:unfinished\n" +
		e + "codextel: 0 lines, 0 B, 0 events in T" + e
	elapsed := regexp.MustCompile(`in [0-9.]+m?s \(0 lines/s, 0 B/s\)`) // the time a loaded machine takes
	if got := elapsed.ReplaceAllString(term.String(), "in T"); got != want {
		t.Errorf("the terminal got\n%q\nwant\n%q", got, want)
	}
}
