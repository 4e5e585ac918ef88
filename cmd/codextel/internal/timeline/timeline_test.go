package timeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/codextel/codextel/core/bridge"
	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/scrub"
	"github.com/codextel/codextel/core/telemetry"
)

// transcripts are the shared Codex transcripts, as the bridge's tests keep
// them.
const transcripts = "../../../../core/bridge/testdata"

// stepClock is a clock that moves a millisecond on every read.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond)
	return c.t
}

// decode returns the session JSON of a page.
func decode(t *testing.T, page []byte) jsonPage {
	t.Helper()
	const open = `<script type="application/json" id="session">`
	_, rest, ok := bytes.Cut(page, []byte(open))
	if !ok {
		t.Fatal("the page has no session data")
	}
	data, _, ok := bytes.Cut(rest, []byte("</script>"))
	if !ok {
		t.Fatal("the session data is not closed")
	}
	var doc jsonPage
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("session data: %v", err)
	}
	return doc
}

// dataPolicy is what data a test's bus lets through.
type dataPolicy struct{ ModelData, ToolData bool }

// replay reads a transcript through a bus with a recorder attached and
// returns the page.
func replay(t *testing.T, file string, policy dataPolicy) []byte {
	t.Helper()
	f, err := os.Open(filepath.Join(transcripts, file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	clock := &stepClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	var opts Options
	var read func(context.Context, *telemetry.Bus) error
	if strings.HasPrefix(file, "appserver") {
		sc := bridge.NewStreamClock(clock.now)
		bus := telemetry.New(telemetry.WithClock(sc.Now), telemetry.WithModelData(policy.ModelData), telemetry.WithToolData(policy.ToolData))
		opts = Options{Now: sc.Now, Axis: StreamTime}
		read = func(ctx context.Context, bus *telemetry.Bus) error {
			_, err := bridge.ReadAppServer(ctx, f, bus, bridge.WithStreamClock(sc))
			return err
		}
		return record(t, bus, opts, read)
	}
	bus := telemetry.New(telemetry.WithClock(clock.now), telemetry.WithModelData(policy.ModelData), telemetry.WithToolData(policy.ToolData))
	opts = Options{Now: clock.now, Axis: ProcessingTime}
	read = func(ctx context.Context, bus *telemetry.Bus) error {
		_, err := bridge.ReadExec(ctx, f, bus)
		return err
	}
	return record(t, bus, opts, read)
}

func record(t *testing.T, bus *telemetry.Bus, opts Options, read func(context.Context, *telemetry.Bus) error) []byte {
	t.Helper()
	rec := New(opts)
	if _, err := bus.Attach("timeline", rec, "*"); err != nil {
		t.Fatal(err)
	}
	if err := read(context.Background(), bus); err != nil {
		t.Fatal(err)
	}
	bus.Close()
	var out bytes.Buffer
	if err := rec.WriteHTML(&out, Page{Title: "test"}); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// spanSummary is one span as a test compares it: label and status.
func spanSummary(doc jsonPage) []string {
	var out []string
	for _, s := range doc.Spans {
		out = append(out, s.Label+":"+s.Status)
	}
	return out
}

func TestTranscripts(t *testing.T) {
	tests := []struct {
		file      string
		spans     []string // label:status, in start order
		axis      string
		turnToken [2]int64
	}{
		{
			file:      "gen__codex-0.169.0-mock__mcp_tool_call_ok_iserror_rpcerror.jsonl",
			spans:     []string{"thread 01a21107-876b-7f93-9b26-bc3c6e0f818e:ok", "turn 1:ok", "mcp.tool_call echo:ok", "mcp.tool_call fail:failed", "mcp.tool_call crash:failed"},
			axis:      "processing time",
			turnToken: [2]int64{24600, 120},
		},
		{
			file:      "gen__codex-0.169.0-mock__command_failed_exit1.jsonl",
			spans:     []string{"thread 01a21106-1c88-7520-87bb-fe37561ce797:ok", "turn 1:ok", "tool shell:failed"},
			axis:      "processing time",
			turnToken: [2]int64{12300, 50},
		},
		{
			file: "appserver__codex-0.169.0-mock__approvals_accept_decline.wire.jsonl",
			spans: []string{
				"thread 01a21108-a575-7650-a699-c2bf41f38480:ok", "turn 1:ok",
				"tool shell:ok", "approval command_execution:ok",
				"tool apply_patch:ok", "approval file_change:ok",
				"tool shell:declined", "approval command_execution:declined",
				"tool apply_patch:declined", "approval file_change:declined",
			},
			axis:      "stream time",
			turnToken: [2]int64{31000, 150},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			doc := decode(t, replay(t, tt.file, dataPolicy{}))
			if got := spanSummary(doc); strings.Join(got, "\n") != strings.Join(tt.spans, "\n") {
				t.Errorf("spans:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.spans, "\n"))
			}
			if doc.Axis != tt.axis {
				t.Errorf("axis %q, want %q", doc.Axis, tt.axis)
			}
			var turn *jsonSpan
			for i := range doc.Spans {
				if doc.Spans[i].Family == "codex.turn" {
					turn = &doc.Spans[i]
				}
			}
			if turn == nil || turn.Tokens == nil || *turn.Tokens != tt.turnToken {
				t.Errorf("turn tokens %v, want %v", turn, tt.turnToken)
			}
			// Every span below the thread has a parent, and the turn's is
			// the thread.
			for i, s := range doc.Spans {
				if i > 0 && s.Parent < 0 {
					t.Errorf("span %d (%s) has no parent", i, s.Label)
				}
				if s.End < s.Start || s.End > doc.Extent {
					t.Errorf("span %d (%s) runs %d..%d, outside 0..%d", i, s.Label, s.Start, s.End, doc.Extent)
				}
			}
		})
	}
}

// The approval log's times are the stream's: its first is 04:48:29.041 and
// the session spans 354 ms of them.
func TestStreamAxis(t *testing.T) {
	doc := decode(t, replay(t, "appserver__codex-0.169.0-mock__approvals_accept_decline.wire.jsonl", dataPolicy{}))
	if doc.Start != "2026-11-25T04:48:29.041Z" {
		t.Errorf("start %q, want the stream's first time", doc.Start)
	}
	if doc.Extent != int64(354*time.Millisecond) {
		t.Errorf("extent %v, want 354ms", time.Duration(doc.Extent))
	}
}

// Events timed by the clock's fallback before the stream gives a time are
// placed at the stream's first time; a stream that never gives one is on
// the processing axis.
func TestStreamFallback(t *testing.T) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name       string
		fromStream []bool
		wantAxis   string
		wantExtent time.Duration
	}{
		{"prefix", []bool{false, false, true, true}, "stream time", time.Second},
		{"never", []bool{false, false, false, false}, "processing time", 3 * time.Second},
		{"always", []bool{true, true, true, true}, "stream time", 3 * time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			i := 0
			rec := New(Options{Axis: StreamTime, FromStream: func() bool { return tt.fromStream[i] }})
			for i = range 4 {
				e := telemetry.NewEvent("codex.item.warning", base.Add(time.Duration(i)*time.Second))
				rec.Handle(context.Background(), e)
			}
			var out bytes.Buffer
			if err := rec.WriteHTML(&out, Page{}); err != nil {
				t.Fatal(err)
			}
			doc := decode(t, out.Bytes())
			if doc.Axis != tt.wantAxis || time.Duration(doc.Extent) != tt.wantExtent {
				t.Errorf("axis %q extent %v, want %q %v", doc.Axis, time.Duration(doc.Extent), tt.wantAxis, tt.wantExtent)
			}
			if len(doc.Loose) != 4 {
				t.Errorf("%d session events, want 4", len(doc.Loose))
			}
		})
	}
}

