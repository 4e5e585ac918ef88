package telemetry_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/codextel/codextel/core/telemetry"
)

func Example() {
	bus := telemetry.New()
	detach, err := bus.Attach("printer", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
		fmt.Println(e.Name, e.NumMeasurements(), "measurements,", e.NumMetadata(), "metadata")
	}), "codex.tool.*")
	if err != nil {
		panic(err)
	}
	defer detach()

	bus.Emit(context.Background(), "codex.tool.start",
		[]telemetry.Measurement{telemetry.Int("system_time", 1764672732123456789)},
		slog.String("tool", "shell"), slog.String("call_id", "item_0"))
	bus.Emit(context.Background(), "codex.turn.completed", nil) // no handler: nothing happens
	// Output:
	// codex.tool.start 1 measurements, 2 metadata
}

func ExampleBus_Span() {
	bus := telemetry.New()
	_, _ = bus.Attach("printer", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
		reason, _ := e.Lookup("reason")
		fmt.Println(e.Name, reason)
	}), "codex.tool.*")

	err := bus.Span(context.Background(), "codex.tool", []slog.Attr{slog.String("tool", "shell")},
		func(ctx context.Context) error {
			// Work here runs under ctx, which carries the span's ids: events
			// emitted with it are correlated with the span.
			return errors.New("exit status 1")
		})
	fmt.Println("Span returned:", err)
	// Output:
	// codex.tool.start <nil>
	// codex.tool.exception exit status 1
	// Span returned: exit status 1
}

func ExampleBus_Attach_prefix() {
	bus := telemetry.New()
	_, _ = bus.Attach("approvals", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
		fmt.Println("approval event:", e.Name)
	}), "codex.approval.*")
	for _, name := range []string{"codex.approval.requested", "codex.tool.start", "codex.approval.denied"} {
		bus.Emit(context.Background(), name, nil)
	}
	fmt.Println(bus.Handlers("codex.approval")[0].ID)
	// Output:
	// approval event: codex.approval.requested
	// approval event: codex.approval.denied
	// approvals
}
