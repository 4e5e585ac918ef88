package codexotel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/telemetry"
)

// A metricKind is how a metric aggregates the events it is defined over, as
// in Elixir's telemetry_metrics.
type metricKind uint8

// The metric kinds.
const (
	// kindCounter counts events (an Int64Counter; a Prometheus counter).
	kindCounter metricKind = iota + 1
	// kindSum adds up a measurement (a Float64Counter: the measurement must
	// not be negative, as for a Prometheus counter).
	kindSum
	// kindLastValue keeps the last value of a measurement (a Float64Gauge).
	kindLastValue
	// kindDistribution records a measurement in a histogram (a
	// Float64Histogram): telemetry_metrics' distribution and summary.
	kindDistribution
)

// String returns the kind's telemetry_metrics name.
func (k metricKind) String() string {
	switch k {
	case kindCounter:
		return "counter"
	case kindSum:
		return "sum"
	case kindLastValue:
		return "last_value"
	case kindDistribution:
		return "distribution"
	}
	return fmt.Sprintf("metricKind(%d)", uint8(k))
}

// A Metric defines one metric over the events named by its event pattern:
// which instrument it feeds, with which measurement, unit and tags. Make one
// with [Counter], [Sum], [LastValue] or [Distribution]. Several definitions
// may feed the same instrument (by giving the same name, kind and unit): the
// default operation duration histogram is fed by turn, tool and MCP events.
type Metric struct {
	// Name is the instrument name, such as "gen_ai.client.operation.duration"
	// (to pick among [DefaultMetrics]).
	Name string

	kind        metricKind
	event       string // an event name, or a prefix pattern such as "codex.tool.*"
	measurement string // the measurement recorded; "" for a counter
	description string
	unit        Unit
	from        Unit // the measurement's own unit, when converted
	tags        []tag
	constTags   []attribute.KeyValue
	keep        func(*telemetry.Event) bool
	buckets     []float64
}

// A tag is an attribute taken from an event field.
type tag struct{ attr, field string }

// A MetricOption configures a [Metric].
type MetricOption interface {
	applyMetric(*Metric)
}

type metricOptFunc func(*Metric)

func (f metricOptFunc) applyMetric(m *Metric) { f(m) }

// Counter defines a metric that counts the events matching event.
func Counter(name, event string, opts ...MetricOption) Metric {
	return newMetric(kindCounter, name, event, "", opts)
}

// Sum defines a metric that adds up measurement over the events matching
// event. Events without the measurement are skipped.
func Sum(name, event, measurement string, opts ...MetricOption) Metric {
	return newMetric(kindSum, name, event, measurement, opts)
}

// LastValue defines a metric that keeps the last value of measurement over
// the events matching event.
func LastValue(name, event, measurement string, opts ...MetricOption) Metric {
	return newMetric(kindLastValue, name, event, measurement, opts)
}

// Distribution defines a histogram of measurement over the events matching
// event.
func Distribution(name, event, measurement string, opts ...MetricOption) Metric {
	return newMetric(kindDistribution, name, event, measurement, opts)
}

func newMetric(k metricKind, name, event, measurement string, opts []MetricOption) Metric {
	m := Metric{kind: k, Name: name, event: event, measurement: measurement}
	for _, o := range opts {
		o.applyMetric(&m)
	}
	return m
}

// WithDescription sets the instrument's description (the Prometheus HELP text).
func WithDescription(text string) MetricOption {
	return metricOptFunc(func(m *Metric) { m.description = text })
}

// WithUnit sets the unit the metric is reported in. A duration measurement
// is converted to it (a time Unit); with no WithUnit, durations are reported
// in seconds, as OpenTelemetry's conventions ask. Other measurements are
// reported as they are unless [ConvertUnit] says what unit they are in.
func WithUnit(u Unit) MetricOption {
	return metricOptFunc(func(m *Metric) { m.unit = u })
}

// ConvertUnit says the measurement is in from and is to be reported in to:
// ConvertUnit(Byte, Kibibyte), as telemetry_metrics' unit: {:byte, :kilobyte}.
// Both must be time units or both byte units.
func ConvertUnit(from, to Unit) MetricOption {
	return metricOptFunc(func(m *Metric) { m.from, m.unit = from, to })
}

// WithTags adds an attribute per field, named like the field and holding its
// value in the event (metadata first, then the correlation ids). An event
// without the field gets no such attribute. Tags should have few distinct
// values: each combination is a time series.
func WithTags(fields ...string) MetricOption {
	return metricOptFunc(func(m *Metric) {
		for _, f := range fields {
			m.tags = append(m.tags, tag{f, f})
		}
	})
}

