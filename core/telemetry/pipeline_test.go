package telemetry_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/internal/redact"
	"github.com/codextel/codextel/core/telemetry"
	"github.com/codextel/codextel/core/telemetrytest"
	"github.com/codextel/codextel/core/throttle"
)

func keysOf(e telemetry.Event) []string {
	var out []string
	for a := range e.Metadata {
		out = append(out, a.Key)
	}
	return out
}

func TestRedaction(t *testing.T) {
	emit := func(bus *telemetry.Bus) {
		// Through Emit and through a span (EmitEvent's path).
		bus.Emit(context.Background(), catalog.ItemAgentMessage,
			[]telemetry.Measurement{telemetry.Int("text_bytes", 5)},
			slog.String("call_id", "item_1"), slog.String("text", "hello"))
		_, sp := bus.StartSpan(context.Background(), "codex.tool",
			slog.String("tool", "shell"), slog.String("tool_kind", "command_execution"),
			slog.String("call_id", "item_0"), slog.String("input", "ls"))
		sp.EndAs("success", slog.Int("exit_code", 0), slog.String("result", "a.txt"))
	}
	tests := []struct {
		policy redact.Policy
		want   [][]string
	}{
		{redact.Policy{}, [][]string{
			{"call_id"},
			{"tool", "tool_kind", "call_id"},
			{"tool", "tool_kind", "call_id", "exit_code"},
		}},
		{redact.Policy{ModelData: true}, [][]string{
			{"call_id", "text"},
			{"tool", "tool_kind", "call_id"},
			{"tool", "tool_kind", "call_id", "exit_code"},
		}},
		{redact.Policy{ToolData: true}, [][]string{
			{"call_id"},
			{"tool", "tool_kind", "call_id", "input"},
			{"tool", "tool_kind", "call_id", "input", "exit_code", "result"},
		}},
	}
	for _, tt := range tests {
		bus := telemetry.New(telemetry.WithModelData(tt.policy.ModelData), telemetry.WithToolData(tt.policy.ToolData))
		rec := telemetrytest.Record(t, bus)
		emit(bus)
		var got [][]string
		for _, e := range rec.Events() {
			got = append(got, keysOf(e))
		}
		if !slices.EqualFunc(got, tt.want, slices.Equal) {
			t.Errorf("policy %+v: metadata keys %v, want %v", tt.policy, got, tt.want)
		}
		rec.WantCatalog()
	}
}

func TestScrubbingBeforeHandlers(t *testing.T) {
	const secret = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd"
	for _, on := range []bool{true, false} {
		var opts []telemetry.Option
		if !on {
			opts = append(opts, telemetry.WithScrubber(nil))
		}
		bus := telemetry.New(opts...)
		rec := telemetrytest.Record(t, bus)
		bus.Emit(context.Background(), "codex.error", nil,
			slog.String("error_message", "request failed with key "+secret))
		_ = bus.Span(context.Background(), "myapp.call", []slog.Attr{slog.String("authorization", "Bearer abc.def")},
			func(context.Context) error { return nil })
		var all strings.Builder
		for _, e := range rec.Events() {
			all.WriteString(e.String())
		}
		leaked := strings.Contains(all.String(), secret) || strings.Contains(all.String(), "abc.def")
		if on && leaked {
			t.Errorf("secret reached a handler: %s", all.String())
		}
		if !on && !leaked {
			t.Errorf("WithScrubber(nil) still scrubbed: %s", all.String())
		}
	}
}

