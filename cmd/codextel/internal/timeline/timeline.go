// Package timeline draws a Codex session as one self-contained HTML page: a
// waterfall of its spans (threads, turns, tool and MCP calls, approvals, and
// any other span the catalog gains) on a time axis, the way a trace viewer
// shows a trace.
//
// A [Recorder] is a telemetry handler: attached to the bus, it sees the
// events after the bus has redacted and scrubbed them, so the page shows
// nothing the logs would hide. Spans are found by their shape, not by name:
// an event with the system_time and monotonic_time measurements opens a span
// under its span id, the next event of that span id with a duration
// measurement closes it. The family of a span (codex.tool, codex.mcp.tool_call,
// ...) is its start event's name without the last part; new span-shaped events
// appear without code changes. Other events are marks on the row of the span
// they were emitted in; input_tokens and output_tokens measurements are summed
// per span (tokens per turn).
//
// The page is inline HTML, CSS and JavaScript (no network, opens from disk).
// The only bytes of it that come from the session are one JSON document,
// encoded with HTML escaping (<, > and & as \u003c...) inside a script element
// of type application/json; the page's script puts values into the document
// with textContent only. Rows are rendered lazily (only those in view), turns
// collapse, and the overview is one SVG path per family, so a session of ten
// thousand tool calls opens in a browser in a few seconds and the file grows
// linearly with the session.
package timeline

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

//go:embed page.html
var page string

// dataMarker is where the session's JSON goes in page.html.
const dataMarker = "/*SESSION-DATA*/"

// Limits that keep a page usable and its size linear in the session.
const (
	// maxValue is the longest field value kept, in bytes; longer ones are
	// cut and say how long they were.
	maxValue = 2048
	// maxMarks is how many marks (non-span events) one row keeps; the rest
	// are counted.
	maxMarks = 200
)

// Axis says what the times on a page's axis are.
type Axis int

// The axes a page can have.
const (
	// ProcessingTime: the stream gave no times; events are placed when
	// codextel processed them.
	ProcessingTime Axis = iota
	// StreamTime: the times Codex gave (an app-server log's emittedAtMs,
	// or its own telemetry joined to an exec stream); events before its
	// first time are placed at it.
	StreamTime
	// EventTime: the events' own times (raw events with a "time").
	EventTime
)

// Options configure a [Recorder].
type Options struct {
	// Now is the bus's clock, for events that carry no time (the bus
	// leaves the time of plain events to handlers). Nil means time.Now.
	Now func() time.Time
	// Axis says what the event times are.
	Axis Axis
	// FromStream, with Axis StreamTime, reports whether the bus's clock
	// now gives the stream's time rather than its fallback. Nil means
	// always.
	FromStream func() bool
}

// A Recorder collects a session's events from a bus for [Recorder.WriteHTML].
// It is a [telemetry.Handler]; it copies what it keeps out of each event.
// Safe for concurrent use.
type Recorder struct {
	opts Options

	mu     sync.Mutex
	seq    int
	spans  []*span
	byID   map[string]int // open or closed span index by span id
	root   span           // marks emitted outside any known span
	fellBk []int          // indexes of times that were the clock's fallback (stream axis)
	times  []time.Time    // every time an event gave, indexed by span and mark
	events int
}

// span is one bar: a span's start and end events.
type span struct {
	id, parent    string
	family, label string
	start, end    int // indexes into Recorder.times; end -1 while open
	startSeq      int
	endSeq        int
	startName     string
	endName       string
	status        string // ok, failed, declined, open
	fields        []field
	marks         []mark
	moreMarks     int
	tokens        []tokenSum // by the event name that reported them
	cost          float64    // US dollars: the cost_usd of the span's token usage events (--prices)
	hasCost       bool
	ttft          time.Duration
	hasTTFT       bool
}

// tokenSum is what the events of one name reported within a span.
type tokenSum struct {
	name    string
	in, out int64
}

// addTokens adds one report of the event named name.
func (s *span) addTokens(name string, in, out int64) {
	for i := range s.tokens {
		if s.tokens[i].name == name {
			s.tokens[i].in += in
			s.tokens[i].out += out
			return
		}
	}
	s.tokens = append(s.tokens, tokenSum{name, in, out})
}

// tokenTotal returns the span's tokens: the largest count any one event
// name reported. The turn's usage and the model's per-request usage (when
// Codex's own telemetry is joined) count the same tokens: summing both
// would count them twice.
func (s *span) tokenTotal() (in, out int64, ok bool) {
	for _, t := range s.tokens {
		if !ok || t.in+t.out > in+out {
			in, out, ok = t.in, t.out, true
		}
	}
	return in, out, ok
}

type field struct{ k, v string }

