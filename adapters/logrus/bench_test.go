package codexlogrus_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	codexlogrus "github.com/codextel/codextel/adapters/logrus"
	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/telemetry"
)

// The line both sides of BenchmarkAdapter write: codex.approval.approved at
// INFO by the logger codex.approval, its message and five fields.
const benchMessage = "Approval granted for command call_8f14e45f: approved"

// benchLogger is the app's logger: logrus' JSONFormatter to w, at INFO.
func benchLogger(w io.Writer) *logrus.Logger {
	return &logrus.Logger{Out: w, Formatter: new(logrus.JSONFormatter), Hooks: make(logrus.LevelHooks), Level: logrus.InfoLevel}
}

// The values of the line's fields. They are variables, as the values of a
// real call are: logrus.Fields holds them as interface values, and Go boxes a
// constant for free but a variable's string, duration or float with an
// allocation each. (With constants, the native call allocates 5 times less.)
var (
	approvalKind = "command"
	callID       = "call_8f14e45f"
	decision     = "approved"
	duration     = 1500 * time.Millisecond
	durationMS   = 1500.0
)

// logNative is the hand-written logrus call.
func logNative(l *logrus.Logger) {
	l.WithFields(logrus.Fields{
		codexlogrus.LoggerKey: "codex.approval",
		"approval_kind":       approvalKind,
		"call_id":             callID,
		"decision":            decision,
		"duration":            duration,
		"duration_ms":         durationMS,
	}).Info(benchMessage)
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

var sinkLogger *logrus.Logger

func BenchmarkAdapter(b *testing.B) {
	ctx := context.Background()
	b.Run("native", func(b *testing.B) {
		l := benchLogger(io.Discard)
		b.ReportAllocs()
		for b.Loop() {
			logNative(l)
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
			detach, err := codexlogrus.Attach(bus, benchLogger(io.Discard))
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
