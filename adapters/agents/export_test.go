package codexagents

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const testKey = "sk-test-SECRET-0123456789"

// ingest is a local stand-in for the traces ingest endpoint on 127.0.0.1.
type ingest struct {
	mu       sync.Mutex
	statuses []int // answered in turn; 200 once exhausted
	reqs     []*http.Request
	bodies   []Object
	srv      *httptest.Server
}

func newIngest(t *testing.T, statuses ...int) *ingest {
	in := &ingest{statuses: statuses}
	in.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		v, err := parsePyJSON(string(b))
		o, _ := v.(Object)
		if err != nil || o == nil {
			t.Errorf("body is not a JSON object: %v", err)
		}
		in.mu.Lock()
		in.reqs = append(in.reqs, r)
		in.bodies = append(in.bodies, o)
		st := 200
		if len(in.statuses) > 0 {
			st, in.statuses = in.statuses[0], in.statuses[1:]
		}
		in.mu.Unlock()
		w.WriteHeader(st)
		fmt.Fprintf(w, "status %d for %s", st, r.Header.Get("Authorization"))
	}))
	if !strings.HasPrefix(in.srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server not on 127.0.0.1: %s", in.srv.URL)
	}
	t.Cleanup(in.srv.Close)
	return in
}

func (in *ingest) count() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return len(in.reqs)
}

func (in *ingest) items(i int) []any {
	in.mu.Lock()
	defer in.mu.Unlock()
	d, _ := in.bodies[i].Get("data")
	l, _ := d.([]any)
	return l
}

type logSink struct {
	mu   sync.Mutex
	recs []LogRecord
}

func (l *logSink) add(r LogRecord) {
	l.mu.Lock()
	l.recs = append(l.recs, r)
	l.mu.Unlock()
}