// With every event at one time (a fixed --clock), the axis is the order of
// the events, and it says so.
func TestFixedClockOrderAxis(t *testing.T) {
	fixed := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	bus := telemetry.New(telemetry.WithClock(func() time.Time { return fixed }))
	rec := New(Options{Now: func() time.Time { return fixed }})
	if _, err := bus.Attach("t", rec, "*"); err != nil {
		t.Fatal(err)
	}
	ctx, sp := bus.StartSpan(context.Background(), "codex.tool", slog.String("tool", "shell"))
	bus.Emit(ctx, "codex.item.warning", nil, slog.String("warning", "w"))
	sp.End()
	bus.Close()
	var out bytes.Buffer
	if err := rec.WriteHTML(&out, Page{}); err != nil {
		t.Fatal(err)
	}
	doc := decode(t, out.Bytes())
	if doc.Unit != "seq" || doc.Axis != "event order" || !strings.Contains(doc.Note, "--clock") {
		t.Errorf("unit %q axis %q note %q, want the order axis", doc.Unit, doc.Axis, doc.Note)
	}
	if len(doc.Spans) != 1 || doc.Spans[0].Start != 1 || doc.Spans[0].End != 3 || len(doc.Spans[0].Marks) != 1 {
		t.Errorf("spans %+v, want one from event 1 to 3 with one mark", doc.Spans)
	}
}

