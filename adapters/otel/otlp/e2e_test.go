//go:build e2e

package codexotlp

// The end-to-end tests: make e2e-otel (e2e/run.sh) runs them with a real
// OpenTelemetry Collector (built from e2e/otelcol) and Debian's Prometheus,
// named by the environment. A missing component fails the test: these tests
// never pass without having talked to the real servers.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/telemetry"
)

// component returns the path the environment variable name gives, failing
// the test when it is not set or not there.
func component(t *testing.T, name string) string {
	t.Helper()
	p := os.Getenv(name)
	if p == "" {
		t.Fatalf("%s is not set: run the end-to-end tests with make e2e-otel", name)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return p
}

// freePort returns a port nothing listens on at the moment.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// collector is a running OpenTelemetry Collector writing what it receives to
// files.
type collector struct {
	dir                string
	grpcPort, httpPort int
	tls                *certs
	cmd                *exec.Cmd
}

// newCollector prepares a collector on free ports, with mTLS when tls is not
// nil; start starts it.
func newCollector(t *testing.T, tls *certs) *collector {
	return &collector{dir: t.TempDir(), grpcPort: freePort(t), httpPort: freePort(t), tls: tls}
}

func (c *collector) config() string {
	tlsBlock := ""
	if c.tls != nil {
		tlsBlock = fmt.Sprintf(`
        tls:
          cert_file: %s
          key_file: %s
          client_ca_file: %s`, c.tls.serverCert, c.tls.serverKey, c.tls.ca)
	}
	return fmt.Sprintf(`receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:%d%s
      http:
        endpoint: 127.0.0.1:%d%s
exporters:
  file/logs:
    path: %s/logs.jsonl
    flush_interval: 100ms
  file/traces:
    path: %s/traces.jsonl
    flush_interval: 100ms
  file/metrics:
    path: %s/metrics.jsonl
    flush_interval: 100ms
service:
  telemetry:
    logs:
      level: warn
    metrics:
      level: none
  pipelines:
    logs:
      receivers: [otlp]
      exporters: [file/logs]
    traces:
      receivers: [otlp]
      exporters: [file/traces]
    metrics:
      receivers: [otlp]
      exporters: [file/metrics]
`, c.grpcPort, tlsBlock, c.httpPort, tlsBlock, c.dir, c.dir, c.dir)
}

// start starts the collector and waits until both receivers listen; the
// test's cleanup stops it.
func (c *collector) start(t *testing.T) {
	t.Helper()
	bin := component(t, "CODEXOTEL_OTELCOL")
	cfg := filepath.Join(c.dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte(c.config()), 0o644); err != nil {
		t.Fatal(err)
	}
	c.cmd = exec.Command(bin, "--config", cfg)
	out, err := os.Create(filepath.Join(c.dir, "collector.log"))
	if err != nil {
		t.Fatal(err)
	}
	c.cmd.Stdout, c.cmd.Stderr = out, out
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("starting the collector: %v", err)
	}
	t.Cleanup(func() { c.stop(t); out.Close() })
	deadline := time.Now().Add(20 * time.Second)
	for _, port := range []int{c.grpcPort, c.httpPort} {
		for {
			conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
			if err == nil {
				conn.Close()
				break
			}
			if time.Now().After(deadline) {
				log, _ := os.ReadFile(filepath.Join(c.dir, "collector.log"))
				t.Fatalf("the collector did not listen on %d: %v\n%s", port, err, log)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	if c.tls == nil { // the readiness probe of the spec: an empty logs request
		resp, err := http.Post(fmt.Sprintf("http://127.0.0.1:%d/v1/logs", c.httpPort), "application/json", strings.NewReader("{}"))
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("the collector is not ready: %v %v", err, resp)
		}
		resp.Body.Close()
	}
}

// stop stops the collector by its pid: SIGTERM, then SIGKILL.
func (c *collector) stop(t *testing.T) {
	if c.cmd == nil || c.cmd.Process == nil {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- c.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Errorf("the collector (pid %d) did not stop on SIGTERM; killing it", c.cmd.Process.Pid)
		_ = c.cmd.Process.Kill()
		<-done
	}
	c.cmd = nil
}

func (c *collector) url(protocol string) string {
	scheme := "http"
	if c.tls != nil {
		scheme = "https"
	}
	port := c.httpPort
	if protocol == ProtocolGRPC {
		port = c.grpcPort
	}
	return fmt.Sprintf("%s://127.0.0.1:%d", scheme, port)
}

// lines returns the JSON lines the file exporter wrote for signal.
func (c *collector) lines(t *testing.T, signal string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(c.dir, signal+".jsonl"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out [][]byte
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) > 0 {
			out = append(out, append([]byte(nil), sc.Bytes()...))
		}
	}
	return out
}

// The OTLP JSON the file exporter writes, as far as the tests read it.
type (
	otlpValue struct {
		StringValue *string          `json:"stringValue"`
		IntValue    *string          `json:"intValue"`
		DoubleValue *json.RawMessage `json:"doubleValue"`
		BoolValue   *bool            `json:"boolValue"`
		BytesValue  *string          `json:"bytesValue"`
		ArrayValue  *struct {
			Values []otlpValue `json:"values"`
		} `json:"arrayValue"`
		KvlistValue *struct {
			Values []otlpKV `json:"values"`
		} `json:"kvlistValue"`
	}
	otlpKV struct {
		Key   string    `json:"key"`
		Value otlpValue `json:"value"`
	}
	otlpScope struct {
		Name string `json:"name"`
	}
	otlpResource struct {
		Attributes []otlpKV `json:"attributes"`
	}
	logsFile struct {
		ResourceLogs []struct {
			Resource  otlpResource `json:"resource"`
			ScopeLogs []struct {
				Scope      otlpScope `json:"scope"`
				LogRecords []struct {
					TimeUnixNano   string    `json:"timeUnixNano"`
					SeverityNumber int       `json:"severityNumber"`
					SeverityText   string    `json:"severityText"`
					Body           otlpValue `json:"body"`
					Attributes     []otlpKV  `json:"attributes"`
					TraceID        string    `json:"traceId"`
					SpanID         string    `json:"spanId"`
					EventName      string    `json:"eventName"`
				} `json:"logRecords"`
			} `json:"scopeLogs"`
		} `json:"resourceLogs"`
	}
	tracesFile struct {
		ResourceSpans []struct {
			Resource   otlpResource `json:"resource"`
			ScopeSpans []struct {
				Spans []struct {
					TraceID           string   `json:"traceId"`
					SpanID            string   `json:"spanId"`
					ParentSpanID      string   `json:"parentSpanId"`
					Name              string   `json:"name"`
					StartTimeUnixNano string   `json:"startTimeUnixNano"`
					EndTimeUnixNano   string   `json:"endTimeUnixNano"`
					Attributes        []otlpKV `json:"attributes"`
					Events            []struct {
						TimeUnixNano string   `json:"timeUnixNano"`
						Name         string   `json:"name"`
						Attributes   []otlpKV `json:"attributes"`
					} `json:"events"`
					Status struct {
						Code    int    `json:"code"`
						Message string `json:"message"`
					} `json:"status"`
				} `json:"spans"`
			} `json:"scopeSpans"`
		} `json:"resourceSpans"`
	}
	metricsFile struct {
		ResourceMetrics []struct {
			ScopeMetrics []struct {
				Metrics []struct {
					Name string `json:"name"`
				} `json:"metrics"`
			} `json:"scopeMetrics"`
		} `json:"resourceMetrics"`
	}
)

func (v otlpValue) plain() any {
	switch {
	case v.StringValue != nil:
		return *v.StringValue
	case v.IntValue != nil:
		n, _ := strconv.ParseInt(*v.IntValue, 10, 64)
		return n
	case v.DoubleValue != nil:
		var f float64
		if json.Unmarshal(*v.DoubleValue, &f) != nil {
			var s string
			_ = json.Unmarshal(*v.DoubleValue, &s)
			f, _ = strconv.ParseFloat(s, 64)
		}
		return f
	case v.BoolValue != nil:
		return *v.BoolValue
	case v.BytesValue != nil:
		return *v.BytesValue
	case v.ArrayValue != nil:
		out := []any{}
		for _, e := range v.ArrayValue.Values {
			out = append(out, e.plain())
		}
		return out
	case v.KvlistValue != nil:
		out := map[string]any{}
		for _, kv := range v.KvlistValue.Values {
			out[kv.Key] = kv.Value.plain()
		}
		return out
	}
	return nil
}

func plainMap(kvs []otlpKV) map[string]any {
	m := map[string]any{}
	for _, kv := range kvs {
		m[kv.Key] = kv.Value.plain()
	}
	return m
}

func unixNano(s string) time.Time {
	n, _ := strconv.ParseInt(s, 10, 64)
	return time.Unix(0, n).UTC()
}

// logRecords reads the log records the collector received, in order, with
// the service.name of their resource.
func (c *collector) logRecords(t *testing.T) (views []logView, services []string) {
	for _, line := range c.lines(t, "logs") {
		var f logsFile
		if err := json.Unmarshal(line, &f); err != nil {
			t.Fatalf("logs file: %v", err)
		}
		for _, rl := range f.ResourceLogs {
			svc, _ := plainMap(rl.Resource.Attributes)["service.name"].(string)
			for _, sl := range rl.ScopeLogs {
				for _, r := range sl.LogRecords {
					v := logView{time: unixNano(r.TimeUnixNano), severity: r.SeverityNumber, text: r.SeverityText,
						body: fmt.Sprint(r.Body.plain()), scope: sl.Scope.Name, trace: r.TraceID, span: r.SpanID, eventName: r.EventName}
					for _, kv := range r.Attributes {
						v.attrs = append(v.attrs, keyValue{kv.Key, kv.Value.plain()})
					}
					views = append(views, v)
					services = append(services, svc)
				}
			}
		}
	}
	return views, services
}

// spans reads the spans the collector received.
func (c *collector) spans(t *testing.T) []spanView {
	var out []spanView
	for _, line := range c.lines(t, "traces") {
		var f tracesFile
		if err := json.Unmarshal(line, &f); err != nil {
			t.Fatalf("traces file: %v", err)
		}
		for _, rs := range f.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				for _, s := range ss.Spans {
					v := spanView{name: s.Name, trace: s.TraceID, id: s.SpanID, parent: s.ParentSpanID,
						start: unixNano(s.StartTimeUnixNano), end: unixNano(s.EndTimeUnixNano),
						failed: s.Status.Code == 2, statusMessage: s.Status.Message, attrs: plainMap(s.Attributes)}
					for _, e := range s.Events {
						v.events = append(v.events, spanEvent{e.Name, unixNano(e.TimeUnixNano), plainMap(e.Attributes)})
					}
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// metricNames returns the names of the metrics the collector received.
func (c *collector) metricNames(t *testing.T) map[string]bool {
	names := map[string]bool{}
	for _, line := range c.lines(t, "metrics") {
		var f metricsFile
		if err := json.Unmarshal(line, &f); err != nil {
			t.Fatalf("metrics file: %v", err)
		}
		for _, rm := range f.ResourceMetrics {
			for _, sm := range rm.ScopeMetrics {
				for _, m := range sm.Metrics {
					names[m.Name] = true
				}
			}
		}
	}
	return names
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
	return true
}

// delivered records the events the bus delivers, as the handler sees them
// (redacted, scrubbed).
func delivered(t *testing.T, bus *telemetry.Bus) *[]telemetry.Event {
	var mu sync.Mutex
	var evs []telemetry.Event
	if _, err := bus.Attach("e2e.expect", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
		mu.Lock()
		evs = append(evs, e.Clone())
		mu.Unlock()
	}), "*"); err != nil {
		t.Fatal(err)
	}
	return &evs
}

// TestE2ESession sends the recorded session over OTLP/HTTP (protobuf and
// JSON) and over gRPC to a real collector and checks, from its file
// output, that every log record, every span (tree, times, status,
// attributes) and the metrics arrived.
func TestE2ESession(t *testing.T) {
	for _, protocol := range []string{ProtocolHTTP, ProtocolJSON, ProtocolGRPC} {
		t.Run(protocol, func(t *testing.T) {
			col := newCollector(t, nil)
			col.start(t)
			bus := telemetry.New(telemetry.WithThrottle(nil))
			evs := delivered(t, bus)
			p, err := Start(context.Background(), bus, WithEnv(envMap{
				EnvEnable: "true", EnvEndpoint: col.url(protocol), EnvHeaders: "x-codex-e2e=1",
				"OTEL_EXPORTER_OTLP_PROTOCOL": protocol, "OTEL_SERVICE_NAME": "codextel-e2e",
			}.lookup))
			if err != nil {
				t.Fatal(err)
			}
			replay(t, bus)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := p.Shutdown(ctx); err != nil {
				t.Fatalf("Shutdown: %v", err)
			}
			st := p.Stats()
			if st.Logs.Exported != uint64(len(*evs)) || st.Spans.Exported != uint64(len(sessionSpans)) || st.MetricExports == 0 {
				t.Errorf("stats %+v, want %d records and %d spans exported", st, len(*evs), len(sessionSpans))
			}

			var recs []logView
			var services []string
			waitFor(10*time.Second, func() bool { recs, services = col.logRecords(t); return len(recs) >= len(*evs) })
			if len(recs) != len(*evs) {
				t.Fatalf("the collector got %d log records, want %d", len(recs), len(*evs))
			}
			// OTLP groups records by scope: put them back in time order, as
			// the session's events are (each at its own time).
			order := make([]int, len(recs))
			for i := range order {
				order[i] = i
			}
			sort.SliceStable(order, func(a, b int) bool { return recs[order[a]].time.Before(recs[order[b]].time) })
			sorted := make([]logView, len(recs))
			for i, j := range order {
				sorted[i] = recs[j]
			}
			recs = sorted
			wantRecs := expectedLogs(t, *evs)
			for i := range recs {
				for _, p := range checkRecord(recs[i], wantRecs[i]) {
					t.Errorf("log record %d (%s): %s", i, (*evs)[i].Name, p)
				}
				if services[i] != "codextel-e2e" {
					t.Errorf("log record %d: service.name %q", i, services[i])
				}
			}

			var spans []spanView
			waitFor(10*time.Second, func() bool { spans = col.spans(t); return len(spans) >= len(sessionSpans) })
			for _, p := range checkSessionSpans(spans, *evs) {
				t.Error(p)
			}

			var names map[string]bool
			want := []string{"gen_ai.client.operation.duration", "codex.thread.duration", "codex.approval.duration",
				"gen_ai.client.token.usage", "codex.tool.failures", "codex.approvals", "codex.telemetry.dropped"}
			waitFor(10*time.Second, func() bool { names = col.metricNames(t); return len(names) >= len(want) })
			for _, n := range want {
				if !names[n] {
					t.Errorf("metric %s did not arrive (got %v)", n, names)
				}
			}
		})
	}
}

// markers emits n codex.error events whose messages are prefix-0 ...
func markers(bus *telemetry.Bus, prefix string, n int) {
	for i := range n {
		bus.Emit(context.Background(), catalog.Error, nil, slog.String("error_message", fmt.Sprintf("%s-%d", prefix, i)))
	}
}

// bodies returns how many received log records have a body starting with
// prefix.
func (c *collector) bodies(t *testing.T, prefix string) int {
	recs, _ := c.logRecords(t)
	n := 0
	for _, r := range recs {
		if strings.HasPrefix(r.body, prefix) {
			n++
		}
	}
	return n
}

// TestE2ECollectorDown: with the collector down at start, emission never
// waits, what overflows the bounded queue is dropped, counted and reported;
// once the collector is up, export resumes; shutdown flushes the rest.
func TestE2ECollectorDown(t *testing.T) {
	col := newCollector(t, nil)
	var reported errs
	bus := telemetry.New(telemetry.WithThrottle(nil))
	p, err := Start(context.Background(), bus, WithEnv(envMap{}.lookup), WithEndpoint(col.url(ProtocolHTTP)),
		WithQueueSize(64), WithBatchDelay(50*time.Millisecond), WithErrorHandler(reported.report))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	markers(bus, "down", 1000)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("1000 events took %s with the collector down: emission waited", d)
	}
	if !waitFor(10*time.Second, func() bool { return p.Stats().Logs.Dropped > 0 }) {
		t.Fatalf("nothing dropped with the collector down and 1000 events for a queue of 64: %+v", p.Stats().Logs)
	}
	if txt := reported.text(); !strings.Contains(txt, "export queue full") {
		t.Errorf("the drops were not reported: %q", txt)
	}

	col.start(t)
	// Export resumes by itself: what is emitted now arrives without a flush
	// (after the exporter's retry of a batch it may hold, backoff from 5 s).
	markers(bus, "up", 50)
	if !waitFor(60*time.Second, func() bool { return col.bodies(t, "up-") == 50 }) {
		t.Errorf("%d of the 50 events emitted after the collector came up arrived: %+v", col.bodies(t, "up-"), p.Stats().Logs)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = p.Shutdown(ctx) // returns the drops of the down period
	st := p.Stats().Logs
	if st.Exported+st.Failed+st.Dropped != 1050 {
		t.Errorf("stats %+v do not account for the 1050 records", st)
	}
	if got := col.bodies(t, "down-"); uint64(got) > st.Exported {
		t.Errorf("%d down- records arrived, more than the %d exported", got, st.Exported)
	}
}

// TestE2EShutdownFlushes: a graceful shutdown exports everything queued;
// nothing is lost.
func TestE2EShutdownFlushes(t *testing.T) {
	col := newCollector(t, nil)
	col.start(t)
	bus := telemetry.New(telemetry.WithThrottle(nil))
	p, err := Start(context.Background(), bus, WithEnv(envMap{}.lookup), WithSpans(true), WithEndpoint(col.url(ProtocolGRPC)),
		WithProtocol(ProtocolGRPC), WithBatchDelay(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	const n = 1500
	markers(bus, "flush", n)
	if got := col.bodies(t, "flush-"); got != 0 {
		t.Fatalf("%d records exported before shutdown with an hour's batch delay", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if st := p.Stats().Logs; st.Exported != n || st.Dropped != 0 || st.Failed != 0 {
		t.Errorf("stats %+v, want %d exported and nothing lost", st, n)
	}
	if !waitFor(10*time.Second, func() bool { return col.bodies(t, "flush-") == n }) {
		t.Errorf("%d of %d records arrived", col.bodies(t, "flush-"), n)
	}
}

// slowProxy forwards TCP connections to target, holding each chunk of data
// for delay: a collector behind a slow network.
func slowProxy(t *testing.T, target string, delay time.Duration) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	pipe := func(dst, src net.Conn) {
		buf := make([]byte, 32<<10)
		for {
			n, err := src.Read(buf)
			if n > 0 {
				time.Sleep(delay)
				if _, werr := dst.Write(buf[:n]); werr != nil {
					break
				}
			}
			if err != nil {
				break
			}
		}
		dst.Close()
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			go pipe(u, c)
			go pipe(c, u)
		}
	}()
	return l.Addr().String()
}

// TestE2ESlowCollector: behind a slow link, emission still never waits, and
// everything arrives by the end of a graceful shutdown.
func TestE2ESlowCollector(t *testing.T) {
	col := newCollector(t, nil)
	col.start(t)
	proxy := slowProxy(t, fmt.Sprintf("127.0.0.1:%d", col.httpPort), 300*time.Millisecond)
	bus := telemetry.New(telemetry.WithThrottle(nil))
	p, err := Start(context.Background(), bus, WithEnv(envMap{}.lookup), WithEndpoint("http://"+proxy),
		WithBatchDelay(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for round := range 5 {
		markers(bus, fmt.Sprintf("slow%d", round), 200)
		time.Sleep(100 * time.Millisecond)
	}
	if d := time.Since(start) - 500*time.Millisecond; d > 2*time.Second {
		t.Errorf("1000 events took %s behind a slow link: emission waited", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if !waitFor(10*time.Second, func() bool { return col.bodies(t, "slow") == 1000 }) {
		t.Errorf("%d of 1000 records arrived", col.bodies(t, "slow"))
	}
}

// certs are the PEM files of an mTLS test.
type certs struct {
	ca, serverCert, serverKey, clientCert, clientKey string
}

// newCerts makes a CA, a server certificate for 127.0.0.1 and a client
// certificate, in t's temporary directory.
func newCerts(t *testing.T) *certs {
	dir := t.TempDir()
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	keyPEM := func(name string, k *ecdsa.PrivateKey) string {
		der, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return write(name, "EC PRIVATE KEY", der)
	}
	now := time.Now()
	caKey := key()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "codextel e2e CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	c := &certs{ca: write("ca.pem", "CERTIFICATE", caDER)}
	leaf := func(serial int64, name string, usage x509.ExtKeyUsage) (string, string) {
		k := key()
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{usage},
			KeyUsage: x509.KeyUsageDigitalSignature, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &k.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		return write(name+".pem", "CERTIFICATE", der), keyPEM(name+"-key.pem", k)
	}
	c.serverCert, c.serverKey = leaf(2, "server", x509.ExtKeyUsageServerAuth)
	c.clientCert, c.clientKey = leaf(3, "client", x509.ExtKeyUsageClientAuth)
	return c
}

// TestE2EmTLS: with the CODEX_OTLP_* certificate files, export works over
// mutual TLS, on HTTP and gRPC; without a client certificate the collector
// refuses it, and the failure is counted and reported.
func TestE2EmTLS(t *testing.T) {
	cs := newCerts(t)
	col := newCollector(t, cs)
	col.start(t)
	for _, protocol := range []string{ProtocolHTTP, ProtocolJSON, ProtocolGRPC} {
		bus := telemetry.New(telemetry.WithThrottle(nil))
		p, err := Start(context.Background(), bus, WithEnv(envMap{
			EnvEndpoint: col.url(protocol), "OTEL_EXPORTER_OTLP_PROTOCOL": protocol,
			EnvCertFile: cs.clientCert, EnvKeyFile: cs.clientKey, EnvCACertFile: cs.ca,
		}.lookup))
		if err != nil {
			t.Fatal(err)
		}
		markers(bus, "mtls-"+protocol, 10)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		if err := p.Shutdown(ctx); err != nil {
			t.Errorf("%s: Shutdown: %v", protocol, err)
		}
		cancel()
		if !waitFor(10*time.Second, func() bool { return col.bodies(t, "mtls-"+protocol) == 10 }) {
			t.Errorf("%s: %d of 10 records arrived over mTLS", protocol, col.bodies(t, "mtls-"+protocol))
		}
	}

	var reported errs
	bus := telemetry.New(telemetry.WithThrottle(nil))
	p, err := Start(context.Background(), bus, WithEnv(envMap{
		EnvEndpoint: col.url(ProtocolHTTP), EnvCACertFile: cs.ca, // no client certificate
	}.lookup), WithErrorHandler(reported.report))
	if err != nil {
		t.Fatal(err)
	}
	markers(bus, "nocert", 10)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); !errors.Is(err, ErrLost) {
		t.Errorf("Shutdown returned %v without a client certificate, want the loss", err)
	}
	if got := col.bodies(t, "nocert"); got != 0 {
		t.Errorf("%d records arrived without a client certificate", got)
	}
	if st := p.Stats().Logs; st.Exported != 0 || st.Failed+st.Dropped != 10 {
		t.Errorf("stats %+v, want the 10 records failed or dropped", st)
	}
	if txt := reported.text(); !strings.Contains(txt, "log records failed") {
		t.Errorf("reported %q", txt)
	}
}

// TestE2EPrometheus exposes the session's metrics, checks the exposition
// with promtool, and has a real Prometheus server scrape it and answer
// queries for the codex metrics.
func TestE2EPrometheus(t *testing.T) {
	promBin := component(t, "CODEXOTEL_PROMETHEUS")
	promtool := component(t, "CODEXOTEL_PROMTOOL")
	bus := telemetry.New(telemetry.WithThrottle(nil))
	p, err := Start(context.Background(), bus, WithEnv(envMap{
		"OTEL_METRICS_EXPORTER": "prometheus", "OTEL_LOGS_EXPORTER": "none", "OTEL_SERVICE_NAME": "codextel-e2e",
	}.lookup))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown(context.Background())
	replay(t, bus)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", p.PrometheusHandler())
	srv := &http.Server{Handler: mux}
	go srv.Serve(l)
	defer srv.Close()
	target := l.Addr().String()

	resp, err := http.Get("http://" + target + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	exposition, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	check := exec.Command(promtool, "check", "metrics")
	check.Stdin = bytes.NewReader(exposition)
	if out, err := check.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}

	dir := t.TempDir()
	cfg := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(`global:
  scrape_interval: 1s
scrape_configs:
  - job_name: codextel
    static_configs:
      - targets: ["%s"]
`, target)), 0o644); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	cmd := exec.Command(promBin, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", port))
	logf, _ := os.Create(filepath.Join(dir, "prometheus.log"))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting prometheus: %v", err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		logf.Close()
	}()
	api := fmt.Sprintf("http://127.0.0.1:%d/api/v1/", port)
	getJSON := func(path string, v any) error {
		resp, err := http.Get(api + path)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		return json.NewDecoder(resp.Body).Decode(v)
	}
	// Prometheus refreshes its targets every 5 s: wait for the scrape.
	up := waitFor(60*time.Second, func() bool {
		var r struct {
			Data struct {
				ActiveTargets []struct {
					Health string `json:"health"`
				} `json:"activeTargets"`
			} `json:"data"`
		}
		return getJSON("targets", &r) == nil && len(r.Data.ActiveTargets) == 1 && r.Data.ActiveTargets[0].Health == "up"
	})
	if !up {
		log, _ := os.ReadFile(filepath.Join(dir, "prometheus.log"))
		t.Fatalf("prometheus never scraped %s:\n%s", target, log)
	}
	for query, want := range map[string]float64{
		`codex_tool_failures_total{gen_ai_tool_name="shell"}`:                       1,
		`codex_approvals_total{codex_approval_outcome="denied"}`:                    1,
		`codex_telemetry_dropped_total`:                                             12,
		`gen_ai_client_operation_duration_seconds_count{gen_ai_tool_name="search"}`: 1,
		`sum(gen_ai_client_token_usage_sum{gen_ai_token_type="input"})`:             2000,
	} {
		var r struct {
			Status string `json:"status"`
			Data   struct {
				Result []struct {
					Value [2]any `json:"value"`
				} `json:"result"`
			} `json:"data"`
		}
		ok := waitFor(15*time.Second, func() bool {
			return getJSON("query?query="+url.QueryEscape(query), &r) == nil && len(r.Data.Result) == 1
		})
		if !ok {
			t.Errorf("prometheus answers %q with %+v", query, r)
			continue
		}
		s, _ := r.Data.Result[0].Value[1].(string)
		if got, _ := strconv.ParseFloat(s, 64); got != want {
			t.Errorf("prometheus: %s = %s, want %v", query, s, want)
		}
	}
}
