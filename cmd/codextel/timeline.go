package main

import (
	"bufio"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/codextel/codextel/cmd/codextel/internal/timeline"
	"github.com/codextel/codextel/core/bridge"
	"github.com/codextel/codextel/core/telemetry"
)

// timelineHandlerID is the id the --timeline recorder is attached under.
const timelineHandlerID = "codextel.timeline"

// A timelineOut records a run's events for --timeline (or the timeline
// subcommand's -o) and writes the page when the run ends. Its methods do
// nothing on a nil *timelineOut (no --timeline).
type timelineOut struct {
	rec   *timeline.Recorder
	f     *os.File
	title string
}

// attachTimeline attaches a recorder to bus when o asks for a timeline. It
// listens to every event: the bus has redacted and scrubbed them, as for
// the logs. The file is created at once, so that a path that cannot be
// written fails the run before it starts.
func attachTimeline(o *options, bus *telemetry.Bus, title string, opts timeline.Options) (*timelineOut, error) {
	if o.timeline == "" {
		return nil, nil
	}
	f, err := os.Create(o.timeline)
	if err != nil {
		return nil, fmt.Errorf("--timeline: %w", err)
	}
	rec := timeline.New(opts)
	// The bus's Close detaches it.
	if _, err := bus.Attach(timelineHandlerID, rec, "*"); err != nil {
		f.Close()
		return nil, err
	}
	return &timelineOut{rec: rec, f: f, title: title}, nil
}

// write writes the page to its file and closes it; the bus must be closed
// first.
func (t *timelineOut) write() error {
	if t == nil {
		return nil
	}
	f := t.f
	w := bufio.NewWriterSize(f, 64<<10)
	err := t.rec.WriteHTML(w, timeline.Page{Title: t.title})
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("--timeline: writing %s: %w", f.Name(), err)
	}
	return nil
}

// streamTimelineOptions says how a replay's times read on the page: an
// app-server log's own times or those of Codex's own telemetry joined to an
// exec stream (native), through the stream clock once it has one; raw
// events' own times; or processing time for an exec stream alone, which
// carries none.
func streamTimelineOptions(cmd string, native bool, clock *bridge.StreamClock, fellBack *atomic.Int64, now func() time.Time) timeline.Options {
	switch {
	case cmd == "appserver" || cmd == "replay" && native:
		return timeline.Options{Now: now, Axis: timeline.StreamTime, FromStream: func() bool {
			// The stream clock calls its fallback only until the stream
			// has given a time.
			before := fellBack.Load()
			clock.Now()
			return fellBack.Load() == before
		}}
	case cmd == "render":
		return timeline.Options{Now: now, Axis: timeline.EventTime}
	}
	return timeline.Options{Now: now, Axis: timeline.ProcessingTime}
}
