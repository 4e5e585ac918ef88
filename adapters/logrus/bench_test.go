package codexlogrus_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	codexlogrus "github.com/codextel/codextel/adapters/logrus"
	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/telemetry"
	"github.com/codextel/codextel/core/telemetrytest"
)

// benchLogger is the app's logger: logrus' JSONFormatter to w, at INFO.
func benchLogger(w io.Writer) *logrus.Logger {
	return &logrus.Logger{Out: w, Formatter: new(logrus.JSONFormatter), Hooks: make(logrus.LevelHooks), Level: logrus.InfoLevel}
}

// The values of the line, codex.approval.approved at INFO by the logger
// codex.approval, its message and five fields. They are variables, as the
// values of a real call are: logrus.Fields holds them as interface values,
// and Go boxes a constant for free but a variable's string, duration or
// float with an allocation each. (With constants, the native call
// allocates 5 times less.) The native call builds its message from them, as
// an app would, where a constant message would be free.
var (
	approvalKind = "command"
	callID       = "call_8f14e45f"
	decision     = "approved"
	duration     = 1500 * time.Millisecond
	durationMS   = 1500.0
	tool         = "shell"
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
	}).Info("Approval granted for " + approvalKind + " " + callID + ": " + decision)
}

// emitEvent emits the event that becomes the same line.
func emitEvent(ctx context.Context, bus *telemetry.Bus) {
	bus.Emit(ctx, catalog.ApprovalApproved,
		[]telemetry.Measurement{
			telemetry.Duration("duration", duration),
			telemetry.Float("duration_ms", durationMS),
		},
		slog.String("approval_kind", approvalKind),
		slog.String("call_id", callID),
		slog.String("decision", decision),
	)
}

// emitDebug emits codex.tool.success, a DEBUG event.
func emitDebug(ctx context.Context, bus *telemetry.Bus) {
	bus.Emit(ctx, catalog.ToolSuccess,
		[]telemetry.Measurement{
			telemetry.Duration("duration", duration),
			telemetry.Float("duration_ms", durationMS),
		},
		slog.String("tool", tool),
		slog.String("tool_kind", "command"),
		slog.String("call_id", callID),
	)
}

var sinkLogger *logrus.Logger

// BenchmarkAdapter compares the adapter with the same line logged directly
// with logrus, each case its own sub-benchmark (compare them with benchstat
// over -count runs; docs/performance.md has the commands):
//
//   - native: the hand-written logrus call, its message built from the
//     values;
//   - codextel: the event emitted on a default bus (redaction and scrubbing
//     included), written through the adapter into the same logger;
//     codextel_noscrub: the same on a bus without the scrubber;
//   - disabled_native: logrus' level check (IsLevelEnabled) for DEBUG on a
//     logger at INFO, as an app guards a call whose fields cost something;
//     disabled_codextel: a DEBUG event (codex.tool.success) on a default bus
//     with the adapter attached to that logger; disabled_codextel_guarded:
//     the same behind the bus's own guard, Bus.Enabled, so that the
//     event's fields are not built (the native side builds none either).
func BenchmarkAdapter(b *testing.B) {
	ctx := context.Background()
	b.Run("native", func(b *testing.B) {
		l := benchLogger(io.Discard)
		telemetrytest.LoopCPU(b, func() {
			logNative(l)
		})
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
			telemetrytest.LoopCPU(b, func() {
				emitEvent(ctx, bus)
			})
		})
	}
	b.Run("disabled_native", func(b *testing.B) {
		l := benchLogger(io.Discard)
		telemetrytest.LoopCPU(b, func() {
			if l.IsLevelEnabled(logrus.DebugLevel) {
				b.Fatal("enabled")
			}
		})
		sinkLogger = l
	})
	b.Run("disabled_codextel", func(b *testing.B) {
		bus := telemetry.New()
		defer bus.Close()
		detach, err := codexlogrus.Attach(bus, benchLogger(io.Discard))
		if err != nil {
			b.Fatal(err)
		}
		defer detach()
		telemetrytest.LoopCPU(b, func() {
			emitDebug(ctx, bus)
		})
	})
	b.Run("disabled_codextel_guarded", func(b *testing.B) {
		// The same guard as disabled_native's: the bus asks the adapter
		// whether the event would be written, and the caller builds
		// nothing when it would not.
		bus := telemetry.New()
		defer bus.Close()
		detach, err := codexlogrus.Attach(bus, benchLogger(io.Discard))
		if err != nil {
			b.Fatal(err)
		}
		defer detach()
		telemetrytest.LoopCPU(b, func() {
			if bus.Enabled(catalog.ToolSuccess) {
				emitDebug(ctx, bus)
			}
		})
	})
}

// TestBenchmarkLines: both sides of BenchmarkAdapter write the same line,
// but for the time.
func TestBenchmarkLines(t *testing.T) {
	var native, adapter bytes.Buffer
	logNative(benchLogger(&native))
	bus := telemetry.New()
	defer bus.Close()
	detach, err := codexlogrus.Attach(bus, benchLogger(&adapter))
	if err != nil {
		t.Fatal(err)
	}
	defer detach()
	emitEvent(context.Background(), bus)
	untimed := func(line []byte) map[string]any {
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		delete(m, logrus.FieldKeyTime)
		return m
	}
	if got, want := untimed(adapter.Bytes()), untimed(native.Bytes()); !reflect.DeepEqual(got, want) {
		t.Errorf("native:\n%s\ncodextel:\n%s", native.String(), adapter.String())
	}
}
