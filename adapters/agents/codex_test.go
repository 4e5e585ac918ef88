package codexagents

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// referenceArgs is the arguments string of the reference runs' codex call.
const referenceArgs = `{"inputs": [{"type": "text", "text": "Run the Codex task."}]}`

// reference is one testdata/python-traces/<transcript>.spans.jsonl file,
// written by the Agents SDK v0.22.0 itself.
type reference struct {
	meta       Object
	trace      Object
	spans      []Object
	logs       []Object
	toolOutput string
	usage      Object
}

func readReference(t *testing.T, path string) reference {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	for i, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		v, err := parsePyJSON(line)
		o, ok := v.(Object)
		if err != nil || !ok {
			t.Fatalf("%s:%d: not a JSON object: %v", path, i+1, err)
		}
		kind, _ := o.Get("kind")
		o = o.del("kind")
		switch kind {
		case "meta":
			ref.meta = o
		case "trace":
			ref.trace = o
		case "span":
			ref.spans = append(ref.spans, o)
		case "log":
			ref.logs = append(ref.logs, o)
		case "tool_output":
			out, _ := o.Get("output")
			ref.toolOutput, _ = out.(string)
		case "usage":
			ref.usage = o
		}
	}
	return ref
}

func str(o Object, key string) string {
	v, _ := o.Get(key)
	s, _ := v.(string)
	return s
}

// spanNum is the ordinal of a normalised span id ("span_5" → 5).
func spanNum(id string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(id, "span_"))
	return n
}

var timeRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$`)

// run traces one transcript through a CodexTool the way the reference
// runs called the SDK's, returning the recorder, trace, result and logs.
type runOutput struct {
	rec    *recorder
	trace  *Trace
	res    *ToolResult
	logs   []LogRecord
	ingest *ingest
}

func runTranscript(t *testing.T, stream []byte, exit int, opts ...ToolOption) runOutput {
	t.Helper()
	var out runOutput
	var mu sync.Mutex
	out.rec = &recorder{}
	p := NewProvider(WithLogData(false), WithDisabled(false), WithProcessors(out.rec), WithLogger(func(r LogRecord) {
		mu.Lock()
		out.logs = append(out.logs, r)
		mu.Unlock()
	}))
	out.ingest = newIngest(t)
	exp := NewBackendExporter(p, WithEndpoint(out.ingest.srv.URL+"/v1/traces/ingest"), WithAPIKey(testKey), WithOrganization(""), WithProject(""))
	p.AddTraceProcessor(NewBatchProcessor(p, exp, WithScheduleDelay(time.Hour)))
	out.trace = p.NewTrace("Agent workflow", "", nil)
	out.trace.Start()
	tool := NewCodexTool(p, append([]ToolOption{WithIncludeSensitiveData(true)}, opts...)...)
	out.res = tool.Run(out.trace, nil, referenceArgs, bytes.NewReader(stream), func() Exit { return Exit{Code: exit} })
	out.trace.Finish()
	p.ForceFlush()
	return out
}

// withoutComments drops the "#" lines the reference runs did not feed.
func withoutComments(b []byte) []byte {
	var out []byte
	for _, line := range bytes.SplitAfter(b, []byte("\n")) {
		if !bytes.HasPrefix(line, []byte("#")) {
			out = append(out, line...)
		}
	}
	return out
}

// TestTranscriptsMatchSDK runs every shared transcript and compares, after
// the README's normalisation, the Codex tool's subtree (function span and
// command spans: span_data and error, order, parents), the trace object,
// the tracing core's and tool's log records, the tool output and the
// tool's usage with what the SDK v0.22.0 produced.
func TestTranscriptsMatchSDK(t *testing.T) {
	refs, err := filepath.Glob("testdata/python-traces/*.spans.jsonl")
	if err != nil || len(refs) != 22 {
		t.Fatalf("want 22 reference files, got %d (%v)", len(refs), err)
	}
	for _, path := range refs {
		name := strings.TrimSuffix(filepath.Base(path), ".spans.jsonl")
		t.Run(name, func(t *testing.T) {
			ref := readReference(t, path)
			stream, err := os.ReadFile(filepath.Join("testdata/transcripts", name+".jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			exitV, _ := ref.meta.Get("fake_codex_exit_code")
			exit, _ := strconv.Atoi(fmt.Sprint(exitV))
			got := runTranscript(t, withoutComments(stream), exit)

			// The trace object, with its id normalised.
			tr := got.trace.Export()
			if !regexp.MustCompile(`^trace_[0-9a-f]{32}$`).MatchString(got.trace.ID()) {
				t.Errorf("trace id %q", got.trace.ID())
			}
			tr = tr.clone().set("id", "trace_1")
			if g, w := pyJSON(tr), pyJSON(ref.trace); g != w {
				t.Errorf("trace:\n got %s\nwant %s", g, w)
			}

			// The subtree: expected spans in body (end) order.
			var fnID string
			for _, s := range ref.spans {
				sd, _ := s.Get("span_data")
				if str(sd.(Object), "type") == "function" {
					fnID = str(s, "id")
				}
			}
			var want []Object
			var customs []int
			for _, s := range ref.spans {
				if str(s, "id") == fnID || str(s, "parent_id") == fnID {
					want = append(want, s)
					if str(s, "id") != fnID {
						customs = append(customs, spanNum(str(s, "id")))
					}
				}
			}
			refName := map[string]string{fnID: "F"}
			sortInts(customs)
			for i, n := range customs {
				refName["span_"+strconv.Itoa(n)] = "C" + strconv.Itoa(i+1)
			}
			goName := map[string]string{}
			c := 0
			for _, s := range got.rec.started {
				if _, ok := s.Data().(*FunctionSpanData); ok {
					goName[s.ID()] = "F"
				} else {
					c++
					goName[s.ID()] = "C" + strconv.Itoa(c)
				}
			}
			norm := func(s Object, names map[string]string) string {
				id, parent := names[str(s, "id")], names[str(s, "parent_id")]
				if id == "F" {
					parent = "" // the Runner's turn span in the reference
				}
				sd, _ := s.Get("span_data")
				e, _ := s.Get("error")
				return pyJSON(Object{{"id", id}, {"parent_id", parent}, {"span_data", sd}, {"error", e}})
			}
			if len(got.rec.ended) != len(want) {
				t.Fatalf("%d spans ended, want %d", len(got.rec.ended), len(want))
			}
			for i, s := range got.rec.ended {
				ex := s.Export()
				if g, w := norm(ex, goName), norm(want[i], refName); g != w {
					t.Errorf("span %d:\n got %s\nwant %s", i, g, w)
				}
				if str(ex, "trace_id") != got.trace.ID() {
					t.Errorf("span %d: trace_id %q", i, str(ex, "trace_id"))
				}
				if !regexp.MustCompile(`^span_[0-9a-f]{24}$`).MatchString(s.ID()) {
					t.Errorf("span id %q", s.ID())
				}
				st, en := str(ex, "started_at"), str(ex, "ended_at")
				if !timeRE.MatchString(st) || !timeRE.MatchString(en) || s.started.After(s.ended) {
					t.Errorf("span %d: times %q, %q", i, st, en)
				}
			}

			// Log records of the tracing core and the tool.
			if g, w := goLogs(got), sdkLogs(ref, len(got.rec.ended)); g != w {
				t.Errorf("logs:\n got %s\nwant %s", g, w)
			}
			// The ingest request: one POST of the trace and the spans.
			if got.ingest.count() != 1 {
				t.Fatalf("%d POSTs, want 1", got.ingest.count())
			}
			r := got.ingest.reqs[0]
			if r.Method != "POST" || r.Header.Get("Authorization") != "Bearer "+testKey || r.Header.Get("Content-Type") != "application/json" ||
				r.Header.Get("OpenAI-Beta") != "traces=v1" || r.Header.Get("OpenAI-Organization") != "" || r.Header.Get("OpenAI-Project") != "" {
				t.Errorf("request %s %v", r.Method, r.Header)
			}
			if keys := len(got.ingest.bodies[0]); keys != 1 || len(got.ingest.items(0)) != 1+len(got.rec.ended) {
				t.Errorf("body %s", got.ingest.bodies[0])
			}
			if got.res.Output != ref.toolOutput {
				t.Errorf("tool output:\n got %s\nwant %s", got.res.Output, ref.toolOutput)
			}
			if g, w := pyJSON(usageOf(got.res)), pyJSON(ref.usage); g != w {
				t.Errorf("usage:\n got %s\nwant %s", g, w)
			}
		})
	}
}

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// usageOf is the run usage the Codex tool adds (the reference's usage line).
func usageOf(r *ToolResult) Object {
	u := Object{{"requests", 0}, {"input_tokens", 0}, {"output_tokens", 0}, {"total_tokens", 0}, {"cached_tokens", 0}, {"reasoning_tokens", 0}}
	if r.Failure != "" || r.Usage == nil {
		return u
	}
	num := func(k string) int {
		v, _ := r.Usage.Get(k)
		n, _ := strconv.Atoi(fmt.Sprint(v))
		return n
	}
	in, out := num("input_tokens"), num("output_tokens")
	return Object{{"requests", 1}, {"input_tokens", in}, {"output_tokens", out}, {"total_tokens", in + out}, {"cached_tokens", num("cached_input_tokens")}, {"reasoning_tokens", 0}}
}

func goLogs(o runOutput) string {
	var b strings.Builder
	for _, r := range o.logs {
		fmt.Fprintf(&b, "%s %s | ", r.Level, strings.ReplaceAll(r.Message, o.trace.ID(), "trace_1"))
	}
	return b.String()
}

// sdkLogs is the reference's log records without the Runner's: its own
// messages, the Creating span records of task, agent and turn 1 (before
// the function call is processed) and of turn 2, and the exporter's.
func sdkLogs(ref reference, spans int) string {
	var b strings.Builder
	phase := 0 // 0 before the function call, 1 during, 2 after turn 2 began
	for _, l := range ref.logs {
		msg, level := str(l, "message"), str(l, "level")
		switch {
		case strings.HasPrefix(msg, "Processing output item type=function_call"):
			phase = 1
			continue
		case msg == "Running agent Assistant (turn 2)":
			phase = 2
			continue
		case strings.HasPrefix(msg, "Running agent"), strings.HasPrefix(msg, "No conversation_id"), strings.HasPrefix(msg, "Processing output item"):
			continue
		case msg == "Creating span with id None" && phase != 1:
			continue
		case strings.HasPrefix(msg, "Exported "):
			msg = "Exported " + strconv.Itoa(1+spans) + " items"
		}
		fmt.Fprintf(&b, "%s %s | ", level, msg)
	}
	return b.String()
}
