package codexotlp

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricspb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/codextel/codextel/core/telemetry"
)

// jsonSink is an OTLP/JSON receiver on 127.0.0.1: it keeps the bodies it
// gets per path, and answers each with answer (an OTLP/JSON response).
type jsonSink struct {
	mu     sync.Mutex
	bodies map[string][][]byte
	types  []string
	answer string
}

func (k *jsonSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	k.mu.Lock()
	k.bodies[r.URL.Path] = append(k.bodies[r.URL.Path], b)
	k.types = append(k.types, r.Header.Get("Content-Type"))
	answer := k.answer
	k.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, answer)
}

// TestJSONExport sends the recorded session over http/json to a local
// receiver and decodes what it gets with protojson: every log record, span
// and the metrics arrive, as OTLP/JSON (lower-camel names, enums as
// numbers, ids in hex).
func TestJSONExport(t *testing.T) {
	for _, c := range []struct {
		name string
		env  envMap
		opts []Option
	}{
		{"option", envMap{}, []Option{WithProtocol(ProtocolJSON)}},
		{"env", envMap{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"}, nil},
		{"per-signal", envMap{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL": "http/json",
			"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json", "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL": "http/json"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			sink := &jsonSink{bodies: map[string][][]byte{}, answer: "{}"}
			srv := httptest.NewServer(sink)
			defer srv.Close()
			bus := telemetry.New(telemetry.WithThrottle(nil))
			var got []telemetry.Event
			_, _ = bus.Attach("expect", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) { got = append(got, e.Clone()) }), "*")
			var reported errs
			opts := append([]Option{WithEnv(c.env.lookup), WithEndpoint(srv.URL), WithSpans(true),
				WithErrorHandler(reported.report), WithBackPressure(true)}, c.opts...)
			p, err := Start(context.Background(), bus, opts...)
			if err != nil {
				t.Fatal(err)
			}
			replay(t, bus)
			if err := p.Shutdown(context.Background()); err != nil {
				t.Fatalf("Shutdown: %v", err)
			}
			if len(reported.list) != 0 {
				t.Errorf("reported: %s", reported.text())
			}
			sink.mu.Lock()
			defer sink.mu.Unlock()
			for _, ct := range sink.types {
				if ct != "application/json" {
					t.Errorf("Content-Type %q", ct)
				}
			}

			var records, spans, metrics int
			for _, b := range sink.bodies["/v1/logs"] {
				var req collogspb.ExportLogsServiceRequest
				if err := protojson.Unmarshal(b, &req); err != nil {
					t.Fatalf("logs body: %v\n%s", err, b)
				}
				for _, rl := range req.ResourceLogs {
					for _, sl := range rl.ScopeLogs {
						records += len(sl.LogRecords)
					}
				}
				checkJSONShape(t, b, "resourceLogs", "logRecords")
			}
			for _, b := range sink.bodies["/v1/traces"] {
				var req coltracepb.ExportTraceServiceRequest
				if err := protojson.Unmarshal(b, &req); err != nil {
					t.Fatalf("traces body: %v\n%s", err, b)
				}
				for _, rs := range req.ResourceSpans {
					for _, ss := range rs.ScopeSpans {
						spans += len(ss.Spans)
					}
				}
				checkJSONShape(t, b, "resourceSpans", "spans")
			}
			for _, b := range sink.bodies["/v1/metrics"] {
				var req colmetricspb.ExportMetricsServiceRequest
				if err := protojson.Unmarshal(b, &req); err != nil {
					t.Fatalf("metrics body: %v\n%s", err, b)
				}
				for _, rm := range req.ResourceMetrics {
					for _, sm := range rm.ScopeMetrics {
						metrics += len(sm.Metrics)
					}
				}
			}
			if records != len(got) || spans != 9 || metrics == 0 {
				t.Errorf("received %d records, %d spans, %d metrics; want %d records, 9 spans, some metrics",
					records, spans, metrics, len(got))
			}
			if st := p.Stats(); st.Logs.Exported != uint64(len(got)) || st.Spans.Exported != 9 {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

// checkJSONShape checks what the OTLP/JSON encoding asks of a body, on its
// first record or span (items under the scope): lower-camel field names,
// the severity or kind enum as a number, trace and span ids as hex (of
// either case: the SDK's trace exporter writes upper case).
func checkJSONShape(t *testing.T, body []byte, resources, items string) {
	t.Helper()
	var doc map[string]any
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	scopes := map[string]string{"logRecords": "scopeLogs", "spans": "scopeSpans"}[items]
	res := doc[resources].([]any)[0].(map[string]any)
	first := res[scopes].([]any)[0].(map[string]any)[items].([]any)[0].(map[string]any)
	if items == "logRecords" {
		if _, ok := first["severityNumber"].(json.Number); !ok {
			t.Errorf("severityNumber %#v is not a number", first["severityNumber"])
		}
		if _, ok := first["timeUnixNano"]; !ok {
			t.Errorf("no timeUnixNano in %v", first)
		}
	} else if _, ok := first["kind"].(json.Number); !ok {
		t.Errorf("kind %#v is not a number", first["kind"])
	}
	if tid, _ := first["traceId"].(string); !strings.EqualFold(tid, sessionTrace) || len(first["spanId"].(string)) != 16 {
		t.Errorf("ids %v/%v, want trace %s in hex and a span id in hex", first["traceId"], first["spanId"], sessionTrace)
	}
}

// TestJSONPartialSuccess: a JSON answer's partial success reaches the
// exporter, which reports it (through the SDK's error handler, routed to
// the pipeline's reporting).
func TestJSONPartialSuccess(t *testing.T) {
	sink := &jsonSink{bodies: map[string][][]byte{},
		answer: `{"partialSuccess":{"rejectedLogRecords":"2","errorMessage":"records too old"}}`}
	srv := httptest.NewServer(sink)
	defer srv.Close()
	bus := telemetry.New(telemetry.WithThrottle(nil))
	var reported errs
	p, err := Start(context.Background(), bus, WithEnv(envMap{"OTEL_METRICS_EXPORTER": "none"}.lookup),
		WithEndpoint(srv.URL), WithProtocol(ProtocolJSON), WithErrorHandler(reported.report))
	if err != nil {
		t.Fatal(err)
	}
	replay(t, bus)
	_ = p.Shutdown(context.Background())
	if text := reported.text(); !strings.Contains(text, "records too old") {
		t.Errorf("reported %q, want the partial success", text)
	}
}

// TestJSONTransportErrors: a body that is not the OTLP request, or not
// gzip when it says so, is an error naming the request; a non-JSON answer
// is passed on.
func TestJSONTransportErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "fine")
	}))
	defer srv.Close()
	tr := &jsonTransport{base: http.DefaultTransport,
		newRequest:  func() proto.Message { return new(collogspb.ExportLogsServiceRequest) },
		newResponse: func() proto.Message { return new(collogspb.ExportLogsServiceResponse) }}
	for _, c := range []struct {
		name, encoding string
		body           []byte
		want           string
	}{
		{"garbage", "", []byte{0xff, 0xff, 0xff}, "decoding the opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest body"},
		{"not-gzip", "gzip", []byte("plain"), "gzip body"},
		{"bad-id", "", mustProto(t, &collogspb.ExportLogsServiceRequest{ResourceLogs: []*logspb.ResourceLogs{{
			ScopeLogs: []*logspb.ScopeLogs{{LogRecords: []*logspb.LogRecord{{TraceId: []byte{1, 2, 3}}}}}}}}),
			"trace_id is 3 bytes, want 16"},
	} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/logs", bytes.NewReader(c.body))
		if c.encoding != "" {
			req.Header.Set("Content-Encoding", c.encoding)
		}
		_, err := tr.RoundTrip(req)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), srv.URL) {
			t.Errorf("%s: error %v, want %q naming %s", c.name, err, c.want, srv.URL)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/logs", bytes.NewReader(nil))
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if string(b) != "fine" {
		t.Errorf("answer %q, want it passed on", b)
	}
}

