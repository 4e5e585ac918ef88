package bridge

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/codextel/codextel/core/telemetry"
	"github.com/codextel/codextel/core/telemetrytest"
)

var update = flag.Bool("update", false, "rewrite the golden event sequences in testdata/golden")

// newBus returns a bus with a fixed clock, all data let through (so the
// goldens show it) and no throttling, and a recorder of everything on it.
func newBus(t *testing.T) (*telemetry.Bus, *telemetrytest.Recorder) {
	t.Helper()
	fixed := time.Date(2025, 12, 2, 10, 52, 12, 0, time.UTC)
	bus := telemetry.New(
		telemetry.WithClock(func() time.Time { return fixed }),
		telemetry.WithModelData(true), telemetry.WithToolData(true),
		telemetry.WithThrottle(nil),
	)
	return bus, telemetrytest.Record(t, bus)
}

// describe writes the recorded events one a line, without the random span ids.
func describe(rec *telemetrytest.Recorder) []byte {
	var b bytes.Buffer
	for _, e := range rec.Events() {
		ids := e.IDs()
		b.WriteString(e.String())
		if ids.Thread != "" {
			b.WriteString(" thread=" + ids.Thread)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// TestExecCaptures replays every real `codex exec --json` capture and checks
// the exact event sequence against testdata/golden (reviewed by eye; rewrite
// with -update), and every event against the catalog.
func TestExecCaptures(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.jsonl")
	for _, f := range files {
		base := filepath.Base(f)
		if strings.HasPrefix(base, "appserver__") || strings.Contains(base, "app_server") {
			continue
		}
		t.Run(strings.TrimSuffix(base, ".jsonl"), func(t *testing.T) {
			bus, rec := newBus(t)
			in, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			sum, err := ReadExec(context.Background(), in, bus)
			if err != nil {
				t.Fatal(err)
			}
			if sum.BadLines != 0 {
				t.Errorf("%d bad lines in a real capture", sum.BadLines)
			}
			rec.WantCatalog()
			checkGolden(t, filepath.Join("testdata", "golden", strings.TrimSuffix(base, ".jsonl")+".events"), describe(rec))
		})
	}
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := telemetrytest.Diff(strings.Split(string(want), "\n"), strings.Split(string(got), "\n")); d != "" {
		t.Errorf("event sequence differs from %s (-want +got):\n%s", path, d)
	}
}

func TestExecBadInput(t *testing.T) {
	input := strings.Join([]string{
		`{"type":"thread.started","thread_id":"t1"}`,
		`not json`,
		"{\"type\":\"turn.started\"}\xff",
		`{"no":"type"}`,
		`{"type":"item.completed"}`,
		`{"type":"item.completed","item":{"id":"item_0","type":"command_execution","exit_code":"x"}}`,
		``,
		`# comment`,
		`{"type":"turn.started"}`,
		`{"type":"future.event","x":1}`,
		`{"type":"item.completed","item":{"id":"item_1","type":"future_item"}}`,
		`{"type":"item.completed","item":{"id":"item_2","type":"agent_message","text":"` + strings.Repeat("a", 200) + `"}}`,
		`{"type":"turn.completed","usage":{"input_tokens":10,"output_tokens":2}}`,
	}, "\n")
	bus, rec := newBus(t)
	sum, err := ReadExec(context.Background(), strings.NewReader(input), bus, WithMaxLine(150))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Records != 11 || sum.BadLines != 5 || sum.BadFields != 1 || sum.Lines != 13 || sum.Turns != 1 || sum.Tools != 1 {
		t.Errorf("summary %+v", sum)
	}
	var reasons []string
	for _, e := range rec.Events() {
		if e.Name == "codex.bridge.invalid_line" {
			line, _ := e.Lookup("line")
			reason, _ := e.Lookup("reason")
			reasons = append(reasons, line.String()+": "+reason.String())
		}
	}
	want := []string{
		"2: not a JSON object: invalid character 'o' in literal null (expecting 'u') (at byte 2)",
		"3: invalid UTF-8",
		`4: no "type" member`,
		`5: item.completed without an "item"`,
		"12: line 12: over 150 bytes",
	}
	if d := telemetrytest.Diff(want, reasons); d != "" {
		t.Errorf("invalid lines (-want +got):\n%s", d)
	}
	// Line 6 is kept: its command completes, without the exit code it
	// could not read, and the member is reported.
	if e, ok := rec.Find("codex.bridge.invalid_field"); !ok || e.String() == "" {
		t.Error("no codex.bridge.invalid_field for line 6")
	} else if f, _ := e.Lookup("field"); f.String() != "item.exit_code" {
		t.Errorf("invalid_field names %q, want item.exit_code", f)
	}
	if _, ok := rec.Find("codex.tool.success"); !ok {
		t.Error("the command of line 6 did not succeed")
	}
	rec.WantCatalog()
}

// TestExecLegacyFormat: a stream whose first line is in the legacy format
// is rejected; a legacy line later in a modern stream is a bad line, and
// reading goes on.
func TestExecLegacyFormat(t *testing.T) {
	const legacy = `{"id":"0","msg":{"type":"session_configured","model":"o3"}}`
	tests := []struct {
		name    string
		input   []string
		errLine string // "" when the stream is read
		bad     []string
	}{
		{"first line", []string{legacy, `{"type":"turn.started"}`}, "line 1", nil},
		{"after blank and comment lines", []string{"", "# captured", legacy}, "line 3", nil},
		{"inside a modern stream", []string{
			`{"type":"thread.started","thread_id":"t"}`, `{"type":"turn.started"}`, legacy,
			`{"type":"turn.completed","usage":{"input_tokens":1}}`,
		}, "", []string{`3: a line in the legacy {"id", "msg"} format, in a stream of the current format`}},
		{"after a bad line", []string{`not json`, legacy}, "", []string{
			"1: not a JSON object: invalid character 'o' in literal null (expecting 'u') (at byte 2)",
			`2: a line in the legacy {"id", "msg"} format, in a stream of the current format`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bus, rec := newBus(t)
			sum, err := ReadExec(context.Background(), strings.NewReader(strings.Join(tt.input, "\n")), bus)
			if tt.errLine != "" {
				if !errors.Is(err, ErrLegacyFormat) || !strings.Contains(err.Error(), tt.errLine) {
					t.Errorf("err = %v, want ErrLegacyFormat on %s", err, tt.errLine)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := telemetrytest.Diff(tt.bad, invalidLines(rec)); d != "" {
				t.Errorf("invalid lines (-want +got):\n%s", d)
			}
			if sum.BadLines != len(tt.bad) {
				t.Errorf("BadLines %d, want %d", sum.BadLines, len(tt.bad))
			}
			if tt.name == "inside a modern stream" && (sum.Turns != 1 || sum.TurnsFailed != 0) {
				t.Errorf("the turn did not complete: %+v", sum)
			}
			rec.WantCatalog()
		})
	}
}

// invalidLines lists the recorded codex.bridge.invalid_line events as
// "line: reason".
func invalidLines(rec *telemetrytest.Recorder) []string {
	var out []string
	for _, e := range rec.Events() {
		if e.Name == "codex.bridge.invalid_line" {
			line, _ := e.Lookup("line")
			reason, _ := e.Lookup("reason")
			out = append(out, line.String()+": "+reason.String())
		}
	}
	return out
}

func TestFirstItemID(t *testing.T) {
	tests := []struct{ line, want string }{
		{`{"type":"item.started","item":{"id":"item_1","type":"web_search","id":"ws_a"}}`, "item_1"},
		{`{"item":{"type":"web_search","action":{"id":"nested"},"id":"item_2","id":"ws"}}`, "item_2"},
		{`{"id":"top","item":{"type":"web_search"}}`, "fallback"},
		{`{"item":{"type":"web_search","id":3}}`, "fallback"},
		{`not json`, "fallback"},
		{`{"item":{"type":"web_search","action":{"item":{"id":"inner"}},"id":"outer"}}`, "outer"},
	}
	for _, tt := range tests {
		if got := firstItemID([]byte(tt.line), "fallback"); got != tt.want {
			t.Errorf("firstItemID(%s) = %q, want %q", tt.line, got, tt.want)
		}
	}
}

// FuzzReadExec checks that no input panics the reader or stops it early, and
// that every event it emits matches the catalog.
func FuzzReadExec(f *testing.F) {
	files, _ := filepath.Glob("testdata/gen__*.jsonl")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("{\"type\":\"item.completed\",\"item\":{\"id\":\"x\",\"type\":\"web_search\",\"id\":\"y\"}}\n\xff\xfe"))
	f.Fuzz(func(t *testing.T, data []byte) {
		bus := telemetry.New(telemetry.WithThrottle(nil))
		var problems []error
		_, _ = bus.Attach("check", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
			if err := telemetrytest.CheckCatalog(e); err != nil {
				problems = append(problems, err)
			}
		}), "*")
		sum, err := ReadExec(context.Background(), bytes.NewReader(data), bus, WithMaxLine(4096))
		if err != nil && !errors.Is(err, ErrLegacyFormat) {
			t.Fatalf("ReadExec: %v", err)
		}
		if err == nil && sum.Lines != bytes.Count(data, []byte{'\n'})+boolInt(len(data) > 0 && data[len(data)-1] != '\n') {
			t.Fatalf("read %d lines of %d", sum.Lines, bytes.Count(data, []byte{'\n'}))
		}
		if len(problems) > 0 {
			t.Fatal(errors.Join(problems...))
		}
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestSummaryDuration(t *testing.T) {
	now := time.Date(2025, 12, 2, 10, 52, 12, 0, time.UTC)
	clock := func() time.Time { now = now.Add(time.Second); return now }
	bus := telemetry.New(telemetry.WithClock(clock))
	sum, err := ReadExec(context.Background(), strings.NewReader(`{"type":"thread.started","thread_id":"t"}`+"\n"), bus)
	if err != nil || sum.Duration <= 0 {
		t.Errorf("Duration %v, err %v: want the time the replay took on the bus clock", sum.Duration, err)
	}
}

// A nil bus is the default bus, for both readers, as documented: the events
// reach a handler attached to telemetry.Default(), and nothing panics.
func TestNilBusIsDefault(t *testing.T) {
	const exec = `{"type":"thread.started","thread_id":"t_nil"}` + "\n"
	const wire = `{"dir":"s2c","msg":{"method":"thread/started","params":{"thread":{"id":"t_nil"}}}}` + "\n"
	tests := []struct {
		name  string
		read  func(context.Context, *strings.Reader, *telemetry.Bus, ...Option) (Summary, error)
		input string
	}{
		{"ReadExec", func(ctx context.Context, r *strings.Reader, bus *telemetry.Bus, opts ...Option) (Summary, error) {
			return ReadExec(ctx, r, bus, opts...)
		}, exec},
		{"ReadAppServer", func(ctx context.Context, r *strings.Reader, bus *telemetry.Bus, opts ...Option) (Summary, error) {
			return ReadAppServer(ctx, r, bus, opts...)
		}, wire},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, rec := telemetrytest.RecordContext(t, telemetry.Default(), "codex.thread.*")
			sum, err := tt.read(ctx, strings.NewReader(tt.input), nil)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Threads != 1 {
				t.Errorf("Threads = %d, want 1", sum.Threads)
			}
			if _, ok := rec.Find("codex.thread.start"); !ok {
				t.Errorf("the default bus carried %v, want codex.thread.start", rec.Names())
			}
		})
	}
}
