package codexotlp

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"

	"github.com/codextel/codextel/core/telemetry"
)

// envMap is an environment for WithEnv.
type envMap map[string]string

func (m envMap) lookup(k string) (string, bool) { v, ok := m[k]; return v, ok }

// closedPort returns a 127.0.0.1 address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// errs collects reported errors.
type errs struct {
	mu   sync.Mutex
	list []error
}

func (e *errs) report(err error) { e.mu.Lock(); e.list = append(e.list, err); e.mu.Unlock() }

func (e *errs) text() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return errors.Join(e.list...).Error()
}

func TestStartConfigErrors(t *testing.T) {
	for name, env := range map[string]envMap{
		"enable":          {EnvEnable: "yes please"},
		"endpoint":        {EnvEndpoint: "127.0.0.1:4318"},
		"protocol":        {"OTEL_EXPORTER_OTLP_PROTOCOL": "http/xml"},
		"protocol-signal": {"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL": "json"},
		"headers":         {EnvHeaders: "novalue"},
		"tls-plain":       {EnvEndpoint: "http://127.0.0.1:4318", EnvCACertFile: "/nonexistent"},
		"key-only":        {EnvEndpoint: "https://127.0.0.1:4318", EnvKeyFile: "/k.pem"},
		"ca-file":         {EnvEndpoint: "https://127.0.0.1:4318", EnvCACertFile: "/nonexistent/ca.pem"},
		"queue":           {"OTEL_BSP_MAX_QUEUE_SIZE": "-1"},
		"metrics":         {"OTEL_METRICS_EXPORTER": "statsd"},
		"logs":            {"OTEL_LOGS_EXPORTER": "console"},
		"resource":        {"OTEL_RESOURCE_ATTRIBUTES": "a"},
	} {
		bus := telemetry.New()
		p, err := Start(context.Background(), bus, WithEnv(env.lookup))
		if err == nil {
			t.Errorf("%s: Start accepted %v", name, env)
			_ = p.Shutdown(context.Background())
			continue
		}
		if !strings.HasPrefix(err.Error(), "codexotlp: ") {
			t.Errorf("%s: error %q lacks the package prefix", name, err)
		}
		if hs := bus.Handlers(""); len(hs) != 0 {
			t.Errorf("%s: handlers attached after an error: %v", name, hs)
		}
	}
}

// TestStartSpansOptIn: spans are off unless CODEX_OTLP_ENABLE or WithSpans
// turn them on; WithSpans wins.
func TestStartSpansOptIn(t *testing.T) {
	endpoint := "http://" + closedPort(t)
	for _, c := range []struct {
		env  envMap
		opts []Option
		want bool
	}{
		{envMap{}, nil, false},
		{envMap{EnvEnable: "true"}, nil, true},
		{envMap{EnvEnable: "1"}, []Option{WithSpans(false)}, false},
		{envMap{EnvEnable: "false"}, []Option{WithSpans(true)}, true},
		{envMap{EnvEnable: "true", "OTEL_TRACES_EXPORTER": "none"}, nil, false},
	} {
		opts := append([]Option{WithEnv(c.env.lookup), WithEndpoint(endpoint), WithErrorHandler(func(error) {})}, c.opts...)
		p, err := Start(context.Background(), telemetry.New(), opts...)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.TracerProvider() != nil; got != c.want {
			t.Errorf("env %v opts %d: spans %v, want %v", c.env, len(c.opts), got, c.want)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		_ = p.Shutdown(ctx)
		cancel()
	}
}

func TestStartDisabled(t *testing.T) {
	bus := telemetry.New()
	p, err := Start(context.Background(), bus, WithEnv(envMap{"OTEL_SDK_DISABLED": "true"}.lookup))
	if err != nil || p.detach != nil || len(bus.Handlers("")) != 0 {
		t.Fatalf("disabled: %v, attached %v", err, bus.Handlers(""))
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Error(err)
	}
}

// TestStartPrometheus serves the session's metrics in the Prometheus format.
func TestStartPrometheus(t *testing.T) {
	bus := telemetry.New(telemetry.WithThrottle(nil))
	p, err := Start(context.Background(), bus, WithEnv(envMap{
		"OTEL_METRICS_EXPORTER": "prometheus", "OTEL_LOGS_EXPORTER": "none", "OTEL_SERVICE_NAME": "codex-test",
	}.lookup))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown(context.Background())
	replay(t, bus)
	srv := httptest.NewServer(p.PrometheusHandler())
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`codex_tool_failures_total{codex_mcp_server="docs",gen_ai_tool_name="search"`,
		`gen_ai_client_operation_duration_seconds_bucket{`,
		`codex_approvals_total{codex_approval_decision="accept"`,
		`codex_telemetry_dropped_total{codex_event="codex.item.agent_message.delta"`,
		`gen_ai_client_token_usage_sum{`,
		`service_name="codex-test"`,
		"# HELP codex_thread_duration_seconds Duration of runs of Codex threads.",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("exposition lacks %s", want)
		}
	}
	if t.Failed() {
		t.Log(string(body))
	}
}

