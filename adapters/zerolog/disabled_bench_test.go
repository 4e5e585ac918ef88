package codexzerolog

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/telemetry"
)

// BenchmarkDisabled compares what an event below the logger's level costs the
// adapter's handler (the bus's own cost, which does not depend on the
// adapter, left out) with zerolog's own call at a disabled level.
func BenchmarkDisabled(b *testing.B) {
	l := zerolog.New(io.Discard).Level(zerolog.InfoLevel)
	b.Run("native", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			l.Debug().Str(LoggerKey, "codex.turn").Int64("turn_index", 3).Msg("Running turn 3")
		}
	})
	b.Run("codextel", func(b *testing.B) {
		h := newHandler(l)
		e := telemetry.NewEvent(catalog.TurnStart, time.Time{})
		e.AddMetadata(slog.Int("turn_index", 3))
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			h.Handle(ctx, e)
		}
	})
}
