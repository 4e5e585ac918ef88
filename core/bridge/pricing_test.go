package bridge

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/instrument"
)

// twoThreads is an exec stream of two threads: two turns, then one.
const twoThreads = `{"type":"thread.started","thread_id":"th1"}
{"type":"turn.started"}
{"type":"turn.completed","usage":{"input_tokens":1000,"cached_input_tokens":400,"output_tokens":100}}
{"type":"turn.started"}
{"type":"turn.completed","usage":{"input_tokens":3000,"cached_input_tokens":1400,"output_tokens":300}}
{"type":"thread.started","thread_id":"th2"}
{"type":"turn.started"}
{"type":"turn.completed","usage":{"input_tokens":500,"cached_input_tokens":0,"output_tokens":50}}
`

func testPrices(model string) (instrument.Price, bool) {
	if model == "gpt-test" {
		return instrument.Price{Input: 1, CachedInput: 0.25, Output: 10}, true
	}
	return instrument.Price{}, false
}

func TestPrices(t *testing.T) {
	// Turn 1: 600 uncached, 400 cached, 100 out: 600e-6 + 100e-6 + 1000e-6.
	// Turn 2: 2000-1000=1000 uncached, 1000 cached, 200 out.
	// Thread 2: 500 uncached, 50 out.
	wantCosts := []float64{0.0017, 0.00325, 0.001}
	wantUsage := []instrument.Usage{
		{InputTokens: 1000, CachedInputTokens: 400, OutputTokens: 100},
		{InputTokens: 2000, CachedInputTokens: 1000, OutputTokens: 200},
		{InputTokens: 500, OutputTokens: 50},
	}
	tests := []struct {
		name         string
		opts         []Option
		wantPriced   bool
		wantUnpriced []string
	}{
		{"no price table", nil, false, nil},
		{"priced", []Option{WithPrices(testPrices), WithModel("gpt-test")}, true, nil},
		{"unknown model", []Option{WithPrices(testPrices), WithModel("gpt-other")}, false, []string{"gpt-other"}},
		{"no model", []Option{WithPrices(testPrices)}, false, []string{""}},
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-12 }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bus, rec := newBus(t)
			sum, err := ReadExec(context.Background(), strings.NewReader(twoThreads), bus, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Priced != tt.wantPriced || !slices.Equal(sum.Unpriced, tt.wantUnpriced) {
				t.Errorf("Priced %v, Unpriced %q; want %v, %q", sum.Priced, sum.Unpriced, tt.wantPriced, tt.wantUnpriced)
			}
			if want := (instrument.Usage{InputTokens: 3500, CachedInputTokens: 1400, OutputTokens: 350}); sum.TotalUsage != want {
				t.Errorf("TotalUsage %+v, want %+v", sum.TotalUsage, want)
			}
			if len(sum.TurnUsage) != 3 {
				t.Fatalf("TurnUsage %+v, want 3 turns", sum.TurnUsage)
			}
			for i, want := range []TurnUsage{{ThreadID: "th1", Thread: 1, Turn: 1}, {ThreadID: "th1", Thread: 1, Turn: 2}, {ThreadID: "th2", Thread: 2, Turn: 1}} {
				got := sum.TurnUsage[i]
				if got.ThreadID != want.ThreadID || got.Thread != want.Thread || got.Turn != want.Turn || got.Usage != wantUsage[i] || got.Priced != tt.wantPriced {
					t.Errorf("turn %d: %+v", i, got)
				}
				if tt.wantPriced && !near(got.Cost, wantCosts[i]) {
					t.Errorf("turn %d costs %v, want %v", i, got.Cost, wantCosts[i])
				}
			}
			if len(sum.ThreadUsage) != 2 {
				t.Fatalf("ThreadUsage %+v, want 2 threads", sum.ThreadUsage)
			}
			for i, want := range []TurnUsage{
				{ThreadID: "th1", Thread: 1, Turn: 2, Usage: instrument.Usage{InputTokens: 3000, CachedInputTokens: 1400, OutputTokens: 300}, Cost: 0.00495},
				{ThreadID: "th2", Thread: 2, Turn: 1, Usage: instrument.Usage{InputTokens: 500, OutputTokens: 50}, Cost: 0.001},
			} {
				got := sum.ThreadUsage[i]
				if got.ThreadID != want.ThreadID || got.Thread != want.Thread || got.Turn != want.Turn || got.Usage != want.Usage || got.Priced != tt.wantPriced || (tt.wantPriced && !near(got.Cost, want.Cost)) {
					t.Errorf("thread %d: %+v, want %+v", i, got, want)
				}
			}
			if tt.wantPriced && !near(sum.Cost, 0.00595) {
				t.Errorf("Cost %v, want 0.00595", sum.Cost)
			}
			var events int
			totals := []float64{0.0017, 0.00495, 0.001}
			for _, e := range rec.Events() {
				if e.Name != catalog.ThreadTokenUsageUpdated {
					continue
				}
				cost, hasCost := e.Measurement("cost_usd")
				total, hasTotal := e.Measurement("total_cost_usd")
				model, hasModel := e.Lookup("model")
				if hasCost != tt.wantPriced || hasTotal != tt.wantPriced || hasModel != tt.wantPriced {
					t.Errorf("event %d: cost_usd %v, total_cost_usd %v, model %v present; want %v", events, hasCost, hasTotal, hasModel, tt.wantPriced)
				}
				if tt.wantPriced && (!near(cost.Float64(), wantCosts[events]) || !near(total.Float64(), totals[events]) || model.String() != "gpt-test") {
					t.Errorf("event %d: cost %v, total %v, model %v", events, cost, total, model)
				}
				events++
			}
			if events != 3 {
				t.Errorf("%d token usage events, want 3", events)
			}
		})
	}
}

