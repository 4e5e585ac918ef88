package codexotel

import (
	"context"
	"fmt"
	"sync/atomic"

	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// SignalStats count the log records or spans a [Pipeline]'s handler wrote.
// While it runs, Emitted - Exported - Failed are queued; after
// [Pipeline.Shutdown], Exported + Failed + Dropped are all of them.
type SignalStats struct {
	Emitted  uint64 // taken into the export queue
	Exported uint64 // accepted by the receiver
	Failed   uint64 // in batches whose export failed (after the exporter's retries)
	Dropped  uint64 // refused because the queue was full, or still queued when shutdown gave up
}

// Stats are a [Pipeline]'s export counts.
type Stats struct {
	Logs  SignalStats
	Spans SignalStats
	// MetricExports and MetricExportFailures count the metric exports and
	// those that failed. Metrics are cumulative, so a failed export loses
	// nothing that a later one does not carry.
	MetricExports        uint64
	MetricExportFailures uint64
}

// counter counts one signal's records through a bounded queue. inflight is
// what was taken in and not yet handed to the exporter's Export call's end:
// the bounded processor keeps it at most limit, so the SDK's own queue, of
// the same size, never overflows and drops records without saying.
type counter struct {
	what     string // "log records", "spans"
	limit    int64
	inflight atomic.Int64
	emitted  atomic.Uint64
	exported atomic.Uint64
	failed   atomic.Uint64
	refused  atomic.Uint64 // dropped at the queue
	left     atomic.Uint64 // still queued at shutdown
	failing  atomic.Bool   // the last export failed
	dropping atomic.Bool   // records were dropped since the last successful export
	report   func(error)
}

// admit takes one record into the queue, or counts it dropped.
func (c *counter) admit() bool {
	for {
		n := c.inflight.Load()
		if n >= c.limit {
			c.refused.Add(1)
			if c.dropping.CompareAndSwap(false, true) {
				c.report(fmt.Errorf("codexotel: export queue full (%d %s): dropping %s until export catches up", c.limit, c.what, c.what))
			}
			return false
		}
		if c.inflight.CompareAndSwap(n, n+1) {
			c.emitted.Add(1)
			return true
		}
	}
}

// exportDone accounts for an Export call of n records that returned err.
func (c *counter) exportDone(n int, err error) {
	c.inflight.Add(-int64(n))
	if err != nil {
		c.failed.Add(uint64(n))
		if c.failing.CompareAndSwap(false, true) {
			c.report(fmt.Errorf("codexotel: exporting %d %s failed: %w", n, c.what, err))
		}
		return
	}
	c.exported.Add(uint64(n))
	c.failing.Store(false)
	c.dropping.Store(false)
}

func (c *counter) stats() SignalStats {
	return SignalStats{Emitted: c.emitted.Load(), Exported: c.exported.Load(), Failed: c.failed.Load(),
		Dropped: c.refused.Load() + c.left.Load()}
}

// lost returns an error saying what was not exported, or nil.
func (c *counter) lost() error {
	s := c.stats()
	if s.Failed == 0 && s.Dropped == 0 {
		return nil
	}
	return fmt.Errorf("codexotel: %d of %d %s not exported (%d failed, %d dropped)",
		s.Failed+s.Dropped, s.Emitted+c.refused.Load(), c.what, s.Failed, s.Dropped)
}

// shutdownDone counts what the SDK still held when it shut down as dropped.
func (c *counter) shutdownDone() {
	if n := c.inflight.Swap(0); n > 0 {
		c.left.Add(uint64(n))
	}
}

// logQueue admits records into the SDK's batch processor only while the
// queue has room.
type logQueue struct {
	sdklog.Processor
	c *counter
}

func (q *logQueue) OnEmit(ctx context.Context, r *sdklog.Record) error {
	if !q.c.admit() {
		return nil
	}
	return q.Processor.OnEmit(ctx, r)
}

// logCounter counts what the log exporter exports.
type logCounter struct {
	sdklog.Exporter
	c *counter
}

func (e *logCounter) Export(ctx context.Context, rs []sdklog.Record) error {
	err := e.Exporter.Export(ctx, rs)
	e.c.exportDone(len(rs), err)
	return err
}

// spanQueue admits sampled spans into the SDK's batch processor only while
// the queue has room.
type spanQueue struct {
	sdktrace.SpanProcessor
	c *counter
}

func (q *spanQueue) OnEnd(s sdktrace.ReadOnlySpan) {
	if s.SpanContext().IsSampled() && !q.c.admit() {
		return
	}
	q.SpanProcessor.OnEnd(s)
}

// spanCounter counts what the span exporter exports.
type spanCounter struct {
	sdktrace.SpanExporter
	c *counter
}

func (e *spanCounter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	err := e.SpanExporter.ExportSpans(ctx, spans)
	e.c.exportDone(len(spans), err)
	return err
}

// metricCounter counts metric exports and their failures.
type metricCounter struct {
	sdkmetric.Exporter
	exports, failures atomic.Uint64
	failing           atomic.Bool
	report            func(error)
}

func (e *metricCounter) Export(ctx context.Context, rm *metricdata.ResourceMetrics) error {
	err := e.Exporter.Export(ctx, rm)
	e.exports.Add(1)
	if err != nil {
		e.failures.Add(1)
		if e.failing.CompareAndSwap(false, true) {
			e.report(fmt.Errorf("codexotel: exporting metrics failed: %w", err))
		}
	} else {
		e.failing.Store(false)
	}
	return err
}
