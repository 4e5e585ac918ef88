package codexslog

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

func wantAllocs(t *testing.T, n float64, f func()) {
	t.Helper()
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under -race")
	}
	if got := testing.AllocsPerRun(100, f); got != n {
		t.Errorf("allocs per run = %v, want %v", got, n)
	}
}

// TestAllocs pins what the adapter allocates on top of the handler: nothing
// for a disabled level; for a written event, the rendered message and, past
// slog.Record's five inline attributes, its attribute slice.
func TestAllocs(t *testing.T) {
	e := telemetry.NewEvent(catalog.ToolStart, time.Date(2025, 12, 2, 10, 52, 12, 0, time.UTC))
	e.AddMeasurements(benchMeasurements...)
	e.AddMetadata(benchMetadata...)
	e.SetIDs(benchIDs)
	ctx := context.Background()
	t.Run("disabled", func(t *testing.T) {
		a := &adapter{h: slog.NewJSONHandler(io.Discard, nil)}
		wantAllocs(t, 0, func() { a.Handle(ctx, e) })
	})
	t.Run("python_text", func(t *testing.T) {
		f, err := pylog.NewFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
		if err != nil {
			t.Fatal(err)
		}
		a := &adapter{h: NewPythonHandler(io.Discard, f, &slog.HandlerOptions{Level: slog.LevelDebug})}
		wantAllocs(t, 2, func() { a.Handle(ctx, e) })
	})
	t.Run("short event", func(t *testing.T) {
		f, err := pylog.NewJSONFormatter("%(levelname)s %(name)s %(message)s")
		if err != nil {
			t.Fatal(err)
		}
		a := &adapter{h: NewPythonHandler(io.Discard, f, nil)}
		short := telemetry.NewEvent(catalog.TurnCompactionStarted, e.Time)
		wantAllocs(t, 0, func() { a.Handle(ctx, short) })
	})
}
