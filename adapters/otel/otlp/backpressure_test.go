package codexotlp

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	collogs "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/telemetry"
)

// otlpSink is a stand-in OTLP/HTTP receiver: it decodes every export
// request and counts the log records and spans in it. Each answer waits
// delay; with hold set, requests are held until release (or until the
// client gives up): a collector that accepts connections and never answers.
type otlpSink struct {
	t           testing.TB
	srv         *httptest.Server
	delay       time.Duration
	hold        bool
	release     chan struct{}
	releaseOnce sync.Once
	logs, spans atomic.Int64
	bad         atomic.Int64 // requests that did not decode
}

func newSink(t testing.TB, delay time.Duration, hold bool) *otlpSink {
	s := &otlpSink{t: t, delay: delay, hold: hold, release: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(func() {
		s.unblock()
		s.srv.Close()
	})
	return s
}

func (s *otlpSink) unblock() { s.releaseOnce.Do(func() { close(s.release) }) }

func (s *otlpSink) serve(w http.ResponseWriter, r *http.Request) {
	if s.hold {
		select {
		case <-s.release:
		case <-r.Context().Done():
			return
		}
	}
	time.Sleep(s.delay)
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			s.bad.Add(1)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	data, err := io.ReadAll(body)
	if err != nil {
		s.bad.Add(1)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	switch r.URL.Path {
	case "/v1/logs":
		var req collogs.ExportLogsServiceRequest
		if err := proto.Unmarshal(data, &req); err != nil {
			s.bad.Add(1)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for _, rl := range req.ResourceLogs {
			for _, sl := range rl.ScopeLogs {
				s.logs.Add(int64(len(sl.LogRecords)))
			}
		}
	case "/v1/traces":
		var req coltrace.ExportTraceServiceRequest
		if err := proto.Unmarshal(data, &req); err != nil {
			s.bad.Add(1)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for _, rs := range req.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				s.spans.Add(int64(len(ss.Spans)))
			}
		}
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
}

// emitReplay emits what a replay of a long recorded session does: spans
// tool calls, each a start and a stop record, then plain records, so
// that logs log records are emitted in all.
func emitReplay(bus *telemetry.Bus, logs, spans int) {
	ctx := context.Background()
	for i := range spans {
		_ = bus.Span(ctx, "codex.tool", []slog.Attr{slog.String("tool", "shell"),
			slog.String("tool_kind", "command_execution"), slog.Int("call_id", i)}, func(context.Context) error { return nil })
	}
	for i := range logs - 2*spans {
		bus.Emit(ctx, catalog.Error, nil, slog.String("error_message", fmt.Sprintf("replayed-%d", i)))
	}
}

// TestBackPressureLosesNothing: a replay of 10,005 log records and 3,335
// spans through queues of 64 to a slow collector loses nothing with
// back-pressure, where without it most of the records are dropped.
func TestBackPressureLosesNothing(t *testing.T) {
	const logs, spans = 10_005, 3_335
	for _, c := range []struct {
		name     string
		pressure bool
		delay    time.Duration // of each answer: slower than the emitter either way
	}{
		{"back-pressure", true, 3 * time.Millisecond},
		{"no back-pressure", false, 10 * time.Millisecond},
	} {
		t.Run(c.name, func(t *testing.T) {
			sink := newSink(t, c.delay, false)
			var reported errs
			bus := telemetry.New(telemetry.WithThrottle(nil))
			p, err := Start(context.Background(), bus, WithEnv(envMap{}.lookup), WithEndpoint(sink.srv.URL),
				WithSpans(true), WithQueueSize(64), WithBatchDelay(20*time.Millisecond), WithBackPressure(c.pressure),
				WithErrorHandler(reported.report), WithMetricInterval(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			emitReplay(bus, logs, spans)
			serr := p.Shutdown(context.Background())
			st := p.Stats()
			if sink.bad.Load() != 0 {
				t.Fatalf("%d requests the sink could not decode", sink.bad.Load())
			}
			if !c.pressure {
				if st.Logs.Dropped == 0 || !errors.Is(serr, ErrLost) {
					t.Errorf("without back-pressure: stats %+v, Shutdown %v; want drops (the test's sink is not slow enough)", st.Logs, serr)
				}
				if got := sink.logs.Load(); uint64(got) != st.Logs.Exported {
					t.Errorf("the sink received %d log records, the stats say %d were exported", got, st.Logs.Exported)
				}
				return
			}
			if serr != nil {
				t.Errorf("Shutdown: %v", serr)
			}
			if got := sink.logs.Load(); got != logs {
				t.Errorf("the sink received %d log records, want %d", got, logs)
			}
			if got := sink.spans.Load(); got != spans {
				t.Errorf("the sink received %d spans, want %d", got, spans)
			}
			want := SignalStats{Emitted: logs, Exported: logs}
			if st.Logs != want {
				t.Errorf("log stats %+v, want %+v", st.Logs, want)
			}
			if want := (SignalStats{Emitted: spans, Exported: spans}); st.Spans != want {
				t.Errorf("span stats %+v, want %+v", st.Spans, want)
			}
			if txt := reported.textOrEmpty(); txt != "" {
				t.Errorf("reported:\n%s", txt)
			}
		})
	}
}

// textOrEmpty is text, or "" when nothing was reported.
func (e *errs) textOrEmpty() string {
	e.mu.Lock()
	n := len(e.list)
	e.mu.Unlock()
	if n == 0 {
		return ""
	}
	return e.text()
}

// TestQueueSizes: OTEL_BLRP_MAX_QUEUE_SIZE sizes the log record queue and
// OTEL_BSP_MAX_QUEUE_SIZE the span queue, each on its own; WithQueueSize
// sizes both.
func TestQueueSizes(t *testing.T) {
	for _, c := range []struct {
		env         envMap
		opts        []Option
		logs, spans int
	}{
		{envMap{}, nil, 2048, 2048},
		{envMap{"OTEL_BLRP_MAX_QUEUE_SIZE": "3"}, nil, 3, 2048},
		{envMap{"OTEL_BSP_MAX_QUEUE_SIZE": "5"}, nil, 2048, 5},
		{envMap{"OTEL_BLRP_MAX_QUEUE_SIZE": "3", "OTEL_BSP_MAX_QUEUE_SIZE": "5"}, nil, 3, 5},
		{envMap{"OTEL_BLRP_MAX_QUEUE_SIZE": "7", "OTEL_BSP_MAX_QUEUE_SIZE": "4"}, nil, 7, 4},
		{envMap{"OTEL_BLRP_MAX_QUEUE_SIZE": "3", "OTEL_BSP_MAX_QUEUE_SIZE": "5"}, []Option{WithQueueSize(9)}, 9, 9},
	} {
		name := fmt.Sprintf("%v %d options", c.env, len(c.opts))
		// A collector that holds every export: what is emitted stays
		// queued, so the queues take exactly their size.
		sink := newSink(t, 0, true)
		var reported errs
		bus := telemetry.New(telemetry.WithThrottle(nil))
		opts := append([]Option{WithEnv(c.env.lookup), WithEndpoint(sink.srv.URL), WithSpans(true),
			WithBatchDelay(time.Hour), WithErrorHandler(reported.report)}, c.opts...)
		p, err := Start(context.Background(), bus, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if got := [2]int{cap(p.logCount.slots), cap(p.spanCount.slots)}; got != [2]int{c.logs, c.spans} {
			t.Errorf("%s: queues of %d log records and %d spans, want %d and %d", name, got[0], got[1], c.logs, c.spans)
		}
		if c.logs < 100 && c.spans < 100 {
			emitReplay(bus, 100, 50) // 100 log records, 50 spans
			st := p.Stats()
			if st.Logs.Emitted != uint64(c.logs) || st.Logs.Dropped != uint64(100-c.logs) ||
				st.Spans.Emitted != uint64(c.spans) || st.Spans.Dropped != uint64(50-c.spans) {
				t.Errorf("%s: stats %+v, want %d log records and %d spans queued, the rest dropped", name, st, c.logs, c.spans)
			}
		}
		sink.unblock()
		if err := p.Shutdown(context.Background()); err != nil && !errors.Is(err, ErrLost) {
			t.Errorf("%s: Shutdown: %v", name, err)
		}
	}
}

// TestBackPressureCollectorDown: with back-pressure and the collector down
// (nothing listening) or blackholed (it accepts connections and never
// answers), a replay ends in bounded time, what was not exported is counted
// and reported once, and Shutdown takes no longer than the export timeout.
// With the collector blackholed, the replay and Shutdown together take
// about one export timeout: the replay waits for it once, and Shutdown,
// knowing the collector does not answer, does not wait for it again.
func TestBackPressureCollectorDown(t *testing.T) {
	for _, c := range []struct {
		name     string
		timeout  time.Duration
		endpoint func(t *testing.T) string
	}{
		{"down", 300 * time.Millisecond, func(t *testing.T) string { return "http://" + closedPort(t) }},
		{"blackholed", 2 * time.Second, func(t *testing.T) string { return newSink(t, 0, true).srv.URL }},
	} {
		t.Run(c.name, func(t *testing.T) {
			timeout := c.timeout
			var reported errs
			bus := telemetry.New(telemetry.WithThrottle(nil))
			env := envMap{"OTEL_EXPORTER_OTLP_TIMEOUT": fmt.Sprint(timeout.Milliseconds())}
			p, err := Start(context.Background(), bus, WithEnv(env.lookup),
				WithEndpoint(c.endpoint(t)), WithSpans(true), WithQueueSize(16), WithBatchDelay(10*time.Millisecond),
				WithBackPressure(true), WithErrorHandler(reported.report), WithMetricInterval(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			const logs, spans = 2000, 200
			start := time.Now()
			emitReplay(bus, logs, spans)
			// One wait of an export timeout per signal at most, then drops.
			emitted := time.Since(start)
			if emitted > 2*timeout+2*time.Second {
				t.Errorf("emitting took %s with a %s export timeout", emitted, timeout)
			}
			start = time.Now()
			serr := p.Shutdown(context.Background())
			closed := time.Since(start)
			if closed > timeout+time.Second {
				t.Errorf("Shutdown took %s with a %s export timeout", closed, timeout)
			}
			// Twice the timeout would be waiting for it again at Shutdown.
			if total := emitted + closed; c.name == "blackholed" && total > timeout+timeout/2+300*time.Millisecond {
				t.Errorf("replay and Shutdown took %s (%s + %s) with a %s export timeout, want about one",
					total, emitted, closed, timeout)
			}
			st := p.Stats()
			if st.Logs.Exported != 0 || st.Logs.Dropped == 0 || st.Logs.Failed+st.Logs.Dropped != logs {
				t.Errorf("logs %+v: want none exported, some dropped, %d in all", st.Logs, logs)
			}
			if st.Spans.Exported != 0 || st.Spans.Failed+st.Spans.Dropped != spans {
				t.Errorf("spans %+v: want none exported, %d in all", st.Spans, spans)
			}
			if !errors.Is(serr, ErrLost) || !strings.Contains(serr.Error(), fmt.Sprintf("%d of %d log records lost", logs, logs)) {
				t.Errorf("Shutdown returned %v, want all %d log records lost", serr, logs)
			}
			txt := reported.text()
			if n := strings.Count(txt, "log records failed"); n != 1 {
				t.Errorf("the failed log exports were reported %d times, want once:\n%s", n, txt)
			}
			if strings.Contains(txt, "lost") {
				t.Errorf("Shutdown's loss was reported too:\n%s", txt)
			}
		})
	}
}
