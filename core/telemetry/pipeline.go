package telemetry

import (
	"context"
	"log/slog"
	"slices"
	"time"
	"weak"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/internal/redact"
	"github.com/codextel/codextel/core/scrub"
	"github.com/codextel/codextel/core/throttle"
)

// Before any handler sees an event, the bus applies three safeguards, in
// order of cost:
//
//  1. throttling, for the events the catalog marks high-volume (deltas, output
//     chunks, token-usage and diff updates); lifecycle events never;
//  2. redaction, removing the metadata fields the catalog marks as model or
//     tool data unless [WithModelData] or [WithToolData] let that class through;
//  3. scrubbing of secrets from the remaining metadata values.
//
// All three are on by default; see [WithModelData], [WithToolData], [WithScrubber],
// [WithThrottle] and [WithThrottleKey].

// rule is what the bus does to one catalog event before dispatch.
type rule struct {
	drop       []string // metadata keys redaction removes
	highVolume bool
}

// DroppedEvents is the name of the summary event the bus emits for events its
// throttle dropped: one per event name (and throttle key) at the end of each
// throttle interval and on [Bus.Flush]. See the catalog for its fields.
const DroppedEvents = catalog.TelemetryDropped

// OverflowKey is the key a [DroppedEvents] summary gives for the events of
// keys beyond the throttle's limit on distinct keys, which share one count.
const OverflowKey = "(other keys)"

// DefaultThrottleKey is the field whose value keys the throttle unless
// [WithThrottleKey] says otherwise: each Codex thread gets its own allowance.
const DefaultThrottleKey = "thread_id"

// WithModelData lets model data (prompts, agent messages, reasoning) reach
// handlers when on. [New] leaves it out, like the Python client; [Default]
// reads the environment (see [DataFromEnv]).
func WithModelData(on bool) Option {
	return optionFunc(func(b *Bus) { b.policy.ModelData = on })
}

// WithToolData lets tool data (tool inputs and outputs, command output,
// diffs) reach handlers when on. [New] leaves it out, like the Python
// client; [Default] reads the environment (see [DataFromEnv]).
func WithToolData(on bool) Option {
	return optionFunc(func(b *Bus) { b.policy.ToolData = on })
}

// DataFromEnv reads from the environment whether model data and tool data
// are logged, for [WithModelData] and [WithToolData]; lookup is
// [os.LookupEnv] or a stand-in. [Default] reads it so.
//
// The Python client's own switches are read with Python's parsing:
// OPENAI_AGENTS_DONT_LOG_MODEL_DATA and OPENAI_AGENTS_DONT_LOG_TOOL_DATA mean
// "don't log" when unset, or when set to "1" or to "true" in any case; any
// other value logs the data. codextel's CODEXTEL_LOG_MODEL_DATA and
// CODEXTEL_LOG_TOOL_DATA, read with [strconv.ParseBool] ("1", "true" log the
// data; "0", "false" do not), take precedence when set. A codextel variable
// that ParseBool rejects is an error naming it; the answers returned with it
// treat that variable as unset.
func DataFromEnv(lookup func(string) (string, bool)) (model, tool bool, err error) {
	p, err := redact.FromEnv(lookup)
	return p.ModelData, p.ToolData, err
}

// WithScrubber sets the scrubber applied to every event's metadata; nil turns
// scrubbing off. [New] uses scrub.New().
func WithScrubber(s *scrub.Scrubber) Option {
	return optionFunc(func(b *Bus) { b.scrubber = s })
}

// ScrubString returns s with the secrets the bus's scrubber finds replaced,
// as the bus would scrub it in an event's metadata; s itself when the bus
// has no scrubber, or b is nil. Code that cuts text before emitting it (an
// excerpt) scrubs the whole text first, so that a secret cut in half cannot
// leak its first part.
func (b *Bus) ScrubString(s string) string {
	if b == nil || b.scrubber == nil {
		return s
	}
	clean, _ := b.scrubber.String(s)
	return clean
}

// WithThrottle sets the throttle applied to high-volume events; nil turns
// throttling off. [New] uses throttle.New(), whose defaults its package
// documents.
func WithThrottle(t *throttle.Throttle) Option {
	return optionFunc(func(b *Bus) { b.throttle = t })
}

// WithThrottleKey sets the field whose value, with the event name, keys the
// throttle: a metadata key, or one of the correlation fields (correlation_id,
// thread_id, turn_id, span_id, parent_span_id). The default is
// [DefaultThrottleKey].
func WithThrottleKey(field string) Option {
	return optionFunc(func(b *Bus) { b.throttleKey = field })
}

