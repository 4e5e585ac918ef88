package eventlog_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/codextel/codextel/core/eventlog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

func TestAttachDefaultLogger(t *testing.T) {
	when := time.Date(2025, 12, 2, 10, 52, 12, 123456000, time.UTC)
	emit := func(bus *telemetry.Bus) {
		for _, e := range []telemetry.Event{
			func() telemetry.Event {
				e := telemetry.NewEvent("codex.error", when)
				e.AddMetadata(slog.String("error_message", "Reconnecting... 1/5"))
				return e
			}(),
			telemetry.NewEvent("codex.turn.compaction.started", when),
			func() telemetry.Event {
				e := telemetry.NewEvent("codex.tool.start", when) // DEBUG: filtered at INFO
				e.AddMetadata(slog.String("tool", "shell"), slog.String("tool_kind", "command_execution"), slog.String("call_id", "item_0"))
				return e
			}(),
			telemetry.NewEvent("myapp.other", when), // not codex.*
		} {
			bus.EmitEvent(context.Background(), e)
		}
	}
	tests := []struct {
		name string
		opts []eventlog.LoggerOption
		all  bool // NewLogger attached for every event, not AttachDefaultLogger
		want string
	}{
		{"basicConfig", nil, false, "WARNING:codex:Reconnecting... 1/5\nINFO:codex.turn:Compacting conversation history\n"},
		{"level and format", []eventlog.LoggerOption{eventlog.WithLevel(pylog.Debug), eventlog.WithFormat("[%(levelname)-8s] %(message)s")}, false,
			"[WARNING ] Reconnecting... 1/5\n[INFO    ] Compacting conversation history\n[DEBUG   ] Invoking tool shell\n"},
		{"json", []eventlog.LoggerOption{eventlog.WithJSON(), eventlog.WithLevel(pylog.Warning)}, false,
			`{"asctime": "` + when.Local().Format("2006-01-02 15:04:05") + `,123", "levelname": "WARNING", "name": "codex", "message": "Reconnecting... 1/5", "error_message": "Reconnecting... 1/5"}` + "\n"},
		{"all events", nil, true,
			"WARNING:codex:Reconnecting... 1/5\nINFO:codex.turn:Compacting conversation history\nINFO:myapp:myapp.other\n"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		bus := telemetry.New()
		opts := append([]eventlog.LoggerOption{eventlog.WithWriter(&out)}, tt.opts...)
		var detach func() error
		var err error
		if tt.all {
			var h telemetry.Handler
			if h, err = eventlog.NewLogger(opts...); err == nil {
				detach, err = bus.Attach("all", h, "*")
			}
		} else {
			detach, err = eventlog.AttachDefaultLogger(bus, opts...)
		}
		if err != nil {
			t.Fatal(err)
		}
		emit(bus)
		if got := out.String(); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
		if err := detach(); err != nil {
			t.Error(err)
		}
	}
}

func TestAttachDefaultLoggerErrors(t *testing.T) {
	bus := telemetry.New()
	if _, err := eventlog.AttachDefaultLogger(bus, eventlog.WithFormat("%(nope)s")); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("bad format: %v", err)
	}
	if _, err := eventlog.AttachDefaultLogger(bus); err != nil {
		t.Fatal(err)
	}
	if _, err := eventlog.AttachDefaultLogger(bus); err == nil {
		t.Error("attaching twice under the same id succeeded")
	}
}

func TestAttachDefaultLoggerConcurrentLines(t *testing.T) {
	var out bytes.Buffer
	bus := telemetry.New()
	if _, err := eventlog.AttachDefaultLogger(bus, eventlog.WithWriter(&out)); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 200 {
				bus.Emit(context.Background(), "codex.error", nil, slog.String("error_message", strings.Repeat("x", 100)))
			}
		})
	}
	wg.Wait()
	want := "WARNING:codex:" + strings.Repeat("x", 100)
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 16*200 {
		t.Fatalf("%d lines, want %d", len(lines), 16*200)
	}
	for _, l := range lines {
		if l != want {
			t.Fatalf("torn line %q", l)
		}
	}
}

func ExampleAttachDefaultLogger() {
	bus := telemetry.New()
	detach, err := eventlog.AttachDefaultLogger(bus, eventlog.WithWriter(os.Stdout))
	if err != nil {
		panic(err)
	}
	defer detach()
	bus.Emit(context.Background(), "codex.item.warning", nil, slog.String("call_id", "item_0"), slog.String("warning", "Model metadata not found"))
	// Output:
	// WARNING:codex.item:Model metadata not found
}