// WithTag adds the attribute attr holding the value of field in the event,
// as [WithTags] does, under another name: WithTag("gen_ai.tool.name", "tool").
func WithTag(attr, field string) MetricOption {
	return metricOptFunc(func(m *Metric) { m.tags = append(m.tags, tag{attr, field}) })
}

// WithConstantTags adds attributes with fixed values to every recording.
func WithConstantTags(kvs ...attribute.KeyValue) MetricOption {
	return metricOptFunc(func(m *Metric) { m.constTags = append(m.constTags, kvs...) })
}

// WithKeep records only the events keep returns true for.
func WithKeep(keep func(*telemetry.Event) bool) MetricOption {
	return metricOptFunc(func(m *Metric) { m.keep = keep })
}

// WithBuckets sets a distribution's explicit bucket boundaries.
func WithBuckets(bounds ...float64) MetricOption {
	return metricOptFunc(func(m *Metric) { m.buckets = append([]float64(nil), bounds...) })
}

// matches reports whether the metric is defined over the event name.
func (m *Metric) matches(name string) bool {
	if m.event == "*" {
		return true
	}
	if p, ok := strings.CutSuffix(m.event, ".*"); ok {
		return strings.HasPrefix(name, p+".")
	}
	return m.event == name
}

// Buckets of the GenAI semantic conventions' histograms.
var (
	durationBuckets = []float64{0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92}
	tokenBuckets    = []float64{1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864}
)

// DefaultMetrics returns the metrics a [Handler] records unless [WithMetrics]
// says otherwise:
//
//   - gen_ai.client.operation.duration (s, histogram): turns
//     (gen_ai.operation.name invoke_agent), tool and MCP tool calls
//     (execute_tool, with gen_ai.tool.name); error.type on failures.
//   - codex.thread.duration and codex.approval.duration (s, histograms):
//     runs of threads (codex.source; error.type on failure) and the time
//     approvals waited (codex.approval.kind, codex.approval.outcome).
//   - gen_ai.client.token.usage ({token}, histogram): input and output
//     tokens of each token usage update (gen_ai.token.type).
//   - codex.tool.failures ({failure}, counter): failed tool and MCP tool
//     calls (gen_ai.tool.name; codex.tool.kind and codex.tool.status, or
//     codex.mcp.server).
//   - codex.approvals ({approval}, counter): approvals by outcome (approved,
//     denied, timeout, cancelled), kind and decision.
//   - codex.telemetry.dropped ({event}, sum): events the bus's throttle
//     dropped, by event name (codex.event).
//   - codex.usage.cost (USD, sum): what the tokens of each token usage
//     update cost, by model (gen_ai.request.model), when a price table
//     priced them (codextel --prices, bridge.WithPrices); nothing without.
//
// Every GenAI metric carries gen_ai.provider.name openai.
func DefaultMetrics() []Metric {
	provider := attribute.String(keyProvider, providerOpenAI)
	invoke := attribute.String(keyOperation, "invoke_agent")
	execute := attribute.String(keyOperation, "execute_tool")
	const opDur = "gen_ai.client.operation.duration"
	opDesc := WithDescription("Duration of GenAI operations: Codex turns and tool calls.")
	dur := func(event string, opts ...MetricOption) Metric {
		return Distribution(opDur, event, "duration", append([]MetricOption{opDesc, WithUnit(Second), WithBuckets(durationBuckets...)}, opts...)...)
	}
	errType := WithTag(keyErrorType, "error_type")
	toolName := WithTag(keyToolName, "tool")

	defs := []Metric{
		dur(catalog.TurnCompleted, WithConstantTags(invoke, provider)),
		dur(catalog.TurnFailed, WithConstantTags(invoke, provider), errType),
		dur(catalog.ToolSuccess, WithConstantTags(execute, provider), toolName),
		dur(catalog.ToolFailure, WithConstantTags(execute, provider), toolName, errType),
		dur(catalog.MCPToolCallSuccess, WithConstantTags(execute, provider), toolName),
		dur(catalog.MCPToolCallFailure, WithConstantTags(execute, provider), toolName, errType),
	}
	threadDesc := WithDescription("Duration of runs of Codex threads.")
	defs = append(defs,
		Distribution("codex.thread.duration", catalog.ThreadStop, "duration", threadDesc, WithUnit(Second),
			WithBuckets(durationBuckets...), WithTag("codex.source", "source")),
		Distribution("codex.thread.duration", catalog.ThreadException, "duration", threadDesc, WithUnit(Second),
			WithBuckets(durationBuckets...), WithTag("codex.source", "source"), errType),
	)
	for _, outcome := range []string{"approved", "denied", "timeout", "cancelled"} {
		event := "codex.approval." + outcome
		o := WithConstantTags(attribute.String("codex.approval.outcome", outcome))
		defs = append(defs,
			Distribution("codex.approval.duration", event, "duration",
				WithDescription("Time Codex waited for approval decisions."), WithUnit(Second),
				WithBuckets(durationBuckets...), o, WithTag("codex.approval.kind", "approval_kind")),
			Counter("codex.approvals", event, WithDescription("Approval requests by outcome and decision."),
				WithUnit("{approval}"), o, WithTag("codex.approval.kind", "approval_kind"),
				WithTag("codex.approval.decision", "decision")),
		)
	}
	tokDesc := WithDescription("Tokens used by Codex turns.")
	for _, typ := range []string{"input", "output"} {
		defs = append(defs, Distribution("gen_ai.client.token.usage", catalog.ThreadTokenUsageUpdated, typ+"_tokens",
			tokDesc, WithUnit("{token}"), WithBuckets(tokenBuckets...),
			WithConstantTags(invoke, provider, attribute.String("gen_ai.token.type", typ))))
	}
	failDesc := WithDescription("Failed Codex tool calls.")
	defs = append(defs,
		Counter("codex.tool.failures", catalog.ToolFailure, failDesc, WithUnit("{failure}"), toolName,
			WithTag("codex.tool.kind", "tool_kind"), WithTag("codex.tool.status", "status")),
		Counter("codex.tool.failures", catalog.MCPToolCallFailure, failDesc, WithUnit("{failure}"), toolName,
			WithTag("codex.mcp.server", "server")),
		Sum("codex.telemetry.dropped", catalog.TelemetryDropped, "dropped",
			WithDescription("Events the telemetry bus's throttle dropped."), WithUnit("{event}"),
			WithTag("codex.event", "event")),
		Sum("codex.usage.cost", catalog.ThreadTokenUsageUpdated, "cost_usd",
			WithDescription("What Codex's tokens cost, in US dollars, by a price table."), WithUnit("USD"),
			WithConstantTags(provider), WithTag("gen_ai.request.model", "model")),
	)
	return defs
}

