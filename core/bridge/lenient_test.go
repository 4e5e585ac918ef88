package bridge

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/codextel/codextel/core/telemetry"
	"github.com/codextel/codextel/core/telemetrytest"
)

// invalidFieldsOf lists the recorded codex.bridge.invalid_field events as
// "line field: reason [excerpt]".
func invalidFieldsOf(rec *telemetrytest.Recorder) []string {
	var out []string
	for _, e := range rec.Events() {
		if e.Name != "codex.bridge.invalid_field" {
			continue
		}
		line, _ := e.Lookup("line")
		field, _ := e.Lookup("field")
		reason, _ := e.Lookup("reason")
		excerpt, _ := e.Lookup("excerpt")
		out = append(out, line.String()+" "+field.String()+": "+reason.String()+" ["+excerpt.String()+"]")
	}
	return out
}

// measurement returns a measurement of the first event named name, or -1.
func measurement(rec *telemetrytest.Recorder, name, key string) int64 {
	e, ok := rec.Find(name)
	if !ok {
		return -1
	}
	n, ok := e.Measurement(key)
	if !ok {
		return -1
	}
	return n.Int64()
}

// metadata returns a metadata value of the first event named name as text,
// or "<none>".
func metadata(rec *telemetrytest.Recorder, name, key string) string {
	e, ok := rec.Find(name)
	if !ok {
		return "<none>"
	}
	v, ok := e.Lookup(key)
	if !ok {
		return "<none>"
	}
	return v.String()
}

