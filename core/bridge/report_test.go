package bridge

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/telemetry"
)

// TestBadLineReports feeds both readers streams of bad lines, with and
// without a cap on their reports: the count stays exact, and past the cap
// one codex.bridge.invalid_lines.unreported event says how many more, and
// where.
func TestBadLineReports(t *testing.T) {
	// Lines 1, 3, 5... are bad; the even ones are blank.
	garbage := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "garbage %d\n\n", i)
		}
		return b.String()
	}
	type reader func(context.Context, *strings.Reader, *telemetry.Bus, ...Option) (Summary, error)
	readers := map[string]reader{
		"exec": func(ctx context.Context, r *strings.Reader, c *telemetry.Bus, o ...Option) (Summary, error) {
			return ReadExec(ctx, r, c, o...)
		},
		"appserver": func(ctx context.Context, r *strings.Reader, c *telemetry.Bus, o ...Option) (Summary, error) {
			return ReadAppServer(ctx, r, c, o...)
		},
	}
	tests := []struct {
		name           string
		lines          int
		opts           []Option
		wantReported   int
		wantUnreported int
		wantFirst      int64
		wantLast       int64
	}{
		{"no cap", 40, nil, 40, 0, 0, 0},
		{"negative cap", 40, []Option{WithBadLineReports(-1)}, 40, 0, 0, 0},
		{"under the cap", 4, []Option{WithBadLineReports(5)}, 4, 0, 0, 0},
		{"at the cap", 5, []Option{WithBadLineReports(5)}, 5, 0, 0, 0},
		{"over the cap", 786, []Option{WithBadLineReports(5)}, 5, 781, 11, 1571},
		{"cap zero", 3, []Option{WithBadLineReports(0)}, 0, 3, 1, 5},
	}
	for rname, read := range readers {
		for _, tt := range tests {
			t.Run(rname+"/"+tt.name, func(t *testing.T) {
				bus, rec := newBus(t)
				sum, err := read(context.Background(), strings.NewReader(garbage(tt.lines)), bus, tt.opts...)
				if err != nil {
					t.Fatal(err)
				}
				if sum.BadLines != tt.lines || sum.BadLinesUnreported != tt.wantUnreported {
					t.Errorf("BadLines %d, BadLinesUnreported %d; want %d, %d", sum.BadLines, sum.BadLinesUnreported, tt.lines, tt.wantUnreported)
				}
				reported := 0
				var held []telemetry.Event
				for _, e := range rec.Events() {
					switch e.Name {
					case catalog.BridgeInvalidLine:
						reported++
					case catalog.BridgeInvalidLinesUnreported:
						held = append(held, e)
					}
				}
				if reported != tt.wantReported {
					t.Errorf("%d invalid_line events, want %d", reported, tt.wantReported)
				}
				if tt.wantUnreported == 0 {
					if len(held) != 0 {
						t.Errorf("unexpected %v", held)
					}
					return
				}
				if len(held) != 1 {
					t.Fatalf("%d invalid_lines.unreported events, want 1", len(held))
				}
				e := held[0]
				for key, want := range map[string]int64{"unreported": int64(tt.wantUnreported), "bad_lines": int64(tt.lines), "first_line": tt.wantFirst, "last_line": tt.wantLast} {
					if v, ok := e.Lookup(key); !ok || v.Int64() != want {
						t.Errorf("%s = %v, want %d", key, v, want)
					}
				}
				if last := rec.Events()[len(rec.Events())-1]; last.Name != catalog.BridgeInvalidLinesUnreported {
					t.Errorf("the last event is %s, want the unreported count", last.Name)
				}
			})
		}
	}
}
