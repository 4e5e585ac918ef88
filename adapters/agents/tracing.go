package codexagents

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/scrub"
)

// LoggerName is the Python logger of every record the SDK's tracing and
// its Codex tool write.
const LoggerName = "openai.agents"

// LogRecord is one record the SDK would write to its logger
// "openai.agents": the level, the formatted message (the redacted form
// unless [WithLogData] says otherwise) and, where Python attaches an
// exception, the error.
type LogRecord struct {
	Level   pylog.Level
	Logger  string
	Message string
	Err     error
	// Extra holds the record's extra fields: in the full form of a
	// processor's failure, openai_agents_diagnostic_context =
	// {"trace_processor": "<Go type>@<address>"}, as the SDK's
	// "<module>.<Class>@<hex id>".
	Extra Object
}

// Option configures a [Provider].
type Option func(*Provider)

// WithLogger sends the SDK's log records to f, in the order the SDK writes
// them. f may be called from any goroutine that uses the provider, and
// from a batch processor's worker. Without it records are dropped.
func WithLogger(f func(LogRecord)) Option {
	return func(p *Provider) { p.logf = f }
}

// WithLogData chooses the SDK's full log forms (true: both
// OPENAI_AGENTS_DONT_LOG_MODEL_DATA and OPENAI_AGENTS_DONT_LOG_TOOL_DATA
// off) or the redacted ones (false). Without it the two variables are read
// as the SDK reads them: unset, "1" or "true" (any case) mean on.
func WithLogData(full bool) Option {
	return func(p *Provider) { p.logModel, p.logTool = full, full }
}

// WithDisabled switches tracing off (true) or on (false) whatever
// OPENAI_AGENTS_DISABLE_TRACING says.
func WithDisabled(disabled bool) Option {
	return func(p *Provider) { p.disabled = disabled }
}

// WithProcessors registers processors at construction, as
// [Provider.SetTraceProcessors] does.
func WithProcessors(ps ...TracingProcessor) Option {
	return func(p *Provider) { p.procs = append([]TracingProcessor(nil), ps...) }
}

// withClock replaces time.Now (tests).
func withClock(now func() time.Time) Option {
	return func(p *Provider) { p.now = now }
}

// Provider is the SDK's trace provider: it creates traces and spans and
// calls its processors, in registration order, on their start and end.
// Unlike the SDK, which keeps one provider in a global, a Go program holds
// its own Provider values; a zero-processor Provider traces into nothing.
// A Provider is safe for concurrent use.
type Provider struct {
	mu       sync.RWMutex
	procs    []TracingProcessor
	disabled bool
	logModel bool // OPENAI_AGENTS_DONT_LOG_MODEL_DATA off: full forms
	logTool  bool // OPENAI_AGENTS_DONT_LOG_TOOL_DATA off
	logf     func(LogRecord)
	now      func() time.Time
	scrub    *scrub.Scrubber // nil: scrubbing off (WithScrubber)
}

// NewProvider returns a provider configured by opts and, for what they
// leave unset, the SDK's environment variables:
// OPENAI_AGENTS_DISABLE_TRACING ("true" or "1", any case, switches tracing
// off, as Python's os.environ.get(...).lower() in ("true", "1")),
// OPENAI_AGENTS_DONT_LOG_MODEL_DATA and OPENAI_AGENTS_DONT_LOG_TOOL_DATA.
// The SDK reads them at first use; a Provider reads them here, once.
func NewProvider(opts ...Option) *Provider {
	p := &Provider{
		disabled: envDisabled(os.Getenv("OPENAI_AGENTS_DISABLE_TRACING")),
		logModel: !dontLog(os.LookupEnv("OPENAI_AGENTS_DONT_LOG_MODEL_DATA")),
		logTool:  !dontLog(os.LookupEnv("OPENAI_AGENTS_DONT_LOG_TOOL_DATA")),
		now:      time.Now,
		scrub:    defaultScrubber(),
	}
	for _, o := range opts {
		o(p)
	}
	return p
}

// envDisabled parses OPENAI_AGENTS_DISABLE_TRACING as the SDK does.
func envDisabled(v string) bool {
	v = strings.ToLower(v)
	return v == "true" || v == "1"
}