// TestExecInvalidFields: a line with a member of an unexpected type is kept,
// the member read leniently and reported; the turn, the command and the
// thread end as the stream says.
func TestExecInvalidFields(t *testing.T) {
	const (
		start   = `{"type":"thread.started","thread_id":"t1"}`
		turn    = `{"type":"turn.started"}`
		done    = `{"type":"turn.completed","usage":{"input_tokens":10,"output_tokens":2}}`
		cmdOpen = `{"type":"item.started","item":{"id":"item_1","type":"command_execution","command":"ls","status":"in_progress"}}`
	)
	usage := func(members string) string {
		return `{"type":"turn.completed","usage":{` + members + `}}`
	}
	tests := []struct {
		name   string
		lines  []string
		fields []string // the invalid_field events
		check  func(t *testing.T, rec *telemetrytest.Recorder)
	}{
		{
			name:   "fractional token count",
			lines:  []string{start, turn, usage(`"input_tokens":12.5,"output_tokens":3`)},
			fields: []string{"3 usage.input_tokens: want an integer, got a number: not an integer, truncated to 12 [12.5]"},
			check: func(t *testing.T, rec *telemetrytest.Recorder) {
				if got := measurement(rec, "codex.thread.token_usage.updated", "input_tokens"); got != 12 {
					t.Errorf("input_tokens %d, want 12", got)
				}
				if got := measurement(rec, "codex.thread.token_usage.updated", "output_tokens"); got != 3 {
					t.Errorf("output_tokens %d, want 3: the rest of the usage is kept", got)
				}
			},
		},
		{
			name:   "token count out of range",
			lines:  []string{start, turn, usage(`"input_tokens":1e20`)},
			fields: []string{"3 usage.input_tokens: want an integer, got a number: out of range, clamped to 9223372036854775807 [1e20]"},
			check: func(t *testing.T, rec *telemetrytest.Recorder) {
				if got := measurement(rec, "codex.thread.token_usage.updated", "input_tokens"); got != 1<<63-1 {
					t.Errorf("input_tokens %d, want the largest int64", got)
				}
			},
		},
		{
			name:   "negative token count out of range",
			lines:  []string{start, turn, usage(`"output_tokens":-1e300`)},
			fields: []string{"3 usage.output_tokens: want an integer, got a number: out of range, clamped to -9223372036854775808 [-1e300]"},
		},
		{
			name:  "integer float and number in a string",
			lines: []string{start, turn, usage(`"input_tokens":1.2e3,"cached_input_tokens":" 7 ","output_tokens":"2.0"`)},
			fields: []string{
				"3 usage.input_tokens: want an integer, got a number: read as 1200 [1.2e3]",
				`3 usage.cached_input_tokens: want an integer, got a string: read as 7 [" 7 "]`,
				`3 usage.output_tokens: want an integer, got a string: read as 2 ["2.0"]`,
			},
			check: func(t *testing.T, rec *telemetrytest.Recorder) {
				if got := measurement(rec, "codex.thread.token_usage.updated", "cached_input_tokens"); got != 7 {
					t.Errorf("cached_input_tokens %d, want 7", got)
				}
			},
		},
		{
			name:   "usage not an object",
			lines:  []string{start, turn, `{"type":"turn.completed","usage":5}`},
			fields: []string{"3 usage: want an object, got a number: left out [5]"},
			check: func(t *testing.T, rec *telemetrytest.Recorder) {
				if _, ok := rec.Find("codex.thread.token_usage.updated"); ok {
					t.Error("token usage reported from a usage that was left out")
				}
			},
		},
		{
			name:   "exit code as a string",
			lines:  []string{start, turn, cmdOpen, `{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"ls","exit_code":"0","status":"completed"}}`, done},
			fields: []string{`4 item.exit_code: want an integer, got a string: read as 0 ["0"]`},
			check: func(t *testing.T, rec *telemetrytest.Recorder) {
				if got := metadata(rec, "codex.tool.success", "exit_code"); got != "0" {
					t.Errorf("tool success exit_code %s, want 0", got)
				}
			},
		},
		{
			name:   "failed command with a fractional exit code",
			lines:  []string{start, turn, cmdOpen, `{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"ls","exit_code":1.0,"status":"failed"}}`, done},
			fields: []string{"4 item.exit_code: want an integer, got a number: read as 1 [1.0]"},
			check: func(t *testing.T, rec *telemetrytest.Recorder) {
				if got := metadata(rec, "codex.tool.failure", "reason"); got != "exit code 1" {
					t.Errorf("tool failure reason %q, want exit code 1", got)
				}
			},
		},
		{
			name:   "exit code not a number",
			lines:  []string{start, turn, cmdOpen, `{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"ls","exit_code":"zero","status":"completed"}}`, done},
			fields: []string{`4 item.exit_code: want an integer, got a string: not a number, left out ["zero"]`},
			check: func(t *testing.T, rec *telemetrytest.Recorder) {
				if got := metadata(rec, "codex.tool.success", "exit_code"); got != "<none>" {
					t.Errorf("tool success exit_code %s, want none", got)
				}
			},
		},
		{
			name:   "numeric thread id",
			lines:  []string{`{"type":"thread.started","thread_id":123}`, turn, done},
			fields: []string{"1 thread_id: want a string, got a number: kept as its text [123]"},
			check: func(t *testing.T, rec *telemetrytest.Recorder) {
				if e, _ := rec.Find("codex.thread.stop"); e.IDs().Thread != "123" {
					t.Errorf("thread id %q, want 123", e.IDs().Thread)
				}
			},
		},
		{
			name:  "boolean as a string, text as a number, in a list",
			lines: []string{start, turn, `{"type":"item.completed","item":{"id":"item_2","type":"todo_list","items":[{"text":"a","completed":"true"},{"text":5,"completed":1}]}}`, done},
			fields: []string{
				// In the order encoding/json finds them: by path, then position.
				`3 item.items[0].completed: want a boolean, got a string: read as true ["true"]`,
				"3 item.items[1].completed: want a boolean, got a number: read as true [1]",
				"3 item.items[1].text: want a string, got a number: kept as its text [5]",
			},
			check: func(t *testing.T, rec *telemetrytest.Recorder) {
				if got := measurement(rec, "codex.item.todo_list.updated", "completed_items"); got != 2 {
					t.Errorf("completed_items %d, want 2", got)
				}
			},
		},
		{
			name:  "a number among string ids, an object for text",
			lines: []string{start, turn, `{"type":"item.completed","item":{"id":"item_3","type":"collab_tool_call","tool":"wait","receiver_thread_ids":["a",7],"status":"completed"}}`, `{"type":"item.completed","item":{"id":"item_4","type":"agent_message","text":{"a": [1, 2]}}}`, done},
			fields: []string{
				"3 item.receiver_thread_ids[1]: want a string, got a number: kept as its text [7]",
				`4 item.text: want a string, got an object: kept as its JSON text [{"a": [1, 2]}]`,
			},
			check: func(t *testing.T, rec *telemetrytest.Recorder) {
				if got := metadata(rec, "codex.item.agent_message", "text"); got != `{"a":[1,2]}` {
					t.Errorf("agent message %q", got)
				}
			},
		},
		{
			name:   "member spelled in another case",
			lines:  []string{start, turn, `{"type":"turn.completed","Usage":{"Input_Tokens":"4"}}`},
			fields: []string{`3 Usage.Input_Tokens: want an integer, got a string: read as 4 ["4"]`},
		},
		{
			name:  "item not an object",
			lines: []string{start, turn, `{"type":"item.completed","item":"x"}`, done},
			// The member is left out, and the line is then bad:
			// item.completed without an item.
			fields: []string{`3 item: want an object, got a string: left out ["x"]`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bus, rec := newBus(t)
			sum, err := ReadExec(context.Background(), strings.NewReader(strings.Join(tt.lines, "\n")), bus)
			if err != nil {
				t.Fatal(err)
			}
			if d := telemetrytest.Diff(tt.fields, invalidFieldsOf(rec)); d != "" {
				t.Errorf("invalid fields (-want +got):\n%s", d)
			}
			if sum.BadFields != len(tt.fields) {
				t.Errorf("BadFields %d, want %d", sum.BadFields, len(tt.fields))
			}
			wantBad := 0
			if tt.name == "item not an object" {
				wantBad = 1
			}
			if sum.BadLines != wantBad {
				t.Errorf("BadLines %d, want %d: %q", sum.BadLines, wantBad, invalidLines(rec))
			}
			// The record is kept: the turn completes, the thread ends.
			if sum.Turns != 1 || sum.TurnsFailed != 0 || sum.ToolsFailed != 0 && !strings.Contains(tt.name, "failed") {
				t.Errorf("summary %+v: the turn or a tool failed", sum)
			}
			if _, ok := rec.Find("codex.thread.stop"); !ok {
				t.Errorf("the thread did not end normally: %s", rec.Names())
			}
			if tt.check != nil {
				tt.check(t, rec)
			}
			rec.WantCatalog()
		})
	}
}

