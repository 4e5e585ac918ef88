package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/codextel/codextel/core/telemetry"
)

// progressDelay is how long a replay runs before its progress is shown (a
// short one never shows it), and progressEvery how often the line is
// redrawn. Tests shorten them.
var (
	progressDelay = time.Second
	progressEvery = 250 * time.Millisecond
)

// progress shows how far a replay has read on one stderr line, redrawn in
// place ("\r", erase line): lines, bytes, events and the rate. It is also
// the run's stderr while it runs: whatever else is written there first
// erases the line, which the next redraw puts back under it.
type progress struct {
	w                    io.Writer
	start                time.Time
	lines, bytes, events atomic.Int64
	mu                   sync.Mutex
	shown                bool // the progress line is on the terminal
	midLine              bool // stdout, on the same terminal, ended without a newline
	stopped              bool
	stopOnce             sync.Once
	quit, done           chan struct{}
}

// newProgress starts the progress of a replay writing to the terminal w.
func newProgress(w io.Writer) *progress {
	p := &progress{w: w, start: time.Now(), quit: make(chan struct{}), done: make(chan struct{})}
	go p.loop()
	return p
}

func (p *progress) loop() {
	defer close(p.done)
	wait := time.NewTimer(progressDelay)
	defer wait.Stop()
	select {
	case <-p.quit:
		return
	case <-wait.C:
	}
	tick := time.NewTicker(progressEvery)
	defer tick.Stop()
	for {
		p.draw()
		select {
		case <-p.quit:
			return
		case <-tick.C:
		}
	}
}

// draw writes the progress line over the previous one.
func (p *progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped || p.midLine {
		return // erasing the line would erase stdout's unfinished one
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s", p.line(time.Since(p.start)))
	p.shown = true
}

// line is the progress after elapsed.
func (p *progress) line(elapsed time.Duration) string {
	lines, bytes, events := p.lines.Load(), p.bytes.Load(), p.events.Load()
	secs := max(elapsed.Seconds(), 1e-3)
	return fmt.Sprintf("codextel: %d %s, %s, %d %s in %s (%.0f lines/s, %s/s)",
		lines, plural(int(lines), "line", "lines"), byteSize(float64(bytes)),
		events, plural(int(events), "event", "events"), elapsed.Round(100*time.Millisecond),
		float64(lines)/secs, byteSize(float64(bytes)/secs))
}

// byteSize is n bytes in decimal units, one decimal past the kilobyte.
func byteSize(n float64) string {
	switch {
	case n < 1e3:
		return fmt.Sprintf("%.0f B", n)
	case n < 1e6:
		return fmt.Sprintf("%.1f kB", n/1e3)
	case n < 1e9:
		return fmt.Sprintf("%.1f MB", n/1e6)
	}
	return fmt.Sprintf("%.1f GB", n/1e9)
}

// Write erases the progress line, if shown, then writes b.
func (p *progress) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.erase()
	return p.w.Write(b)
}

// sharing returns a writer to stdout, when stdout is the terminal the
// progress is drawn on: each write erases the progress line first, and a
// write that leaves a line unfinished holds the redraws until one ends it.
func (p *progress) sharing(stdout io.Writer) io.Writer {
	return sharedTerminal{p: p, w: stdout}
}

type sharedTerminal struct {
	p *progress
	w io.Writer
}

func (s sharedTerminal) Write(b []byte) (int, error) {
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	s.p.erase()
	n, err := s.w.Write(b)
	if n > 0 {
		s.p.midLine = b[n-1] != '\n'
	}
	return n, err
}

func (p *progress) erase() {
	if p.shown {
		io.WriteString(p.w, "\r\x1b[K")
		p.shown = false
	}
}

// stop ends the redraws and erases the line: what follows (the summary)
// starts on a clean line.
func (p *progress) stop() {
	p.stopOnce.Do(func() {
		close(p.quit)
		<-p.done
		p.mu.Lock()
		defer p.mu.Unlock()
		p.stopped = true
		p.erase()
	})
}

// reader counts the lines and bytes read through r.
func (p *progress) reader(r io.Reader) io.Reader { return &countingReader{r: r, p: p} }

// handler counts the events a bus delivers.
func (p *progress) handler() telemetry.Handler {
	return telemetry.HandlerFunc(func(context.Context, telemetry.Event) { p.events.Add(1) })
}

var newline = []byte{'\n'}

type countingReader struct {
	r io.Reader
	p *progress
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	if n > 0 {
		c.p.bytes.Add(int64(n))
		c.p.lines.Add(int64(bytes.Count(b[:n], newline)))
	}
	return n, err
}
