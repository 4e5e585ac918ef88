package codexagents

import (
	"strings"
	"testing"
)

// TestStreamRules covers the SDK's reading rules one by one: what fails a
// call and with which message, what is tolerated, and the result text.
func TestStreamRules(t *testing.T) {
	const started = `{"type":"item.started","item":{"id":"c1","type":"command_execution","command":"ls","aggregated_output":"","exit_code":null,"status":"in_progress"}}`
	const done = `{"type":"item.completed","item":{"id":"c1","type":"command_execution","command":"ls","aggregated_output":"a\n","exit_code":0,"status":"completed"}}`
	tests := []struct {
		name    string
		stream  string
		exit    Exit
		failure string
		output  string // "" to skip
		spans   []string
	}{
		{name: "empty stream", stream: "", output: `{"thread_id": null, "response": "Codex task completed with inputs.", "usage": null}`},
		{name: "blank line", stream: "\n", failure: "Failed to parse event: "},
		{name: "comment", stream: "# hi\n", failure: "Failed to parse event: # hi"},
		{name: "not an object", stream: "[1]\n", failure: "Failed to parse event: [1]"},
		{name: "garbage stops reading", stream: "nope\n" + started + "\n", failure: "Failed to parse event: nope", spans: nil},
		{name: "invalid start byte", stream: "{\"type\":\"x\xff\"}\n", failure: "'utf-8' codec can't decode byte 0xff in position 10: invalid start byte"},
		{name: "invalid continuation", stream: "\xe2\x82x\n", failure: "'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte"},
		{name: "truncated at end", stream: "\xe2\x82", failure: "'utf-8' codec can't decode bytes in position 0-1: unexpected end of data"},
		{name: "thread.started without id", stream: `{"type":"thread.started"}` + "\n", failure: `Failed to parse event: {"type":"thread.started"}`},
		{name: "command without status", stream: `{"type":"item.started","item":{"id":"c","type":"command_execution","command":"ls"}}`, failure: `Failed to parse event: {"type":"item.started","item":{"id":"c","type":"command_execution","command":"ls"}}`},
		{name: "item not an object", stream: `{"type":"item.started","item":3}`, failure: `Failed to parse event: {"type":"item.started","item":3}`},
		{name: "item missing", stream: `{"type":"item.started"}`, output: `{"thread_id": null, "response": "Codex task completed with inputs.", "usage": null}`},
		{name: "usage incomplete", stream: `{"type":"turn.completed","usage":{"input_tokens":1,"output_tokens":2}}`, failure: `Failed to parse event: {"type":"turn.completed","usage":{"input_tokens":1,"output_tokens":2}}`},
		{name: "usage null", stream: `{"type":"turn.completed","usage":null}`, output: `{"thread_id": null, "response": "Codex task completed with inputs.", "usage": null}`},
		{name: "turn.failed error null", stream: `{"type":"turn.failed","error":null}`, failure: `Failed to parse event: {"type":"turn.failed","error":null}`},
		{name: "turn.failed without error", stream: `{"type":"turn.failed"}`, failure: "Codex turn failed"},
		{name: "turn.failed", stream: `{"type":"turn.failed","error":{"message":"bad"}}`, failure: "Codex turn failed: bad"},
		{name: "error without message", stream: `{"type":"error"}`, failure: "Codex stream error: "},
		{name: "reconnect is fatal", stream: `{"type":"error","message":"Reconnecting... 1/3"}` + "\n" + `{"type":"turn.completed","usage":null}`, failure: "Codex stream error: Reconnecting... 1/3"},
		{name: "exit status", exit: Exit{Code: -15, Stderr: "killed"}, failure: "Codex exec exited with code -15: killed"},
		{name: "unknown types ignored", stream: `{"type":"whatever"}` + "\n" + `{"type":"item.started","item":{"id":"z","type":"new_kind"}}`, output: `{"thread_id": null, "response": "Codex task completed with inputs.", "usage": null}`},
		{name: "result", stream: `{"type":"thread.started","thread_id":"t1"}` + "\n" + `{"type":"item.completed","item":{"id":"m","type":"agent_message","text":"caf\u00e9 ’"}}` + "\n" + `{"type":"turn.completed","usage":{"input_tokens":1,"cached_input_tokens":0,"output_tokens":2.5,"reasoning_output_tokens":9}}`,
			output: `{"thread_id": "t1", "response": "caf\u00e9 \u2019", "usage": {"input_tokens": 1, "cached_input_tokens": 0, "output_tokens": 2.5}}`},
		{name: "empty message keeps default", stream: `{"type":"item.completed","item":{"id":"m","type":"agent_message","text":""}}`, output: `{"thread_id": null, "response": "Codex task completed with inputs.", "usage": null}`},
		{name: "command span", stream: started + "\n" + done + "\n", spans: []string{`{"command":"ls","status":"completed","exit_code":0,"output":"a\n"}|null`}},
		{name: "completed only: no span", stream: done, spans: nil},
		{name: "open span closed silently", stream: started, exit: Exit{Code: 1}, failure: "Codex exec exited with code 1: ", spans: []string{`{"command":"ls","status":"in_progress","exit_code":null}|null`}},
		{name: "open span closed on failure", stream: started + "\n{", failure: "Failed to parse event: {", spans: []string{`{"command":"ls","status":"in_progress","exit_code":null}|null`}},
		{name: "failed command",
			stream: started + "\n" + strings.Replace(strings.Replace(done, `"completed"}`, `"failed"}`, 1), `"exit_code":0`, `"exit_code":2`, 1),
			spans:  []string{`{"command":"ls","status":"failed","exit_code":2,"output":"a\n"}|{"message":"Codex command execution failed.","data":{"exit_code":2,"output":"a\n"}}`}},
		{name: "declined is no error", stream: started + "\n" + strings.Replace(done, `"completed"}`, `"declined"}`, 1), spans: []string{`{"command":"ls","status":"declined","exit_code":0,"output":"a\n"}|null`}},
		{name: "duplicate start replaces, old never ends", stream: started + "\n" + strings.Replace(started, `"ls"`, `"pwd"`, 1) + "\n" + done,
			spans: []string{`{"command":"ls","status":"completed","exit_code":0,"output":"a\n"}|null`}},
		{name: "empty command vanishes", stream: strings.Replace(started, `"ls"`, `""`, 1), spans: []string{`{"status":"in_progress","exit_code":null}|null`}},
		{name: "non-command completion ends the span", stream: started + "\n" + `{"type":"item.completed","item":{"id":"c1","type":"reasoning","text":"x"}}`,
			spans: []string{`{"command":"ls","status":"in_progress","exit_code":null}|null`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			p := NewProvider(WithDisabled(false), WithProcessors(rec))
			tr := p.NewTrace("w", "", nil)
			res := NewCodexTool(p, WithIncludeSensitiveData(true)).Run(tr, nil, referenceArgs, strings.NewReader(tt.stream), func() Exit { return tt.exit })
			if res.Failure != tt.failure {
				t.Errorf("failure %q, want %q", res.Failure, tt.failure)
			}
			if tt.failure != "" && res.Output != "An error occurred while running the tool. Please try again. Error: "+tt.failure {
				t.Errorf("output %q", res.Output)
			}
			if tt.output != "" && res.Output != tt.output {
				t.Errorf("output:\n got %s\nwant %s", res.Output, tt.output)
			}
			var got []string
			for _, s := range rec.ended {
				if d, ok := s.Data().(*CustomSpanData); ok {
					got = append(got, d.Data.String()+"|"+pyJSON(s.Error().export()))
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.spans, "\n") {
				t.Errorf("spans:\n got %q\nwant %q", got, tt.spans)
			}
			fn := rec.ended[len(rec.ended)-1]
			if _, ok := fn.Data().(*FunctionSpanData); !ok {
				t.Fatal("the function span does not end last")
			}
		})
	}
}

// TestSensitiveData checks trace_include_sensitive_data false: no input
// or output on the function span and a redacted error text, while the
// command spans keep their data.
func TestSensitiveData(t *testing.T) {
	rec := &recorder{}
	var logs []LogRecord
	p := NewProvider(WithDisabled(false), WithLogData(true), WithProcessors(rec), WithLogger(func(r LogRecord) { logs = append(logs, r) }))
	tr := p.NewTrace("w", "", nil)
	stream := `{"type":"item.started","item":{"id":"c","type":"command_execution","command":"cat secret","status":"in_progress"}}` + "\n" + `{"type":"error","message":"secret detail"}`
	res := NewCodexTool(p, WithIncludeSensitiveData(false)).Run(tr, nil, referenceArgs, strings.NewReader(stream), nil)
	if res.Failure != "Codex stream error: secret detail" {
		t.Fatalf("failure %q", res.Failure)
	}
	fn := rec.ended[1].Export()
	sd, _ := fn.Get("span_data")
	e, _ := fn.Get("error")
	if got, want := pyJSON(sd), `{"type":"function","name":"codex","input":null,"output":null,"mcp_data":null}`; got != want {
		t.Errorf("span_data %s", got)
	}
	if got, want := pyJSON(e), `{"message":"Error running Codex tool (non-fatal)","data":{"tool_name":"codex","error":"Tool execution failed. Error details are redacted."}}`; got != want {
		t.Errorf("error %s", got)
	}
	if d := rec.ended[0].Data().(*CustomSpanData); !strings.Contains(d.Data.String(), "cat secret") {
		t.Errorf("command span lost its data: %s", d.Data)
	}
	// With both log switches off the failure is an ERROR with its text.
	last := logs[len(logs)-1]
	if last.Message != "Codex tool failed: Codex stream error: secret detail" || last.Err == nil {
		t.Errorf("last log %+v", last)
	}
}

func TestToolNameAndLimit(t *testing.T) {
	rec := &recorder{}
	p := NewProvider(WithDisabled(false), WithProcessors(rec))
	tr := p.NewTrace("w", "", nil)
	out := strings.Repeat("x", 100)
	stream := `{"type":"item.started","item":{"id":"c","type":"command_execution","command":"ls","status":"completed","aggregated_output":"` + out + `"}}`
	NewCodexTool(p, WithToolName("codex_x"), WithSpanDataMaxChars(70)).Run(tr, nil, "{}", strings.NewReader(stream), nil)
	if got := rec.ended[0].Data().(*CustomSpanData).Data.String(); pySize(rec.ended[0].Data().(*CustomSpanData).Data) > 70 {
		t.Errorf("data over budget: %s", got)
	}
	if got := rec.ended[1].Data().(*FunctionSpanData).Name; got != "codex_x" {
		t.Errorf("name %q", got)
	}
	if got := *rec.ended[1].Data().(*FunctionSpanData).Output; !strings.Contains(got, "Codex task completed with no inputs.") {
		t.Errorf("output %q", got)
	}
	rec2 := &recorder{}
	p2 := NewProvider(WithDisabled(false), WithProcessors(rec2))
	NewCodexTool(p2, WithoutSpanDataLimit()).Run(p2.NewTrace("w", "", nil), nil, "{}", strings.NewReader(stream), nil)
	if got := rec2.ended[0].Data().(*CustomSpanData).Data.String(); !strings.Contains(got, out) {
		t.Errorf("no limit cut the data: %s", got)
	}
}

// TestRunWhileDisabled checks that a disabled provider still gives the
// tool's result but calls no processor.
func TestRunWhileDisabled(t *testing.T) {
	rec := &recorder{}
	p := NewProvider(WithDisabled(true), WithProcessors(rec))
	stream := `{"type":"item.started","item":{"id":"c","type":"command_execution","command":"ls","status":"in_progress"}}` + "\n" + `{"type":"turn.failed","error":{"message":"x"}}`
	res := NewCodexTool(p).Run(p.NewTrace("w", "", nil), nil, referenceArgs, strings.NewReader(stream), nil)
	if res.Failure != "Codex turn failed: x" || len(rec.calls) != 0 {
		t.Errorf("failure %q, calls %v", res.Failure, rec.calls)
	}
}

// startCopier keeps a copy of each span's export at OnSpanStart.
type startCopier struct {
	recorder
	copies []Object
}

func (c *startCopier) OnSpanStart(s *Span) error {
	c.copies = append(c.copies, s.Export())
	return c.recorder.OnSpanStart(s)
}

// TestDataUpdatedInPlace checks the SDK's in-place updates: a copy taken at
// on_span_start holds the started data, the span itself the final data.
func TestDataUpdatedInPlace(t *testing.T) {
	c := &startCopier{}
	p := NewProvider(WithDisabled(false), WithProcessors(c))
	stream := `{"type":"item.started","item":{"id":"c","type":"command_execution","command":"ls","status":"in_progress"}}` + "\n" +
		`{"type":"item.completed","item":{"id":"c","type":"command_execution","command":"ls","status":"completed","exit_code":0,"aggregated_output":"x"}}`
	NewCodexTool(p).Run(p.NewTrace("w", "", nil), nil, referenceArgs, strings.NewReader(stream), nil)
	started, _ := c.copies[1].Get("span_data")
	if got := pyJSON(started); got != `{"type":"custom","name":"Codex command execution","data":{"command":"ls","status":"in_progress","exit_code":null}}` {
		t.Errorf("at start: %s", got)
	}
	if got := c.started[1].Data().(*CustomSpanData).Data.String(); got != `{"command":"ls","status":"completed","exit_code":0,"output":"x"}` {
		t.Errorf("at end: %s", got)
	}
	fnAtStart, _ := c.copies[0].Get("span_data")
	if got := pyJSON(fnAtStart); got != `{"type":"function","name":"codex","input":null,"output":null,"mcp_data":null}` {
		t.Errorf("function span at start: %s (input is set just after the start)", got)
	}
}