// instrument is one OpenTelemetry instrument and the definitions feeding it.
type instrument struct {
	kind      metricKind
	unit      Unit
	counter   metric.Int64Counter
	sum       metric.Float64Counter
	gauge     metric.Float64Gauge
	histogram metric.Float64Histogram
}

// binding is one definition bound to its instrument.
type binding struct {
	def       *Metric
	inst      *instrument
	factor    float64 // applied to every value, when the definition converts units
	durFactor float64 // applied to duration values (nanoseconds) otherwise
}

// metricSet records the definitions' metrics.
type metricSet struct {
	bindings []*binding
}

// newMetricSet makes the instruments of defs on p. Definitions sharing a name
// must agree on kind and unit.
func newMetricSet(p metric.MeterProvider, defs []Metric) (*metricSet, error) {
	meter := p.Meter(scopeName, metric.WithInstrumentationVersion(Version))
	insts := map[string]*instrument{}
	s := &metricSet{}
	var errs []error
	for i := range defs {
		d := &defs[i]
		if d.kind < kindCounter || d.kind > kindDistribution {
			errs = append(errs, fmt.Errorf("codexotel: metric %q: unknown kind %d", d.Name, d.kind))
			continue
		}
		if d.kind != kindCounter && d.measurement == "" {
			errs = append(errs, fmt.Errorf("codexotel: metric %q: %s needs a measurement", d.Name, d.kind))
			continue
		}
		b := &binding{def: d, factor: 1, durFactor: 1e-9}
		unit := d.unit
		if d.from != "" {
			f, err := conversion(d.from, d.unit)
			if err != nil {
				errs = append(errs, fmt.Errorf("codexotel: metric %q: %w", d.Name, err))
				continue
			}
			b.factor = f
		} else {
			// A duration value is in nanoseconds: report it in the unit
			// asked for when that is a time unit, else in seconds.
			if unit == "" && d.kind != kindCounter && isDurationMeasurement(d) {
				unit = Second
			}
			if f, err := conversion(Nanosecond, unit); err == nil {
				b.durFactor = f
			}
		}
		in := insts[d.Name]
		if in == nil {
			var err error
			in, err = newInstrument(meter, d, unit)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			insts[d.Name] = in
		} else if in.kind != d.kind || in.unit != unit {
			errs = append(errs, fmt.Errorf("codexotel: metric %q is defined as %s in %q and as %s in %q",
				d.Name, in.kind, in.unit, d.kind, unit))
			continue
		}
		b.inst = in
		s.bindings = append(s.bindings, b)
	}
	return s, errors.Join(errs...)
}

