package telemetry_test

import (
	"context"
	"regexp"
	"slices"
	"testing"

	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/telemetry"
)

// spanIDs opens a thread span, two spans inside it and a second root span on
// bus, and returns every id they were given, in order.
func spanIDs(bus *telemetry.Bus) []string {
	var out []string
	add := func(ctx context.Context) {
		ids := correlation.From(ctx)
		out = append(out, ids.Correlation, ids.Span, ids.ParentSpan)
	}
	ctx, th := bus.StartSpan(context.Background(), "codex.thread")
	add(ctx)
	for range 2 {
		c, sp := bus.StartSpan(ctx, "codex.tool")
		add(c)
		sp.End()
	}
	th.End()
	c, sp := bus.StartSpan(context.Background(), "codex.thread")
	add(c)
	sp.End()
	return out
}

func TestWithSeed(t *testing.T) {
	hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)
	hex16 := regexp.MustCompile(`^[0-9a-f]{16}$`)
	tests := []struct {
		name       string
		a, b       []telemetry.Option
		wantEquals bool
	}{
		{"same seed", []telemetry.Option{telemetry.WithSeed(7)}, []telemetry.Option{telemetry.WithSeed(7)}, true},
		{"seed zero", []telemetry.Option{telemetry.WithSeed(0)}, []telemetry.Option{telemetry.WithSeed(0)}, true},
		{"other seed", []telemetry.Option{telemetry.WithSeed(7)}, []telemetry.Option{telemetry.WithSeed(8)}, false},
		{"no seed", nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := spanIDs(telemetry.New(tt.a...))
			b := spanIDs(telemetry.New(tt.b...))
			if got := slices.Equal(a, b); got != tt.wantEquals {
				t.Fatalf("ids equal = %v, want %v:\n%v\n%v", got, tt.wantEquals, a, b)
			}
			for _, ids := range [][]string{a, b} {
				// Correlation, span, parent span, for each of 4 spans.
				for i := 0; i < len(ids); i += 3 {
					if !hex32.MatchString(ids[i]) || ids[i] == "00000000000000000000000000000000" {
						t.Errorf("correlation id %q is not 32 hex digits, not all zero", ids[i])
					}
					if !hex16.MatchString(ids[i+1]) || ids[i+1] == "0000000000000000" {
						t.Errorf("span id %q is not 16 hex digits, not all zero", ids[i+1])
					}
				}
				if ids[0] != ids[3] || ids[0] != ids[6] || ids[0] == ids[9] {
					t.Errorf("correlation ids %v: want one for the thread and its tools, a new one for the second thread", []string{ids[0], ids[3], ids[6], ids[9]})
				}
				if ids[5] != ids[1] || ids[8] != ids[1] {
					t.Errorf("the tools' parent spans %s, %s: want the thread's %s", ids[5], ids[8], ids[1])
				}
				spans := []string{ids[1], ids[4], ids[7], ids[10]}
				if len(slices.Compact(slices.Sorted(slices.Values(spans)))) != 4 {
					t.Errorf("span ids %v repeat", spans)
				}
			}
		})
	}
}
