package telemetry_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"testing"
	"testing/quick"

	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/telemetry"
)

// TestCorrelationPropagatesThroughSpanTrees is a property test: for random
// trees of nested spans, fanned out over goroutines and channels, with several
// sessions running at once, every event carries the correlation id of its
// session's root, its own span id and its parent's span id, and nothing leaks
// between sessions.
func TestCorrelationPropagatesThroughSpanTrees(t *testing.T) {
	property := func(seed uint64) bool {
		bus := telemetry.New()
		var mu sync.Mutex
		got := map[string]correlation.IDs{} // node path -> ids its "codex.prop.work" event carried
		if _, err := bus.Attach("check", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
			node, _ := e.Lookup("node")
			mu.Lock()
			got[node.String()] = e.IDs()
			mu.Unlock()
		}), "codex.prop.work"); err != nil {
			t.Fatal(err)
		}

		type want struct{ correlation, span, parent string }
		var wantMu sync.Mutex
		wants := map[string]want{}

		// grow opens a span for node path, emits work inside it, and grows
		// 0-3 children, each on a new goroutine or handed over a channel.
		var grow func(ctx context.Context, rng *rand.Rand, path string, depth int, wg *sync.WaitGroup)
		grow = func(ctx context.Context, rng *rand.Rand, path string, depth int, wg *sync.WaitGroup) {
			defer wg.Done()
			parent := correlation.From(ctx)
			_ = bus.Span(ctx, "codex.prop.node", nil, func(ctx context.Context) error {
				ids := correlation.From(ctx)
				w := want{correlation: ids.Correlation, span: ids.Span}
				if parent != nil {
					w.parent = parent.Span
					if ids.Correlation != parent.Correlation {
						t.Errorf("%s: correlation changed from %s to %s", path, parent.Correlation, ids.Correlation)
					}
				}
				wantMu.Lock()
				wants[path] = w
				wantMu.Unlock()
				bus.Emit(ctx, "codex.prop.work", nil, slog.String("node", path))
				if depth == 0 {
					return nil
				}
				children := rng.IntN(4)
				for i := range children {
					childPath := fmt.Sprintf("%s/%d", path, i)
					childRng := rand.New(rand.NewPCG(rng.Uint64(), 0))
					wg.Add(1)
					if rng.IntN(2) == 0 {
						go grow(ctx, childRng, childPath, depth-1, wg)
					} else {
						ch := make(chan context.Context, 1)
						ch <- ctx
						go func() { grow(<-ch, childRng, childPath, depth-1, wg) }()
					}
				}
				return nil
			})
		}

		rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		var wg sync.WaitGroup
		sessions := 2 + rng.IntN(3)
		for s := range sessions {
			wg.Add(1)
			go grow(context.Background(), rand.New(rand.NewPCG(rng.Uint64(), 1)), fmt.Sprintf("s%d", s), 3, &wg)
		}
		wg.Wait()

		roots := map[string]string{} // session -> its correlation id
		for path, w := range wants {
			g, ok := got[path]
			if !ok {
				t.Errorf("seed %d: no event for node %s", seed, path)
				return false
			}
			if g.Correlation != w.correlation || g.Span != w.span || g.ParentSpan != w.parent {
				t.Errorf("seed %d: node %s carried %+v, want %+v", seed, path, g, w)
				return false
			}
			session := path[:2]
			if c, seen := roots[session]; seen && c != g.Correlation {
				t.Errorf("seed %d: session %s has two correlation ids", seed, session)
				return false
			}
			roots[session] = g.Correlation
		}
		distinct := map[string]bool{}
		for _, c := range roots {
			distinct[c] = true
		}
		if len(distinct) != sessions {
			t.Errorf("seed %d: %d sessions share %d correlation ids", seed, sessions, len(distinct))
			return false
		}
		return true
	}
	if err := quick.Check(property, &quick.Config{MaxCount: 50}); err != nil {
		t.Error(err)
	}
}
