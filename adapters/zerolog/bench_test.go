package codexzerolog_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/rs/zerolog"

	codexzerolog "github.com/codextel/codextel/adapters/zerolog"
	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/telemetry"
)

// The line both sides of BenchmarkAdapter write: codex.approval.approved at
// INFO by the logger codex.approval, its message and five fields.
const benchMessage = "Approval granted for command call_8f14e45f: approved"

// benchLogger is the app's logger: zerolog's JSON to w, stamped with the time
// by zerolog's Timestamp hook, as most zerolog apps are.
func benchLogger(w io.Writer) zerolog.Logger {
	return zerolog.New(w).With().Timestamp().Logger()
}

// logNative is the hand-written zerolog call.
func logNative(l *zerolog.Logger) {
	l.Info().
		Str(codexzerolog.LoggerKey, "codex.approval").
		Str("approval_kind", "command").
		Str("call_id", "call_8f14e45f").
		Str("decision", "approved").
		Dur("duration", 1500*time.Millisecond).
		Float64("duration_ms", 1500).
		Msg(benchMessage)
}

// emitEvent emits the event that becomes the same line.
func emitEvent(ctx context.Context, bus *telemetry.Bus) {
	bus.Emit(ctx, catalog.ApprovalApproved,
		[]telemetry.Measurement{
			telemetry.Duration("duration", 1500*time.Millisecond),
			telemetry.Float("duration_ms", 1500),
		},
		slog.String("approval_kind", "command"),
		slog.String("call_id", "call_8f14e45f"),
		slog.String("decision", "approved"),
	)
}

var sinkLogger zerolog.Logger

func BenchmarkAdapter(b *testing.B) {
	ctx := context.Background()
	b.Run("native", func(b *testing.B) {
		l := benchLogger(io.Discard)
		b.ReportAllocs()
		for b.Loop() {
			logNative(&l)
		}
		sinkLogger = l
	})
	for _, bc := range []struct {
		name string
		opts []telemetry.Option
	}{
		{"codextel", nil},
		{"codextel_noscrub", []telemetry.Option{telemetry.WithScrubber(nil)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			bus := telemetry.New(bc.opts...)
			defer bus.Close()
			detach, err := codexzerolog.Attach(bus, benchLogger(io.Discard))
			if err != nil {
				b.Fatal(err)
			}
			defer detach()
			b.ReportAllocs()
			for b.Loop() {
				emitEvent(ctx, bus)
			}
		})
	}
}