// A span that never ends is drawn to the end of the session, marked open;
// a second start of a span id is a mark; an end without a start is a span
// of its duration.
func TestOpenAndStraySpans(t *testing.T) {
	clock := &stepClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	rec := New(Options{Now: clock.now})
	start := func(name, span string) telemetry.Event {
		e := telemetry.NewEvent(name, clock.now())
		e.AddMeasurements(telemetry.Int("system_time", 1), telemetry.Int("monotonic_time", 1))
		e.SetIDs(correlation.IDs{Span: span})
		return e
	}
	end := func(name, span string) telemetry.Event {
		e := telemetry.NewEvent(name, clock.now())
		e.AddMeasurements(telemetry.Duration("duration", time.Millisecond))
		e.SetIDs(correlation.IDs{Span: span})
		return e
	}
	ctx := context.Background()
	rec.Handle(ctx, start("codex.turn.start", "a"))
	rec.Handle(ctx, start("codex.turn.start", "a")) // again: a mark on a
	rec.Handle(ctx, end("codex.tool.success", "b")) // no start: a session event
	rec.Handle(ctx, end("codex.native.model_request.stop", "c"))
	var out bytes.Buffer
	if err := rec.WriteHTML(&out, Page{}); err != nil {
		t.Fatal(err)
	}
	doc := decode(t, out.Bytes())
	if len(doc.Spans) != 3 || doc.Spans[0].Status != "open" || doc.Spans[0].End != doc.Extent || doc.Spans[0].Names[1] != "" {
		t.Fatalf("spans %+v, want an open span to the end, then two ended ones", doc.Spans)
	}
	if len(doc.Spans[0].Marks) != 1 || len(doc.Loose) != 0 {
		t.Errorf("%d marks on the span and %d session events, want 1 and 0", len(doc.Spans[0].Marks), len(doc.Loose))
	}
	for _, s := range doc.Spans[1:] {
		if s.End-s.Start != int64(time.Millisecond) || s.Parent != -1 {
			t.Errorf("span %+v: want 1ms long, at the top", s)
		}
	}
	if n, events := rec.Spans(); n != 3 || events != 4 {
		t.Errorf("Spans() = %d, %d, want 3, 4", n, events)
	}
}

