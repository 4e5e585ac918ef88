package codexotel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/codextel/codextel/core/catalog"
)

// secretKey is a key the bus's scrubber removes where it looks.
const secretKey = "sk-proj-Zq8vN3xW7tB2mK9pL4rT6yH1jD5fG0sA"

// creds is a value an application might pass as a field: the scrubber
// checks User and Key but never reads note.
type creds struct {
	User string
	Key  string
	note string
}

// TestNothingUnscrubbed: everything the adapter exports (log bodies and
// attributes, span names, attributes, events and statuses, metric
// attributes) comes from the bus's scrubbed event data: neither a secret in
// an error, a reason or a struct field, nor a struct's unexported field,
// reaches an exporter.
func TestNothingUnscrubbed(t *testing.T) {
	r := newRig(t, true)
	ctx := context.Background()
	// The scrubber replaces c (its Key holds a secret) by a map of its
	// exported fields; it passes h as it is, since it finds nothing in the
	// fields it reads, but h's unexported field holds a secret too.
	c := creds{User: "ann", Key: secretKey, note: secretKey}
	h := &creds{User: "bob", note: secretKey}
	_ = r.bus.Span(ctx, "codex.tool", []slog.Attr{slog.Any("tool", c), slog.String("tool_kind", "function"),
		slog.Any("call_id", h), slog.Any("server", *h)}, func(context.Context) error {
		return fmt.Errorf("auth failed with %s (%w)", secretKey, errors.New("401"))
	})
	r.bus.Emit(ctx, catalog.TurnCompactionFailed, nil, slog.Any("reason", *h))
	r.bus.Emit(ctx, catalog.TurnCompactionFailed, nil, slog.Any("reason", map[string]creds{"k": *h}))
	r.bus.Emit(ctx, "myapp.custom", nil, slog.Any("payload", []any{c, h}), slog.Group("g", slog.Any("h", h)))

	var out strings.Builder
	for _, rec := range r.logs.Records() {
		fmt.Fprintf(&out, "log %s %+v\n", rec.Body().String(), rec)
	}
	for _, s := range r.spans.Ended() {
		fmt.Fprintf(&out, "span %s %q %+v %+v\n", s.Name(), s.Status().Description, s.Attributes(), s.Events())
	}
	fmt.Fprintf(&out, "metrics %+v\n", r.collect(t))
	all := out.String()
	if len(r.logs.Records()) != 5 || len(r.spans.Ended()) != 1 {
		t.Fatalf("%d records and %d spans, want 5 and 1:\n%s", len(r.logs.Records()), len(r.spans.Ended()), all)
	}
	for _, leak := range []string{secretKey, "sk-proj"} {
		if strings.Contains(all, leak) {
			t.Errorf("%q was exported:\n%s", leak, all)
		}
	}
	// The exported fields are there, as the scrubber left them.
	for _, want := range []string{"ann", "bob", "[REDACTED"} {
		if !strings.Contains(all, want) {
			t.Errorf("%q is missing from what was exported:\n%s", want, all)
		}
	}
}