// dontLog parses an OPENAI_AGENTS_DONT_LOG_* variable: unset means on.
func dontLog(v string, set bool) bool {
	return !set || v == "1" || strings.ToLower(v) == "true"
}

// fullLogs reports whether both switches are off, when the SDK writes its
// unredacted forms.
func (p *Provider) fullLogs() bool { return p.logModel && p.logTool }

func (p *Provider) log(level pylog.Level, msg string, err error) {
	p.emit(LogRecord{Level: level, Logger: LoggerName, Message: msg, Err: err})
}

// Disabled reports whether tracing is off.
func (p *Provider) Disabled() bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.disabled
}

// SetDisabled switches tracing off or on, as the SDK's
// set_tracing_disabled does.
func (p *Provider) SetDisabled(disabled bool) {
	p.mu.Lock()
	p.disabled = disabled
	p.mu.Unlock()
}

// AddTraceProcessor appends tp to the processors, as add_trace_processor.
func (p *Provider) AddTraceProcessor(tp TracingProcessor) {
	p.mu.Lock()
	p.procs = append(p.procs[:len(p.procs):len(p.procs)], tp)
	p.mu.Unlock()
}

// SetTraceProcessors replaces the processors, as set_trace_processors.
func (p *Provider) SetTraceProcessors(tps ...TracingProcessor) {
	p.mu.Lock()
	p.procs = append([]TracingProcessor(nil), tps...)
	p.mu.Unlock()
}

func (p *Provider) processors() []TracingProcessor {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.procs
}

// call runs f on every processor in order; a processor's error or panic is
// logged as the SDK logs an exception from it, and the next one runs.
func (p *Provider) call(method string, f func(TracingProcessor) error) {
	for _, tp := range p.processors() {
		p.callOne(tp, method, f)
	}
}

func (p *Provider) callOne(tp TracingProcessor, method string, f func(TracingProcessor) error) {
	var err error
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		err = f(tp)
	}()
	if err == nil {
		return
	}
	msg := "Error in trace processor during " + method
	if !p.fullLogs() {
		p.log(pylog.Error, msg, nil)
		return
	}
	if p.logf != nil {
		p.emit(LogRecord{Level: pylog.Error, Logger: LoggerName, Message: msg + ": " + err.Error(), Err: err,
			Extra: Object{{"openai_agents_diagnostic_context", Object{{"trace_processor", fmt.Sprintf("%T@%p", tp, tp)}}}}})
	}
}

// ForceFlush calls every processor's ForceFlush, as flush_traces; it does
// nothing while tracing is disabled.
func (p *Provider) ForceFlush() {
	if p.Disabled() {
		return
	}
	p.call("force_flush", func(tp TracingProcessor) error { return tp.ForceFlush() })
}

// Shutdown shuts every processor down in order, giving each what is left
// of ctx, as the SDK's exit handler does. When ctx ends before the last
// one, the rest are skipped with the SDK's warning.
func (p *Provider) Shutdown(ctx context.Context) {
	p.log(pylog.Debug, "Shutting down trace provider", nil)
	for _, tp := range p.processors() {
		if ctx.Err() != nil {
			p.log(pylog.Warning, "[non-fatal] Tracing: shutdown timeout reached before processor cleanup.", nil)
			return
		}
		msg := "Shutting down trace processor"
		if p.fullLogs() {
			msg += fmt.Sprintf(" %T", tp)
		}
		p.log(pylog.Debug, msg, nil)
		p.callOne(tp, "shutdown", func(tp TracingProcessor) error { return tp.Shutdown(ctx) })
	}
}