// A new span-shaped family (as Codex's own telemetry adds) is drawn with
// no code for it: its family, label and failure come from its events.
func TestGenericFamily(t *testing.T) {
	bus := telemetry.New()
	rec := New(Options{})
	if _, err := bus.Attach("t", rec, "*"); err != nil {
		t.Fatal(err)
	}
	_, sp := bus.StartSpan(context.Background(), "codex.native.model_request", slog.String("model", "gpt-5.5"))
	sp.Fail(errors.New("503"))
	bus.Close()
	var out bytes.Buffer
	if err := rec.WriteHTML(&out, Page{}); err != nil {
		t.Fatal(err)
	}
	doc := decode(t, out.Bytes())
	if len(doc.Spans) != 1 {
		t.Fatalf("%d spans, want 1", len(doc.Spans))
	}
	s := doc.Spans[0]
	if s.Family != "codex.native.model_request" || s.Label != "native.model_request gpt-5.5" || s.Status != "failed" || s.Names != [2]string{"codex.native.model_request.start", "codex.native.model_request.exception"} {
		t.Errorf("span %+v", s)
	}
}

// Nothing from the session can break out of the page's data: a command
// with <script> and a secret in a command's output (tool data let through,
// so both reach the page) come out escaped and scrubbed, as in the logs.
func TestEscapedAndScrubbed(t *testing.T) {
	secret := "ghp_" + strings.Repeat("aB3dE5fG7h", 4)[:36]
	if s, found := scrub.New().String("token " + secret); !found || strings.Contains(s, secret) {
		t.Fatalf("the scrubber does not find the test's secret: %q", s)
	}
	cmd := `echo "</script><script>alert(1)</script><img src=x onerror=alert(2)>" & <!-- x`
	stream := fmt.Sprintf(`{"type":"thread.started","thread_id":"t1"}
{"type":"turn.started"}
{"type":"item.started","item":{"id":"i0","type":"command_execution","command":%[1]q,"aggregated_output":"","exit_code":null,"status":"in_progress"}}
{"type":"item.completed","item":{"id":"i0","type":"command_execution","command":%[1]q,"aggregated_output":"token %[2]s\n","exit_code":0,"status":"completed"}}
{"type":"turn.completed","usage":{"input_tokens":1,"cached_input_tokens":0,"output_tokens":2}}
`, cmd, secret)
	for _, policy := range []dataPolicy{{}, {ToolData: true, ModelData: true}} {
		t.Run(fmt.Sprintf("tooldata=%v", policy.ToolData), func(t *testing.T) {
			bus := telemetry.New(telemetry.WithModelData(policy.ModelData), telemetry.WithToolData(policy.ToolData))
			page := record(t, bus, Options{}, func(ctx context.Context, bus *telemetry.Bus) error {
				_, err := bridge.ReadExec(ctx, strings.NewReader(stream), bus)
				return err
			})
			if strings.Contains(string(page), secret) {
				t.Error("the secret is in the page")
			}
			for _, bad := range []string{"<script>alert", "<img", "<!--", "</script><script>alert"} {
				if strings.Contains(string(page), bad) {
					t.Errorf("the page holds %q unescaped", bad)
				}
			}
			if n := strings.Count(string(page), "<script"); n != 3 {
				t.Errorf("%d script elements, want the page's own 3", n)
			}
			doc := decode(t, page)
			var input, result string
			for _, s := range doc.Spans {
				for _, f := range s.Fields {
					switch f[0] {
					case "input":
						input = f[1]
					case "result":
						result = f[1]
					}
				}
			}
			if policy.ToolData {
				if !strings.Contains(input, "<script>alert(1)</script>") {
					t.Errorf("input %q: want the command, as data", input)
				}
				if result == "" || strings.Contains(result, secret) {
					t.Errorf("result %q: want the output, scrubbed", result)
				}
			} else if input != "" || result != "" {
				t.Errorf("input %q result %q: tool data is redacted by default", input, result)
			}
		})
	}
}

