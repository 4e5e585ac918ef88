package codexagents

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/codextel/codextel/core/scrub"
)

// secretCase is one line of core/scrub/testdata/secrets.jsonl: a text and
// the secrets in it that must not survive scrubbing.
type secretCase struct {
	Category string   `json:"category"`
	Name     string   `json:"name"`
	Text     string   `json:"text"`
	Secrets  []string `json:"secrets"`
	Keep     []string `json:"keep"`
}

const secretsFile = "../../core/scrub/testdata/secrets.jsonl"

func readSecretCases(t testing.TB) []secretCase {
	t.Helper()
	f, err := os.Open(secretsFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []secretCase
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		var c secretCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("%s:%d: %v", secretsFile, n, err)
		}
		if c.Text == "" || len(c.Secrets) == 0 {
			t.Fatalf("%s:%d: case %q has no text or no secrets", secretsFile, n, c.Name)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", secretsFile, err)
	}
	if len(cases) < 400 {
		t.Fatalf("%s: %d cases, want the whole file (over 400)", secretsFile, len(cases))
	}
	return cases
}

// jsonStr is s as a JSON string.
func jsonStr(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// secretStream plants text in a codex exec stream: as a command, its
// output (updated, then failed), an agent message, and, by variant, a
// top-level error, a turn.failed message, codex's stderr, nothing (the
// call succeeds and the agent message is the response), or an unparsable
// line. It returns the stream and the exit status.
func secretStream(text string, variant int) (string, Exit) {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	t := jsonStr(text)
	line(`{"type":"thread.started","thread_id":"thread-1"}`)
	line(`{"type":"item.started","item":{"id":"cmd","type":"command_execution","command":%s,"aggregated_output":"","exit_code":null,"status":"in_progress"}}`, t)
	line(`{"type":"item.updated","item":{"id":"cmd","type":"command_execution","command":%s,"aggregated_output":%s,"exit_code":null,"status":"in_progress"}}`, t, t)
	line(`{"type":"item.completed","item":{"id":"cmd","type":"command_execution","command":%s,"aggregated_output":%s,"exit_code":1,"status":"failed"}}`, t, t)
	line(`{"type":"item.completed","item":{"id":"msg","type":"agent_message","text":%s}}`, t)
	exit := Exit{}
	switch variant % 5 {
	case 0:
		line(`{"type":"error","message":%s}`, t)
	case 1:
		line(`{"type":"turn.failed","error":{"message":%s}}`, t)
	case 2:
		line(`{"type":"turn.completed","usage":{"input_tokens":1,"cached_input_tokens":0,"output_tokens":1}}`)
		exit = Exit{Code: 2, Stderr: text}
	case 3:
		line(`{"type":"turn.completed","usage":{"input_tokens":1,"cached_input_tokens":0,"output_tokens":1}}`)
	case 4:
		line(`{"type":"item.completed","item":%s oops}`, t)
	}
	return b.String(), exit
}

// seenProcessor records, at every call, the JSON text of what a processor
// can read: the trace's export, the span's export, data and error.
type seenProcessor struct {
	mu   sync.Mutex
	seen []string
	// commands holds each command span's "command" at its end.
	commands []any
}

func (s *seenProcessor) add(v ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range v {
		s.seen = append(s.seen, pyJSON(x))
	}
}

func (s *seenProcessor) span(sp *Span) {
	var e any
	if err := sp.Error(); err != nil {
		e = err.export()
	}
	s.add(sp.Export(), sp.Data().Export(), e)
}

func (s *seenProcessor) OnTraceStart(t *Trace) error {
	s.add(t.Export(), t.WorkflowName())
	return nil
}
func (s *seenProcessor) OnTraceEnd(t *Trace) error { s.add(t.Export()); return nil }
func (s *seenProcessor) OnSpanStart(sp *Span) error {
	s.span(sp)
	return nil
}
func (s *seenProcessor) OnSpanEnd(sp *Span) error {
	s.span(sp)
	if d, ok := sp.Data().(*CustomSpanData); ok {
		cmd, _ := d.Data.Get("command")
		s.mu.Lock()
		s.commands = append(s.commands, cmd)
		s.mu.Unlock()
	}
	return nil
}
func (s *seenProcessor) Shutdown(context.Context) error { return nil }
func (s *seenProcessor) ForceFlush() error              { return nil }

// leakChannels is everything that left the module in a run of all the
// cases, by where it went.
type leakChannels struct {
	processors []string
	bodies     []string
	logs       []string
	errors     []string
	commands   []any
}

// runSecretCases traces every case through CodexTool.Run with
// trace_include_sensitive_data on, full log forms, a recording processor
// and the backend exporter posting to a server on 127.0.0.1 that rejects
// each request with a case's text in its response body.
func runSecretCases(t *testing.T, cases []secretCase, opts ...Option) leakChannels {
	t.Helper()
	var (
		mu     sync.Mutex
		bodies []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		n := len(bodies)
		bodies = append(bodies, string(b))
		mu.Unlock()
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, "rejected: "+cases[(n*37)%len(cases)].Text)
	}))
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server not on 127.0.0.1: %s", srv.URL)
	}
	logs := &logSink{}
	seen := &seenProcessor{}
	p := NewProvider(append([]Option{WithDisabled(false), WithLogData(true), WithLogger(logs.add), WithProcessors(seen)}, opts...)...)
	exp := NewBackendExporter(p, WithEndpoint(srv.URL), WithAPIKey(testKey), WithOrganization(""), WithProject(""))
	p.AddTraceProcessor(NewBatchProcessor(p, exp, WithScheduleDelay(time.Hour)))
	tool := NewCodexTool(p, WithIncludeSensitiveData(true))
	var out leakChannels
	for i, c := range cases {
		tr := p.NewTrace("Agent workflow", "", Object{{"note", c.Text}, {"agent_harness_id", c.Text}})
		tr.Start()
		stream, exit := secretStream(c.Text, i)
		args := `{"inputs": [{"type": "text", "text": ` + jsonStr(c.Text) + `}]}`
		res := tool.Run(tr, nil, args, strings.NewReader(stream), func() Exit { return exit })
		tr.Finish()
		if res.Failure == "" && i%5 != 3 {
			t.Fatalf("case %q (variant %d) did not fail", c.Name, i%5)
		}
		out.errors = append(out.errors, res.Failure)
		if res.Failure != "" {
			out.errors = append(out.errors, res.Output)
		}
	}
	p.ForceFlush()
	p.Shutdown(context.Background())
	if len(bodies) == 0 {
		t.Fatal("nothing was posted")
	}
	out.processors = seen.seen
	out.commands = seen.commands
	out.bodies = bodies
	for _, r := range logs.recs {
		out.logs = append(out.logs, r.Message, pyJSON(r.Extra))
		if r.Err != nil {
			out.logs = append(out.logs, r.Err.Error())
		}
	}
	return out
}

