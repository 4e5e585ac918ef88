package codexotel

import (
	"go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/codextel/codextel/core/pylog"
)

// An Option configures a [Handler].
type Option interface {
	apply(config) config
}

type optFunc func(config) config

func (f optFunc) apply(c config) config { return f(c) }

// config is what the options of NewHandler set.
type config struct {
	loggers  log.LoggerProvider
	tracers  trace.TracerProvider
	meters   metric.MeterProvider
	metrics  []Metric
	custom   bool // metrics were given by WithMetrics
	level    pylog.Level
	maxSpans int
}

// defaultMaxOpenSpans bounds the spans a Handler keeps open at once.
const defaultMaxOpenSpans = 1 << 16

func newConfig(opts []Option) config {
	c := config{maxSpans: defaultMaxOpenSpans}
	for _, o := range opts {
		c = o.apply(c)
	}
	if !c.custom {
		c.metrics = DefaultMetrics()
	}
	return c
}

// WithLoggerProvider makes the handler write every event as a log record
// through p. Without it the handler writes no logs.
func WithLoggerProvider(p log.LoggerProvider) Option {
	return optFunc(func(c config) config { c.loggers = p; return c })
}

// WithTracerProvider turns spans on: the handler makes an OpenTelemetry span
// of every span the bus opens, through p. Without it the handler makes no
// spans (spans are opt-in). For the spans' ids to be the correlation ids the
// log records carry, build p with [NewIDGenerator].
func WithTracerProvider(p trace.TracerProvider) Option {
	return optFunc(func(c config) config { c.tracers = p; return c })
}

// WithMeterProvider makes the handler record the metrics (see WithMetrics)
// through p. Without it the handler records none.
func WithMeterProvider(p metric.MeterProvider) Option {
	return optFunc(func(c config) config { c.meters = p; return c })
}

// WithMetrics replaces the metric definitions the handler records, which are
// [DefaultMetrics] unless this option is given. WithMetrics() with no
// definitions records none. To add to the defaults, pass
// append(DefaultMetrics(), more...).
func WithMetrics(defs ...Metric) Option {
	return optFunc(func(c config) config {
		c.metrics = append([]Metric(nil), defs...)
		c.custom = true
		return c
	})
}

// WithLevel makes the handler write only log records at level l or above
// (default: every record, as Python's NOTSET). Spans and metrics are not
// affected.
func WithLevel(l pylog.Level) Option {
	return optFunc(func(c config) config { c.level = l; return c })
}

// WithMaxOpenSpans bounds how many spans the handler keeps open at once
// (default 65536). A span opened past the bound is not traced and is counted
// in [Handler.UntracedSpans].
func WithMaxOpenSpans(n int) Option {
	return optFunc(func(c config) config { c.maxSpans = max(n, 1); return c })
}
