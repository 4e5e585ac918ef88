package eventjson

import (
	"errors"
	"io"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

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

// TestParseNumberLimits: a float for an integer or duration field is taken
// when it fits, at the very edges of the int64 range included.
func TestParseNumberLimits(t *testing.T) {
	tests := []struct{ line, want string }{
		{`{"event": "codex.telemetry.dropped", "measurements": {"dropped": 1e18}}`, "dropped=1000000000000000000"},
		{`{"event": "codex.telemetry.dropped", "measurements": {"dropped": -9223372036854775808.0}}`, "dropped=-9223372036854775808"},
		{`{"event": "codex.telemetry.dropped", "measurements": {"dropped": 9223372036854775807}}`, "dropped=9223372036854775807"},
		{`{"event": "codex.tool.success", "measurements": {"duration": 1.5e9}}`, "duration=1.5s"},
		{`{"event": "codex.tool.success", "measurements": {"duration": 2.9}}`, "duration=2ns"},
		{`{"event": "codex.tool.success", "measurements": {"duration_ms": Infinity}}`, "duration_ms=+Inf"},
		{`{"event": "my.event", "measurements": {"n": 1e19, "m": NaN}}`, "n=1e+19, m=NaN"},
	}
	for _, tt := range tests {
		e, err := Parse(tt.line)
		if err != nil {
			t.Errorf("Parse(%s): %v", tt.line, err)
			continue
		}
		if got := e.String(); !strings.Contains(got, "{"+tt.want+"}") {
			t.Errorf("Parse(%s) = %s, want measurements {%s}", tt.line, got, tt.want)
		}
	}
}

// TestParseRepeatedKeys: a key given twice is one field, as json.loads makes
// it: the value of the last, at the place of the first; at every depth and
// for the line's own members.
func TestParseRepeatedKeys(t *testing.T) {
	tests := []struct{ line, want string }{
		{`{"event": "my.event", "metadata": {"a": 1, "b": 2, "a": 3}}`, "my.event{}[a=3, b=2]"},
		{`{"event": "my.event", "metadata": {"a": {"x": 1, "y": 2, "x": {"z": 0}}}}`, "my.event{}[a=[x=[z=0] y=2]]"},
		{`{"event": "my.event", "metadata": {"a": [{"k": 1, "k": 2}]}}`, "my.event{}[a=[[k=2]]]"},
		{`{"event": "my.event", "metadata": {"a": 1}, "metadata": {"b": 2}}`, "my.event{}[b=2]"},
		{`{"event": "my.event", "measurements": {"n": 1, "m": 2, "n": 3}}`, "my.event{n=3, m=2}[]"},
		{`{"event": "my.event", "measurements": {"n": 1}, "measurements": {"m": 2}}`, "my.event{m=2}[]"},
		{`{"event": "first.name", "event": "my.event"}`, "my.event{}[]"},
		{`{"event": "my.event", "metadata": {"k1": 1, "k2": 2, "k3": 3, "k4": 4, "k5": 5, "k6": 6, "k7": 7, "k8": 8, "k9": 9, "k1": 10, "k9": 11}}`,
			"my.event{}[k1=10, k2=2, k3=3, k4=4, k5=5, k6=6, k7=7, k8=8, k9=11]"},
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
	e, err := Parse(`{"event": "my.event", "ids": {"thread_id": "a", "turn_id": "t"}, "ids": {"thread_id": "b"}}`)
	if err != nil {
		t.Fatal(err)
	}
	if ids := e.IDs(); ids.Thread != "b" || ids.Turn != "" {
		t.Errorf("repeated ids: %+v, want only the last object's thread_id b", ids)
	}
}

// TestExcerptScrubbed: a bad line's excerpt carries no secret, also when the
// secret straddles the 60-byte cut or the line is over the limit.
func TestExcerptScrubbed(t *testing.T) {
	key := "sk-proj-" + strings.Repeat("a1B2", 12)
	tests := []struct {
		name, input string
		maxLine     int
		want        string // the excerpt
	}{
		{"secret in the excerpt", `not json ` + key, 1000, "not json [REDACTED]"},
		{"secret across the cut", strings.Repeat("x", 45) + " " + key + " trailing", 1000, strings.Repeat("x", 45) + " [REDACTED] tra"},
		{"too long, secret across the cut", `{"event": "x", "metadata": {"k": "0123456789 ` + key + strings.Repeat(" y", 100) + `"}}`, 100, `{"event": "x", "metadata": {"k": "0123456789 `},
		{"too long, secret whole", `{"event": "` + key + strings.Repeat("y", 100), 100, `{"event": "[REDACTED]`},
	}
	for _, tt := range tests {
		d := NewDecoderSize(strings.NewReader(tt.input+"\n"), tt.maxLine)
		_, err := d.Next()
		var le *LineError
		if !errors.As(err, &le) {
			t.Errorf("%s: error %v, want a *LineError", tt.name, err)
			continue
		}
		if le.Excerpt != tt.want || strings.Contains(le.Error(), "a1B2") {
			t.Errorf("%s: excerpt %q, want %q", tt.name, le.Excerpt, tt.want)
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
		{`{"event": "bad name"}`, `"event": "bad name" is not an event name`},
		{`{"event": "x", "extra": 1}`, `unknown member "extra"`},
		{`{"event": "x"} trailing`, "extra data after the object at byte 15"},
		{`{"event": "x", "time": "yesterday"}`, `"time": "yesterday" is not an RFC 3339 time`},
		{`{"event": "x", "measurements": {"n": "a"}}`, `measurement "n": "a" is neither a number nor a duration`},
		{`{"event": "codex.tool.success", "measurements": {"duration_ms": "1s"}}`, `measurement "duration_ms": a string is not a number`},
		{`{"event": "codex.telemetry.dropped", "measurements": {"dropped": 1.5}}`, `measurement "dropped": 1.5 is not an integer`},
		{`{"event": "x", "measurements": {"n": 18446744073709551616}}`, "does not fit in 64 bits"},
		{`{"event": "x", "measurements": {"n": [1]}}`, "an array is not a number"},
		{`{"event": "codex.telemetry.dropped", "measurements": {"dropped": 1e19}}`, `measurement "dropped": 1e+19 is beyond the int64 range`},
		{`{"event": "codex.telemetry.dropped", "measurements": {"dropped": 9223372036854775808.0}}`, `9.223372036854776e+18 is beyond the int64 range`},
		{`{"event": "codex.telemetry.dropped", "measurements": {"dropped": -1e300}}`, `-1e+300 is beyond the int64 range`},
		{`{"event": "codex.telemetry.dropped", "measurements": {"dropped": Infinity}}`, `measurement "dropped": Infinity is not an integer`},
		{`{"event": "codex.telemetry.dropped", "measurements": {"dropped": -Infinity}}`, `-Infinity is not an integer`},
		{`{"event": "codex.telemetry.dropped", "measurements": {"dropped": NaN}}`, `NaN is not an integer`},
		{`{"event": "codex.tool.success", "measurements": {"duration": 1e30}}`, `measurement "duration": 1e+30 ns is beyond the range of a duration`},
		{`{"event": "codex.tool.success", "measurements": {"duration": Infinity}}`, `Infinity is not a duration`},
		{`{"event": "codex.tool.success", "measurements": {"duration": NaN}}`, `NaN is not a duration`},
		{`{"event": "codex.tool.success", "measurements": {"duration": 1, "duration": 1e19}}`, `1e+19 ns is beyond the range`},
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
		`line 5: line too long: over 80 bytes (line starts "{\"event\": \"")`, // the cut word is dropped
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

// FuzzDecoder checks that no input panics the decoder and that every bad
// line's excerpt is valid UTF-8 of at most 60 bytes.
func FuzzDecoder(f *testing.F) {
	f.Add("not json sk-proj-a1B2a1B2a1B2a1B2a1B2a1B2\n{\"event\": \"a.b\"}\n", 100)
	f.Add(`{"event": "x", "metadata": {"k": "`+strings.Repeat("\u00e9", 50)+`"}}`, 40)
	f.Fuzz(func(t *testing.T, input string, maxLine int) {
		d := NewDecoderSize(strings.NewReader(input), max(1, maxLine%4096))
		for range 1000 {
			_, err := d.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			var le *LineError
			if errors.As(err, &le) {
				if len(le.Excerpt) > 60 || !utf8.ValidString(le.Excerpt) {
					t.Fatalf("line %d: excerpt %q", le.Line, le.Excerpt)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestErrorsScrubbed: a value or key that an error message quotes is
// scrubbed before Go's quoting, whose escapes (\x0a, \t) would otherwise run
// into the secret and hide its start from a scrubber run over the message.
func TestErrorsScrubbed(t *testing.T) {
	const token = "ya29.dimRxR07YMeZwb0XfAZ8kn-5YgW5cJk8yhQ9ST_RC7vuAeI3HBfTZPD9Z6wm2OLU06XYYqpllE62RUK8A"
	for _, line := range []string{
		`{"event": "x", "time": "\n` + token + `"}`,
		`{"event": "x\t` + token + `"}`,
		`{"event": "x", "ids": {"\n` + token + `": "1"}}`,
		`{"event": "x", "\t` + token + `": 1}`,
		`{"event": "codex.tool.stop", "measurements": {"duration": "\n` + token + `"}}`,
	} {
		_, err := Parse(line)
		if err == nil {
			t.Errorf("Parse(%.40s…) = nil error", line)
			continue
		}
		if strings.Contains(err.Error(), token[5:20]) {
			t.Errorf("Parse(%.40s…) error quotes the token: %v", line, err)
		}
	}
	// Measurement names and ids, which the bus does not scrub, are
	// scrubbed where they are read.
	e, err := Parse(`{"event": "x", "measurements": {"` + token + `": 1}, "ids": {"thread_id": "t ` + token + `"}}`)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.String() + e.IDs().Thread; strings.Contains(got, token[5:20]) {
		t.Errorf("a measurement name or an id keeps the token: %s", got)
	}
}
