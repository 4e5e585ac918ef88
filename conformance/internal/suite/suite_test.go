package suite

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/codextel/codextel/core/eventjson"
	"github.com/codextel/codextel/core/telemetry"
)

func TestParse(t *testing.T) {
	s, err := Parse("x", []byte(`# a comment: with a colon
# secret: sk-proj-AbCdEf0123456789GhIjKlMnOpQrStUvWx
# policies: redacted data

{"event": "a.b"}
{"time": "2020-01-02T03:04:05.5Z", "event": "a.c"}
{"event": "a.d"}
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Secrets) != 1 || s.Secrets[0] != "sk-proj-AbCdEf0123456789GhIjKlMnOpQrStUvWx" {
		t.Errorf("secrets %q", s.Secrets)
	}
	var names []string
	for _, v := range s.Variants() {
		names = append(names, v.Name)
	}
	if got := strings.Join(names, " "); got != "x.redacted x.data" {
		t.Errorf("variants %s", got)
	}
	if v := s.Variants()[1]; v.Policy != (Data{ModelData: true, ToolData: true}) {
		t.Errorf("data policy %+v", v.Policy)
	}
	want := []time.Time{BaseTime, time.Date(2020, 1, 2, 3, 4, 5, 5e8, time.UTC), BaseTime.Add(2 * time.Millisecond)}
	for i, e := range s.Events {
		if !e.Time.Equal(want[i]) {
			t.Errorf("event %d at %v, want %v", i, e.Time, want[i])
		}
	}
	plain, err := Parse("y", []byte(`{"event": "a.b"}`))
	if err != nil {
		t.Fatal(err)
	}
	if vs := plain.Variants(); len(vs) != 1 || vs[0].Name != "y" || vs[0].Policy != (Data{}) {
		t.Errorf("variants of a scenario naming no policy: %+v", vs)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"# policies: redacted everything\n{\"event\": \"a\"}", `x.jsonl:1: unknown policy "everything"`},
		{"# policies:\n{\"event\": \"a\"}", "x.jsonl:1: policies line names none"},
		{"# policies: data\n# policies: data\n{\"event\": \"a\"}", "x.jsonl:2: a second policies line"},
		{"# secret:   \n{\"event\": \"a\"}", "x.jsonl:1: empty secret"},
		{"{\"event\": \"a\"}\n{\"event\": 1}", `x.jsonl:2: "event" must be a string`},
		{"# nothing\n", "x.jsonl has no events"},
	} {
		_, err := Parse("x", []byte(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want an error with %q", tc.text, err, tc.want)
		}
	}
}

func TestPrepareRedactsAndScrubs(t *testing.T) {
	s, err := Parse("x", []byte(`# policies: redacted tool
{"event": "codex.tool.start", "measurements": {"system_time": 1, "monotonic_time": 2}, "metadata": {"tool": "shell", "tool_kind": "command_execution", "call_id": "i", "input": "echo sk-proj-AbCdEf0123456789GhIjKlMnOpQrStUvWx"}}
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range s.Variants() {
		events, err := Prepare(v)
		if err != nil {
			t.Fatal(err)
		}
		in, ok := events[0].Lookup("input")
		switch v.Name {
		case "x.redacted":
			if ok {
				t.Errorf("%s: input %v not redacted", v.Name, in)
			}
		case "x.tool":
			if !ok || in.String() != "echo [REDACTED]" {
				t.Errorf("%s: input %v, want the scrubbed command", v.Name, in)
			}
		}
	}
}

// The reference events are written by eventjson.AppendEvent and must read
// back, an empty object at the top of the metadata included.
func TestAppendEventReadsBack(t *testing.T) {
	e := telemetry.NewEvent("a.b", time.Date(2025, 1, 2, 3, 4, 5, 6, time.FixedZone("", 19800)))
	e.AddMeasurements(telemetry.Duration("duration", 1500), telemetry.Float("ms", 1.0), telemetry.Int("n", -3))
	e.AddMetadata(slog.Group("empty"), slog.Group("g", slog.String("k", "v")), slog.Any("list", []any{1.5, nil}))
	line := string(eventjson.AppendEvent(nil, &e))
	want := `{"time": "2025-01-02T03:04:05.000000006+05:30", "event": "a.b", "measurements": {"duration": 1500, "ms": 1.0, "n": -3}, "metadata": {"empty": {}, "g": {"k": "v"}, "list": [1.5, null]}}`
	if line != want {
		t.Errorf("AppendEvent:\n got %s\nwant %s", line, want)
	}
	back, err := eventjson.Parse(line)
	if err != nil {
		t.Fatal(err)
	}
	// "duration" is no catalog measurement, so it reads back as an int;
	// the fingerprint sees that.
	if fingerprint(&back) == fingerprint(&e) {
		t.Error("fingerprint misses a duration read back as an int")
	}
	e2 := telemetry.NewEvent("a.b", e.Time)
	e2.AddMeasurements(telemetry.Int("duration", 1500), telemetry.Float("ms", 1.0), telemetry.Int("n", -3))
	e2.AddMetadata(slog.Group("empty"), slog.Group("g", slog.String("k", "v")), slog.Any("list", []any{1.5, nil}))
	if fingerprint(&back) != fingerprint(&e2) {
		t.Errorf("read back differently:\n%s\n%s", fingerprint(&back), fingerprint(&e2))
	}
}

func TestWriteReference(t *testing.T) {
	dir := t.TempDir()
	fsys := fstest.MapFS{
		"a.jsonl": {Data: []byte("# policies: redacted data\n{\"event\": \"codex.error\", \"metadata\": {\"error_message\": \"x\", \"e\": {}}}\n")},
		"b.jsonl": {Data: []byte("{\"event\": \"custom\"}\n")},
	}
	if err := WriteReference(dir, fsys); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"catalog.json", "formats.json", "a.redacted.jsonl", "a.data.jsonl", "b.jsonl"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "a.data.jsonl"))
	if want := `{"time": "2025-12-02T10:52:12.123456Z", "event": "codex.error", "metadata": {"error_message": "x", "e": {}}}` + "\n"; string(b) != want {
		t.Errorf("a.data.jsonl:\n%s", b)
	}
	f, _ := os.ReadFile(filepath.Join(dir, "formats.json"))
	for _, s := range []string{`"name": "datefmt.kolkata"`, `"tz": "Asia/Kolkata"`, `"datefmt": "%Y-%m-%dT%H:%M:%S%z"`, `"datefmt": null`} {
		if !strings.Contains(string(f), s) {
			t.Errorf("formats.json lacks %s", s)
		}
	}
}
