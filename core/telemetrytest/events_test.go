package telemetrytest_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/telemetrytest"
)

// TestCatalogEvents: seven layouts of every catalog event, in catalog
// order, then the two events outside it; every call makes new events.
func TestCatalogEvents(t *testing.T) {
	when := time.Date(2025, 12, 2, 10, 52, 12, 0, time.UTC)
	events := telemetrytest.CatalogEvents(when)
	entries := catalog.All()
	if len(events) != 7*len(entries)+2 {
		t.Fatalf("%d events for %d catalog entries, want 7 each and 2 more", len(events), len(entries))
	}
	for i, entry := range entries {
		for j := range 7 {
			e := events[7*i+j]
			if e.Name != entry.Name || !e.When().Equal(when) {
				t.Fatalf("event %d is %s at %v, want %s at %v", 7*i+j, e.Name, e.When(), entry.Name, when)
			}
		}
	}
	if n := len(events); events[n-2].Entry() != nil || events[n-1].Name != "" {
		t.Errorf("the last two events are %s and %q, want two outside the catalog", events[n-2].Name, events[n-1].Name)
	}
	events[0].AddMetadata(slog.String("changed", "yes"))
	if again := telemetrytest.CatalogEvents(when); again[0].Has("changed") {
		t.Error("a second call returned an event the first call's caller changed")
	}
}