// TestCollectorDown: with nothing listening, emission does not wait for the
// exporter, what overflows the queue is dropped and counted, the first drop
// and failure are reported, and Shutdown says what was lost.
func TestCollectorDown(t *testing.T) {
	var reported errs
	bus := telemetry.New(telemetry.WithThrottle(nil))
	p, err := Start(context.Background(), bus, WithEnv(envMap{}.lookup), WithSpans(true),
		WithEndpoint("http://"+closedPort(t)), WithQueueSize(16), WithBatchDelay(5*time.Millisecond),
		WithErrorHandler(reported.report))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	const n = 2000
	for i := range n {
		_ = bus.Span(context.Background(), "codex.tool", []slog.Attr{slog.String("tool", "shell"),
			slog.String("tool_kind", "command_execution"), slog.Int("call_id", i)}, func(context.Context) error { return nil })
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("emitting %d spans took %s: emission waited for the exporter", n, d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	serr := p.Shutdown(ctx)
	st := p.Stats()
	if st.Logs.Exported != 0 || st.Logs.Dropped == 0 || st.Logs.Failed+st.Logs.Dropped != 2*n {
		t.Errorf("logs %+v: want none exported, some dropped, %d in all", st.Logs, 2*n)
	}
	if st.Spans.Dropped == 0 || st.Spans.Failed+st.Spans.Dropped != n {
		t.Errorf("spans %+v: want some dropped, %d in all", st.Spans, n)
	}
	if serr == nil || !errors.Is(serr, ErrLost) || !strings.HasPrefix(serr.Error(), "codexotlp: otel export: ") ||
		!strings.Contains(serr.Error(), "log records lost") || !strings.Contains(serr.Error(), "spans lost") ||
		strings.Contains(serr.Error(), "\n") {
		t.Errorf("Shutdown returned %v, want the loss on one line", serr)
	}
	txt := reported.text()
	// Each kind once: exports never succeed, so nothing resets the reports.
	// (A batch is whatever the queue held when its timer fired.)
	for _, want := range []string{"export queue full (16 log records)", "log records failed",
		"export queue full (16 spans)", "spans failed"} {
		if strings.Count(txt, want) != 1 {
			t.Errorf("reported %d times %q, want once:\n%s", strings.Count(txt, want), want, txt)
		}
	}
	if strings.Contains(txt, "lost") {
		t.Errorf("Shutdown's loss was reported too, not only returned:\n%s", txt)
	}
	// Nothing is attached any more.
	if hs := bus.Handlers(""); len(hs) != 0 {
		t.Errorf("still attached: %v", hs)
	}
}

// TestServiceName: service.name is the executable's base name unless
// WithServiceName gives another; OTEL_RESOURCE_ATTRIBUTES, then
// OTEL_SERVICE_NAME, then WithResource override it.
func TestServiceName(t *testing.T) {
	exe := strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe")
	for _, c := range []struct {
		name string
		env  envMap
		opts []Option
		want string
	}{
		{"executable", envMap{}, nil, exe},
		{"option", envMap{}, []Option{WithServiceName("codextel")}, "codextel"},
		{"attributes", envMap{"OTEL_RESOURCE_ATTRIBUTES": "service.name=from-attrs,team=x"},
			[]Option{WithServiceName("codextel")}, "from-attrs"},
		{"service-name", envMap{"OTEL_RESOURCE_ATTRIBUTES": "service.name=from-attrs", "OTEL_SERVICE_NAME": "from-env"},
			[]Option{WithServiceName("codextel")}, "from-env"},
		{"resource", envMap{"OTEL_SERVICE_NAME": "from-env"},
			[]Option{WithServiceName("codextel"), WithResource(resource.NewSchemaless(attribute.String("service.name", "from-option")))},
			"from-option"},
	} {
		s := &setup{env: c.env.lookup}
		for _, o := range c.opts {
			o.apply(s)
		}
		r, err := s.resource()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got, _ := r.Set().Value("service.name")
		if got.AsString() != c.want {
			t.Errorf("%s: service.name %q, want %q", c.name, got.AsString(), c.want)
		}
	}
	if exe == "" || strings.HasPrefix(exe, "unknown_service") {
		t.Errorf("executable name %q", exe)
	}
}
