package native

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
)

// A Signal is one of the three kinds of OTLP body.
type Signal string

// The signals, as they appear in the OTLP/HTTP paths (/v1/logs, ...).
const (
	Logs    Signal = "logs"
	Traces  Signal = "traces"
	Metrics Signal = "metrics"
)

// Limits bound what a [Store] (and a [Receiver]) keeps. Zero members take
// the defaults.
type Limits struct {
	MaxBody    int64 // bytes of one body; default 64 MiB (Codex's trace bodies are about 1 MB)
	MaxRecords int   // log records kept; default 262144
	MaxSpans   int   // spans kept (only those with a join key, unless KeepSpans); default 262144
	MaxText    int   // bytes kept of a tool call's arguments (and of its output's tail, 256 at most); default 4096

	// KeepSpans keeps every span, with its kind, attributes, status,
	// events, resource and scope (see [Span]), not only those with a join
	// key: for forwarding Codex's internal spans to a trace exporter
	// (codextel exec --native-spans). Trace bodies are then decoded in a
	// live store too. The spans are kept as Codex sent them, nothing
	// scrubbed or redacted: before they leave, scrub every text in them
	// (span and event names, the status message, the scope's name and
	// version) and every attribute, key and value, of the span, of its
	// events and of its resource.
	KeepSpans bool

	// Live has trace and metric bodies counted, not decoded (trace bodies
	// are decoded with KeepSpans): only their start is checked (a JSON
	// object whose first members name the signal), not the rest: Codex posts them at its exit, after the last line of its
	// stream, too late for a live join to use (turn ids come from the
	// traces of a recorded export only). Decoding them was most of what
	// the receiver cost an exec run (docs/performance.md).
	Live bool
}

// The default limits.
const (
	DefaultMaxBody    = 64 << 20
	DefaultMaxRecords = 1 << 18
	DefaultMaxSpans   = 1 << 18
	DefaultMaxText    = 4096
)

func (l Limits) withDefaults() Limits {
	if l.MaxBody <= 0 {
		l.MaxBody = DefaultMaxBody
	}
	if l.MaxRecords <= 0 {
		l.MaxRecords = DefaultMaxRecords
	}
	if l.MaxSpans <= 0 {
		l.MaxSpans = DefaultMaxSpans
	}
	if l.MaxText <= 0 {
		l.MaxText = DefaultMaxText
	}
	return l
}

// Stats counts what a store was given and what it did with it.
type Stats struct {
	Bodies         int // bodies decoded
	BadBodies      int // bodies rejected: not OTLP/JSON, over MaxBody, of a type the receiver does not read
	Records        int // log records kept
	Spans          int // spans kept
	MetricPoints   int // metric data points read (none is kept)
	Skipped        int // log records and spans not kept because the join does not use them
	DroppedRecords int // log records dropped over MaxRecords
	DroppedSpans   int // spans dropped over MaxSpans
	Problems       int // values that could not be read (see Store.Problems)
}

// maxProblems is how many problems a store keeps the details of; all are
// counted.
const maxProblems = 100

// A Store collects decoded records and spans. It is safe for concurrent
// use: a [Receiver] adds to it while a reader looks.
type Store struct {
	limits Limits

	mu       sync.Mutex
	records  []Record
	spans    []Span
	resrcs   []*Resource // the distinct resources of the spans (see shared)
	stats    Stats
	problems []Problem
	bodies   map[Signal]int
	version  uint64        // bodies added so far
	changed  chan struct{} // closed and replaced when a body is added or the store sealed
	sealed   bool
}

// NewStore returns an empty store with the given limits.
func NewStore(l Limits) *Store {
	return &Store{limits: l.withDefaults(), bodies: map[Signal]int{}, changed: make(chan struct{})}
}

// Limits returns the store's limits, defaults filled in.
func (s *Store) Limits() Limits { return s.limits }

