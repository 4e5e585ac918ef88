package telemetry

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"unsafe"
)

type nameRecorder []string

func (n *nameRecorder) Handle(_ context.Context, e Event) { *n = append(*n, e.Name) }

// TestSpanNamesCacheFull: past maxCachedNames span names a snapshot caches
// nothing more, and spans of the other names still emit, under the right
// names, or not at all when nobody listens.
func TestSpanNamesCacheFull(t *testing.T) {
	bus := New()
	var got nameRecorder
	if _, err := bus.Attach("names", &got, "codex.loud.*"); err != nil {
		t.Fatal(err)
	}
	full := make(map[string]*spanNames, maxCachedNames)
	for i := range maxCachedNames {
		full[fmt.Sprintf("codex.n%d", i)] = quietSpan
	}
	bus.live.Load().spans.Store(&full)
	tests := []struct {
		name, suffix string
		fail         bool
		want         []string
	}{
		{"codex.loud", SpanStart, false, []string{"codex.loud.start", "codex.loud.stop"}},
		{"codex.loud", SpanStart, true, []string{"codex.loud.start", "codex.loud.exception"}},
		{"codex.loud", "requested", false, []string{"codex.loud.requested", "codex.loud.stop"}},
		{"codex.quiet", SpanStart, false, nil},
	}
	for _, tt := range tests {
		got = nil
		_, sp := bus.StartSpanAs(context.Background(), tt.name, tt.suffix)
		if tt.fail {
			sp.Fail(nil)
		} else {
			sp.End()
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s.%s: got %v, want %v", tt.name, tt.suffix, got, tt.want)
		}
		if n := len(*bus.live.Load().spans.Load()); n != maxCachedNames {
			t.Fatalf("the cache grew to %d names", n)
		}
	}
}

// TestSpanNamesShareRouteNames: a span's event names that have routes are
// the routes' own strings, which route finds by pointer; the others are
// spelled out.
func TestSpanNamesShareRouteNames(t *testing.T) {
	bus := New()
	if _, err := bus.Attach("names", new(nameRecorder), "codex.tool.*", "codex.tool.exception"); err != nil {
		t.Fatal(err)
	}
	s := bus.live.Load()
	sn := bus.spanNames("codex.tool")
	tests := []struct {
		got, want string
		routed    bool
	}{
		{sn.start, "codex.tool.start", true},         // in the catalog
		{sn.exception, "codex.tool.exception", true}, // attached to exactly
		{sn.stop, "codex.tool.stop", false},          // served by the wild route
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
		rt := s.route(tt.want)
		if routed := rt != &s.wild; routed != tt.routed {
			t.Fatalf("%s: routed %v, want %v", tt.want, routed, tt.routed)
		}
		if tt.routed && unsafe.StringData(tt.got) != unsafe.StringData(rt.name) {
			t.Errorf("%s does not share the route's name", tt.want)
		}
	}
	if sn.name != "codex.tool" || !sn.listens {
		t.Errorf("spanNames = %+v", *sn)
	}
}