// Codex's own telemetry, joined: a model request is one event with a
// duration, drawn as a span under its turn; the time to the first token
// is marked on the turn; the turn's tokens are counted once although both
// the turn and each request report them.
func TestModelRequestsAndFirstToken(t *testing.T) {
	clock := &stepClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	bus := telemetry.New(telemetry.WithClock(clock.now))
	rec := New(Options{Now: clock.now})
	if _, err := bus.Attach("t", rec, "*"); err != nil {
		t.Fatal(err)
	}
	ctx, turn := bus.StartSpan(context.Background(), "codex.turn", slog.Int("turn_index", 1))
	for i, status := range []int64{429, 200} {
		var m []telemetry.Measurement
		m = append(m, telemetry.Duration("duration", 500*time.Microsecond), telemetry.Int("attempt", int64(i)), telemetry.Int("status_code", status))
		name := "codex.model.request.completed"
		if status != 200 {
			name = "codex.model.request.failed"
		}
		bus.Emit(ctx, name, m, slog.String("model", "gpt-5.5"))
		bus.Emit(ctx, "codex.model.token_usage", []telemetry.Measurement{telemetry.Int("input_tokens", 100), telemetry.Int("output_tokens", 5)})
	}
	bus.Emit(ctx, "codex.turn.first_token", []telemetry.Measurement{telemetry.Duration("ttft", 3*time.Millisecond)})
	bus.Emit(ctx, "codex.thread.token_usage.updated", []telemetry.Measurement{telemetry.Int("input_tokens", 200), telemetry.Int("output_tokens", 10)})
	turn.EndAs("completed")
	bus.Close()
	var out bytes.Buffer
	if err := rec.WriteHTML(&out, Page{}); err != nil {
		t.Fatal(err)
	}
	doc := decode(t, out.Bytes())
	var got []string
	for _, s := range doc.Spans {
		g := fmt.Sprintf("%s:%s:p%d", s.Label, s.Status, s.Parent)
		if s.Parent >= 0 {
			g += ":" + time.Duration(s.End-s.Start).String()
		}
		got = append(got, g)
	}
	// A failed request is failed by its catalog level (WARNING), once the
	// catalog has the model request events.
	failed := "ok"
	if _, ok := catalog.Lookup("codex.model.request.failed"); ok {
		failed = "failed"
	}
	want := []string{"turn 1:ok:p-1", "model.request gpt-5.5:" + failed + ":p0:500µs", "model.request gpt-5.5:ok:p0:500µs"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("spans %q, want %q", got, want)
	}
	turnSpan := doc.Spans[0]
	if turnSpan.Tokens == nil || *turnSpan.Tokens != [2]int64{200, 10} {
		t.Errorf("turn tokens %v, want 200 in, 10 out, counted once", turnSpan.Tokens)
	}
	if turnSpan.TTFT == nil || *turnSpan.TTFT != int64(3*time.Millisecond) {
		t.Errorf("time to first token %v, want 3ms", turnSpan.TTFT)
	}
}

// Long values are cut, and a row keeps maxMarks marks and counts the rest.
func TestLimits(t *testing.T) {
	rec := New(Options{})
	long := strings.Repeat("é", maxValue) // 2 bytes each: cut mid-rune
	for range maxMarks + 7 {
		e := telemetry.NewEvent("codex.item.warning", time.Now())
		e.AddMetadata(slog.String("warning", long))
		rec.Handle(context.Background(), e)
	}
	var out bytes.Buffer
	if err := rec.WriteHTML(&out, Page{}); err != nil {
		t.Fatal(err)
	}
	doc := decode(t, out.Bytes())
	if len(doc.Loose) != maxMarks || doc.LooseN != 7 {
		t.Errorf("%d marks and %d more, want %d and 7", len(doc.Loose), doc.LooseN, maxMarks)
	}
	v := doc.Loose[0].Fields[0][1]
	if !strings.HasSuffix(v, fmt.Sprintf("… (%d bytes)", 2*maxValue)) || len(v) > maxValue+20 || !strings.HasPrefix(v, "éé") {
		t.Errorf("cut value %q...", v[:20])
	}
}

type failingWriter struct{ after int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.after <= 0 {
		return 0, errors.New("disk full")
	}
	w.after--
	return len(p), nil
}

