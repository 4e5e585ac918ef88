package codexotel

import (
	"context"
	"sync"
	"testing"

	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/codextel/codextel/core/telemetry"
)

// memLogs is an in-memory log exporter: it keeps what it is given.
type memLogs struct {
	mu      sync.Mutex
	records []sdklog.Record
}

var _ sdklog.Exporter = (*memLogs)(nil)

func (m *memLogs) Export(_ context.Context, rs []sdklog.Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range rs {
		m.records = append(m.records, r.Clone())
	}
	return nil
}

func (m *memLogs) Shutdown(context.Context) error   { return nil }
func (m *memLogs) ForceFlush(context.Context) error { return nil }

func (m *memLogs) Records() []sdklog.Record {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]sdklog.Record(nil), m.records...)
}

// rig is a Handler on a bus of its own, writing to in-memory exporters
// through synchronous processors, so a test sees everything as soon as the
// emitting call returns.
type rig struct {
	bus     *telemetry.Bus
	h       *Handler
	logs    *memLogs
	spans   *tracetest.SpanRecorder
	metrics *sdkmetric.ManualReader
}

// newRig attaches a Handler with logs, spans (when spans is true) and
// metrics to a new bus with no throttle.
func newRig(t testing.TB, spans bool, opts ...Option) *rig {
	t.Helper()
	r := &rig{
		bus:     telemetry.New(telemetry.WithThrottle(nil)),
		logs:    &memLogs{},
		spans:   tracetest.NewSpanRecorder(),
		metrics: sdkmetric.NewManualReader(),
	}
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(r.logs)))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(r.metrics))
	all := []Option{WithLoggerProvider(lp), WithMeterProvider(mp)}
	if spans {
		tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(r.spans), sdktrace.WithIDGenerator(NewIDGenerator()))
		all = append(all, WithTracerProvider(tp))
	}
	h, err := NewHandler(append(all, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	r.h = h
	if _, err := r.bus.Attach("otel", h, "*"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.bus.Close() })
	return r
}

// collect returns the metrics recorded so far.
func (r *rig) collect(t testing.TB) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.metrics.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	return rm
}