// isDurationMeasurement reports whether the catalog types d's measurement as
// a duration for the events d is defined over.
func isDurationMeasurement(d *Metric) bool {
	for _, e := range catalog.All() {
		if !d.matches(e.Name) {
			continue
		}
		if f, ok := e.Field(d.measurement); ok && f.Type == catalog.Duration {
			return true
		}
	}
	return false
}

func newInstrument(meter metric.Meter, d *Metric, unit Unit) (*instrument, error) {
	in := &instrument{kind: d.kind, unit: unit}
	var err error
	switch d.kind {
	case kindCounter:
		in.counter, err = meter.Int64Counter(d.Name, metric.WithDescription(d.description), metric.WithUnit(string(unit)))
	case kindSum:
		in.sum, err = meter.Float64Counter(d.Name, metric.WithDescription(d.description), metric.WithUnit(string(unit)))
	case kindLastValue:
		in.gauge, err = meter.Float64Gauge(d.Name, metric.WithDescription(d.description), metric.WithUnit(string(unit)))
	case kindDistribution:
		opts := []metric.Float64HistogramOption{metric.WithDescription(d.description), metric.WithUnit(string(unit))}
		if len(d.buckets) > 0 {
			opts = append(opts, metric.WithExplicitBucketBoundaries(d.buckets...))
		}
		in.histogram, err = meter.Float64Histogram(d.Name, opts...)
	}
	if err != nil {
		return nil, fmt.Errorf("codexotel: metric %q: %w", d.Name, err)
	}
	return in, nil
}

// forEvent returns the bindings defined over the event name.
func (s *metricSet) forEvent(name string) []*binding {
	var out []*binding
	for _, b := range s.bindings {
		if b.def.matches(name) {
			out = append(out, b)
		}
	}
	return out
}

// record records e in each binding of bs.
func record(bs []*binding, e *telemetry.Event) {
	ctx := context.Background()
	for _, b := range bs {
		d := b.def
		if d.keep != nil {
			kept := *e // keep may retain what it is given: let only this copy escape
			if !d.keep(&kept) {
				continue
			}
		}
		var v float64
		if d.kind != kindCounter {
			n, ok := e.Measurement(d.measurement)
			if !ok {
				continue
			}
			v = n.Float64()
			switch {
			case d.from != "":
				v *= b.factor
			case n.Kind() == telemetry.KindDuration:
				v *= b.durFactor
			}
		}
		opt := metric.WithAttributeSet(tagSet(d, e))
		switch d.kind {
		case kindCounter:
			b.inst.counter.Add(ctx, 1, opt)
		case kindSum:
			b.inst.sum.Add(ctx, v, opt)
		case kindLastValue:
			b.inst.gauge.Record(ctx, v, opt)
		case kindDistribution:
			b.inst.histogram.Record(ctx, v, opt)
		}
	}
}

// tagSet builds the attributes of one recording.
func tagSet(d *Metric, e *telemetry.Event) attribute.Set {
	if len(d.tags) == 0 {
		return attribute.NewSet(d.constTags...)
	}
	var buf [8]attribute.KeyValue
	kvs := append(buf[:0], d.constTags...)
	for _, t := range d.tags {
		v, ok := e.Lookup(t.field)
		if !ok {
			if s := idField(e, t.field); s != "" {
				kvs = append(kvs, attribute.String(t.attr, s))
			}
			continue
		}
		kvs = append(kvs, tagValue(t.attr, v))
	}
	return attribute.NewSet(kvs...)
}

func tagValue(key string, v slog.Value) attribute.KeyValue {
	v = v.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return attribute.String(key, v.String())
	case slog.KindInt64:
		return attribute.Int64(key, v.Int64())
	case slog.KindBool:
		return attribute.Bool(key, v.Bool())
	case slog.KindFloat64:
		return attribute.Float64(key, v.Float64())
	}
	return attribute.String(key, text(v))
}

// idField returns the correlation field named key of e, or "".
func idField(e *telemetry.Event, key string) string {
	ids := e.IDs()
	switch key {
	case "correlation_id":
		return ids.Correlation
	case "thread_id":
		return ids.Thread
	case "turn_id":
		return ids.Turn
	case "span_id":
		return ids.Span
	case "parent_span_id":
		return ids.ParentSpan
	}
	return ""
}
