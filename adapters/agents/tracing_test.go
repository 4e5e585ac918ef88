package codexagents

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/codextel/codextel/core/pylog"
)

func TestPyTime(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 12, 4, 18, 15, 19, 396907000, time.UTC), "2026-12-04T18:15:19.396907+00:00"},
		{time.Date(2026, 12, 4, 18, 15, 19, 0, time.UTC), "2026-12-04T18:15:19+00:00"},
		{time.Date(2026, 12, 4, 18, 15, 19, 999, time.UTC), "2026-12-04T18:15:19+00:00"},
		{time.Date(2026, 12, 4, 18, 15, 19, 1000, time.UTC), "2026-12-04T18:15:19.000001+00:00"},
		{time.Date(2026, 12, 4, 20, 15, 19, 5000, time.FixedZone("x", 2*3600)), "2026-12-04T18:15:19.000005+00:00"},
	}
	for _, tt := range tests {
		if got := pyTime(tt.in); got != tt.want {
			t.Errorf("pyTime(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEnvSwitches(t *testing.T) {
	disabled := []struct {
		v    string
		want bool
	}{{"", false}, {"false", false}, {"1", true}, {"true", true}, {"TRUE", true}, {"True", true}, {" 1", false}, {"yes", false}, {"0", false}}
	for _, tt := range disabled {
		if got := envDisabled(tt.v); got != tt.want {
			t.Errorf("envDisabled(%q) = %v", tt.v, got)
		}
	}
	for _, tt := range []struct {
		v    string
		set  bool
		want bool
	}{{"", false, true}, {"1", true, true}, {"tRuE", true, true}, {"0", true, false}, {"", true, false}, {"yes", true, false}} {
		if got := dontLog(tt.v, tt.set); got != tt.want {
			t.Errorf("dontLog(%q, %v) = %v", tt.v, tt.set, got)
		}
	}
	for _, tt := range []struct {
		v    string
		want bool
	}{{"1", true}, {" On ", true}, {"YES", true}, {"true", true}, {"0", false}, {"false", false}, {"", false}} {
		t.Setenv("OPENAI_AGENTS_TRACE_INCLUDE_SENSITIVE_DATA", tt.v)
		if got := NewCodexTool(NewProvider()).sensitive; got != tt.want {
			t.Errorf("OPENAI_AGENTS_TRACE_INCLUDE_SENSITIVE_DATA=%q: sensitive %v", tt.v, got)
		}
	}
}

func TestDisabledByEnv(t *testing.T) {
	t.Setenv("OPENAI_AGENTS_DISABLE_TRACING", "True")
	rec := &recorder{}
	var logs []LogRecord
	p := NewProvider(WithProcessors(rec), WithLogger(func(r LogRecord) { logs = append(logs, r) }))
	if !p.Disabled() {
		t.Fatal("not disabled")
	}
	tr := p.NewTrace("w", "", nil)
	tr.Start()
	s := p.NewSpan(tr, nil, &CustomSpanData{Name: "x"})
	s.Start()
	s.Finish()
	tr.Finish()
	p.ForceFlush()
	if len(rec.calls) != 0 || len(logs) != 0 || tr.Export() != nil || s.Export() != nil {
		t.Errorf("disabled tracing did something: calls %v, logs %v", rec.calls, logs)
	}
	p.SetDisabled(false)
	tr = p.NewTrace("w", "", nil)
	tr.Start()
	if len(rec.calls) != 1 {
		t.Errorf("re-enabled: calls %v", rec.calls)
	}
}

func TestExportShape(t *testing.T) {
	clock := time.Date(2026, 12, 4, 18, 15, 19, 396907000, time.UTC)
	p := NewProvider(WithDisabled(false), withClock(func() time.Time { clock = clock.Add(time.Second); return clock }))
	tr := p.NewTrace("Agent workflow", "group_1", Object{{"agent_harness_id", "h1"}, {"other", 1}})
	tr.Start()
	in := `{"a": 1}`
	fn := p.NewSpan(tr, nil, &FunctionSpanData{Name: "codex", Input: &in})
	fn.Start()
	c := p.NewSpan(tr, fn, &CustomSpanData{Name: "n", Data: Object{{"b", 2}, {"a", "é"}}})
	c.Start()
	c.SetError(&SpanError{Message: "m"})
	c.Finish()
	fn.Finish()
	tr.Finish()
	id := regexp.MustCompile(`(trace|span)_[0-9a-f]{24,32}`)
	got := id.ReplaceAllString(tr.Export().String(), "${1}_X")
	if want := `{"object":"trace","id":"trace_X","workflow_name":"Agent workflow","group_id":"group_1","metadata":{"agent_harness_id":"h1","other":1}}`; got != want {
		t.Errorf("trace:\n got %s\nwant %s", got, want)
	}
	got = id.ReplaceAllString(c.Export().String(), "${1}_X")
	want := `{"object":"trace.span","id":"span_X","trace_id":"trace_X","parent_id":"span_X","started_at":"2026-12-04T18:15:21.396907+00:00","ended_at":"2026-12-04T18:15:22.396907+00:00","span_data":{"type":"custom","name":"n","data":{"b":2,"a":"\u00e9"}},"error":{"message":"m","data":null},"metadata":{"agent_harness_id":"h1"}}`
	if got != want {
		t.Errorf("span:\n got %s\nwant %s", got, want)
	}
	got = id.ReplaceAllString(fn.Export().String(), "${1}_X")
	want = `{"object":"trace.span","id":"span_X","trace_id":"trace_X","parent_id":null,"started_at":"2026-12-04T18:15:20.396907+00:00","ended_at":"2026-12-04T18:15:23.396907+00:00","span_data":{"type":"function","name":"codex","input":"{\"a\": 1}","output":null,"mcp_data":null},"error":null,"metadata":{"agent_harness_id":"h1"}}`
	if got != want {
		t.Errorf("function span:\n got %s\nwant %s", got, want)
	}
	if len(tr.ID()) != 38 || tr.ID()[6+12] != '4' || len(fn.ID()) != 29 || fn.ID()[5+12] != '4' {
		t.Errorf("ids %q %q are not UUID4-based", tr.ID(), fn.ID())
	}
	if fn.ID() == c.ID() {
		t.Error("span ids repeat")
	}
	plain := p.NewTrace("w", "", nil)
	if got := plain.Export().String(); !strings.HasSuffix(got, `"group_id":null,"metadata":null}`) {
		t.Errorf("trace without group: %s", got)
	}
}

// TestProcessorsInOrderAndIsolated checks the call order of the SDK's six
// hooks across processors, and that a processor's error or panic is
// logged with the SDK's message without stopping the next one.
func TestProcessorsInOrderAndIsolated(t *testing.T) {
	for _, full := range []bool{false, true} {
		var logs []string
		var extras []LogRecord
		var order []string
		mk := func(name string) *orderProc { return &orderProc{name: name, order: &order} }
		a, bad, c := mk("a"), &recorder{fail: errors.New("boom")}, mk("c")
		panicky := &recorder{panics: true}
		p := NewProvider(WithDisabled(false), WithLogData(full), WithLogger(func(r LogRecord) {
			logs = append(logs, fmt.Sprintf("%s %s", r.Level, r.Message))
			if r.Extra != nil {
				extras = append(extras, r)
			}
		}))
		p.SetTraceProcessors(a, bad)
		p.AddTraceProcessor(panicky)
		p.AddTraceProcessor(c)
		tr := p.NewTrace("w", "", nil)
		tr.Start()
		s := p.NewSpan(tr, nil, &CustomSpanData{Name: "x"})
		s.Start()
		s.Start()
		s.Finish()
		s.Finish()
		tr.Finish()
		p.ForceFlush()
		p.Shutdown(context.Background())
		wantOrder := "a.on_trace_start c.on_trace_start a.on_span_start c.on_span_start a.on_span_end c.on_span_end a.on_trace_end c.on_trace_end a.force_flush c.force_flush a.shutdown c.shutdown"
		if got := strings.Join(order, " "); got != wantOrder {
			t.Errorf("order:\n got %s\nwant %s", got, wantOrder)
		}
		if len(bad.calls) != 6 || len(panicky.calls) != 6 {
			t.Errorf("failing processors called %d and %d times, want 6", len(bad.calls), len(panicky.calls))
		}
		joined := strings.Join(logs, "\n")
		for _, m := range []string{"on_trace_start", "on_span_start", "on_span_end", "on_trace_end", "force_flush", "shutdown"} {
			want := "ERROR Error in trace processor during " + m
			if full {
				if !strings.Contains(joined, want+": boom\n") || !strings.Contains(joined, want+": panic: processor exploded") {
					t.Errorf("full logs lack %q:\n%s", want, joined)
				}
			} else if strings.Count(joined, want+"\n")+strings.Count(joined, want+"\x00") < 1 || strings.Contains(joined, "boom") {
				t.Errorf("redacted logs wrong for %s:\n%s", m, joined)
			}
		}
		if full != (len(extras) == 12) {
			t.Errorf("full=%v: %d records with extras, want 12 in the full form only", full, len(extras))
		}
		for _, r := range extras {
			if !regexp.MustCompile(`^\{"openai_agents_diagnostic_context":\{"trace_processor":"\*codexagents\.recorder@0x[0-9a-f]+"\}\}$`).MatchString(r.Extra.String()) {
				t.Errorf("extra %s", r.Extra)
			}
		}
		for _, m := range []string{"WARNING Span already started", "WARNING Span already finished", "DEBUG Shutting down trace provider", "DEBUG Shutting down trace processor"} {
			if !strings.Contains(joined, m) {
				t.Errorf("logs lack %q", m)
			}
		}
	}
}

func TestShutdownTimeout(t *testing.T) {
	var logs []LogRecord
	rec := &recorder{}
	p := NewProvider(WithProcessors(rec, rec), WithLogger(func(r LogRecord) { logs = append(logs, r) }))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p.Shutdown(ctx)
	if len(rec.calls) != 0 {
		t.Errorf("processors shut down after the deadline: %v", rec.calls)
	}
	last := logs[len(logs)-1]
	if last.Level != pylog.Warning || last.Message != "[non-fatal] Tracing: shutdown timeout reached before processor cleanup." {
		t.Errorf("last log %+v", last)
	}
}

type orderProc struct {
	name  string
	order *[]string
}

func (o *orderProc) add(m string) error {
	*o.order = append(*o.order, o.name+"."+m)
	return nil
}
func (o *orderProc) OnTraceStart(*Trace) error      { return o.add("on_trace_start") }
func (o *orderProc) OnTraceEnd(*Trace) error        { return o.add("on_trace_end") }
func (o *orderProc) OnSpanStart(*Span) error        { return o.add("on_span_start") }
func (o *orderProc) OnSpanEnd(*Span) error          { return o.add("on_span_end") }
func (o *orderProc) Shutdown(context.Context) error { return o.add("shutdown") }
func (o *orderProc) ForceFlush() error              { return o.add("force_flush") }
