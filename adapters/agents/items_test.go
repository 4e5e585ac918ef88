package codexagents

import (
	"testing"
)

// TestItemEventVectors feeds the item_events vectors of trim-vectors.jsonl
// through the tool's event handling and compares the span after every
// event. The MCP and reasoning sequences were recorded with v0.13.6, which
// made spans for them; v0.22.0 makes none, so every snapshot there must be
// null (see the vectors' README).
func TestItemEventVectors(t *testing.T) {
	n := 0
	for _, v := range readVectors(t) {
		if fn, _ := v.get(t, "fn").(string); fn != "item_events" {
			continue
		}
		n++
		m := v.limit(t)
		events, _ := v.get(t, "events").([]any)
		snaps, _ := v.get(t, "snapshots").([]any)
		if len(events) == 0 || len(events) != len(snaps) {
			t.Fatalf("line %d: %d events, %d snapshots", v.line, len(events), len(snaps))
		}
		rec := &recorder{}
		p := NewProvider(WithDisabled(false), WithProcessors(rec))
		tr := p.NewTrace("Agent workflow", "", nil)
		tool := NewCodexTool(p)
		tool.max = m
		fn := p.NewSpan(tr, nil, &FunctionSpanData{Name: "codex"})
		r := &codexRun{c: tool, t: tr, fn: fn}
		v22 := true
		for i, e := range events {
			it, _ := e.(Object).Get("item")
			if typ, _ := it.(Object).Get("type"); typ == "mcp_tool_call" || typ == "reasoning" {
				v22 = false
			}
			if f := r.handle(pyJSON(e)); f != "" {
				t.Fatalf("line %d event %d: %s", v.line, i, f)
			}
			var got any
			if len(rec.started) > 0 {
				s := rec.started[len(rec.started)-1]
				d := s.Data().(*CustomSpanData)
				got = Object{{"name", d.Name}, {"data", d.Data}, {"error", s.Error().export()}}
			}
			want := snaps[i]
			if !v22 {
				want = nil
			}
			if g, w := pyJSON(got), pyJSON(want); g != w {
				t.Errorf("trim-vectors.jsonl:%d event %d:\n got %s\nwant %s", v.line, i, trunc(g), trunc(w))
			}
		}
	}
	if n != 73 {
		t.Errorf("%d item_events vectors, want 73", n)
	}
}
