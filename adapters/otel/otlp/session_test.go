package codexotlp

import (
	"context"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/codextel/codextel/core/eventjson"
	"github.com/codextel/codextel/core/telemetry"
)

// sessionFile is a recorded Codex session (a copy of the otel adapter's):
// two turns, tools, an MCP call, approvals and token usage, as telemetry
// events.
const sessionFile = "testdata/session.jsonl"

// sessionTrace is the recorded session's trace id.
const sessionTrace = "4bf92f3577b34da6a3ce929d0e0e4736"

// sessionEvents reads the recorded session.
func sessionEvents(t testing.TB) []telemetry.Event {
	t.Helper()
	f, err := os.Open(sessionFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := eventjson.NewDecoder(f)
	var out []telemetry.Event
	for {
		e, err := d.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
}

// replay emits the recorded session on bus, each event with the ids it was
// recorded with.
func replay(t testing.TB, bus *telemetry.Bus) []telemetry.Event {
	t.Helper()
	evs := sessionEvents(t)
	for _, e := range evs {
		bus.EmitEvent(context.Background(), e)
	}
	return evs
}