// Add decodes one OTLP/JSON body of signal sig. name names it in problems
// and errors; "" names it "<signal> body N" (N counting from 1 in the order
// bodies were added). A body that is not OTLP/JSON of its signal is
// rejected whole, counted, and returned as an error; values that cannot be
// read are recorded as problems and their records kept.
func (s *Store) Add(sig Signal, name string, body []byte) error {
	s.mu.Lock()
	s.bodies[sig]++
	if name == "" {
		name = fmt.Sprintf("%s body %d", sig, s.bodies[sig])
	}
	s.mu.Unlock()
	d := &decoder{body: name}
	var (
		records []Record
		spans   []Span
		points  int
		skipped int
	)
	switch sig {
	case Logs:
		var b logsBody
		if err := unmarshal(name, body, &b); err != nil {
			return s.reject(err)
		}
		for i, rl := range b.ResourceLogs {
			for j, sl := range rl.ScopeLogs {
				for k := range sl.LogRecords {
					d.path = fmt.Sprintf("resourceLogs[%d].scopeLogs[%d].logRecords[%d]", i, j, k)
					if r, ok := d.record(&sl.LogRecords[k], s.limits.MaxText); ok {
						records = append(records, r)
					} else {
						skipped++
					}
				}
			}
		}
	case Traces, Metrics:
		if s.limits.Live && !(sig == Traces && s.limits.KeepSpans) {
			// Only the start is read: validating the whole body as JSON
			// was two thirds of what the receiver cost a live run
			// (BenchmarkReceiverLive), for bodies nothing uses.
			if got, err := SignalOf(body); err != nil || got != sig {
				return s.reject(fmt.Errorf("native: %s: not an OTLP/JSON %s body", name, sig))
			}
			break
		}
		if sig == Metrics {
			var b metricsBody
			if err := unmarshal(name, body, &b); err != nil {
				return s.reject(err)
			}
			points = b.points(d)
			break
		}
		var err error
		if s.limits.KeepSpans {
			spans, err = keptSpans(d, name, body)
		} else {
			spans, skipped, err = joinSpans(d, name, body)
		}
		if err != nil {
			return s.reject(err)
		}
	default:
		return s.reject(fmt.Errorf("native: %s: unknown signal %q", name, sig))
	}
	return s.keep(d, records, spans, points, skipped)
}

// joinSpans decodes a trace body for the join: the spans with a join key.
func joinSpans(d *decoder, name string, body []byte) (spans []Span, skipped int, err error) {
	var b joinBody
	if err := unmarshal(name, body, &b); err != nil {
		return nil, 0, err
	}
	for i, rs := range b.ResourceSpans {
		for j, ss := range rs.ScopeSpans {
			for k := range ss.Spans {
				d.path = fmt.Sprintf("resourceSpans[%d].scopeSpans[%d].spans[%d]", i, j, k)
				if sp, ok := d.span(&ss.Spans[k], nil); ok {
					spans = append(spans, sp)
				} else {
					skipped++
				}
			}
		}
	}
	return spans, skipped, nil
}

// keptSpans decodes a trace body for KeepSpans: every span, whole, with
// its resource and scope.
func keptSpans(d *decoder, name string, body []byte) (spans []Span, err error) {
	var b keptBody
	if err := unmarshal(name, body, &b); err != nil {
		return nil, err
	}
	for i, rs := range b.ResourceSpans {
		d.path = fmt.Sprintf("resourceSpans[%d].resource", i)
		res := d.resource(rs.Resource.Attributes, rs.Resource.DroppedAttributesCount)
		for j, ss := range rs.ScopeSpans {
			for k := range ss.Spans {
				d.path = fmt.Sprintf("resourceSpans[%d].scopeSpans[%d].spans[%d]", i, j, k)
				ks := &ss.Spans[k]
				sp, _ := d.span(&ks.wireSpan, ks) // kept: every span is
				sp.Resource, sp.Scope = res, Scope{ss.Scope.Name, ss.Scope.Version}
				spans = append(spans, sp)
			}
		}
	}
	return spans, nil
}

