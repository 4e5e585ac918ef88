package telemetry

import (
	"context"
	"log/slog"
	"slices"
	"time"
	"unsafe"
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
	highVolume bool
	drops      bool        // some field of plan is dropped
	plan       []fieldPlan // the entry's metadata fields, in catalog order
}

// A fieldPlan is what the bus does to one declared metadata field, decided
// once per bus from the catalog, the redaction policy and the scrubber:
// drop it, or scrub its value, skipping the scan for the values that
// provably hold no secret. A declared key needs no key scan: it is the
// catalog's. A key the scrubber counts as secret (added by scrub.WithKeys)
// gets no plan, so its values are scrubbed as an unknown key's are.
type fieldPlan struct {
	key    string
	drop   bool              // redaction removes it
	kind   catalog.FieldKind // Text when the scrubber has added patterns
	values []string          // an Enum's words the scrubber leaves alone
	plain  bool              // the scrubber's PlainKey: a string value needs only its String
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
		drop := b.policy.Dropped(e)
		r := &rule{highVolume: e.HighVolume, drops: len(drop) > 0}
		for _, f := range e.Metadata {
			p := fieldPlan{key: f.Key, drop: slices.Contains(drop, f.Key), kind: f.Kind, plain: b.scrubber.PlainKey(f.Key)}
			if !p.drop && b.scrubber.SecretKey(f.Key) {
				continue
			}
			if b.scrubber.HasPatterns() {
				p.kind = catalog.Text
			}
			for _, v := range f.Values {
				if _, changed := b.scrubber.Value(f.Key, slog.StringValue(v)); !changed {
					p.values = append(p.values, v)
				}
			}
			r.plan = append(r.plan, p)
		}
		b.rules[e.Name] = r
	}
}

// find returns the plan of the field key, or nil. Fields mostly come in
// catalog order, so the search starts at *next, the field after the last
// one found.
func (r *rule) find(key string, next *int) *fieldPlan {
	for i := *next; i < len(r.plan); i++ {
		if same(r.plan[i].key, key) {
			*next = i + 1
			return &r.plan[i]
		}
	}
	for i := 0; i < *next && i < len(r.plan); i++ {
		if same(r.plan[i].key, key) {
			return &r.plan[i]
		}
	}
	return nil
}

// same reports whether a == b, without comparing bytes when both are the
// same constant (keys and listed values are mostly the catalog's own
// strings, whose bytes the linker keeps once).
func same(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}

// clean reports whether v, the value of p's field, holds nothing the
// scrubber would change, without scanning it: numbers, booleans, durations
// and times (which the scrubber keeps under any key), an Enum's words and
// an ID's id-shaped values.
func (p *fieldPlan) clean(v slog.Value) bool {
	switch v.Kind() {
	case slog.KindInt64, slog.KindUint64, slog.KindFloat64, slog.KindBool, slog.KindDuration, slog.KindTime:
		return true
	case slog.KindString:
		switch p.kind {
		case catalog.Enum:
			s := v.String()
			for _, w := range p.values {
				if same(w, s) {
					return true
				}
			}
			return false
		case catalog.ID:
			return catalog.IDShaped(v.String())
		}
	}
	return false
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

// clean appends md to dst, redacted and scrubbed as r says: the fields r
// drops are left out, and every other value is scrubbed unless r's plan
// shows it holds no secret. Keys r does not plan (unknown keys, events
// outside the catalog) are scrubbed whole, key and value.
func (b *Bus) clean(dst []slog.Attr, r *rule, md []slog.Attr) []slog.Attr {
	// One bulk copy of the caller's attributes, then the work in place: the
	// caller has just written them, and reading a 40-byte slog.Attr from
	// there field by field, or copying it through locals, costs a
	// store-forwarding stall per read.
	start := len(dst)
	dst = append(dst, md...)
	if b.scrubber == nil && (r == nil || !r.drops) {
		return dst
	}
	out, next := start, 0
	for i := start; i < len(dst); i++ {
		a := &dst[i]
		var p *fieldPlan
		if r != nil {
			p = r.find(a.Key, &next)
		}
		switch {
		case p == nil:
			if b.scrubber != nil {
				if clean, changed := b.scrubber.Attr(*a); changed {
					*a = clean
				}
			}
		case p.drop:
			continue
		case b.scrubber != nil && !p.clean(a.Value):
			// Under a plain key a string is scrubbed as text, without the
			// key checks Value would repeat for every event.
			if p.plain && a.Value.Kind() == slog.KindString {
				if s, changed := b.scrubber.String(a.Value.String()); changed {
					a.Value = slog.StringValue(s)
				}
			} else if v, changed := b.scrubber.Value(a.Key, a.Value); changed {
				a.Value = v
			}
		}
		if out != i {
			dst[out] = *a
		}
		out++
	}
	return dst[:out]
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
		e.AddMetadata(slog.String("event", d.Name))
		switch {
		case d.Overflow:
			e.AddMetadata(slog.String("key", OverflowKey))
		case d.Key != "":
			e.AddMetadata(slog.String("key", d.Key))
		}
		b.emitEvent(context.Background(), &e)
	}
}
