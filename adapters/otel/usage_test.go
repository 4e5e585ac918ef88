package codexotel

import (
	"context"
	"os"
	"testing"

	"github.com/codextel/codextel/core/bridge"
)

// TestTurnTokensAppServer: on the app-server path each token usage update
// counts one model request (its "last" usage); the turn's span carries the
// turn's tokens, the sum over its requests, and the thread's span the
// thread's totals. The recorded session (Codex 0.169, testdata
// appserver_token_usage.wire.jsonl, a copy of core/bridge's) makes three
// requests in one turn: 6000/60, 6500/30 and 7000/25 input/output tokens.
func TestTurnTokensAppServer(t *testing.T) {
	f, err := os.Open("testdata/appserver_token_usage.wire.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := newRig(t, true)
	if _, err := bridge.ReadAppServer(context.Background(), f, r.bus); err != nil {
		t.Fatal(err)
	}
	r.h.Close()
	want := map[string]map[string]int64{
		"invoke_agent codex": {keyInputTokens: 19500, keyOutputTokens: 115, keyCacheRead: 12288,
			"codex.usage.reasoning_output_tokens": 12},
		"codex.thread": {keyInputTokens: 19500, keyOutputTokens: 115, keyCacheRead: 12288},
	}
	seen := map[string]bool{}
	for _, s := range r.spans.Ended() {
		w, ok := want[s.Name()]
		if !ok {
			continue
		}
		seen[s.Name()] = true
		got := attrMap(s.Attributes())
		for k, v := range w {
			if got[k] != v {
				t.Errorf("%s: %s = %v, want %d", s.Name(), k, got[k], v)
			}
		}
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("no %s span", name)
		}
	}
}
