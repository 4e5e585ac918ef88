package codexzap_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"testing"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	codexzap "github.com/codextel/codextel/adapters/zap"
)

func wantAllocs(t *testing.T, what string, want int, f func()) {
	t.Helper()
	if got := testing.AllocsPerRun(200, f); int(got) != want {
		t.Errorf("%s: %v allocs per run, want %d", what, got, want)
	}
}

// TestAllocs pins what one event costs in allocations: none to zap's own
// core with its JSON encoder, whose entries' messages borrow the pooled
// buffer, where the hand-written zap call writing the same line makes two
// (zap's variadic fields escape to the heap, and its message is built from
// the values); one, the copy of the message the entry gets, to a logger
// with a hook, which may keep entries; and nothing when the level is
// disabled.
func TestAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	ctx := context.Background()
	nativeLogger := benchLogger(io.Discard).Named("codex.approval")
	native := testing.AllocsPerRun(200, func() { logNative(nativeLogger) })
	wantAllocs(t, "native zap", 2, func() { logNative(nativeLogger) })

	for _, c := range []struct {
		name string
		opts []telemetry.Option
	}{
		{"default bus", nil},
		{"no scrubber", []telemetry.Option{telemetry.WithScrubber(nil)}},
	} {
		bus := newBus(t, c.opts...)
		attach(t, bus, benchLogger(io.Discard))
		got := testing.AllocsPerRun(200, func() { emitEvent(ctx, bus) })
		if got > native {
			t.Errorf("%s: %v allocs per event, more than native zap's %v", c.name, got, native)
		}
		wantAllocs(t, c.name, 0, func() { emitEvent(ctx, bus) })
	}

	t.Run("more metadata than a fresh state has room for", func(t *testing.T) {
		// the state's copy grows once and is pooled with it
		bus := newBus(t)
		attach(t, bus, benchLogger(io.Discard))
		many := manyAttrs(20)
		wantAllocs(t, "20 metadata attributes", 0, func() { bus.Emit(ctx, catalog.ApprovalDenied, nil, many...) })
	})

	t.Run("hooked", func(t *testing.T) {
		bus := newBus(t)
		attach(t, bus, benchLogger(io.Discard, zap.Hooks(func(zapcore.Entry) error { return nil })))
		wantAllocs(t, "a logger with a hook", 1, func() { emitEvent(ctx, bus) })
	})

	t.Run("disabled", func(t *testing.T) {
		bus := newBus(t)
		attach(t, bus, benchLogger(io.Discard)) // at INFO
		wantAllocs(t, "a DEBUG event", 0, func() {
			bus.Emit(ctx, catalog.ToolStart, nil, slog.String("tool", "shell"), slog.String("tool_kind", "command"), slog.String("call_id", "c1"))
		})
	})

	t.Run("python encoder", func(t *testing.T) {
		f, err := pylog.NewJSONFormatter(codexzap.JSONFormat)
		if err != nil {
			t.Fatal(err)
		}
		bus := newBus(t)
		attach(t, bus, codexzap.NewPythonLogger(io.Discard, f, zapcore.InfoLevel))
		wantAllocs(t, "python json", 0, func() { emitEvent(ctx, bus) })
	})
}

// TestHookKeepsMessage: a hook that keeps the entries it is given keeps each
// event's own message, not the pooled buffer the next event is rendered
// into, on a NewPythonLogger logger too (whose bare core lets the message
// borrow that buffer).
func TestHookKeepsMessage(t *testing.T) {
	for _, python := range []bool{false, true} {
		var kept []string
		keep := zap.Hooks(func(e zapcore.Entry) error { kept = append(kept, e.Message); return nil })
		l := benchLogger(io.Discard)
		if python {
			l = codexzap.NewPythonLogger(io.Discard, nil, nil)
		}
		bus := newBus(t)
		attach(t, bus, l.WithOptions(keep).With(zap.String("app", "x")))
		ids := []string{"call_1", "call_22", "call_333"}
		for _, id := range ids {
			bus.Emit(context.Background(), catalog.ApprovalDenied, nil,
				slog.String("approval_kind", "command"), slog.String("call_id", id), slog.String("decision", "denied"))
		}
		if len(kept) != len(ids) {
			t.Fatalf("python %v: hook saw %d entries, want %d", python, len(kept), len(ids))
		}
		for i, id := range ids {
			if want := "Approval denied for command " + id + ": denied"; kept[i] != want {
				t.Errorf("python %v: kept message %d reads %q, want %q", python, i, kept[i], want)
			}
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
