package codexzerolog_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/rs/zerolog"

	"github.com/codextel/codextel/core/catalog"
)

// valuer is a slog.LogValuer whose value is v.
type valuer struct{ v slog.Value }

func (x valuer) LogValue() slog.Value { return x.v }

// TestLogValuers: a LogValuer value (which reaches the adapter from a bus
// without a scrubber) is written as what it resolves to, at the top level,
// in a group, and in a group inside a LogValuer.
func TestLogValuers(t *testing.T) {
	for _, tc := range []struct {
		name string
		attr slog.Attr
		want string // the JSON of the attribute's value
	}{
		{"string", slog.Any("lv", valuer{slog.StringValue("resolved")}), `"resolved"`},
		{"int", slog.Any("lv", valuer{slog.IntValue(7)}), `7`},
		{"in a group", slog.Group("lv", slog.Any("k", valuer{slog.StringValue("x")})), `{"k":"x"}`},
		{"group", slog.Any("lv", valuer{slog.GroupValue(slog.Int("k", 1))}), `{"k":1}`},
		{"empty group", slog.Group("lv", slog.Any("k", valuer{slog.GroupValue()})), ``},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			bus := newBus(t)
			attach(t, bus, zerolog.New(&buf))
			bus.Emit(context.Background(), catalog.ApprovalApproved, nil, tc.attr)
			var line map[string]json.RawMessage
			if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
				t.Fatalf("%v: %s", err, buf.Bytes())
			}
			if got := string(line["lv"]); got != tc.want {
				t.Errorf("lv = %s, want %s; line %s", got, tc.want, buf.Bytes())
			}
		})
	}
}
