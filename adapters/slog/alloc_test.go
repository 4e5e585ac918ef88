package codexslog

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
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
// for a disabled level; for a written event, the record's copy of the
// rendered message (none for a PythonHandler, which reads the pooled one)
// and, past slog.Record's five inline attributes, its attribute slice.
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
		wantAllocs(t, 1, func() { a.Handle(ctx, e) })
	})
	t.Run("json", func(t *testing.T) {
		a := &adapter{h: slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug})}
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

// keeper is a handler that keeps the messages of the records it is given.
type keeper struct{ kept []string }

func (k *keeper) Enabled(context.Context, slog.Level) bool { return true }
func (k *keeper) WithAttrs([]slog.Attr) slog.Handler       { return k }
func (k *keeper) WithGroup(string) slog.Handler            { return k }
func (k *keeper) Handle(_ context.Context, r slog.Record) error {
	k.kept = append(k.kept, r.Message)
	return nil
}

// TestHandlerKeepsMessage: a handler that keeps the records it is given
// keeps each event's own message, not the pooled buffer the next event is
// rendered into; a PythonHandler, which reads the pooled buffer, writes
// each event's own.
func TestHandlerKeepsMessage(t *testing.T) {
	ids := []string{"call_1", "call_22", "call_333"}
	emit := func(h slog.Handler) {
		bus := telemetry.New()
		defer bus.Close()
		if _, err := Attach(bus, h); err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			bus.Emit(context.Background(), catalog.ApprovalDenied, nil,
				slog.String("approval_kind", "command"), slog.String("call_id", id), slog.String("decision", "denied"))
		}
	}
	k := &keeper{}
	emit(k)
	var lines bytes.Buffer
	f, err := pylog.NewFormatter("%(levelname)s:%(name)s:%(message)s")
	if err != nil {
		t.Fatal(err)
	}
	emit(NewPythonHandler(&lines, f, nil))
	if len(k.kept) != len(ids) {
		t.Fatalf("handler kept %d messages, want %d", len(k.kept), len(ids))
	}
	var want []string
	for i, id := range ids {
		msg := "Approval denied for command " + id + ": denied"
		if k.kept[i] != msg {
			t.Errorf("kept message %d reads %q, want %q", i, k.kept[i], msg)
		}
		want = append(want, "WARNING:codex.approval:"+msg)
	}
	if got := strings.Split(strings.TrimSuffix(lines.String(), "\n"), "\n"); !slices.Equal(got, want) {
		t.Errorf("PythonHandler wrote %q, want %q", got, want)
	}
}