// TracingProcessor receives traces and spans as they start and end: the
// SDK's TracingProcessor. Its methods are called synchronously on the
// goroutine that starts or ends the trace or span, so they must be safe
// for concurrent use and return quickly. An error or a panic is logged
// ("Error in trace processor during on_span_end") and does not stop the
// other processors.
//
// A span's data may still change between OnSpanStart and OnSpanEnd (the
// Codex tool updates it in place); read it with [Span.Export] or keep what
// OnSpanEnd sees. Everything a processor can read is already scrubbed (see
// [WithScrubber]).
type TracingProcessor interface {
	// OnTraceStart is called when a trace starts.
	OnTraceStart(t *Trace) error
	// OnTraceEnd is called when a trace ends.
	OnTraceEnd(t *Trace) error
	// OnSpanStart is called when a span starts.
	OnSpanStart(s *Span) error
	// OnSpanEnd is called when a span ends, its data and error final.
	OnSpanEnd(s *Span) error
	// Shutdown is called once, when the provider shuts down; it should
	// finish its work before ctx ends.
	Shutdown(ctx context.Context) error
	// ForceFlush exports everything the processor holds, now.
	ForceFlush() error
}

// newUUIDHex returns the 32 hex digits of a random version-4 UUID.
func newUUIDHex() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return hex.EncodeToString(b[:])
}

// pyTime is Python's datetime.isoformat() of a UTC time: microseconds,
// no fraction when they are zero, and "+00:00".
func pyTime(t time.Time) string {
	t = t.UTC()
	b := t.AppendFormat(nil, "2006-01-02T15:04:05")
	if us := t.Nanosecond() / 1000; us != 0 {
		b = append(b, '.')
		s := strconv.Itoa(us)
		b = append(b, strings.Repeat("0", 6-len(s))...)
		b = append(b, s...)
	}
	return string(append(b, "+00:00"...))
}

// Trace is one trace: the SDK's TraceImpl. A trace made while tracing is
// disabled is inert: starting and finishing it does nothing and its spans
// are inert too.
type Trace struct {
	p        *Provider
	id       string
	workflow string
	groupID  string
	metadata Object
	noop     bool

	mu      sync.Mutex
	started bool
	ended   bool
	key     string
}

// SetTracingAPIKey gives the trace its own key for export, as RunConfig's
// tracing={"api_key": ...}: a [BackendExporter] sends the trace and its
// spans with it, in a request of their own, instead of its default key.
// The key is not part of the export.
func (t *Trace) SetTracingAPIKey(key string) {
	t.mu.Lock()
	t.key = key
	t.mu.Unlock()
}