type mark struct {
	name  string
	t     int
	seq   int
	level string
	bad   bool
	flds  []field
}

// New returns a Recorder.
func New(opts Options) *Recorder {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Recorder{opts: opts, byID: map[string]int{}}
}

var _ telemetry.Handler = (*Recorder)(nil)

// Handle records e: it opens or closes a span, or adds a mark to the row of
// the span e was emitted in. Everything kept is copied out of e.
func (r *Recorder) Handle(_ context.Context, e telemetry.Event) {
	t := e.Time
	if t.IsZero() {
		t = r.opts.Now()
	}
	fromStream := r.opts.Axis != StreamTime || r.opts.FromStream == nil || r.opts.FromStream()
	ids := e.IDs()

	r.mu.Lock()
	defer r.mu.Unlock()
	r.events++
	r.seq++
	ti := len(r.times)
	r.times = append(r.times, t)
	if !fromStream {
		r.fellBk = append(r.fellBk, ti)
	}

	_, isStart := e.Measurement("system_time")
	_, hasMono := e.Measurement("monotonic_time")
	_, hasDur := e.Measurement("duration")
	switch {
	case isStart && hasMono && ids.Span != "":
		if _, known := r.byID[ids.Span]; known {
			break
		}
		family := familyOf(e.Name)
		s := &span{
			id: ids.Span, parent: ids.ParentSpan, family: family,
			start: ti, end: -1, startSeq: r.seq, status: "open", startName: e.Name,
			fields: append(fieldsOf(&e), idFields(ids.Thread, ids.Turn, ids.Span, ids.ParentSpan)...),
		}
		s.label = labelOf(family, s.fields)
		r.byID[ids.Span] = len(r.spans)
		r.spans = append(r.spans, s)
		return
	case hasDur && ids.Span != "":
		// Only an event of the span's own family ends it: a model request
		// emitted inside a turn carries a duration and the turn's span id.
		if i, ok := r.byID[ids.Span]; ok && r.spans[i].end < 0 && familyOf(e.Name) == r.spans[i].family {
			s := r.spans[i]
			s.end, s.endSeq, s.endName = ti, r.seq, e.Name
			s.status = statusOf(&e)
			s.fields = mergeFields(s.fields, fieldsOf(&e))
			return
		}
	}
	if d, ok := e.Measurement("duration"); ok && d.Duration() >= 0 {
		// One event that says how long something took (a model request
		// from Codex's own telemetry) is a span of its own, ended now,
		// under the span it was emitted in.
		r.times = append(r.times, t.Add(-d.Duration()))
		if !fromStream {
			r.fellBk = append(r.fellBk, ti+1)
		}
		family := familyOf(e.Name)
		s := &span{
			parent: ids.Span, family: family, start: ti + 1, end: ti, startSeq: r.seq, endSeq: r.seq,
			startName: e.Name, status: statusOf(&e),
			fields: append(fieldsOf(&e), idFields(ids.Thread, ids.Turn, "", ids.Span)...),
		}
		s.label = labelOf(family, s.fields)
		r.spans = append(r.spans, s)
		return
	}
	owner := &r.root
	if i, ok := r.byID[ids.Span]; ok {
		owner = r.spans[i]
	}
	if in, ok := e.Measurement("input_tokens"); ok {
		out, _ := e.Measurement("output_tokens")
		owner.addTokens(e.Name, in.Int64(), out.Int64())
	}
	if c, ok := e.Measurement("cost_usd"); ok {
		owner.cost, owner.hasCost = owner.cost+c.Float64(), true
	}
	if ttft, ok := e.Measurement("ttft"); ok {
		owner.ttft, owner.hasTTFT = ttft.Duration(), true
	}
	if len(owner.marks) >= maxMarks {
		owner.moreMarks++
		return
	}
	level, bad := levelOf(&e)
	owner.marks = append(owner.marks, mark{name: e.Name, t: ti, seq: r.seq, level: level, bad: bad, flds: fieldsOf(&e)})
}

// fieldsOf copies e's metadata and measurements out as text, values as
// Python's str() renders them in the logs.
func fieldsOf(e *telemetry.Event) []field {
	out := make([]field, 0, e.NumMetadata()+e.NumMeasurements())
	var buf []byte
	for a := range e.Metadata {
		buf = pylog.AppendStr(buf[:0], a.Value)
		out = append(out, field{a.Key, cut(buf)})
	}
	for m := range e.Measurements {
		if m.Key == "monotonic_time" {
			continue
		}
		buf = pylog.AppendStr(buf[:0], m.Value.Value())
		out = append(out, field{m.Key, cut(buf)})
	}
	return out
}

// familyOf returns an event name without its last part: codex.tool for
// codex.tool.start.
func familyOf(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[:i]
	}
	return name
}

