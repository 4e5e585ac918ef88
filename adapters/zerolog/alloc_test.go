package codexzerolog_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
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
	// The message is rendered into the pooled buffer zerolog copies it from.
	emitDenied := func() {
		bus.Emit(ctx, catalog.ApprovalDenied, []telemetry.Measurement{telemetry.Float("duration_ms", 15)},
			slog.String("approval_kind", "command"), slog.String("call_id", "c1"), slog.String("decision", "denied"))
	}
	wantAllocs(t, "an event whose message names fields", 0, emitDenied)
	// More metadata than a fresh state has room for: the state's copy
	// grows once and is pooled with it.
	many := manyAttrs(20)
	wantAllocs(t, "an event with more metadata than the handler's room", 0, func() {
		bus.Emit(ctx, catalog.ApprovalDenied, nil, many...)
	})
	// A hook of the application's may keep the message: it gets a copy.
	hooked := newBus(t)
	attach(t, hooked, zerolog.New(io.Discard).Level(zerolog.InfoLevel).Hook(zerolog.HookFunc(func(*zerolog.Event, zerolog.Level, string) {})))
	wantAllocs(t, "an event whose message names fields, to a logger with a hook", 1, func() {
		hooked.Emit(ctx, catalog.ApprovalDenied, []telemetry.Measurement{telemetry.Float("duration_ms", 15)},
			slog.String("approval_kind", "command"), slog.String("call_id", "c1"), slog.String("decision", "denied"))
	})
}

// TestHookKeepsMessage: a hook that keeps the messages it is given keeps
// each event's own, not the pooled buffer the next event is rendered into.
func TestHookKeepsMessage(t *testing.T) {
	var kept []string
	keep := zerolog.HookFunc(func(_ *zerolog.Event, _ zerolog.Level, msg string) { kept = append(kept, msg) })
	bus := newBus(t)
	attach(t, bus, zerolog.New(io.Discard).Hook(keep))
	ids := []string{"call_1", "call_22", "call_333"}
	for _, id := range ids {
		bus.Emit(context.Background(), catalog.ApprovalDenied, nil,
			slog.String("approval_kind", "command"), slog.String("call_id", id), slog.String("decision", "denied"))
	}
	if len(kept) != len(ids) {
		t.Fatalf("hook saw %d messages, want %d", len(kept), len(ids))
	}
	for i, id := range ids {
		if want := "Approval denied for command " + id + ": denied"; kept[i] != want {
			t.Errorf("kept message %d reads %q, want %q", i, kept[i], want)
		}
	}
}

// manyAttrs returns the fields of codex.approval.denied followed by n-3
// string attributes of other names.
func manyAttrs(n int) []slog.Attr {
	attrs := []slog.Attr{slog.String("approval_kind", "command"), slog.String("call_id", "c1"), slog.String("decision", "denied")}
	for i := len(attrs); i < n; i++ {
		attrs = append(attrs, slog.String("extra_"+strconv.Itoa(i), "v"))
	}
	return attrs
}
