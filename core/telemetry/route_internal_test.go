package telemetry

import (
	"context"
	"strings"
	"testing"

	"github.com/codextel/codextel/core/catalog"
)

// TestRouteTable: every catalog name and every exactly attached name finds
// its own route, whether the caller's string shares the route's bytes (a
// constant) or not (built at run time), past collisions in the address
// table (made dense here); a name with no route, a prefix of a routed name sharing its bytes
// and the empty name find the wild route.
func TestRouteTable(t *testing.T) {
	h := HandlerFunc(func(context.Context, Event) {})
	pat := func(s string) pattern {
		p, err := parsePattern(s)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	rules := New().rules
	for _, extra := range [][]string{nil, {"app.one", "app.two"}} {
		entries := []*entry{{id: "codex", handler: h, patterns: []pattern{pat("codex.*")}}}
		for _, name := range extra {
			entries = append(entries, &entry{id: name, handler: h, patterns: []pattern{pat(name)}})
		}
		s := newSnapshot(entries, rules)
		s.fillByAddr(2) // dense: names collide
		names := append([]string(nil), extra...)
		for _, e := range catalog.All() {
			names = append(names, e.Name)
		}
		probed := 0
		for _, name := range names {
			if sl := s.byAddr[addrHash(name, s.shift)]; sl.rt.name != name {
				probed++ // found past the first probe
			}
			for _, n := range []string{name, strings.Clone(name)} {
				if rt := s.route(n); rt.name != name {
					t.Errorf("route(%q) = the route of %q", n, rt.name)
				}
			}
			prefix := name[:len(name)-1]
			if rt := s.route(prefix); rt != &s.wild && rt.name != prefix {
				t.Errorf("route(%q), a prefix sharing %q's bytes, = the route of %q", prefix, name, rt.name)
			}
		}
		if probed == 0 {
			t.Errorf("no name of %d collides in a table of %d: the probing is untested", len(names), len(s.byAddr))
		}
		for _, n := range []string{"", "app.three", "codex.no.such.event"} {
			if rt := s.route(n); rt != &s.wild {
				t.Errorf("route(%q) = the route of %q, want the wild route", n, rt.name)
			}
		}
	}
}