// idFields are a span's correlation ids as fields, those it has.
func idFields(thread, turn, span, parent string) []field {
	var out []field
	for _, f := range []field{{"thread_id", thread}, {"turn_id", turn}, {"span_id", span}, {"parent_span_id", parent}} {
		if f.v != "" {
			out = append(out, f)
		}
	}
	return out
}

// cut returns b as a string of at most maxValue bytes (cut at a rune start).
func cut(b []byte) string {
	if len(b) <= maxValue {
		return string(b)
	}
	n := maxValue
	for n > 0 && b[n]&0xC0 == 0x80 {
		n--
	}
	return string(b[:n]) + "… (" + strconv.Itoa(len(b)) + " bytes)"
}

// mergeFields appends the end event's fields that the start's lack or that
// changed.
func mergeFields(start, end []field) []field {
	have := make(map[field]bool, len(start))
	for _, f := range start {
		have[f] = true
	}
	for _, f := range end {
		if !have[f] {
			start = append(start, f)
		}
	}
	return start
}

// labelKeys are the fields that name a span, in order of preference.
var labelKeys = []string{"tool", "approval_kind", "turn_index", "model", "server", "thread_id", "call_id"}

// labelOf names a span: its family's last parts and the first label field
// it has ("tool shell", "turn 1", "approval command_execution"); a thread
// by its id.
func labelOf(family string, fields []field) string {
	short := strings.TrimPrefix(family, "codex.")
	keys := labelKeys
	if strings.HasSuffix(family, ".thread") {
		keys = []string{"thread_id"}
	}
	for _, k := range keys {
		for _, f := range fields {
			if f.k == k && f.v != "" {
				return short + " " + f.v
			}
		}
	}
	return short
}

// statusOf classifies a span's end event: declined (an approval denied or a
// declined call), failed (an error, or a catalog level of WARNING or more),
// or ok.
func statusOf(e *telemetry.Event) string {
	if strings.HasSuffix(e.Name, ".denied") {
		return "declined"
	}
	for _, k := range []string{"status", "decision"} {
		if v, ok := e.Lookup(k); ok {
			s := strings.ToLower(v.String())
			if strings.Contains(s, "declin") || strings.Contains(s, "denied") {
				return "declined"
			}
		}
	}
	if e.Has("error_type") {
		return "failed"
	}
	if _, bad := levelOf(e); bad {
		return "failed"
	}
	return "ok"
}

// levelOf returns the Python level name the logs give e and whether it is
// WARNING or more.
func levelOf(e *telemetry.Event) (string, bool) {
	entry, ok := catalog.Lookup(e.Name)
	if !ok {
		return "", false
	}
	_, l := entry.MessageFor(e.Has)
	return l.String(), l >= pylog.Warning
}

// Page describes the page [Recorder.WriteHTML] writes.
type Page struct {
	// Title is the page's title, such as the replayed file's name.
	Title string
}

// Spans returns how many spans the recorder holds, and how many events it
// has seen.
func (r *Recorder) Spans() (spans, events int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.spans), r.events
}

// The JSON the page's script reads. Short keys keep a page of ten thousand
// spans small.
type jsonPage struct {
	Title   string     `json:"title"`
	Axis    string     `json:"axis"`
	Note    string     `json:"note"`
	Unit    string     `json:"unit"` // "ns" or "seq"
	Start   string     `json:"start,omitempty"`
	Extent  int64      `json:"extent"`
	Events  int        `json:"events"`
	Spans   []jsonSpan `json:"spans"`
	Loose   []jsonMark `json:"loose"`
	LooseN  int        `json:"looseMore,omitempty"`
	Version int        `json:"v"`
}

type jsonSpan struct {
	Parent int         `json:"p"` // index of the parent span, -1 for none
	Family string      `json:"f"`
	Label  string      `json:"l"`
	Start  int64       `json:"s"`
	End    int64       `json:"e"`
	Status string      `json:"st"`
	Names  [2]string   `json:"n"` // start and end event names
	Fields [][2]string `json:"x"`
	Marks  []jsonMark  `json:"m,omitempty"`
	MoreM  int         `json:"mm,omitempty"`
	Tokens *[2]int64   `json:"tk,omitempty"`
	Cost   *float64    `json:"c,omitempty"`  // US dollars, when a price table priced the span's tokens
	TTFT   *int64      `json:"ft,omitempty"` // time to the first token, from the start
}

type jsonMark struct {
	Name   string      `json:"n"`
	T      int64       `json:"t"`
	Level  string      `json:"lv,omitempty"`
	Bad    bool        `json:"b,omitempty"`
	Fields [][2]string `json:"x"`
}