func TestScrubString(t *testing.T) {
	const secret = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd"
	var nilBus *telemetry.Bus
	tests := []struct {
		name string
		bus  *telemetry.Bus
		in   string
		want string
	}{
		{"default scrubber", telemetry.New(), "key " + secret + " end", "key [REDACTED] end"},
		{"nothing to scrub", telemetry.New(), "plain text", "plain text"},
		{"no scrubber", telemetry.New(telemetry.WithScrubber(nil)), "key " + secret, "key " + secret},
		{"nil bus", nilBus, "key " + secret, "key " + secret},
	}
	for _, tt := range tests {
		if got := tt.bus.ScrubString(tt.in); got != tt.want {
			t.Errorf("%s: ScrubString(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

// TestThrottleExactAccounting floods a high-volume event from several
// goroutines: every event offered is either delivered or counted in a
// codex.telemetry.dropped summary, exactly; lifecycle events are never
// dropped.
func TestThrottleExactAccounting(t *testing.T) {
	bus := telemetry.New(telemetry.WithThrottle(throttle.New(throttle.WithSampler(10, 100, time.Hour))))
	defer bus.Close()
	var delivered, lifecycle atomic.Int64
	var mu sync.Mutex
	dropped := map[string]int64{}
	if _, err := bus.Attach("count", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
		switch e.Name {
		case catalog.ItemAgentMessageDelta:
			delivered.Add(1)
		case catalog.TurnCompleted:
			lifecycle.Add(1)
		case catalog.TelemetryDropped:
			n, _ := e.Measurement("dropped")
			key, _ := e.Lookup("key")
			mu.Lock()
			dropped[key.String()] += n.Int64()
			mu.Unlock()
		}
	}), "*"); err != nil {
		t.Fatal(err)
	}
	const goroutines, perG = 8, 5000
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			thread := []string{"th-a", "th-b"}[g%2]
			ctx := correlation.WithThread(context.Background(), thread)
			for range perG {
				bus.Emit(ctx, catalog.ItemAgentMessageDelta, []telemetry.Measurement{telemetry.Int("delta_bytes", 1)},
					slog.String("call_id", "item_0"), slog.String("delta", "x"))
				bus.Emit(ctx, catalog.TurnCompleted, nil)
			}
		})
	}
	wg.Wait()
	bus.Flush()
	var totalDropped int64
	for _, n := range dropped {
		totalDropped += n
	}
	if got := delivered.Load() + totalDropped; got != goroutines*perG {
		t.Errorf("delivered %d + dropped %d = %d, want %d offered", delivered.Load(), totalDropped, got, goroutines*perG)
	}
	if totalDropped == 0 {
		t.Error("nothing was throttled")
	}
	if lifecycle.Load() != goroutines*perG {
		t.Errorf("lifecycle events delivered %d, want all %d", lifecycle.Load(), goroutines*perG)
	}
	// The throttle keys by thread: each thread had its own allowance.
	if len(dropped) != 2 || dropped["th-a"] == 0 || dropped["th-b"] == 0 {
		t.Errorf("drops by key %v, want both threads", dropped)
	}
}

func TestThrottleOff(t *testing.T) {
	bus := telemetry.New(telemetry.WithThrottle(nil))
	rec := telemetrytest.Record(t, bus, catalog.ItemReasoningDelta)
	for range 5000 {
		bus.Emit(context.Background(), catalog.ItemReasoningDelta, nil)
	}
	if n := len(rec.Events()); n != 5000 {
		t.Errorf("delivered %d of 5000 with throttling off", n)
	}
}

// TestBusEventsMatchCatalog checks the events the bus makes itself, the
// handler failure and the span events, against their catalog entries.
func TestBusEventsMatchCatalog(t *testing.T) {
	bus := telemetry.New(telemetry.WithErrorOutput(io.Discard))
	rec := telemetrytest.Record(t, bus, "codex.thread.*", catalog.TelemetryHandlerFailure)
	mustAttach(t, bus, "boom", telemetry.HandlerFunc(func(context.Context, telemetry.Event) { panic("x") }), "codex.boom")
	bus.Emit(context.Background(), "codex.boom", nil)
	_, sp := bus.StartSpan(context.Background(), "codex.thread", slog.String("source", "sdk"))
	sp.End(slog.Int("turns", 1))
	_, sp = bus.StartSpan(context.Background(), "codex.thread", slog.String("source", "sdk"))
	sp.Fail(io.ErrUnexpectedEOF, slog.Int("turns", 0))
	rec.WantNames(catalog.TelemetryHandlerFailure, catalog.ThreadStart, catalog.ThreadStop, catalog.ThreadStart, catalog.ThreadException)
	rec.WantCatalog()
	if telemetry.HandlerFailure != catalog.TelemetryHandlerFailure || telemetry.DroppedEvents != catalog.TelemetryDropped {
		t.Error("the bus's event names differ from the catalog's")
	}
}

func TestCatalogNamesAreValid(t *testing.T) {
	for _, e := range catalog.All() {
		if err := telemetry.ValidateName(e.Name); err != nil {
			t.Error(err)
		}
	}
}

// DataFromEnv reads the Python client's switches and codextel's, which win;
// a malformed codextel variable is an error naming it.
func TestDataFromEnv(t *testing.T) {
	tests := []struct {
		name        string
		env         map[string]string
		model, tool bool
		err         string
	}{
		{"unset: neither", nil, false, false, ""},
		{"python: 0 logs", map[string]string{"OPENAI_AGENTS_DONT_LOG_MODEL_DATA": "0"}, true, false, ""},
		{"python: TRUE does not", map[string]string{"OPENAI_AGENTS_DONT_LOG_TOOL_DATA": "TRUE"}, false, false, ""},
		{"codextel wins", map[string]string{"OPENAI_AGENTS_DONT_LOG_TOOL_DATA": "1", "CODEXTEL_LOG_TOOL_DATA": "true"}, false, true, ""},
		{"codextel malformed", map[string]string{"CODEXTEL_LOG_MODEL_DATA": "yes please"}, false, false, "CODEXTEL_LOG_MODEL_DATA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			model, tool, err := telemetry.DataFromEnv(func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok })
			if model != tt.model || tool != tt.tool {
				t.Errorf("model, tool = %v, %v, want %v, %v", model, tool, tt.model, tt.tool)
			}
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("err = %v, want one naming %q", err, tt.err)
			}
		})
	}
}
