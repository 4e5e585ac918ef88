package codexzap

import (
	"testing"

	"github.com/codextel/codextel/core/catalog"
)

// TestCatalogLevels: the adapter's table of event levels agrees with the
// catalog for every event, and finds nothing else.
func TestCatalogLevels(t *testing.T) {
	x := catalogLevels()
	for _, e := range catalog.All() {
		l, ok := x.find(e.Name)
		if !ok {
			t.Errorf("%s: not found", e.Name)
			continue
		}
		data := e.Level
		if e.DataLevel != 0 {
			data = e.DataLevel
		}
		if l.level != Level(e.Level) || l.data != Level(data) {
			t.Errorf("%s: levels %v, %v; want %v, %v", e.Name, l.level, l.data, Level(e.Level), Level(data))
		}
	}
	for _, name := range []string{"", "codex", "codex.tool", "codex.tool.star", "codex.tool.start.x", "x" + catalog.ToolStart[1:]} {
		if _, ok := x.find(name); ok {
			t.Errorf("%q: found", name)
		}
	}
}
