package codexlogrus_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/telemetry"
)

// TestAllocations pins what an event costs in allocations: nothing below the
// logger's level, and no more than the hand-written logrus call of
// BenchmarkAdapter when written.
func TestAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	ctx := context.Background()
	bus := newBus(t)
	attach(t, bus, benchLogger(io.Discard))
	if got := testing.AllocsPerRun(100, func() {
		bus.Emit(ctx, catalog.ItemReasoning, []telemetry.Measurement{telemetry.Int("text_bytes", 12)}, slog.String("call_id", "c"))
	}); got != 0 {
		t.Errorf("an event below the logger's level: %v allocs", got)
	}
	l := benchLogger(io.Discard)
	native := testing.AllocsPerRun(100, func() { logNative(l) })
	adapter := testing.AllocsPerRun(100, func() { emitEvent(ctx, bus) })
	t.Logf("an event: %v allocs, the hand-written call %v", adapter, native)
	if adapter > native {
		t.Errorf("an event: %v allocs, the hand-written call %v", adapter, native)
	}
}
