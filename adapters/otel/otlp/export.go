package codexotlp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

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
	// SDKErrors counts the errors and warnings the OpenTelemetry SDK
	// reported through its global error handler and logger while the
	// pipeline ran, other than the export failures counted above.
	SDKErrors uint64
}

// ErrLost is what the error [Pipeline.Shutdown] returns when log records,
// spans or the last metrics were not exported matches with [errors.Is].
var ErrLost = errors.New("telemetry lost")

// lossError says what a pipeline did not export, and why.
type lossError struct {
	msg   string
	cause error
}

func (e *lossError) Error() string {
	if e.cause == nil {
		return e.msg
	}
	return e.msg + ": " + e.cause.Error()
}

func (e *lossError) Unwrap() error        { return e.cause }
func (e *lossError) Is(target error) bool { return target == ErrLost }

// countedError marks an export error a counter has counted and reported
// already: the SDK hands it to the global error handler too, which drops it
// (see sdkRouter) rather than print the loss twice.
type countedError struct{ err error }

func (e *countedError) Error() string { return e.err.Error() }
func (e *countedError) Unwrap() error { return e.err }

// counted reports whether err holds an error a counter counted.
func counted(err error) bool {
	var c *countedError
	return errors.As(err, &c)
}

// counter counts one signal's records through a bounded queue. slots holds
// one token per record taken in and not yet through the exporter's Export
// call: it bounds the SDK's own queue, of the same size, which then never
// overflows and drops records without saying.
//
// Without back-pressure a record that finds no slot is dropped at once.
// With it (wait > 0) the emitting goroutine waits for a slot, at most wait
// (the export timeout, the longest an export that frees slots can take);
// then, and while exports fail, records are dropped as without it, until an
// export succeeds again: a receiver that is down costs one wait, not one per
// record.
type counter struct {
	what   string // "log records", "spans"
	slots  chan struct{}
	wait   time.Duration
	done   chan struct{} // closed at shutdown: waits end
	report func(error)

	emitted  atomic.Uint64
	exported atomic.Uint64
	failed   atomic.Uint64
	refused  atomic.Uint64 // dropped at the queue
	left     atomic.Uint64 // still queued at shutdown
	failing  atomic.Bool   // the last export failed
	dropping atomic.Bool   // records were dropped since the last successful export
	stalled  atomic.Bool   // a wait for a slot timed out since the last successful export
	hung     hangs
	closed   atomic.Bool

	mu      sync.Mutex
	lastErr error // the last failed export's error
}

func newCounter(what string, size int, wait, timeout time.Duration, report func(error)) *counter {
	return &counter{what: what, slots: make(chan struct{}, size), wait: wait, done: make(chan struct{}), report: report,
		hung: hangs{timeout: timeout}}
}

// hangs tells a receiver that does not answer from one that is down: it
// notes an export that failed only when its timeout was (nearly) up, until
// an export succeeds. Shutdown does not wait for such a receiver again.
type hangs struct {
	timeout time.Duration
	on      atomic.Bool
}

// done notes an export that started at start and returned err.
func (h *hangs) done(start time.Time, err error) {
	switch {
	case err == nil:
		h.on.Store(false)
	case time.Since(start) >= h.timeout-h.timeout/10:
		h.on.Store(true)
	}
}

// admit takes one record into the queue, or counts it dropped.
func (c *counter) admit() bool {
	select {
	case c.slots <- struct{}{}:
		c.emitted.Add(1)
		return true
	default:
	}
	if c.wait > 0 && !c.failing.Load() && !c.stalled.Load() && !c.closed.Load() {
		t := time.NewTimer(c.wait)
		select {
		case c.slots <- struct{}{}:
			t.Stop()
			c.emitted.Add(1)
			return true
		case <-c.done:
			t.Stop()
		case <-t.C:
			if c.stalled.CompareAndSwap(false, true) {
				c.dropping.Store(true)
				c.report(fmt.Errorf("codexotlp: export queue full (%d %s) for %s: dropping %s until an export succeeds",
					cap(c.slots), c.what, c.wait, c.what))
			}
		}
	}
	c.refused.Add(1)
	if c.dropping.CompareAndSwap(false, true) {
		c.report(fmt.Errorf("codexotlp: export queue full (%d %s): dropping %s until export catches up", cap(c.slots), c.what, c.what))
	}
	return false
}