// points counts a metrics body's data points, reading their numbers.
func (b *metricsBody) points(d *decoder) (points int) {
	for i, rm := range b.ResourceMetrics {
		for j, sm := range rm.ScopeMetrics {
			for k, m := range sm.Metrics {
				for _, dp := range []*dataPoints{m.Sum, m.Gauge, m.Histogram} {
					if dp == nil {
						continue
					}
					for n, p := range dp.DataPoints {
						d.path = fmt.Sprintf("resourceMetrics[%d].scopeMetrics[%d].metrics[%d] (%s).dataPoints[%d]", i, j, k, m.Name, n)
						d.unixNano("timeUnixNano", p.TimeUnixNano)
						d.integer("asInt", p.AsInt)
						d.integer("count", p.Count)
						points++
					}
				}
			}
		}
	}
	return points
}

// keep stores what one body gave.
func (s *Store) keep(d *decoder, records []Record, spans []Span, points, skipped int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Bodies++
	s.version++
	close(s.changed)
	s.changed = make(chan struct{})
	s.stats.MetricPoints += points
	s.stats.Skipped += skipped
	for _, r := range records {
		if len(s.records) >= s.limits.MaxRecords {
			s.stats.DroppedRecords++
			continue
		}
		s.records = append(s.records, r)
		s.stats.Records++
	}
	for _, sp := range spans {
		if len(s.spans) >= s.limits.MaxSpans {
			s.stats.DroppedSpans++
			continue
		}
		sp.Resource = s.shared(sp.Resource)
		s.spans = append(s.spans, sp)
		s.stats.Spans++
	}
	s.stats.Problems += len(d.problems)
	for _, p := range d.problems {
		if len(s.problems) < maxProblems {
			s.problems = append(s.problems, p)
		}
	}
	return nil
}

// maxResources is how many distinct resources a store shares among its
// spans; a body with yet another one keeps its own.
const maxResources = 16

// shared returns the resource the store already holds that is equal to r,
// or r, remembered: Codex sends the same resource with every body, and
// its spans then share one. Called with s.mu held.
func (s *Store) shared(r *Resource) *Resource {
	if r == nil {
		return nil
	}
	for _, have := range s.resrcs {
		if have == r || have.DroppedAttributes == r.DroppedAttributes && slices.Equal(have.Attributes, r.Attributes) {
			return have
		}
	}
	if len(s.resrcs) < maxResources {
		s.resrcs = append(s.resrcs, r)
	}
	return r
}

func (s *Store) reject(err error) error {
	s.mu.Lock()
	s.stats.BadBodies++
	s.mu.Unlock()
	return err
}

// Version returns the number of bodies the store has taken so far, and a
// channel closed when it takes the next one or is sealed: what a reader
// that waits for records selects on.
func (s *Store) Version() (uint64, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.version, s.changed
}

// Seal says that nothing more will come (the Codex process has exited,
// and with it its last posts): readers waiting for records stop waiting.
// Bodies added after are still taken.
func (s *Store) Seal() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.sealed {
		s.sealed = true
		close(s.changed)
		s.changed = make(chan struct{})
	}
}

// Sealed reports whether [Store.Seal] was called.
func (s *Store) Sealed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sealed
}

// Stats returns the counts so far.
func (s *Store) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Problems returns the first 100 problems found (all are counted in
// Stats.Problems).
func (s *Store) Problems() []Problem {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.problems)
}

// Records returns a copy of the records kept, in the order Codex logged
// them.
func (s *Store) Records() []Record {
	s.mu.Lock()
	rs := slices.Clone(s.records)
	s.mu.Unlock()
	slices.SortStableFunc(rs, func(a, b Record) int { return a.Time.Compare(b.Time) })
	return rs
}

// Spans returns the spans kept, by start time: a new slice, but a shallow
// copy, whose spans share their Attributes, Events and *Resource with the
// store (and a Resource with other spans). Callers must not modify them.
func (s *Store) Spans() []Span {
	s.mu.Lock()
	ss := slices.Clone(s.spans)
	s.mu.Unlock()
	slices.SortStableFunc(ss, func(a, b Span) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.SpanID, b.SpanID))
	})
	return ss
}
