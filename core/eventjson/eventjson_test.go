package eventjson

import (
	"errors"
	"io"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/codextel/codextel/core/telemetry"
)

func TestParse(t *testing.T) {
	tests := []struct {
		line string
		want string // Event.String()
	}{
		{`{"event": "codex.turn.compaction.started"}`, "codex.turn.compaction.started{}[]"},
		{`{"event":"codex.tool.success","measurements":{"duration":1500000,"duration_ms":1},"metadata":{"tool":"shell","tool_kind":"command_execution","call_id":"item_0","exit_code":0}}`,
			"codex.tool.success{duration=1.5ms, duration_ms=1}[tool=shell, tool_kind=command_execution, call_id=item_0, exit_code=0]"},
		{`{"event":"codex.tool.success","measurements":{"duration":"2s"}}`, "codex.tool.success{duration=2s}[]"},
		{`{"metadata": {"z": 1, "a": {"y": [1, "x", null, {"k": true}], "b": 2.5}}, "event": "my.event"}`,
			"my.event{}[z=1, a=[y=[1 x <nil> [k=true]] b=2.5]]"},
		{`{"event":"my.event","measurements":{"n":3,"f":0.5,"big":1e300}}`, "my.event{n=3, f=0.5, big=1e+300}[]"},
		{`{"event":"my.event","metadata":{"s":"\u00e9\ud83d\ude00\n\"\\\/","lone":"\ud800x"}}`, "my.event{}[s=é😀\n\"\\/, lone=\uFFFDx]"},
	}
	for _, tt := range tests {
		e, err := Parse(tt.line)
		if err != nil {
			t.Errorf("Parse(%s): %v", tt.line, err)
			continue
		}
		if got := e.String(); got != tt.want {
			t.Errorf("Parse(%s)\n got %s\nwant %s", tt.line, got, tt.want)
		}
	}
}

func TestParseValues(t *testing.T) {
	e, err := Parse(`{"event":"my.event","time":"2025-12-02T10:52:12.123456789+05:30","metadata":{"nan":NaN,"inf":Infinity,"ninf":-Infinity,"big":18446744073709551616,"u":18446744073709551615,"neg":-9223372036854775808,"f":-0.0},"ids":{"thread_id":"th","span_id":"s"}}`)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2025, 12, 2, 10, 52, 12, 123456789, time.FixedZone("", 5*3600+1800))
	if !e.Time.Equal(want) {
		t.Errorf("time %v, want %v", e.Time, want)
	}
	get := func(k string) slog.Value { v, _ := e.Lookup(k); return v }
	if f := get("nan").Float64(); !math.IsNaN(f) {
		t.Errorf("nan = %v", f)
	}
	if get("inf").Float64() != math.Inf(1) || get("ninf").Float64() != math.Inf(-1) {
		t.Error("infinities")
	}
	if get("big").String() != "18446744073709551616" || get("u").Uint64() != math.MaxUint64 || get("neg").Int64() != math.MinInt64 {
		t.Errorf("integers: %v %v %v", get("big"), get("u"), get("neg"))
	}
	if f := get("f").Float64(); f != 0 || !math.Signbit(f) {
		t.Errorf("-0.0 = %v", f)
	}
	if ids := e.IDs(); ids.Thread != "th" || ids.Span != "s" {
		t.Errorf("ids %+v", ids)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ line, want string }{
		{`{}`, `missing "event"`},
		{`[]`, "expected an object at byte 0"},
		{`{"event": 3}`, `"event" must be a string, not a number`},
		{`{"event": "bad name"}`, `"event": telemetry: bad event name: byte ' ' at 3`},
		{`{"event": "x", "extra": 1}`, `unknown member "extra"`},
		{`{"event": "x"} trailing`, "extra data after the object at byte 15"},
		{`{"event": "x", "time": "yesterday"}`, `"time": parsing time`},
		{`{"event": "x", "measurements": {"n": "a"}}`, `measurement "n": "a" is neither a number nor a duration`},
		{`{"event": "codex.tool.success", "measurements": {"duration_ms": "1s"}}`, `measurement "duration_ms": a string is not a number`},
		{`{"event": "codex.telemetry.dropped", "measurements": {"dropped": 1.5}}`, `measurement "dropped": 1.5 is not an integer`},
		{`{"event": "x", "measurements": {"n": 18446744073709551616}}`, "does not fit in 64 bits"},
		{`{"event": "x", "measurements": {"n": [1]}}`, "an array is not a number"},
		{`{"event": "x", "ids": {"trace": "t"}}`, `"ids" has unknown field "trace"`},
		{`{"event": "x", "metadata": {"s": "a` + "\x01" + `"}}`, "control character"},
		{`{"event": "x", "metadata": {"s": "\q"}}`, `invalid escape \q`},
		{`{"event": "x", "metadata": {"n": 012}}`, "leading zero"},
		{`{"event": "x", "metadata": {"n": 1.}}`, "malformed number"},
		{`{"event": "x", "metadata": {"s": "open`, "unterminated string"},
		{`{"event": "x", "metadata": {"a": [1, 2}}`, "expected ',' or ']' in array"},
		{`{"event": "x", "metadata": {"a": ` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + `}}`, "nesting deeper than 200"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.line)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%.60s) error = %v, want %q", tt.line, err, tt.want)
		}
	}
}