func (t *Trace) tracingAPIKey() string {
	if t == nil {
		return ""
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.key
}

// NewTrace creates a trace for workflowName with a new id
// ("trace_" + 32 hex digits); groupID "" exports as null, as does a nil
// metadata. The workflow name and group id are kept scrubbed (see
// [WithScrubber]), and the metadata is scrubbed whenever the trace is
// exported.
func (p *Provider) NewTrace(workflowName, groupID string, metadata Object) *Trace {
	t := &Trace{p: p, workflow: p.scrubText(workflowName), groupID: p.scrubText(groupID), metadata: metadata}
	if p.Disabled() {
		t.noop = true
		return t
	}
	t.id = "trace_" + newUUIDHex()
	if p.fullLogs() {
		p.log(pylog.Debug, "Creating trace "+workflowName+" with id "+t.id, nil)
	} else {
		p.log(pylog.Debug, "Creating trace with id "+t.id, nil)
	}
	return t
}

// ID returns the trace id, "" for an inert trace.
func (t *Trace) ID() string { return t.id }

// WorkflowName returns the workflow name.
func (t *Trace) WorkflowName() string { return t.workflow }

// Start starts the trace: the processors' OnTraceStart, then the SDK's
// "Setting current trace" record. A second call does nothing.
func (t *Trace) Start() {
	if t.noop {
		return
	}
	t.mu.Lock()
	if t.started {
		t.mu.Unlock()
		return
	}
	t.started = true
	t.mu.Unlock()
	t.p.call("on_trace_start", func(tp TracingProcessor) error { return tp.OnTraceStart(t) })
	t.p.log(pylog.Debug, "Setting current trace: "+t.id, nil)
}

// Finish ends the trace: the processors' OnTraceEnd, then the SDK's
// "Resetting current trace" record. It does nothing unless the trace was
// started and not yet finished.
func (t *Trace) Finish() {
	if t.noop {
		return
	}
	t.mu.Lock()
	if !t.started || t.ended {
		t.mu.Unlock()
		return
	}
	t.ended = true
	t.mu.Unlock()
	t.p.call("on_trace_end", func(tp TracingProcessor) error { return tp.OnTraceEnd(t) })
	t.p.log(pylog.Debug, "Resetting current trace", nil)
}

// Export returns the trace as the SDK exports it: object, id,
// workflow_name, group_id, metadata (scrubbed). An inert trace exports
// nil.
func (t *Trace) Export() Object {
	if t.noop {
		return nil
	}
	var group, meta any
	if t.groupID != "" {
		group = t.groupID
	}
	if t.metadata != nil {
		meta = t.p.scrubObj(t.metadata)
	}
	return Object{
		{"object", "trace"},
		{"id", t.id},
		{"workflow_name", t.workflow},
		{"group_id", group},
		{"metadata", meta},
	}
}

// SpanData is what a span records: [*FunctionSpanData] or
// [*CustomSpanData].
type SpanData interface {
	// Type is the span_data type: "function", "custom".
	Type() string
	// Export returns the span_data object, keys in the SDK's order.
	Export() Object
	pyClass() string
}

// FunctionSpanData is a function (tool call) span's data. Input and Output
// export as null when nil.
type FunctionSpanData struct {
	Name   string
	Input  *string
	Output *string
}

// Type returns "function".
func (*FunctionSpanData) Type() string { return "function" }

// Export returns {"type", "name", "input", "output", "mcp_data": null}.
func (d *FunctionSpanData) Export() Object {
	return Object{{"type", "function"}, {"name", d.Name}, {"input", optString(d.Input)}, {"output", optString(d.Output)}, {"mcp_data", nil}}
}

func (*FunctionSpanData) pyClass() string { return "FunctionSpanData" }

func optString(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// CustomSpanData is a custom span's data: a name and an ordered object.
type CustomSpanData struct {
	Name string
	Data Object
}

// Type returns "custom".
func (*CustomSpanData) Type() string { return "custom" }

// Export returns {"type": "custom", "name", "data"}.
func (d *CustomSpanData) Export() Object {
	data := d.Data
	if data == nil {
		data = Object{}
	}
	return Object{{"type", "custom"}, {"name", d.Name}, {"data", data}}
}

func (*CustomSpanData) pyClass() string { return "CustomSpanData" }

// SpanError is a span's error: a message and data (nil exports as null).
type SpanError struct {
	Message string
	Data    Object
}

func (e *SpanError) export() any {
	if e == nil {
		return nil
	}
	var data any
	if e.Data != nil {
		data = e.Data
	}
	return Object{{"message", e.Message}, {"data", data}}
}

// Span is one span: the SDK's SpanImpl. Its id is "span_" + 24 hex digits.
type Span struct {
	p      *Provider
	trace  *Trace
	id     string
	parent string
	noop   bool
	// trusted: the data is only set by the Codex tool, which scrubs
	// every value before setting it; a caller's span is scrubbed in place
	// at NewSpan, Start, Finish and Export instead.
	trusted bool

	mu      sync.Mutex
	data    SpanData
	err     *SpanError
	started time.Time
	ended   time.Time
}

// NewSpan creates a span of trace t under parent (nil: a root span) with
// data (nil: an empty custom span), writing the SDK's "Creating span with
// id None" record. The span of an inert trace is inert.
//
// The span owns data from now on: its strings are scrubbed in place (see
// [WithScrubber]) here, and again when the span starts, ends and is
// exported, so that what a caller sets in between is scrubbed before a
// processor or an exporter sees it. A custom span's Data is replaced by a
// scrubbed copy, never changed under the caller.
func (p *Provider) NewSpan(t *Trace, parent *Span, data SpanData) *Span {
	return p.newSpan(t, parent, data, false)
}

// newSpan is NewSpan; trusted spans are the Codex tool's, whose data is
// scrubbed before it is set.
func (p *Provider) newSpan(t *Trace, parent *Span, data SpanData, trusted bool) *Span {
	if data == nil {
		data = &CustomSpanData{}
	}
	s := &Span{p: p, trace: t, data: data, trusted: trusted}
	if t == nil || t.noop || p.Disabled() || (parent != nil && parent.noop) {
		s.noop = true
		return s
	}
	if !trusted {
		p.scrubData(data)
	}
	if p.fullLogs() {
		p.log(pylog.Debug, fmt.Sprintf("Creating span <agents.tracing.span_data.%s object at %p> with id None", data.pyClass(), data), nil)
	} else {
		p.log(pylog.Debug, "Creating span with id None", nil)
	}
	s.id = "span_" + newUUIDHex()[:24]
	if parent != nil {
		s.parent = parent.id
	}
	return s
}

// ID returns the span id, "" for an inert span.
func (s *Span) ID() string { return s.id }

// TraceID returns the id of the span's trace.
func (s *Span) TraceID() string {
	if s.trace == nil {
		return ""
	}
	return s.trace.id
}

// ParentID returns the parent span's id, "" for a root span.
func (s *Span) ParentID() string { return s.parent }

// Data returns the span's data. The Codex tool updates a custom span's
// data until the span ends; see [TracingProcessor].
func (s *Span) Data() SpanData {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data
}

// Error returns the span's error, nil when it has none.
func (s *Span) Error() *SpanError {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// SetError sets the span's error, scrubbed: a message or data holding a
// secret is replaced by a scrubbed copy.
func (s *Span) SetError(e *SpanError) {
	e = s.p.scrubSpanError(e)
	s.mu.Lock()
	s.err = e
	s.mu.Unlock()
}

// setCleanError sets an error built from scrubbed values (the Codex
// tool's).
func (s *Span) setCleanError(e *SpanError) {
	s.mu.Lock()
	s.err = e
	s.mu.Unlock()
}

// scrubLocked scrubs a caller's span data and error in place; the Codex
// tool's spans are already clean. s.mu is held.
func (s *Span) scrubLocked() {
	if s.trusted {
		return
	}
	s.p.scrubData(s.data)
	s.err = s.p.scrubSpanError(s.err)
}

// update changes the data under the span's lock.
func (s *Span) update(f func()) {
	s.mu.Lock()
	f()
	s.mu.Unlock()
}

// Start records the start time and calls the processors' OnSpanStart. A
// second call logs the SDK's WARNING "Span already started".
func (s *Span) Start() {
	if s.noop {
		return
	}
	s.mu.Lock()
	if !s.started.IsZero() {
		s.mu.Unlock()
		s.p.log(pylog.Warning, "Span already started", nil)
		return
	}
	s.started = s.p.now()
	s.scrubLocked()
	s.mu.Unlock()
	s.p.call("on_span_start", func(tp TracingProcessor) error { return tp.OnSpanStart(s) })
}

// Finish records the end time and calls the processors' OnSpanEnd. A
// second call logs the SDK's WARNING "Span already finished".
func (s *Span) Finish() {
	if s.noop {
		return
	}
	s.mu.Lock()
	if !s.ended.IsZero() {
		s.mu.Unlock()
		s.p.log(pylog.Warning, "Span already finished", nil)
		return
	}
	s.ended = s.p.now()
	s.scrubLocked()
	s.mu.Unlock()
	s.p.call("on_span_end", func(tp TracingProcessor) error { return tp.OnSpanEnd(s) })
}

// Export returns the span as the SDK exports it: object, id, trace_id,
// parent_id, started_at, ended_at, span_data, error, and metadata only
// when the trace's metadata has an agent_harness_id. An inert span
// exports nil.
func (s *Span) Export() Object {
	if s.noop {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scrubLocked()
	var parent, started, ended any
	if s.parent != "" {
		parent = s.parent
	}
	if !s.started.IsZero() {
		started = pyTime(s.started)
	}
	if !s.ended.IsZero() {
		ended = pyTime(s.ended)
	}
	o := Object{
		{"object", "trace.span"},
		{"id", s.id},
		{"trace_id", s.trace.id},
		{"parent_id", parent},
		{"started_at", started},
		{"ended_at", ended},
		{"span_data", s.data.Export()},
		{"error", s.err.export()},
	}
	if v, ok := s.trace.metadata.Get("agent_harness_id"); ok {
		v, _ = s.p.scrubValue("agent_harness_id", v)
		o = append(o, Member{"metadata", Object{{"agent_harness_id", v}}})
	}
	return o
}
