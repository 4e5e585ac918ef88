package codexotel

import (
	"context"
	"strings"
	"testing"

	codexinstrument "github.com/codextel/codextel/core/instrument"
)

// TestCostMetric: codex.usage.cost adds up the cost of the priced token
// usage updates, by model, in US dollars; unpriced updates add nothing.
func TestCostMetric(t *testing.T) {
	tests := []struct {
		name   string
		priced []codexinstrument.TokenCost // one update each; the others are unpriced
		want   map[string]float64          // model -> USD
	}{
		{"no prices", nil, nil},
		{"one model", []codexinstrument.TokenCost{{Model: "gpt-5", Last: 0.0125, Total: 0.0125}, {Model: "gpt-5", Last: 0.5, Total: 0.5125}}, map[string]float64{"gpt-5": 0.5125}},
		{"two models", []codexinstrument.TokenCost{{Model: "gpt-5", Last: 0.25, Total: 0.25}, {Model: "gpt-5-mini", Last: 0.001, Total: 0.001}}, map[string]float64{"gpt-5": 0.25, "gpt-5-mini": 0.001}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, false)
			codex := codexinstrument.Codex{Bus: r.bus}
			u := codexinstrument.Usage{InputTokens: 1000, OutputTokens: 100}
			codex.TokenUsage(context.Background(), u, u, 0) // unpriced
			for _, c := range tt.priced {
				codex.TokenUsageCost(context.Background(), u, u, 0, false, c)
			}
			ps := points(r.collect(t))
			n := 0
			for key := range ps {
				if strings.HasPrefix(key, "codex.usage.cost{") {
					n++
				}
			}
			if n != len(tt.want) {
				t.Errorf("%d codex.usage.cost points, want %d", n, len(tt.want))
			}
			for model, usd := range tt.want {
				wantPoint(t, ps, "codex.usage.cost{gen_ai.provider.name=openai,gen_ai.request.model="+model+"}", 0, usd)
			}
		})
	}
}
