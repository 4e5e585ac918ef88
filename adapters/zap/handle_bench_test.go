package codexzap

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/telemetry"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// BenchmarkHandleDisabled is the adapter's own share of a disabled event:
// Handle given a DEBUG event by a logger at INFO, without the bus, against
// zap's Check of the same level.
func BenchmarkHandleDisabled(b *testing.B) {
	enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
	logger := zap.New(zapcore.NewCore(enc, zapcore.AddSync(io.Discard), zapcore.InfoLevel))
	e := telemetry.NewEvent(catalog.ToolSuccess, time.Now())
	e.AddMeasurements(telemetry.Duration("duration", time.Second), telemetry.Float("duration_ms", 1000))
	e.AddMetadata(slog.String("tool", "shell"), slog.String("tool_kind", "command"), slog.String("call_id", "c1"))
	ctx := context.Background()
	b.Run("zap_check", func(b *testing.B) {
		l := logger.Named("codex.tool")
		b.ReportAllocs()
		for b.Loop() {
			if l.Check(zapcore.DebugLevel, "Tool shell completed.") != nil {
				b.Fatal("enabled")
			}
		}
	})
	b.Run("handle", func(b *testing.B) {
		h := newHandler(logger, newConfig(nil))
		b.ReportAllocs()
		for b.Loop() {
			h.Handle(ctx, e)
		}
	})
}
