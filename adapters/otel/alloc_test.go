//go:build !race

package codexotel

import (
	"context"
	"testing"
	"time"

	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

// wantAllocs fails unless f allocates at most n times per run.
func wantAllocs(t *testing.T, name string, n float64, f func()) {
	t.Helper()
	if got := testing.AllocsPerRun(100, f); got > n {
		t.Errorf("%s: %v allocations, want at most %v", name, got, n)
	}
}

// TestAllocations pins the adapter's allocations: writing a log record costs
// what the SDK's emission of the same record costs and nothing more, and an
// event the handler has nothing to do with costs nothing.
func TestAllocations(t *testing.T) {
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(discardLogs{})))
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	stop := benchStop(at)
	ctx := context.Background()

	logger, sctx := lp.Logger("codex.tool"), benchSpanContext()
	tool := "shell"
	sdk := testing.AllocsPerRun(100, func() { emitDirect(logger, sctx, at, tool) })
	h, err := NewHandler(WithLoggerProvider(lp), WithMetrics())
	if err != nil {
		t.Fatal(err)
	}
	wantAllocs(t, "log record", sdk, func() { h.Handle(ctx, stop) })

	none, err := NewHandler()
	if err != nil {
		t.Fatal(err)
	}
	wantAllocs(t, "nothing to do", 0, func() { none.Handle(ctx, stop) })

	metricsOnly, err := NewHandler(WithMeterProvider(sdkmetric.NewMeterProvider()))
	if err != nil {
		t.Fatal(err)
	}
	start := benchStart(at) // no default metric is defined over codex.tool.start
	wantAllocs(t, "no metric over the event", 0, func() { metricsOnly.Handle(ctx, start) })
}