func (l *logSink) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	for _, r := range l.recs {
		fmt.Fprintf(&b, "%s %s", r.Level, r.Message)
		if r.Err != nil {
			fmt.Fprintf(&b, " [%v]", r.Err)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// traceWithSpans makes a started trace and n ended spans through p.
func traceWithSpans(p *Provider, n int) {
	tr := p.NewTrace("Agent workflow", "", nil)
	tr.Start()
	for i := 0; i < n; i++ {
		s := p.NewSpan(tr, nil, &CustomSpanData{Name: "s", Data: Object{{"i", i}}})
		s.Start()
		s.Finish()
	}
	tr.Finish()
}

func TestBackendExporter(t *testing.T) {
	tests := []struct {
		name     string
		full     bool
		statuses []int
		posts    int
		logs     []string
		absent   []string
	}{
		{name: "500 then success", statuses: []int{500}, posts: 2,
			logs: []string{"WARNING [non-fatal] Tracing: server error 500, retrying.\n", "DEBUG Exported 3 items\n"}},
		{name: "400 no retry", statuses: []int{400}, posts: 1,
			logs: []string{"ERROR [non-fatal] Tracing client error 400. Response data is redacted.\n"}, absent: []string{"Exported"}},
		{name: "400 full form, key scrubbed", full: true, statuses: []int{400}, posts: 1,
			logs: []string{"ERROR [non-fatal] Tracing client error 400: status 400 for Bearer <api key>\n"}},
		{name: "always 503", statuses: []int{503, 503, 503}, posts: 3,
			logs: []string{"WARNING [non-fatal] Tracing: server error 503, retrying.\nWARNING [non-fatal] Tracing: server error 503, retrying.\nWARNING [non-fatal] Tracing: server error 503, retrying.\nERROR [non-fatal] Tracing: max retries reached, giving up on this batch.\n"}},
		{name: "redirect status retried", statuses: []int{304}, posts: 2, logs: []string{"server error 304, retrying.", "Exported 3 items"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := newIngest(t, tt.statuses...)
			logs := &logSink{}
			p := NewProvider(WithDisabled(false), WithLogData(tt.full), WithLogger(logs.add))
			exp := NewBackendExporter(p, WithEndpoint(in.srv.URL+"/v1/traces/ingest"), WithAPIKey(testKey), WithOrganization("org-1"), WithProject(""), withBackoff(time.Millisecond, 30*time.Millisecond))
			bp := NewBatchProcessor(p, exp, WithScheduleDelay(time.Hour))
			p.AddTraceProcessor(bp)
			traceWithSpans(p, 2)
			p.ForceFlush()
			if got := in.count(); got != tt.posts {
				t.Fatalf("%d POSTs, want %d", got, tt.posts)
			}
			r := in.reqs[0]
			if r.Method != "POST" || r.URL.Path != "/v1/traces/ingest" || r.Header.Get("Authorization") != "Bearer "+testKey ||
				r.Header.Get("Content-Type") != "application/json" || r.Header.Get("OpenAI-Beta") != "traces=v1" ||
				r.Header.Get("OpenAI-Organization") != "org-1" || r.Header["Openai-Project"] != nil {
				t.Errorf("request %s %s %v", r.Method, r.URL, r.Header)
			}
			if items := in.items(0); len(items) != 3 || str(items[0].(Object), "object") != "trace" || str(items[1].(Object), "object") != "trace.span" {
				t.Errorf("body items %v", items)
			}
			text := logs.text()
			for _, w := range tt.logs {
				if !strings.Contains(text, w) {
					t.Errorf("logs lack %q:\n%s", w, text)
				}
			}
			for _, a := range append(tt.absent, testKey) {
				if strings.Contains(text, a) {
					t.Errorf("logs contain %q:\n%s", a, text)
				}
			}
			_ = p
		})
	}
}

func TestExporterTransportErrorHidesKey(t *testing.T) {
	for _, full := range []bool{false, true} {
		logs := &logSink{}
		p := NewProvider(WithDisabled(false), WithLogData(full), WithLogger(logs.add))
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL + "/" + testKey // the key even in the URL must not leak
		srv.Close()
		exp := NewBackendExporter(p, WithEndpoint(url), WithAPIKey(testKey), withBackoff(time.Millisecond, time.Millisecond))
		if err := exp.Export(context.Background(), []Item{p.NewTrace("w", "", nil)}); err != nil {
			t.Fatal(err)
		}
		text := logs.text()
		if strings.Count(text, "WARNING [non-fatal] Tracing request failed") != 3 || !strings.Contains(text, "max retries reached") {
			t.Errorf("logs:\n%s", text)
		}
		if full != strings.Contains(text, "Tracing request failed: ") {
			t.Errorf("full=%v logs:\n%s", full, text)
		}
		if strings.Contains(text, testKey) {
			t.Errorf("key leaked:\n%s", text)
		}
	}
}

func TestExporterNoKey(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "")
	in := newIngest(t)
	logs := &logSink{}
	p := NewProvider(WithDisabled(false), WithLogger(logs.add))
	exp := NewBackendExporter(p, WithEndpoint(in.srv.URL))
	_ = exp.Export(context.Background(), []Item{p.NewTrace("w", "", nil)})
	if in.count() != 0 || !strings.Contains(logs.text(), "WARNING OPENAI_API_KEY is not set, skipping trace export\n") {
		t.Errorf("posts %d, logs:\n%s", in.count(), logs.text())
	}
	t.Setenv("OPENAI_API_KEY", testKey)
	exp = NewBackendExporter(p, WithEndpoint(in.srv.URL))
	_ = exp.Export(context.Background(), []Item{p.NewTrace("w", "", nil)})
	if in.count() != 1 || in.reqs[0].Header.Get("Authorization") != "Bearer "+testKey {
		t.Errorf("OPENAI_API_KEY not used")
	}
}

// fakeExporter records batch sizes.
type fakeExporter struct {
	mu      sync.Mutex
	batches []int
	err     error
	got     chan struct{}
}

func (f *fakeExporter) Export(_ context.Context, items []Item) error {
	f.mu.Lock()
	f.batches = append(f.batches, len(items))
	f.mu.Unlock()
	if f.got != nil {
		select {
		case f.got <- struct{}{}:
		default:
		}
	}
	return f.err
}

func (f *fakeExporter) sizes() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fmt.Sprint(f.batches)
}