// buildRules precomputes, for every catalog event, what the bus does to it.
func (b *Bus) buildRules() {
	b.rules = make(map[string]*rule)
	for _, e := range catalog.All() {
		r := &rule{drop: b.policy.Dropped(e), highVolume: e.HighVolume}
		if len(r.drop) > 0 || r.highVolume {
			b.rules[e.Name] = r
		}
	}
}

func (r *rule) drops(key string) bool {
	return r != nil && slices.Contains(r.drop, key)
}

// allow asks the throttle whether a high-volume event may pass. The key is
// the value of the throttle key field: v when the event's metadata has it
// (found), else the correlation id of that name in ids.
func (b *Bus) allow(name string, v slog.Value, found bool, ids *correlation.IDs) bool {
	key := ""
	switch {
	case found:
		key = v.String()
	case ids != nil:
		key, _ = ids.Lookup(b.throttleKey)
	}
	b.startTicker()
	return b.throttle.Allow(name, key)
}

// throttles reports whether r's events pass the throttle.
func (b *Bus) throttles(r *rule) bool { return r != nil && r.highVolume && b.throttle != nil }

// clean applies redaction and scrubbing to a prepared event's metadata.
func (b *Bus) clean(e *Event, r *rule) {
	if len(r.dropList()) == 0 && b.scrubber == nil {
		return
	}
	out := *e
	out.nMetadata, out.more = 0, nil
	if e.more != nil && len(e.more.measurements) > 0 {
		out.more = &overflow{measurements: e.more.measurements}
	}
	var extra []slog.Attr // what does not fit inline, allocated once
	for a := range e.Metadata {
		if r.drops(a.Key) {
			continue
		}
		if b.scrubber != nil {
			a, _ = b.scrubber.Attr(a)
		}
		if out.nMetadata < metadataInline {
			out.metadata[out.nMetadata] = a
			out.nMetadata++
			continue
		}
		if extra == nil {
			extra = make([]slog.Attr, 0, e.NumMetadata()-metadataInline)
		}
		extra = append(extra, a)
	}
	out.setMoreMetadata(extra)
	*e = out
}

func (r *rule) dropList() []string {
	if r == nil {
		return nil
	}
	return r.drop
}

// tickEvery is how often the bus's ticker goroutine advances the throttle's
// clock and reports its drops.
const tickEvery = 100 * time.Millisecond

// startTicker starts, once, the goroutine that drives the throttle. It holds
// the bus only weakly, so an abandoned bus is collected and its ticker stops
// at the next tick; [Bus.Close] stops it at once.
func (b *Bus) startTicker() {
	if b.ticking.Load() {
		return
	}
	b.tickMu.Lock()
	defer b.tickMu.Unlock()
	if b.ticking.Load() {
		return
	}
	stop := make(chan struct{})
	b.stopTick = stop
	b.ticking.Store(true)
	go tickLoop(weak.Make(b), b.throttle, stop)
}

func tickLoop(wb weak.Pointer[Bus], t *throttle.Throttle, stop <-chan struct{}) {
	tk := time.NewTicker(tickEvery)
	defer tk.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-tk.C:
			t.Tick(now)
			b := wb.Value()
			if b == nil {
				return
			}
			b.report(t.Flush())
		}
	}
}

// Flush reports, as [DroppedEvents] events, what the throttle dropped since
// its last report.
func (b *Bus) Flush() {
	if b.throttle != nil {
		b.report(b.throttle.Flush())
	}
}

// Close stops the bus's background work (the throttle's ticker) and flushes.
// The bus stays usable: a later high-volume event starts the ticker again.
func (b *Bus) Close() {
	b.tickMu.Lock()
	if b.ticking.Load() {
		close(b.stopTick)
		b.ticking.Store(false)
	}
	b.tickMu.Unlock()
	b.Flush()
}

func (b *Bus) report(drops []throttle.Drop) {
	for _, d := range drops {
		e := NewEvent(DroppedEvents, b.now())
		e.AddMeasurements(
			Int("dropped", d.Dropped),
			Int("interval_ms", d.Interval.Milliseconds()),
		)
		e.addMetadata(slog.String("event", d.Name))
		switch {
		case d.Overflow:
			e.addMetadata(slog.String("key", OverflowKey))
		case d.Key != "":
			e.addMetadata(slog.String("key", d.Key))
		}
		b.emitEvent(context.Background(), &e)
	}
}