// WriteHTML writes the page for what the recorder has seen so far. Spans
// still open end where the session's last event is, marked open.
func (r *Recorder) WriteHTML(w io.Writer, p Page) error {
	r.mu.Lock()
	doc := r.build(p)
	r.mu.Unlock()

	head, tail, ok := strings.Cut(page, dataMarker)
	if !ok {
		return errors.New("timeline: page.html has no data marker")
	}
	var data bytes.Buffer
	enc := json.NewEncoder(&data) // escapes <, > and &: no </script> inside
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("timeline: encoding the session: %w", err)
	}
	if _, err := io.WriteString(w, head); err != nil {
		return err
	}
	if _, err := w.Write(bytes.TrimRight(data.Bytes(), "\n")); err != nil {
		return err
	}
	_, err := io.WriteString(w, tail)
	return err
}

// build lays the recorded session out on the axis. r.mu is held.
func (r *Recorder) build(p Page) jsonPage {
	times := r.times
	axis := r.opts.Axis
	// On the stream axis, events timed by the clock's fallback (before the
	// stream gave a time) go at the stream's first time.
	if axis == StreamTime && len(r.fellBk) > 0 {
		times = append([]time.Time(nil), times...)
		fallback := map[int]bool{}
		for _, i := range r.fellBk {
			fallback[i] = true
		}
		var firstStream time.Time
		for i, t := range times {
			if !fallback[i] {
				firstStream = t
				break
			}
		}
		if firstStream.IsZero() {
			axis = ProcessingTime // the stream never gave a time
		} else {
			for i := range r.fellBk {
				times[r.fellBk[i]] = firstStream
			}
		}
	}
	var t0, t1 time.Time
	for i, t := range times {
		if i == 0 || t.Before(t0) {
			t0 = t
		}
		if i == 0 || t.After(t1) {
			t1 = t
		}
	}
	doc := jsonPage{Title: p.Title, Events: r.events, Unit: "ns", Version: 1}
	switch axis {
	case StreamTime:
		doc.Axis = "stream time"
		doc.Note = "Times are Codex's own: an app-server log's emittedAtMs, or the records of Codex's own telemetry joined to the stream."
	case EventTime:
		doc.Axis = "event time"
		doc.Note = "Times are the events' own."
	default:
		doc.Axis = "processing time"
		doc.Note = "The stream gives no timestamps: the axis is processing time, when codextel read each event, not when Codex did it."
	}
	order := len(times) > 1 && !t1.After(t0)
	if order {
		doc.Axis = "event order"
		doc.Note = "Every event has the same time (a fixed --clock, or a stream without times): the axis is the order of the events."
		doc.Unit = "seq"
	}
	if !t0.IsZero() && !order {
		doc.Start = t0.UTC().Format(time.RFC3339Nano)
	}
	pos := func(ti, seq int) int64 {
		if order {
			return int64(seq)
		}
		return int64(times[ti].Sub(t0))
	}
	if len(times) > 0 {
		if order {
			doc.Extent = int64(r.seq)
		} else {
			doc.Extent = int64(t1.Sub(t0))
		}
	}
	doc.Spans = make([]jsonSpan, len(r.spans))
	for i, s := range r.spans {
		js := jsonSpan{
			Parent: -1, Family: s.family, Label: s.label, Status: s.status,
			Start: pos(s.start, s.startSeq), Fields: pairs(s.fields),
			MoreM: s.moreMarks,
		}
		js.Names[0] = s.startName
		if s.end >= 0 {
			js.End = pos(s.end, s.endSeq)
			js.Names[1] = s.endName
		} else {
			js.End = doc.Extent
		}
		if j, ok := r.byID[s.parent]; ok && s.parent != "" && j != i {
			js.Parent = j
		}
		if in, out, ok := s.tokenTotal(); ok {
			js.Tokens = &[2]int64{in, out}
		}
		if s.hasCost {
			c := s.cost
			js.Cost = &c
		}
		if s.hasTTFT && !order {
			ft := int64(s.ttft)
			js.TTFT = &ft
		}
		for _, m := range s.marks {
			js.Marks = append(js.Marks, jsonMark{Name: m.name, T: pos(m.t, m.seq), Level: m.level, Bad: m.bad, Fields: pairs(m.flds)})
		}
		doc.Spans[i] = js
	}
	doc.Loose = []jsonMark{}
	for _, m := range r.root.marks {
		doc.Loose = append(doc.Loose, jsonMark{Name: m.name, T: pos(m.t, m.seq), Level: m.level, Bad: m.bad, Fields: pairs(m.flds)})
	}
	doc.LooseN = r.root.moreMarks
	return doc
}

func pairs(fs []field) [][2]string {
	out := make([][2]string, len(fs))
	for i, f := range fs {
		out[i] = [2]string{f.k, f.v}
	}
	return out
}
