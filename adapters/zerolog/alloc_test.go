package codexzerolog_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/rs/zerolog"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/telemetry"
)

func wantAllocs(t *testing.T, what string, want int, f func()) {
	t.Helper()
	if got := testing.AllocsPerRun(100, f); int(got) != want {
		t.Errorf("%s: %v allocs per run, want %d", what, got, want)
	}
}

// TestAllocations pins what an event costs in allocations, native mode.
func TestAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	ctx := context.Background()
	bus := newBus(t)
	attach(t, bus, zerolog.New(io.Discard).Level(zerolog.InfoLevel).With().Timestamp().Logger())
	wantAllocs(t, "an event below the logger's level", 0, func() {
		bus.Emit(ctx, catalog.ItemReasoning, []telemetry.Measurement{telemetry.Int("text_bytes", 12)}, slog.String("call_id", "c"))
	})
	wantAllocs(t, "an event with a literal message", 0, func() {
		bus.Emit(ctx, catalog.TurnCompactionStarted, nil)
	})
	// eventlog.Mapper renders a message that names fields into a new string.
	wantAllocs(t, "an event whose message names fields", 1, func() {
		bus.Emit(ctx, catalog.ApprovalDenied, []telemetry.Measurement{telemetry.Float("duration_ms", 15)},
			slog.String("approval_kind", "command"), slog.String("call_id", "c1"), slog.String("decision", "denied"))
	})
}