func TestBatchProcessor(t *testing.T) {
	t.Run("batches of 128 on force flush", func(t *testing.T) {
		p := NewProvider(WithDisabled(false))
		f := &fakeExporter{}
		p.AddTraceProcessor(NewBatchProcessor(p, f, WithScheduleDelay(time.Hour)))
		traceWithSpans(p, 299)
		p.ForceFlush()
		if got := f.sizes(); got != "[128 128 44]" {
			t.Errorf("batches %s", got)
		}
	})
	t.Run("queue full", func(t *testing.T) {
		logs := &logSink{}
		p := NewProvider(WithDisabled(false), WithLogger(logs.add))
		f := &fakeExporter{}
		bp := NewBatchProcessor(p, f, WithMaxQueueSize(3), WithScheduleDelay(time.Hour))
		bp.exportMu.Lock() // hold exports so the queue stays full
		p.AddTraceProcessor(bp)
		traceWithSpans(p, 3)
		tr := p.NewTrace("w", "", nil)
		tr.Start()
		bp.exportMu.Unlock()
		text := logs.text()
		if !strings.Contains(text, "WARNING Queue is full, dropping span.\n") || !strings.Contains(text, "WARNING Queue is full, dropping trace.\n") {
			t.Errorf("logs:\n%s", text)
		}
		p.Shutdown(context.Background())
		if got := f.sizes(); got != "[3]" {
			t.Errorf("batches %s", got)
		}
	})
	t.Run("export at 70% full", func(t *testing.T) {
		p := NewProvider(WithDisabled(false))
		f := &fakeExporter{got: make(chan struct{}, 1)}
		p.AddTraceProcessor(NewBatchProcessor(p, f, WithMaxQueueSize(10), WithScheduleDelay(time.Hour)))
		traceWithSpans(p, 6) // 7 items: int(10 × 0.7)
		select {
		case <-f.got:
		case <-time.After(10 * time.Second):
			t.Fatal("no export at 70%")
		}
	})
	t.Run("scheduled export", func(t *testing.T) {
		p := NewProvider(WithDisabled(false))
		f := &fakeExporter{got: make(chan struct{}, 1)}
		p.AddTraceProcessor(NewBatchProcessor(p, f, WithScheduleDelay(20*time.Millisecond)))
		traceWithSpans(p, 1)
		select {
		case <-f.got:
		case <-time.After(10 * time.Second):
			t.Fatal("no scheduled export")
		}
	})
	t.Run("shutdown drains, exporter failure logged", func(t *testing.T) {
		logs := &logSink{}
		p := NewProvider(WithDisabled(false), WithLogger(logs.add))
		f := &fakeExporter{err: errors.New("disk on fire")}
		p.AddTraceProcessor(NewBatchProcessor(p, f, WithScheduleDelay(time.Hour)))
		traceWithSpans(p, 2)
		p.Shutdown(context.Background())
		if got := f.sizes(); got != "[3]" {
			t.Errorf("batches %s", got)
		}
		if text := logs.text(); !strings.Contains(text, "ERROR [non-fatal] Tracing exporter failed; dropping batch of 3 items\n") || strings.Contains(text, "disk") {
			t.Errorf("logs:\n%s", text)
		}
	})
	t.Run("shutdown before any item", func(t *testing.T) {
		p := NewProvider(WithDisabled(false))
		f := &fakeExporter{}
		bp := NewBatchProcessor(p, f)
		if err := bp.Shutdown(context.Background()); err != nil || f.sizes() != "[]" {
			t.Errorf("err %v, batches %s", err, f.sizes())
		}
	})
	t.Run("shutdown deadline cuts the retry back-off", func(t *testing.T) {
		in := newIngest(t, 500, 500, 500)
		logs := &logSink{}
		p := NewProvider(WithDisabled(false), WithLogger(logs.add))
		exp := NewBackendExporter(p, WithEndpoint(in.srv.URL), WithAPIKey(testKey), withBackoff(time.Hour, time.Hour))
		p.AddTraceProcessor(NewBatchProcessor(p, exp, WithScheduleDelay(time.Hour)))
		traceWithSpans(p, 1)
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		p.Shutdown(ctx)
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(logs.text(), "shutdown requested during retry backoff, giving up.") && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if text := logs.text(); !strings.Contains(text, "WARNING [non-fatal] Tracing: shutdown requested during retry backoff, giving up.") {
			t.Errorf("logs:\n%s", text)
		}
	})
}

// TestTracingKeyGroups checks that a trace's own key sends it and its
// spans in a request of their own, groups in first-seen order, and that
// such a key works without a default key and is never logged.
func TestTracingKeyGroups(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "")
	in := newIngest(t, 400)
	logs := &logSink{}
	p := NewProvider(WithDisabled(false), WithLogData(true), WithLogger(logs.add))
	exp := NewBackendExporter(p, WithEndpoint(in.srv.URL))
	p.AddTraceProcessor(NewBatchProcessor(p, exp, WithScheduleDelay(time.Hour)))
	own := p.NewTrace("own", "", nil)
	own.SetTracingAPIKey("sk-own-KEY-42")
	own.Start()
	plain := p.NewTrace("plain", "", nil)
	plain.Start()
	s := p.NewSpan(own, nil, &CustomSpanData{Name: "x"})
	s.Start()
	s.Finish()
	p.ForceFlush()
	if in.count() != 1 {
		t.Fatalf("%d POSTs, want 1 (the group without a key is skipped)", in.count())
	}
	if got := in.reqs[0].Header.Get("Authorization"); got != "Bearer sk-own-KEY-42" {
		t.Errorf("Authorization %q", got)
	}
	if n := len(in.items(0)); n != 2 {
		t.Errorf("%d items in the own-key group, want 2", n)
	}
	text := logs.text()
	if strings.Contains(text, "sk-own-KEY-42") || !strings.Contains(text, "OPENAI_API_KEY is not set, skipping trace export") ||
		!strings.Contains(text, "Tracing client error 400: status 400 for Bearer <api key>") {
		t.Errorf("logs:\n%s", text)
	}
	if strings.Contains(own.Export().String(), "sk-own") {
		t.Error("the key is exported")
	}
}
