package telemetry_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/telemetry"
)

// The values of BenchmarkEmitScanned's event, in variables as a real
// call's are.
var (
	scanKind     = "command"
	scanCallID   = "call_8f14e45f"
	scanDecision = "approved"
)

// BenchmarkEmitScanned: the adapters' benchmark event (codex.approval.approved)
// on a default bus, to a handler that reads it. Two of its values are
// outside what the field plan can skip (an approval_kind that is not one of
// the enum's words, a call_id that is not id-shaped), so the scrubber scans
// them: this measures the plan's scanning path.
func BenchmarkEmitScanned(b *testing.B) {
	ctx := context.Background()
	bus := telemetry.New()
	h := &noop{}
	mustAttach(b, bus, "noop", h, catalog.ApprovalApproved)
	b.ReportAllocs()
	for b.Loop() {
		bus.Emit(ctx, catalog.ApprovalApproved,
			[]telemetry.Measurement{
				telemetry.Duration("duration", 1500*time.Millisecond),
				telemetry.Float("duration_ms", 1500),
			},
			slog.String("approval_kind", scanKind),
			slog.String("call_id", scanCallID),
			slog.String("decision", scanDecision),
		)
	}
	sink += h.n
}