func mustProto(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHexIDs: ids come out of protojson as their hex text.
func TestHexIDs(t *testing.T) {
	tid := []byte{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36}
	sid := []byte{0, 0, 0, 0, 0, 0, 0, 1}
	m := &collogspb.ExportLogsServiceRequest{ResourceLogs: []*logspb.ResourceLogs{{
		ScopeLogs: []*logspb.ScopeLogs{{LogRecords: []*logspb.LogRecord{{TraceId: tid, SpanId: sid}, {}}}}}}}
	if err := hexIDs(m.ProtoReflect()); err != nil {
		t.Fatal(err)
	}
	b, err := otlpJSON.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"traceId":"`+sessionTrace+`"`)) || !bytes.Contains(b, []byte(`"spanId":"0000000000000001"`)) {
		t.Errorf("%s: ids not in hex", b)
	}
}

// FuzzJSONBody: any body gives JSON or an error, never a panic.
func FuzzJSONBody(f *testing.F) {
	f.Add(mustProto(&testing.T{}, &collogspb.ExportLogsServiceRequest{ResourceLogs: []*logspb.ResourceLogs{{
		ScopeLogs: []*logspb.ScopeLogs{{LogRecords: []*logspb.LogRecord{{TraceId: make([]byte, 16), SeverityText: "INFO"}}}}}}}))
	f.Add([]byte{0x0a, 0x02, 0x12, 0x00})
	tr := &jsonTransport{newRequest: func() proto.Message { return new(collogspb.ExportLogsServiceRequest) }}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/v1/logs", bytes.NewReader(body))
		js, err := tr.jsonBody(req)
		if err == nil && !json.Valid(js) {
			t.Errorf("invalid JSON %q", js)
		}
	})
}

// TestJSONTLSFromEnv: over http/json the logs and metrics exporters take
// their CA from OTEL_EXPORTER_OTLP_CERTIFICATE (or the per-signal one), as
// they would for http/protobuf; a CA file that cannot be read is an error
// of Start.
func TestJSONTLSFromEnv(t *testing.T) {
	sink := &jsonSink{bodies: map[string][][]byte{}, answer: "{}"}
	srv := httptest.NewTLSServer(sink)
	defer srv.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, env := range []envMap{
		{"OTEL_EXPORTER_OTLP_CERTIFICATE": ca},
		{"OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE": ca, "OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE": ca,
			"OTEL_EXPORTER_OTLP_CERTIFICATE": "/nonexistent/ca.pem"},
	} {
		bus := telemetry.New(telemetry.WithThrottle(nil))
		var reported errs
		p, err := Start(context.Background(), bus, WithEnv(env.lookup), WithEndpoint(srv.URL),
			WithProtocol(ProtocolJSON), WithErrorHandler(reported.report))
		if err != nil {
			t.Fatal(err)
		}
		evs := replay(t, bus)
		if err := p.Shutdown(context.Background()); err != nil {
			t.Fatalf("%v: Shutdown: %v", env, err)
		}
		if st := p.Stats(); st.Logs.Exported != uint64(len(evs)) || st.MetricExports == 0 || st.MetricExportFailures != 0 {
			t.Errorf("%v: stats %+v, reported %v", env, st, reported.list)
		}
	}
	_, err := Start(context.Background(), telemetry.New(), WithEnv(envMap{"OTEL_EXPORTER_OTLP_CERTIFICATE": "/nonexistent/ca.pem"}.lookup),
		WithEndpoint(srv.URL), WithProtocol(ProtocolJSON))
	if err == nil || !strings.Contains(err.Error(), "OTEL_EXPORTER_OTLP_") {
		t.Errorf("Start with a missing CA file: %v", err)
	}
}
