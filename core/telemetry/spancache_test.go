package telemetry

import (
	"context"
	"fmt"
	"slices"
	"strings"
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
	full := &spanCache{byName: make(map[string]*spanNames, maxCachedNames)}
	for i := range maxCachedNames {
		name := fmt.Sprintf("codex.n%d", i)
		full.byName[name] = &spanNames{name: name}
	}
	bus.live.Load().spans.Store(full)
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
		if n := len(bus.live.Load().spans.Load().byName); n != maxCachedNames {
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

// TestSpanCacheLookup: a cached name is found by pointer among the first
// names and by value past them or when the caller's copy of the name is
// not the one cached; a name not cached is not found.
func TestSpanCacheLookup(t *testing.T) {
	bus := New()
	if _, err := bus.Attach("names", new(nameRecorder), "codex.*"); err != nil {
		t.Fatal(err)
	}
	var names []string
	for i := range 2 * firstNames {
		names = append(names, fmt.Sprintf("codex.s%d", i))
	}
	for _, name := range names {
		bus.spanNames(name)
	}
	c := bus.live.Load().spans.Load()
	if len(c.first) != firstNames || len(c.byName) != len(names) {
		t.Fatalf("cache holds %d names by pointer and %d by value, want %d and %d", len(c.first), len(c.byName), firstNames, len(names))
	}
	tests := []struct {
		name  string
		found bool
	}{
		{names[0], true},
		{strings.Clone(names[0]), true},
		{names[firstNames-1], true},
		{names[firstNames], true},
		{strings.Clone(names[len(names)-1]), true},
		{"codex.s", false},
		{"codex.s00", false},
		{"", false},
	}
	for _, tt := range tests {
		sn := c.lookup(tt.name)
		if found := sn != nil; found != tt.found {
			t.Errorf("lookup(%q) found %v, want %v", tt.name, found, tt.found)
			continue
		}
		if tt.found && (sn.name != tt.name || !sn.listens || sn.stop != tt.name+".stop") {
			t.Errorf("lookup(%q) = %+v", tt.name, *sn)
		}
	}
}