// exportDone accounts for an Export call of n records that returned err,
// and returns err marked as counted.
func (c *counter) exportDone(n int, err error) error {
	for range n {
		select {
		case <-c.slots:
		default:
		}
	}
	if c.closed.Load() {
		// Shutdown gave up on these and counted them dropped already.
		if err != nil {
			return &countedError{err}
		}
		return nil
	}
	if err != nil {
		c.failed.Add(uint64(n))
		c.mu.Lock()
		c.lastErr = err
		c.mu.Unlock()
		if c.failing.CompareAndSwap(false, true) {
			c.report(fmt.Errorf("codexotlp: exporting %d %s failed: %w", n, c.what, err))
		}
		return &countedError{err}
	}
	c.exported.Add(uint64(n))
	c.failing.Store(false)
	c.stalled.Store(false)
	c.dropping.Store(false)
	return nil
}

func (c *counter) stats() SignalStats {
	return SignalStats{Emitted: c.emitted.Load(), Exported: c.exported.Load(), Failed: c.failed.Load(),
		Dropped: c.refused.Load() + c.left.Load()}
}

// lost says what was not exported, "" when nothing was lost.
func (c *counter) lost() string {
	s := c.stats()
	if s.Failed == 0 && s.Dropped == 0 {
		return ""
	}
	return fmt.Sprintf("%d of %d %s lost (%d failed, %d dropped)",
		s.Failed+s.Dropped, s.Emitted+c.refused.Load(), c.what, s.Failed, s.Dropped)
}

// cause is the last failed export's error, or nil.
func (c *counter) cause() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastErr
}

// shutdownDone counts what the SDK still held when it shut down as dropped,
// and ends the waits for a slot.
func (c *counter) shutdownDone() {
	if c.closed.Swap(true) {
		return
	}
	close(c.done)
	c.left.Add(uint64(len(c.slots)))
}

// lossReport is the error of what a pipeline's counters and its last metric
// export say was lost, or nil; more are errors shutdown met besides.
func lossReport(counters []*counter, metrics error, more []error) error {
	var parts []string
	var causes []error
	for _, c := range counters {
		if c == nil {
			continue
		}
		if s := c.lost(); s != "" {
			parts = append(parts, s)
			if err := c.cause(); err != nil {
				causes = append(causes, err)
			}
		}
	}
	if metrics != nil {
		parts = append(parts, "the last metrics lost")
		causes = append(causes, metrics)
	}
	causes = append(causes, more...)
	if len(parts) == 0 {
		return errors.Join(more...)
	}
	return &lossError{msg: "codexotlp: otel export: " + strings.Join(parts, ", "), cause: joinDistinct(causes)}
}

// joinDistinct joins errs, leaving out nils and errors whose text an
// earlier one has.
func joinDistinct(errs []error) error {
	var out []error
	seen := map[string]bool{}
	for _, err := range errs {
		if err == nil || seen[err.Error()] {
			continue
		}
		seen[err.Error()] = true
		out = append(out, err)
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return causes(out)
}

// causes are several errors on one line, for a report that is one line.
type causes []error

func (c causes) Error() string {
	texts := make([]string, len(c))
	for i, err := range c {
		texts[i] = err.Error()
	}
	return strings.Join(texts, "; ")
}

func (c causes) Unwrap() []error { return c }

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
	start := time.Now()
	err := e.Exporter.Export(ctx, rs)
	e.c.hung.done(start, err)
	return e.c.exportDone(len(rs), err)
}

// spanQueue admits sampled spans into the SDK's batch processor only while
// the queue has room.
type spanQueue struct {
	sdktrace.SpanProcessor
	c *counter
}

func (q *spanQueue) OnEnd(s sdktrace.ReadOnlySpan) { q.queue(s) }

// queue hands s to the batch processor if it is sampled and there is room,
// and reports whether it did.
func (q *spanQueue) queue(s sdktrace.ReadOnlySpan) bool {
	if !s.SpanContext().IsSampled() || !q.c.admit() {
		return false
	}
	q.SpanProcessor.OnEnd(s)
	return true
}

// spanCounter counts what the span exporter exports.
type spanCounter struct {
	sdktrace.SpanExporter
	c *counter
}

func (e *spanCounter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	start := time.Now()
	err := e.SpanExporter.ExportSpans(ctx, spans)
	e.c.hung.done(start, err)
	return e.c.exportDone(len(spans), err)
}

// metricCounter counts metric exports and their failures.
type metricCounter struct {
	sdkmetric.Exporter
	exports, failures atomic.Uint64
	failing           atomic.Bool
	report            func(error)
	hung              hangs
}

func (e *metricCounter) Export(ctx context.Context, rm *metricdata.ResourceMetrics) error {
	start := time.Now()
	err := e.Exporter.Export(ctx, rm)
	e.hung.done(start, err)
	e.exports.Add(1)
	if err == nil {
		e.failing.Store(false)
		return nil
	}
	e.failures.Add(1)
	if e.failing.CompareAndSwap(false, true) {
		e.report(fmt.Errorf("codexotlp: exporting metrics failed: %w", err))
	}
	return &countedError{err}
}