// A write error is returned, wherever it happens.
func TestWriteError(t *testing.T) {
	rec := New(Options{})
	for after := range 3 {
		if err := rec.WriteHTML(&failingWriter{after: after}, Page{}); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("write failing after %d writes: error %v", after, err)
		}
	}
}

// Handle is safe for concurrent use.
func TestConcurrentHandle(t *testing.T) {
	bus := telemetry.New()
	rec := New(Options{})
	if _, err := bus.Attach("t", rec, "*"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				_, sp := bus.StartSpan(context.Background(), "codex.tool", slog.Int("n", g*100+i))
				sp.End()
			}
		})
	}
	wg.Wait()
	bus.Close()
	if n, events := rec.Spans(); n != 200 || events != 400 {
		t.Errorf("Spans() = %d, %d, want 200, 400", n, events)
	}
}

// Whatever an event holds, the page's data is one JSON document with no
// '<' in it (nothing for the HTML parser to read as a tag), and the values
// come back as they went in.
func FuzzPageData(f *testing.F) {
	f.Add("codex.tool", "</script><script>alert(1)</script>", "<!--")
	f.Add("codex.x.y", "\u2028\u2029&amp;", "\x00\xff")
	f.Fuzz(func(t *testing.T, family, value, key string) {
		rec := New(Options{})
		bus := telemetry.New(telemetry.WithModelData(true), telemetry.WithToolData(true))
		if _, err := bus.Attach("t", rec, "*"); err != nil {
			t.Fatal(err)
		}
		_, sp := bus.StartSpan(context.Background(), "codex.fuzz."+family, slog.String("tool", value), slog.String("k"+key, value))
		sp.End()
		bus.Close()
		var out bytes.Buffer
		if err := rec.WriteHTML(&out, Page{Title: value}); err != nil {
			t.Fatal(err)
		}
		head, tail, _ := strings.Cut(page, dataMarker)
		data := out.Bytes()[len(head) : out.Len()-len(tail)]
		if bytes.ContainsAny(data, "<>") {
			t.Fatalf("the data holds < or >: %q", data)
		}
		doc := decode(t, out.Bytes())
		if len(doc.Spans) != 1 {
			t.Fatalf("%d spans, want 1", len(doc.Spans))
		}
		if utf8.ValidString(value) && doc.Title != value {
			t.Errorf("title %q, want %q", doc.Title, value)
		}
	})
}

// With a price table (--prices), a turn's token usage events carry
// cost_usd: the turn's bar gets their sum; without one, no cost at all.
func TestTurnCost(t *testing.T) {
	for _, priced := range []bool{true, false} {
		clock := &stepClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		bus := telemetry.New(telemetry.WithClock(clock.now))
		rec := New(Options{Now: clock.now})
		if _, err := bus.Attach("t", rec, "*"); err != nil {
			t.Fatal(err)
		}
		ctx, turn := bus.StartSpan(context.Background(), "codex.turn", slog.Int("turn_index", 1))
		for _, c := range []float64{0.0017, 0.0032} {
			ms := []telemetry.Measurement{telemetry.Int("input_tokens", 100), telemetry.Int("output_tokens", 5)}
			var md []slog.Attr
			if priced {
				// As instrument.Codex.TokenUsageCost emits them.
				ms = append(ms, telemetry.Float("cost_usd", c), telemetry.Float("total_cost_usd", 0.0049))
				md = append(md, slog.String("model", "gpt-test"))
			}
			bus.Emit(ctx, "codex.thread.token_usage.updated", ms, md...)
		}
		turn.EndAs("completed")
		bus.Close()
		var out bytes.Buffer
		if err := rec.WriteHTML(&out, Page{}); err != nil {
			t.Fatal(err)
		}
		doc := decode(t, out.Bytes())
		got := doc.Spans[0].Cost
		switch {
		case priced && (got == nil || *got < 0.00489 || *got > 0.00491):
			t.Errorf("priced turn cost %v, want 0.0049", got)
		case !priced && got != nil:
			t.Errorf("unpriced turn cost %v, want none", *got)
		}
	}
}