// TestAppServerInvalidFields: the app-server reader reads its lines as
// leniently, with the paths of wire lines under msg.
func TestAppServerInvalidFields(t *testing.T) {
	tests := []struct {
		name   string
		lines  []string
		fields []string
		check  func(t *testing.T, rec *telemetrytest.Recorder)
	}{
		{
			name: "numeric thread id in a bare message",
			lines: []string{
				`{"method":"turn/started","params":{"threadId":42,"turn":{"id":"u"}}}`,
				`{"method":"turn/completed","params":{"threadId":"42","turn":{"id":"u","status":"completed"}}}`,
			},
			fields: []string{"1 params.threadId: want a string, got a number: kept as its text [42]"},
			check: func(t *testing.T, rec *telemetrytest.Recorder) {
				if e, _ := rec.Find("codex.turn.completed"); e.IDs().Thread != "42" {
					t.Errorf("turn completed in thread %q, want 42", e.IDs().Thread)
				}
			},
		},
		{
			name: "token counts and time in a wire line",
			lines: []string{
				`{"dir":"s2c","msg":{"method":"thread/tokenUsage/updated","emittedAtMs":"1000","params":{"threadId":"t","tokenUsage":{"total":{"inputTokens":"30","outputTokens":5.5},"last":{"inputTokens":30},"modelContextWindow":1e30}}}}`,
			},
			fields: []string{
				`1 msg.emittedAtMs: want an integer, got a string: read as 1000 ["1000"]`,
				`1 msg.params.tokenUsage.total.inputTokens: want an integer, got a string: read as 30 ["30"]`,
				"1 msg.params.tokenUsage.total.outputTokens: want an integer, got a number: not an integer, truncated to 5 [5.5]",
				"1 msg.params.tokenUsage.modelContextWindow: want an integer, got a number: out of range, clamped to 9223372036854775807 [1e30]",
			},
			check: func(t *testing.T, rec *telemetrytest.Recorder) {
				if got := measurement(rec, "codex.thread.token_usage.updated", "total_input_tokens"); got != 30 {
					t.Errorf("total_input_tokens %d, want 30", got)
				}
			},
		},
		{
			name: "exit code as a string",
			lines: []string{
				`{"dir":"s2c","msg":{"method":"item/started","params":{"threadId":"t","item":{"type":"commandExecution","id":"c","command":"ls"}}}}`,
				`{"dir":"s2c","msg":{"method":"item/completed","params":{"threadId":"t","item":{"type":"commandExecution","id":"c","command":"ls","status":"completed","exitCode":"0"}}}}`,
			},
			fields: []string{`2 msg.params.item.exitCode: want an integer, got a string: read as 0 ["0"]`},
			check: func(t *testing.T, rec *telemetrytest.Recorder) {
				if got := metadata(rec, "codex.tool.success", "exit_code"); got != "0" {
					t.Errorf("tool success exit_code %s, want 0", got)
				}
			},
		},
		{
			name: "a client's turn/start and reply",
			lines: []string{
				`{"dir":"c2s","msg":{"method":"turn/start","params":{"threadId":"t","input":[{"type":"text","text":7}]}}}`,
				`{"dir":"s2c","msg":{"method":"turn/started","params":{"threadId":"t","turn":{"id":"u"}}}}`,
				`{"dir":"s2c","msg":{"method":"turn/completed","params":{"threadId":"t","turn":{"id":"u","status":"completed"}}}}`,
				`{"dir":"c2s","msg":{"id":9,"error":"no"}}`,
			},
			fields: []string{
				"1 msg.params.input[0].text: want a string, got a number: kept as its text [7]",
				`4 msg.error: want an object, got a string: left out ["no"]`,
			},
			check: func(t *testing.T, rec *telemetrytest.Recorder) {
				if got := metadata(rec, "codex.turn.start", "input"); got != "7" {
					t.Errorf("turn input %q, want 7", got)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bus, rec := newBus(t)
			sum, err := ReadAppServer(context.Background(), strings.NewReader(strings.Join(tt.lines, "\n")), bus)
			if err != nil {
				t.Fatal(err)
			}
			if d := telemetrytest.Diff(tt.fields, invalidFieldsOf(rec)); d != "" {
				t.Errorf("invalid fields (-want +got):\n%s", d)
			}
			if sum.BadFields != len(tt.fields) || sum.BadLines != 0 || sum.TurnsFailed != 0 || sum.ToolsFailed != 0 {
				t.Errorf("summary %+v, want %d bad fields and nothing failed", sum, len(tt.fields))
			}
			if tt.check != nil {
				tt.check(t, rec)
			}
			rec.WantCatalog()
		})
	}
}

// TestDecodeLenient checks the decoder on its own: what a member becomes,
// that valid lines are decoded exactly as encoding/json does, and that what
// is not an object stays an error.
func TestDecodeLenient(t *testing.T) {
	type target struct {
		S  string   `json:"s"`
		I  int64    `json:"i"`
		I8 int8     `json:"i8"`
		U  uint32   `json:"u"`
		P  *int     `json:"p"`
		B  bool     `json:"b"`
		F  float64  `json:"f"`
		L  []string `json:"l"`
		O  *struct {
			S string `json:"s"`
		} `json:"o"`
		R json.RawMessage `json:"r"`
	}
	tests := []struct {
		in      string
		want    string // the decoded target as JSON
		repairs int
	}{
		{`{"s":"x","i":1,"r":{"b":1,"a":2}}`, `{"s":"x","i":1,"i8":0,"u":0,"p":null,"b":false,"f":0,"l":null,"o":null,"r":{"b":1,"a":2}}`, 0},
		{`{"s":true,"i":"-3","r":[1]}`, `{"s":"true","i":-3,"i8":0,"u":0,"p":null,"b":false,"f":0,"l":null,"o":null,"r":[1]}`, 2},
		{`{"i8":300,"u":-1,"p":2.9}`, `{"s":"","i":0,"i8":127,"u":0,"p":2,"b":false,"f":0,"l":null,"o":null,"r":null}`, 3},
		{`{"i8":-300,"u":5e9}`, `{"s":"","i":0,"i8":-128,"u":4294967295,"p":null,"b":false,"f":0,"l":null,"o":null,"r":null}`, 2},
		{`{"i":"9007199254740993"}`, `{"s":"","i":9007199254740993,"i8":0,"u":0,"p":null,"b":false,"f":0,"l":null,"o":null,"r":null}`, 1},
		{`{"b":"no","f":"2.5","l":"x","o":[]}`, `{"s":"","i":0,"i8":0,"u":0,"p":null,"b":false,"f":2.5,"l":null,"o":null,"r":null}`, 4},
		{`{"i":"inf","i8":"0x10","u":"1_000","p":"007","f":"1e999"}`, `{"s":"","i":0,"i8":0,"u":0,"p":7,"b":false,"f":0,"l":null,"o":null,"r":null}`, 5},
		{`{"b":"FALSE","f":"nan","i":{},"s":null}`, `{"s":"","i":0,"i8":0,"u":0,"p":null,"b":false,"f":0,"l":null,"o":null,"r":null}`, 3},
		{`{"o":{"s":1},"s":[1, {"a":2}]}`, `{"s":"[1,{\"a\":2}]","i":0,"i8":0,"u":0,"p":null,"b":false,"f":0,"l":null,"o":{"s":"1"},"r":null}`, 2},
		{`{"s":1,"s":"last"}`, `{"s":"last","i":0,"i8":0,"u":0,"p":null,"b":false,"f":0,"l":null,"o":null,"r":null}`, 1},
	}
	for _, tt := range tests {
		var got target
		repairs, err := decodeLenient([]byte(tt.in), &got)
		if err != nil {
			t.Errorf("decodeLenient(%s): %v", tt.in, err)
			continue
		}
		out, _ := json.Marshal(got)
		if string(out) != tt.want || len(repairs) != tt.repairs {
			t.Errorf("decodeLenient(%s) = %s with %d repairs, want %s with %d", tt.in, out, len(repairs), tt.want, tt.repairs)
		}
		for _, r := range repairs {
			if !bytes.Contains([]byte(tt.in), r.value) || r.reason == "" || r.path == "" {
				t.Errorf("decodeLenient(%s): repair %+v", tt.in, r)
			}
		}
	}
	for _, in := range []string{`[1]`, `5`, `"s"`, `{"s":`, `not json`, ``} {
		var got target
		if _, err := decodeLenient([]byte(in), &got); err == nil {
			t.Errorf("decodeLenient(%q) succeeded", in)
		}
	}
}

// TestUsageReset: a cumulative usage that goes down is reported as a reset,
// counted from the new total, never as negative deltas.
func TestUsageReset(t *testing.T) {
	input := strings.Join([]string{
		`{"type":"thread.started","thread_id":"t"}`,
		`{"type":"turn.started"}`,
		`{"type":"turn.completed","usage":{"input_tokens":100,"output_tokens":10}}`,
		`{"type":"turn.started"}`,
		`{"type":"turn.completed","usage":{"input_tokens":40,"output_tokens":12}}`,
		`{"type":"turn.started"}`,
		`{"type":"turn.completed","usage":{"input_tokens":50,"output_tokens":20}}`,
	}, "\n")
	bus, rec := newBus(t)
	if _, err := ReadExec(context.Background(), strings.NewReader(input), bus); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range rec.Events() {
		if e.Name != "codex.thread.token_usage.updated" {
			continue
		}
		in, _ := e.Measurement("input_tokens")
		out, _ := e.Measurement("output_tokens")
		total, _ := e.Measurement("total_input_tokens")
		reset := "-"
		if v, ok := e.Lookup("usage_reset"); ok {
			reset = v.String()
		}
		got = append(got, in.String()+" "+out.String()+" "+total.String()+" reset="+reset)
	}
	want := []string{"100 10 100 reset=-", "40 12 40 reset=true", "10 8 50 reset=-"}
	if d := telemetrytest.Diff(want, got); d != "" {
		t.Errorf("token usage (-want +got):\n%s", d)
	}
	rec.WantCatalog()
}

// TestAppServerUsageReset: the app-server's totals going down are flagged;
// the per-request counts are Codex's own.
func TestAppServerUsageReset(t *testing.T) {
	usage := func(total, last int) string {
		return `{"method":"thread/tokenUsage/updated","params":{"threadId":"t","tokenUsage":{"total":{"inputTokens":` +
			itoa(total) + `},"last":{"inputTokens":` + itoa(last) + `}}}}`
	}
	bus, rec := newBus(t)
	input := usage(100, 100) + "\n" + usage(30, 30) + "\n" + usage(40, 10)
	if _, err := ReadAppServer(context.Background(), strings.NewReader(input), bus); err != nil {
		t.Fatal(err)
	}
	var resets []bool
	for _, e := range rec.Events() {
		if e.Name == "codex.thread.token_usage.updated" {
			_, ok := e.Lookup("usage_reset")
			resets = append(resets, ok)
			if n, _ := e.Measurement("input_tokens"); n.Int64() < 0 {
				t.Errorf("negative input_tokens %d", n.Int64())
			}
		}
	}
	if len(resets) != 3 || resets[0] || !resets[1] || resets[2] {
		t.Errorf("usage_reset on updates %v, want only the second", resets)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestExcerptScrubbedWhole: the excerpt of a bad line or member is cut after
// the whole text is scrubbed, so a key that straddles the 60-byte cut leaks
// no part; with scrubbing off, the same key's start shows (the test can
// fail).
func TestExcerptScrubbedWhole(t *testing.T) {
	const key = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd"
	pad := strings.Repeat("p", 40) + " " // the key starts at byte 40+, ends past 60
	tests := []struct {
		name  string
		read  func(context.Context, *strings.Reader, *telemetry.Bus) (Summary, error)
		input string
		event string
	}{
		{"exec: not JSON", readExecSmall, "not json " + pad + key, "codex.bridge.invalid_line"},
		{"exec: over the line limit", readExecSmall, `{"x":"` + pad + key + strings.Repeat("x", 300) + `"}`, "codex.bridge.invalid_line"},
		{"exec: wrong-typed member", readExecSmall, `{"type":"thread.started","thread_id":["` + pad + key + `"]}`, "codex.bridge.invalid_field"},
		{"app-server: not JSON", readAppServerSmall, "{" + pad + key, "codex.bridge.invalid_line"},
		{"app-server: wrong-typed member", readAppServerSmall, `{"method":"error","params":{"error":{"message":["` + pad + key + `"]}}}`, "codex.bridge.invalid_field"},
	}
	for _, tt := range tests {
		for _, scrubbing := range []bool{true, false} {
			var opts []telemetry.Option
			if !scrubbing {
				opts = append(opts, telemetry.WithScrubber(nil))
			}
			bus := telemetry.New(append(opts, telemetry.WithThrottle(nil))...)
			rec := telemetrytest.Record(t, bus, tt.event)
			if _, err := tt.read(context.Background(), strings.NewReader(tt.input), bus); err != nil {
				t.Fatal(err)
			}
			e, ok := rec.Find(tt.event)
			if !ok {
				t.Fatalf("%s: no %s", tt.name, tt.event)
			}
			v, _ := e.Lookup("excerpt")
			leaked := strings.Contains(v.String(), "sk-proj")
			if scrubbing && (leaked || !strings.Contains(v.String(), "[REDACTED]")) {
				t.Errorf("%s: excerpt %q: the key was cut before it was scrubbed", tt.name, v)
			}
			if !scrubbing && !leaked {
				t.Errorf("%s: excerpt %q without scrubbing lacks the key's start", tt.name, v)
			}
			if len(v.String()) > 60 {
				t.Errorf("%s: excerpt of %d bytes", tt.name, len(v.String()))
			}
		}
	}
}

func readExecSmall(ctx context.Context, r *strings.Reader, bus *telemetry.Bus) (Summary, error) {
	return ReadExec(ctx, r, bus, WithMaxLine(200))
}

func readAppServerSmall(ctx context.Context, r *strings.Reader, bus *telemetry.Bus) (Summary, error) {
	return ReadAppServer(ctx, r, bus, WithMaxLine(200))
}

// FuzzDecodeLenient checks the lenient decoder against encoding/json on the
// bridge's own line types: a line encoding/json reads is read the same,
// with no repair; any JSON object is read (unless it has wrong members at
// more paths than the rounds allow), each repair naming a value that is in
// the line; nothing panics.
func FuzzDecodeLenient(f *testing.F) {
	f.Add([]byte(`{"type":"turn.completed","usage":{"input_tokens":12.5,"output_tokens":"3"}}`))
	f.Add([]byte(`{"type":"item.completed","item":{"id":7,"type":"todo_list","items":[{"text":1,"completed":"true"}],"exit_code":"0"}}`))
	f.Add([]byte(`{"threadId":1,"turn":{"id":[],"error":"x"},"item":{"summary":["a",2],"exitCode":1e99},"tokenUsage":{"total":{"inputTokens":"-4"}}}`))
	f.Add([]byte(`{"type":"thread.started","thread_id":{"a":[1,{"b":null}]},"ID":"0","msg":5}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(fresh func() any) {
			strict, lenient := fresh(), fresh()
			strictErr := json.Unmarshal(data, strict)
			repairs, err := decodeLenient(data, lenient)
			if strictErr == nil {
				if err != nil || len(repairs) != 0 || !reflect.DeepEqual(strict, lenient) {
					t.Fatalf("a line encoding/json reads: err %v, %d repairs, %+v vs %+v", err, len(repairs), lenient, strict)
				}
				return
			}
			trimmed := bytes.TrimSpace(data)
			object := json.Valid(data) && len(trimmed) > 0 && trimmed[0] == '{'
			if object && err != nil && !errors.Is(err, errTooManyRepairs) {
				t.Fatalf("a JSON object not read: %v (encoding/json: %v)", err, strictErr)
			}
			for _, r := range repairs {
				if !bytes.Contains(data, r.value) || r.path == "" || r.reason == "" {
					t.Fatalf("repair %+v", r)
				}
			}
		}
		check(func() any { return new(execLine) })
		check(func() any { return new(threadParams) })
		check(func() any { return new(rpcMessage) })
	})
}