func TestDecoder(t *testing.T) {
	input := "# a comment\n\n" +
		`{"event": "a.one"}` + "\r\n" +
		`{"event": 1}` + "\n" +
		`{"event": "a.` + strings.Repeat("x", 100) + `"}` + "\n" +
		`{"event": "a.three"}` // no final newline
	d := NewDecoderSize(strings.NewReader(input), 80)
	var got []string
	for {
		e, err := d.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var le *LineError
		if errors.As(err, &le) {
			got = append(got, le.Error())
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e.Name)
	}
	want := []string{
		"a.one",
		`line 4: "event" must be a string, not a number (line starts "{\"event\": 1}")`,
		`line 5: line too long: over 80 bytes (line starts "{\"event\": \"a.` + strings.Repeat("x", 47) + `")`,
		"a.three",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestRoundTrip(t *testing.T) {
	lines := []string{
		`{"time": "2025-12-02T10:52:12.123456789Z", "event": "codex.tool.success", "measurements": {"duration": 1500000, "duration_ms": 1.5}, "metadata": {"tool": "shell", "tool_kind": "command_execution", "call_id": "item_0", "exit_code": 0, "result": {"a": [1, 2.5, "x", null, true]}}, "ids": {"correlation_id": "c", "span_id": "s"}}`,
		`{"event": "my.event", "metadata": {"s": "é😀\n", "nan": NaN, "big": 18446744073709551616}}`,
		`{"event": "my.event", "metadata": {"empty": {}, "list": []}}`,
	}
	for _, line := range lines {
		e, err := Parse(line)
		if err != nil {
			t.Fatal(err)
		}
		out := string(AppendEvent(nil, &e))
		if out != line {
			t.Errorf("AppendEvent\n got %s\nwant %s", out, line)
		}
	}
}

// FuzzParse checks that no input panics the parser and that whatever parses
// survives a round trip through AppendEvent unchanged.
func FuzzParse(f *testing.F) {
	f.Add(`{"event": "a.b", "metadata": {"k": [1, {"x": "y"}]}, "measurements": {"n": 1}}`)
	f.Add(`{"event": "a", "metadata": {"s": "\ud83d\ude00", "f": 1e-7, "n": NaN}}`)
	f.Add(`{"time": "2025-12-02T10:52:12Z", "event": "x", "ids": {"thread_id": "t"}}`)
	f.Fuzz(func(t *testing.T, line string) {
		e, err := Parse(line)
		if err != nil {
			return
		}
		out := AppendEvent(nil, &e)
		again, err := Parse(string(out))
		if err != nil {
			t.Fatalf("re-parse of %s: %v", out, err)
		}
		if a, b := eventKey(e), eventKey(again); a != b {
			t.Fatalf("round trip changed the event:\n%s\n%s", a, b)
		}
	})
}

// eventKey describes an event exactly, NaN included (NaN != NaN).
func eventKey(e telemetry.Event) string {
	return e.Time.Format(time.RFC3339Nano) + " " + string(AppendEvent(nil, &e))
}
