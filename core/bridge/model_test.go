package bridge

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/telemetry"
	"github.com/codextel/codextel/core/telemetrytest"
)

// TestWithModel: the model WithModel names is the model of the threads a
// stream starts without naming one (every exec stream), and a model the
// stream names wins (an app-server thread's).
func TestWithModel(t *testing.T) {
	execStream := `{"type":"thread.started","thread_id":"t1"}` + "\n" + `{"type":"turn.started"}` + "\n" +
		`{"type":"turn.completed","usage":{"input_tokens":1,"cached_input_tokens":0,"output_tokens":1}}` + "\n"
	app, err := os.ReadFile("testdata/appserver__codex-0.169.0-mock__diff_tokenusage_deltas.wire.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, stream string
		appServer    bool
		opts         []Option
		want         string // "" for no model field
	}{
		{"exec", execStream, false, []Option{WithModel("gpt-5.5")}, "gpt-5.5"},
		{"exec-none", execStream, false, nil, ""},
		{"appserver-stream-wins", string(app), true, []Option{WithModel("other")}, "gpt-5.5"},
	} {
		bus := telemetry.New(telemetry.WithThrottle(nil))
		rec := telemetrytest.Record(t, bus)
		if c.appServer {
			_, err = ReadAppServer(context.Background(), strings.NewReader(c.stream), bus, c.opts...)
		} else {
			_, err = ReadExec(context.Background(), strings.NewReader(c.stream), bus, c.opts...)
		}
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		starts := 0
		for _, e := range rec.Events() {
			if e.Name != catalog.ThreadStart {
				continue
			}
			starts++
			v, ok := e.Lookup("model")
			if got := v.String(); ok != (c.want != "") || got != c.want && c.want != "" {
				t.Errorf("%s: model %q (present %v), want %q", c.name, got, ok, c.want)
			}
		}
		if starts != 1 {
			t.Errorf("%s: %d thread starts, want 1", c.name, starts)
		}
		rec.WantCatalog()
	}
}
