package eventlog_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/eventlog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

func TestMap(t *testing.T) {
	when := time.Date(2025, 12, 2, 10, 52, 12, 123456000, time.UTC)
	toolSuccess := func(withResult bool) telemetry.Event {
		e := telemetry.NewEvent("codex.tool.success", when)
		e.AddMeasurements(telemetry.Duration("duration", 1500*time.Microsecond), telemetry.Float("duration_ms", 1.5))
		e.AddMetadata(slog.String("tool", "shell"), slog.String("tool_kind", "command_execution"), slog.String("call_id", "item_0"))
		if withResult {
			e.AddMetadata(slog.String("input", "ls"), slog.String("result", "a.txt\n"))
		}
		e.SetIDs(correlation.IDs{Correlation: "c1", Thread: "th", Span: "s1"})
		return e
	}
	tests := []struct {
		name    string
		e       telemetry.Event
		level   pylog.Level
		logger  string
		message string
		keys    []string
	}{
		{"redacted", toolSuccess(false), pylog.Debug, "codex.tool", "Tool shell completed.",
			[]string{"tool", "tool_kind", "call_id", "duration", "duration_ms", "correlation_id", "thread_id", "span_id"}},
		{"with tool data", toolSuccess(true), pylog.Debug, "codex.tool", "Tool shell returned a.txt\n",
			[]string{"tool", "tool_kind", "call_id", "input", "result", "duration", "duration_ms", "correlation_id", "thread_id", "span_id"}},
		{"python str of values", func() telemetry.Event {
			e := telemetry.NewEvent("codex.telemetry.dropped", when)
			e.AddMeasurements(telemetry.Int("dropped", 12), telemetry.Int("interval_ms", 1000))
			e.AddMetadata(slog.String("event", "codex.item.agent_message.delta"))
			return e
		}(), pylog.Warning, "codex.telemetry", "Dropped 12 codex.item.agent_message.delta events in 1000 ms",
			[]string{"event", "dropped", "interval_ms"}},
		{"missing correlation field renders None", telemetry.NewEvent("codex.thread.stop", when), pylog.Info, "codex.thread", "Thread None completed", nil},
		{"not in the catalog", telemetry.NewEvent("myapp.cache.miss", when), pylog.Info, "myapp.cache", "myapp.cache.miss", nil},
	}
	m := &eventlog.Mapper{}
	for _, tt := range tests {
		var r pylog.Record
		m.Map(&r, &tt.e)
		if r.Level != tt.level || r.Logger != tt.logger || r.Message != tt.message {
			t.Errorf("%s: %v %q %q, want %v %q %q", tt.name, r.Level, r.Logger, r.Message, tt.level, tt.logger, tt.message)
		}
		if !r.Time.Equal(when) {
			t.Errorf("%s: time %v, want %v", tt.name, r.Time, when)
		}
		var keys []string
		for _, a := range r.Attrs {
			keys = append(keys, a.Key)
		}
		if len(keys) != len(tt.keys) {
			t.Errorf("%s: attrs %v, want %v", tt.name, keys, tt.keys)
			continue
		}
		for i := range keys {
			if keys[i] != tt.keys[i] {
				t.Errorf("%s: attrs %v, want %v", tt.name, keys, tt.keys)
				break
			}
		}
	}
}

// TestMapTakesTheBusClock: an emitted event's record has the time of the
// bus's clock, read once for all handlers.
func TestMapTakesTheBusClock(t *testing.T) {
	when := time.Date(2025, 12, 2, 10, 52, 12, 123456000, time.UTC)
	reads := 0
	bus := telemetry.New(telemetry.WithClock(func() time.Time { reads++; return when }))
	var times []time.Time
	for _, id := range []string{"a", "b"} {
		if _, err := bus.Attach(id, telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
			var r pylog.Record
			(&eventlog.Mapper{}).Map(&r, &e)
			times = append(times, r.Time)
		}), "codex.*"); err != nil {
			t.Fatal(err)
		}
	}
	reads = 0
	bus.Emit(context.Background(), "codex.turn.compaction.started", nil)
	if reads != 1 || len(times) != 2 || !times[0].Equal(when) || !times[1].Equal(when) {
		t.Errorf("times %v after %d clock reads, want %v twice after one", times, reads, when)
	}
}
