package telemetry_test

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"testing"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/internal/redact"
	"github.com/codextel/codextel/core/scrub"
	"github.com/codextel/codextel/core/telemetry"
)

// unscanned lists, with the reason, every catalog field whose values the
// bus may leave unscanned (an Enum's listed words, an ID's id-shaped
// values). A field marked Enum or ID that is not listed here fails
// TestUnscannedFieldsAreReviewed: marking one is a decision to review.
var unscanned = map[string]string{
	"source":           "codextel's own word for where the events come from (exec, app-server, sdk), set by the bridge and instrument",
	"tool":             "only Codex's built-in tool names are listed; a function or MCP tool's name (the app's or a server's choice) is scanned",
	"tool_kind":        "the protocol's item type, mapped by the bridge to a fixed set",
	"call_id":          "Codex's item id: item_N in the exec stream, a UUID on the app-server; any other shape (an app-server id can be anything) is scanned",
	"approval_kind":    "the protocol's request type, mapped to command_execution or file_change",
	"request_id":       "a JSON-RPC request id: a number or a UUID; any other shape is scanned",
	"decision":         "the protocol's decision words; a decision not listed (an amendment object's text) is scanned",
	"decision_source":  "Codex's export's codex.tool_decision source: Config or User; any other word is scanned",
	"reasoning_effort": "Codex's reasoning effort levels (none to xhigh), from its export or the caller's config; any other word is scanned",
	"kind":             `set by the bus's span helper: "error" or "panic"`,
	"status":           "set by the bridge: failed, declined or abandoned",
}

func TestUnscannedFieldsAreReviewed(t *testing.T) {
	s := scrub.New()
	for _, e := range catalog.All() {
		for _, f := range e.Metadata {
			if f.Kind == catalog.Text {
				if len(f.Values) > 0 {
					t.Errorf("%s: text field %q lists values", e.Name, f.Key)
				}
				continue
			}
			if _, ok := unscanned[f.Key]; !ok {
				t.Errorf("%s: field %q is marked %v but not reviewed in unscanned", e.Name, f.Key, f.Kind)
			}
			if f.Type != catalog.String || f.Data != catalog.NoData {
				t.Errorf("%s: field %q is marked %v but is a %s of data class %v", e.Name, f.Key, f.Kind, f.Type, f.Data)
			}
			if s.SecretKey(f.Key) {
				t.Errorf("%s: field %q is marked %v but is a secret key", e.Name, f.Key, f.Kind)
			}
			if (f.Kind == catalog.Enum) != (len(f.Values) > 0) {
				t.Errorf("%s: field %q of kind %v has values %q", e.Name, f.Key, f.Kind, f.Values)
			}
			// The built-in scrubber leaves every listed word alone: not
			// scanning it changes nothing.
			for _, v := range f.Values {
				if _, changed := s.Attr(slog.String(f.Key, v)); changed {
					t.Errorf("%s: the scrubber changes %s=%q, listed as a word needing no scan", e.Name, f.Key, v)
				}
			}
		}
	}
}

// TestIDShaped pins the shapes an ID field's value skips the scan with.
func TestIDShaped(t *testing.T) {
	for _, tc := range []struct {
		v    string
		want bool
	}{
		{"item_0", true}, {"item_1234567890123456789", true}, {"17", true},
		{"0199a213-81c0-7800-8aa1-bbab2a035a53", true}, {"123E4567-E89B-12D3-A456-426614174000", true},
		{"", false}, {"item_", false}, {"item_12345678901234567890", false}, {"item_3x", false},
		{"call_9f8e7d6c5b4a39281706f5e4d3c2b1a0", false}, {"sk-proj-7XKy7hFIkG6k8xQqs1iK7fxubGT539EPBwcZAQfZ", false},
		{"0199a213-81c0-7800-8aa1-bbab2a035a5g", false}, {"0199a21381c078008aa1bbab2a035a53aaaa", false},
		{"12345678901234567890", false}, {"-1", false}, {"ghp_0123456789abcdef0123456789abcdef0123", false},
	} {
		if got := catalog.IDShaped(tc.v); got != tc.want {
			t.Errorf("IDShaped(%q) = %v, want %v", tc.v, got, tc.want)
		}
	}
}

// FuzzIDShapedNeedsNoScan: whatever has an id's shape, the built-in
// scrubber leaves alone, so skipping its scan changes nothing.
func FuzzIDShapedNeedsNoScan(f *testing.F) {
	f.Add(uint64(0), uint64(0), uint8(0))
	f.Add(uint64(0x0199a21381c07800), uint64(0x8aa1bbab2a035a53), uint8(1))
	f.Add(uint64(1234567890123456789), uint64(0), uint8(2))
	s := scrub.New()
	f.Fuzz(func(t *testing.T, hi, lo uint64, shape uint8) {
		var v string
		switch shape % 4 {
		case 0:
			v = fmt.Sprintf("item_%d", hi%10_000_000_000_000_000_000)
		case 1:
			x := fmt.Sprintf("%016x%016x", hi, lo)
			v = x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
		case 2:
			x := fmt.Sprintf("%016X%016X", hi, lo)
			v = x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
		case 3:
			v = fmt.Sprint(hi % 10_000_000_000_000_000_000)
		}
		if !catalog.IDShaped(v) {
			t.Fatalf("%q is not id-shaped", v)
		}
		for _, key := range []string{"call_id", "request_id"} {
			if _, changed := s.Attr(slog.String(key, v)); changed {
				t.Errorf("the scrubber changes %s=%q", key, v)
			}
		}
	})
}