// TestPricesAppServer prices an app-server log by the model its
// thread/started names; WithModel does not override it.
func TestPricesAppServer(t *testing.T) {
	raw, err := os.ReadFile("testdata/appserver__codex-0.169.0-mock__diff_tokenusage_deltas.wire.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	prices := func(model string) (instrument.Price, bool) {
		return instrument.Price{Input: 2, CachedInput: 1, Output: 8}, model == "gpt-5.5"
	}
	bus, _ := newBus(t)
	sum, err := ReadAppServer(context.Background(), strings.NewReader(string(raw)), bus, WithPrices(prices), WithModel("other"))
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Priced || len(sum.Unpriced) != 0 || len(sum.TurnUsage) == 0 {
		t.Fatalf("Priced %v, Unpriced %q, %d turns", sum.Priced, sum.Unpriced, len(sum.TurnUsage))
	}
	var turns instrument.Usage
	for _, u := range sum.TurnUsage {
		turns = turns.Add(u.Usage)
	}
	u := sum.TotalUsage
	want := (float64(u.InputTokens-u.CachedInputTokens)*2 + float64(u.CachedInputTokens)*1 + float64(u.OutputTokens)*8) / 1e6
	if turns != u || math.Abs(sum.Cost-want) > 1e-12 || sum.Usage != u {
		t.Errorf("turns %+v, total %+v (last thread %+v), cost %v; want the turns to add up to the total and cost %v", turns, u, sum.Usage, sum.Cost, want)
	}
}

// TestTurnUsageCap: past MaxTurnUsage turns, turns are counted, not listed;
// the thread's and the total usage still hold them all.
func TestTurnUsageCap(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"type":"thread.started","thread_id":"th"}` + "\n")
	n := MaxTurnUsage + 5
	for i := 1; i <= n; i++ {
		b.WriteString(`{"type":"turn.started"}` + "\n")
		fmt.Fprintf(&b, `{"type":"turn.completed","usage":{"input_tokens":%d,"output_tokens":%d}}`+"\n", 10*i, i)
	}
	bus, _ := newBus(t)
	sum, err := ReadExec(context.Background(), strings.NewReader(b.String()), bus, WithPrices(testPrices), WithModel("gpt-test"))
	if err != nil {
		t.Fatal(err)
	}
	want := instrument.Usage{InputTokens: int64(10 * n), OutputTokens: int64(n)}
	if len(sum.TurnUsage) != MaxTurnUsage || sum.TurnsUnlisted != 5 || sum.TotalUsage != want ||
		len(sum.ThreadUsage) != 1 || sum.ThreadUsage[0].Turn != n || sum.ThreadUsage[0].Usage != want {
		t.Errorf("%d turns listed, %d unlisted, total %+v, threads %+v; want %d, 5, %+v", len(sum.TurnUsage), sum.TurnsUnlisted, sum.TotalUsage, sum.ThreadUsage, MaxTurnUsage, want)
	}
	if last := sum.TurnUsage[MaxTurnUsage-1]; last.Turn != MaxTurnUsage || last.Usage != (instrument.Usage{InputTokens: 10, OutputTokens: 1}) {
		t.Errorf("the last listed turn: %+v", last)
	}
	wantCost := (float64(10*n) + 10*float64(n)) / 1e6
	if math.Abs(sum.Cost-wantCost) > 1e-9 || math.Abs(sum.ThreadUsage[0].Cost-wantCost) > 1e-9 {
		t.Errorf("cost %v, thread cost %v; want %v", sum.Cost, sum.ThreadUsage[0].Cost, wantCost)
	}
}