// texts returns s and, for every string in it that is JSON (a span's
// input and output, a request body), every string inside, decoded, at any
// depth: a secret hidden by escaping is found too.
func texts(s string) []string {
	out := []string{s}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			out = append(out, texts(x)...)
		case Object:
			for _, m := range x {
				out = append(out, m.Key)
				walk(m.Value)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	if t := strings.TrimSpace(s); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") || strings.HasPrefix(t, `"`) {
		if v, err := parsePyJSON(t); err == nil {
			walk(v)
		}
	}
	return out
}

// leaks returns, for each secret found in any of the texts, a note saying
// which case's secret and where.
func leaks(cases []secretCase, channel string, in []string) []string {
	var all []string
	for _, s := range in {
		all = append(all, texts(s)...)
	}
	joined := strings.Join(all, "\x00")
	var found []string
	for _, c := range cases {
		for _, sec := range c.Secrets {
			if strings.Contains(joined, sec) {
				found = append(found, fmt.Sprintf("%s: case %q: secret %q", channel, c.Name, sec))
			}
		}
	}
	return found
}

// TestSecretsNeverLeave plants every case of core/scrub's secrets corpus
// in Codex streams and checks that no secret reaches a processor, the
// ingest requests, a log record or the returned failure, and that each
// command span records exactly the scrubbed command.
func TestSecretsNeverLeave(t *testing.T) {
	cases := readSecretCases(t)
	out := runSecretCases(t, cases)
	for _, ch := range []struct {
		name string
		in   []string
	}{
		{"processors", out.processors},
		{"POST bodies", out.bodies},
		{"log records", out.logs},
		{"returned failures", out.errors},
	} {
		if len(ch.in) == 0 {
			t.Errorf("%s: nothing recorded", ch.name)
		}
		for _, l := range leaks(cases, ch.name, ch.in) {
			t.Error(l)
		}
	}
	if len(out.commands) != len(cases) {
		t.Fatalf("%d command spans ended, want %d", len(out.commands), len(cases))
	}
	s := scrub.New()
	for i, c := range cases {
		want, changed := s.String(c.Text)
		if !changed {
			t.Errorf("case %q: the scrubber does not change it", c.Name)
		}
		if out.commands[i] != want {
			t.Errorf("case %q: command span records %q, want %q", c.Name, out.commands[i], want)
		}
	}
}

// TestScrubberOff checks that WithScrubber(nil) sends the data as the SDK
// does: the secrets reach every channel, so TestSecretsNeverLeave can
// fail.
func TestScrubberOff(t *testing.T) {
	cases := readSecretCases(t)
	out := runSecretCases(t, cases, WithScrubber(nil))
	for _, ch := range []struct {
		name string
		in   []string
	}{
		{"processors", out.processors},
		{"POST bodies", out.bodies},
		{"log records", out.logs},
		{"returned failures", out.errors},
	} {
		if len(leaks(cases, ch.name, ch.in)) == 0 {
			t.Errorf("%s: no secret with scrubbing off", ch.name)
		}
	}
	for i, c := range cases {
		if out.commands[i] != c.Text {
			t.Errorf("case %q: command span records %q, want the text unchanged", c.Name, out.commands[i])
		}
	}
}

// TestScrubberOption checks that a caller's scrubber is the one used.
func TestScrubberOption(t *testing.T) {
	const text = "deploy --tenant-code tc-4417 now"
	for _, tc := range []struct {
		name string
		s    *scrub.Scrubber
		want string
	}{
		{"default", nil, text},
		{"own pattern", scrub.New(scrub.WithPatterns(regexp.MustCompile(`tc-\d+`)), scrub.WithReplacement("<hidden>")), "deploy --tenant-code <hidden> now"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{}
			opts := []Option{WithDisabled(false), WithProcessors(rec)}
			if tc.s != nil {
				opts = append(opts, WithScrubber(tc.s))
			}
			p := NewProvider(opts...)
			tr := p.NewTrace("w", "", nil)
			stream := `{"type":"item.started","item":{"id":"c","type":"command_execution","command":` + jsonStr(text) + `,"status":"in_progress"}}`
			NewCodexTool(p).Run(tr, nil, referenceArgs, strings.NewReader(stream), nil)
			cmd, _ := rec.started[1].Data().(*CustomSpanData).Data.Get("command")
			if cmd != tc.want {
				t.Errorf("command %q, want %q", cmd, tc.want)
			}
		})
	}
}

// TestScrubBeforeTrim moves a key across the place where
// span_data_max_chars cuts the output: scrubbed first, every cut falls in
// the scrubbed text, so no part of the key is left, and the data is what
// trimming the scrubbed output gives.
func TestScrubBeforeTrim(t *testing.T) {
	const key = "sk-proj-Q7vX2mK9pL4nR8sT1wY6zB3cF5hJ0dG"
	for _, tc := range []struct {
		name     string
		max      int
		from, to int // where the key starts in the output
	}{
		{"small budget", 120, 0, 120},
		{"default budget", DefaultSpanDataMaxChars, DefaultSpanDataMaxChars - 200, DefaultSpanDataMaxChars},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := limit{n: tc.max}
			for at := tc.from; at < tc.to; at++ {
				output := strings.Repeat("x", at) + " " + key + " " + strings.Repeat("y", 2*tc.max)
				rec := &recorder{}
				p := NewProvider(WithDisabled(false), WithProcessors(rec))
				tr := p.NewTrace("w", "", nil)
				stream := `{"type":"item.started","item":{"id":"c","type":"command_execution","command":"ls","aggregated_output":` + jsonStr(output) + `,"status":"in_progress"}}`
				NewCodexTool(p, WithSpanDataMaxChars(tc.max)).Run(tr, nil, referenceArgs, strings.NewReader(stream), nil)
				data := rec.started[1].Data().(*CustomSpanData).Data
				text := pyJSON(data)
				for n := 8; n <= len(key); n++ {
					if strings.Contains(text, key[:n]) {
						t.Fatalf("key at %d: %d bytes of it survive: %s", at, n, text)
					}
				}
				scrubbed, _ := scrub.New().String(output)
				want := budget(Object{{"command", "ls"}, {"status", "in_progress"}, {"exit_code", nil}, {"output", perValue(scrubbed, m)}}, m)
				if text != pyJSON(want) {
					t.Fatalf("key at %d: data\n got %s\nwant %s", at, text, pyJSON(want))
				}
				if pySize(data) > tc.max {
					t.Fatalf("key at %d: data is %d characters, over %d", at, pySize(data), tc.max)
				}
			}
		})
	}
}

// TestCallerSpansScrubbed checks spans, traces and errors a caller makes
// and changes through the provider: processors see them scrubbed at start
// and at end, the caller's own Object is left as it was, and log records
// (a processor's error included) are scrubbed.
func TestCallerSpansScrubbed(t *testing.T) {
	const secret = "ghp_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuVwXyZ"
	logs := &logSink{}
	seen := &seenProcessor{}
	failing := &recorder{fail: errors.New("upstream rejected token " + secret)}
	p := NewProvider(WithDisabled(false), WithLogData(true), WithLogger(logs.add), WithProcessors(seen, failing))
	meta := Object{{"note", "token " + secret}, {"api_key", "plain-value"}, {"nested", []any{Object{{"password", "hunter22"}}}}}
	tr := p.NewTrace("flow "+secret, "group "+secret, meta)
	tr.Start()
	data := Object{{"cmd", "curl -H 'Authorization: Bearer " + secret + "'"}, {"n", 3}}
	custom := p.NewSpan(tr, nil, &CustomSpanData{Name: "custom " + secret, Data: data})
	custom.Start()
	custom.SetError(&SpanError{Message: "failed with " + secret, Data: Object{{"token", "abc"}}})
	custom.Finish()
	fd := &FunctionSpanData{Name: "fn"}
	fn := p.NewSpan(tr, nil, fd)
	fn.Start()
	in, out := `{"key": "`+secret+`"}`, "result "+secret
	fd.Input, fd.Output = &in, &out // set directly, as Python code sets span_data.output
	fn.Finish()
	tr.Finish()

	all := append(append([]string(nil), seen.seen...), logs.text())
	for _, s := range all {
		for _, x := range texts(s) {
			if strings.Contains(x, secret) || strings.Contains(x, "hunter22") || strings.Contains(x, "plain-value") {
				t.Errorf("secret survives in %s", s)
			}
		}
	}
	if d, _ := data.Get("cmd"); !strings.Contains(d.(string), secret) {
		t.Errorf("the caller's Object was changed: %v", data)
	}
	if m, _ := meta.Get("note"); !strings.Contains(m.(string), secret) {
		t.Errorf("the caller's metadata was changed: %v", meta)
	}
	if !strings.Contains(logs.text(), "Error in trace processor during on_span_end: upstream rejected token [REDACTED]") {
		t.Errorf("processor failure not logged scrubbed:\n%s", logs.text())
	}
	if n, _ := custom.Data().(*CustomSpanData).Data.Get("n"); n != 3 {
		t.Errorf("a number changed: %v", n)
	}
}

// TestScrubValueClean checks that clean values come back as they were,
// without allocating, and that a nil scrubber changes nothing.
func TestScrubValueClean(t *testing.T) {
	p := NewProvider()
	clean := Object{{"command", "/bin/bash -lc 'ls -la src'"}, {"status", "completed"}, {"exit_code", Number("0")}, {"output", "total 8\ndrwxr-xr-x 2 u u 4096 main.go\n"}, {"list", []any{"a", true, nil}}}
	for _, tc := range []struct {
		name string
		v    any
	}{
		{"string", "go test ./..."},
		{"object", clean},
		{"array", []any{"x", Number("1.5"), clean}},
		{"nil", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, changed := p.scrubValue("", tc.v)
			if changed || pyJSON(got) != pyJSON(tc.v) {
				t.Fatalf("clean value changed: %v", got)
			}
			if n := testing.AllocsPerRun(100, func() { p.scrubValue("", tc.v) }); n != 0 {
				t.Errorf("%v allocations for a clean value", n)
			}
		})
	}
	off := NewProvider(WithScrubber(nil))
	dirty := Object{{"password", "hunter22"}, {"cmd", "PGPASSWORD=Zq8wXy3v psql"}}
	if got, changed := off.scrubValue("", dirty); changed || pyJSON(got) != pyJSON(dirty) {
		t.Errorf("nil scrubber changed %v", got)
	}
	got, changed := p.scrubValue("", dirty)
	if want := `{"password":"[REDACTED]","cmd":"PGPASSWORD=[REDACTED] psql"}`; !changed || pyJSON(got) != want {
		t.Errorf("scrubbed %s, want %s", pyJSON(got), want)
	}
	if pyJSON(dirty) != `{"password":"hunter22","cmd":"PGPASSWORD=Zq8wXy3v psql"}` {
		t.Errorf("input changed: %s", pyJSON(dirty))
	}
}

// FuzzScrubValue checks scrubValue on arbitrary JSON: no panic, a value
// reported unchanged is the same, and scrubbing is idempotent.
func FuzzScrubValue(f *testing.F) {
	for _, s := range []string{
		`{"command":"PGPASSWORD=Zq8wXy3v psql","output":"ok"}`,
		`["Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc", {"api_key": {"a": 1}}]`,
		`{"sk-proj-Q7vX2mK9pL4nR8sT1wY6zB3cF5hJ0dG": 1, "sk-proj-Q7vX2mK9pL4nR8sT1wY6zB3cF5hJ0dH": 2}`,
		`"postgres://u:p4ssw0rd@db/x"`, `null`, `1e400`,
	} {
		f.Add(s)
	}
	p := NewProvider()
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parsePyJSON(s)
		if err != nil {
			return
		}
		before := pyJSON(v)
		got, changed := p.scrubValue("", v)
		if pyJSON(v) != before {
			t.Fatalf("input changed: %s then %s", before, pyJSON(v))
		}
		if !changed && pyJSON(got) != before {
			t.Fatalf("reported unchanged but %s became %s", before, pyJSON(got))
		}
		again, changed2 := p.scrubValue("", got)
		if changed2 && pyJSON(again) != pyJSON(got) {
			t.Fatalf("not idempotent: %s then %s", pyJSON(got), pyJSON(again))
		}
	})
}