// planned emits, for every catalog event, its declared metadata with value
// v in every field, plus an unknown field, through bus, and returns what a
// handler received, event by event.
func planned(t *testing.T, bus *telemetry.Bus, v slog.Value) [][]slog.Attr {
	t.Helper()
	var got [][]slog.Attr
	mustAttach(t, bus, "plan", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
		var attrs []slog.Attr
		for a := range e.Metadata {
			attrs = append(attrs, a)
		}
		got = append(got, attrs)
	}), "*")
	defer bus.Detach("plan")
	for _, e := range catalog.All() {
		var md []slog.Attr
		for _, f := range e.Metadata {
			md = append(md, slog.Attr{Key: f.Key, Value: v})
		}
		md = append(md, slog.Attr{Key: "unknown_" + e.Name, Value: v}, slog.Attr{Key: "api_key", Value: v})
		bus.Emit(context.Background(), e.Name, nil, md...)
	}
	return got
}

// reference is what the bus delivered before the field plan: every field
// redaction does not drop, scrubbed whole (key and value).
func reference(s *scrub.Scrubber, p redact.Policy, v slog.Value) [][]slog.Attr {
	var out [][]slog.Attr
	for _, e := range catalog.All() {
		drop := p.Dropped(e)
		var attrs []slog.Attr
		for _, f := range e.Metadata {
			if !slices.Contains(drop, f.Key) {
				a, _ := s.Attr(slog.Attr{Key: f.Key, Value: v})
				attrs = append(attrs, a)
			}
		}
		for _, key := range []string{"unknown_" + e.Name, "api_key"} {
			a, _ := s.Attr(slog.Attr{Key: key, Value: v})
			attrs = append(attrs, a)
		}
		out = append(out, attrs)
	}
	return out
}

// planValues are values the plan treats differently: listed words, ids,
// secrets in an enum or id field, numbers, nested values.
var planValues = []slog.Value{
	slog.StringValue("shell"), slog.StringValue("exec"), slog.StringValue("accept"), slog.StringValue("item_3"),
	slog.StringValue("0199a213-81c0-7800-8aa1-bbab2a035a53"), slog.StringValue("17"),
	slog.StringValue("sk-proj-7XKy7hFIkG6k8xQqs1iK7fxubGT539EPBwcZAQfZ"),
	slog.StringValue("Bearer abcdefghijklmnopqrstuvwxyz0123456789"),
	slog.StringValue("password=hunter2hunter2"), slog.StringValue("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
	slog.StringValue(""), slog.IntValue(42), slog.BoolValue(true),
	slog.GroupValue(slog.String("token", "abc123def456ghi789")),
	slog.AnyValue(map[string]any{"authorization": "Bearer abcdefghijklmnopqrstuvwxyz0123456789"}),
}

// TestPlanMatchesFullScrub: with the field plan, handlers receive exactly
// what scrubbing every field whole gives, for the default scrubber, one
// with added patterns (which scans every string), one with added keys
// (which makes a declared field secret), and under each policy.
func TestPlanMatchesFullScrub(t *testing.T) {
	scrubbers := map[string]*scrub.Scrubber{
		"default":  scrub.New(),
		"patterns": scrub.New(scrub.WithPatterns(regexp.MustCompile(`shell|item_\d+|accept`))),
		"keys":     scrub.New(scrub.WithKeys("call_id", "tool")),
	}
	for name, s := range scrubbers {
		for _, p := range []redact.Policy{{}, {ModelData: true, ToolData: true}} {
			bus := telemetry.New(telemetry.WithScrubber(s), telemetry.WithModelData(p.ModelData), telemetry.WithToolData(p.ToolData), telemetry.WithThrottle(nil))
			for _, v := range planValues {
				got, want := planned(t, bus, v), reference(s, p, v)
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("scrubber %s, policy %+v, value %v:\n got %v\nwant %v", name, p, v, got, want)
				}
			}
		}
	}
}

// FuzzPlanMatchesFullScrub is TestPlanMatchesFullScrub for any string.
func FuzzPlanMatchesFullScrub(f *testing.F) {
	for _, v := range planValues {
		if v.Kind() == slog.KindString {
			f.Add(v.String())
		}
	}
	s := scrub.New()
	f.Fuzz(func(t *testing.T, v string) {
		bus := telemetry.New(telemetry.WithThrottle(nil))
		got, want := planned(t, bus, slog.StringValue(v)), reference(s, redact.Policy{}, slog.StringValue(v))
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("value %q:\n got %v\nwant %v", v, got, want)
		}
	})
}
