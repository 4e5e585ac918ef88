package codexotlp

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/codextel/codextel/core/telemetry"
)

// traceSink is an OTLP/HTTP receiver that keeps every resourceSpans it is
// sent.
type traceSink struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []*tracepb.ResourceSpans
}

func newTraceSink(t *testing.T) *traceSink {
	s := &traceSink{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, err := io.ReadAll(r.Body)
		var req coltrace.ExportTraceServiceRequest
		if err == nil && r.URL.Path == "/v1/traces" {
			err = proto.Unmarshal(data, &req)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.got = append(s.got, req.ResourceSpans...)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// services returns the spans received by the service.name of their
// resource, and the scopes they came under.
func (s *traceSink) services() (spans map[string][]*tracepb.Span, scopes map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	spans, scopes = map[string][]*tracepb.Span{}, map[string]string{}
	for _, rs := range s.got {
		service := ""
		for _, kv := range rs.GetResource().GetAttributes() {
			if kv.Key == "service.name" {
				service = kv.Value.GetStringValue()
			}
		}
		for _, ss := range rs.ScopeSpans {
			spans[service] = append(spans[service], ss.Spans...)
			for _, sp := range ss.Spans {
				scopes[sp.Name] = ss.GetScope().GetName() + "@" + ss.GetScope().GetVersion()
			}
		}
	}
	return spans, scopes
}

// TestForwardSpans: spans handed to ForwardSpans reach the receiver
// through the pipeline's exporter with their own resource, scope, status
// and events, beside the handler's spans with the pipeline's resource, and
// are counted in Stats; with spans off ForwardSpans is an error, and a
// full queue drops (counted) what does not fit.
func TestForwardSpans(t *testing.T) {
	sink := newTraceSink(t)
	bus := telemetry.New(telemetry.WithThrottle(nil))
	p, err := Start(context.Background(), bus, WithEnv(envMap{}.lookup), WithEndpoint(sink.srv.URL), WithSpans(true),
		WithServiceName("codextel"), WithErrorHandler(func(error) {}))
	if err != nil {
		t.Fatal(err)
	}
	_ = bus.Span(context.Background(), "codex.tool", []slog.Attr{slog.String("tool", "shell")}, func(context.Context) error { return nil })

	t0 := time.Unix(1796411462, 0)
	tid := trace.TraceID{0xea, 0xb6, 1}
	codex := resource.NewSchemaless(attribute.String("service.name", "codex_exec"), attribute.String("service.version", "0.169.0"))
	stub := tracetest.SpanStub{
		Name:        "stream_request",
		SpanContext: trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: trace.SpanID{1}, TraceFlags: trace.FlagsSampled}),
		Parent:      trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: trace.SpanID{9}, TraceFlags: trace.FlagsSampled, Remote: true}),
		SpanKind:    trace.SpanKindClient, StartTime: t0, EndTime: t0.Add(time.Second),
		Status:               sdktrace.Status{Code: codes.Error, Description: "stream disconnected"},
		Events:               []sdktrace.Event{{Name: "retry", Time: t0.Add(time.Millisecond), Attributes: []attribute.KeyValue{attribute.Int("attempt", 2)}}},
		Resource:             codex,
		InstrumentationScope: instrumentation.Scope{Name: "codex_core", Version: "0.169.0"},
	}
	unsampled := stub
	unsampled.Name = "unsampled"
	unsampled.SpanContext = trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: trace.SpanID{2}})
	queued, err := p.ForwardSpans([]sdktrace.ReadOnlySpan{stub.Snapshot(), unsampled.Snapshot()})
	if queued != 1 || err != nil {
		t.Fatalf("ForwardSpans: %d queued, err %v; want 1, nil", queued, err)
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := p.Stats().Spans; st.Emitted != 2 || st.Exported != 2 {
		t.Errorf("stats %+v, want 2 spans emitted and exported", st)
	}
	spans, scopes := sink.services()
	if len(spans["codextel"]) != 1 || spans["codextel"][0].Name != "execute_tool shell" || len(spans["codex_exec"]) != 1 {
		t.Fatalf("spans by service: %v", spans)
	}
	got := spans["codex_exec"][0]
	if got.Name != "stream_request" || got.Status.GetCode() != tracepb.Status_STATUS_CODE_ERROR || got.Status.GetMessage() != "stream disconnected" ||
		len(got.Events) != 1 || got.Events[0].Name != "retry" || got.Events[0].TimeUnixNano != uint64(t0.Add(time.Millisecond).UnixNano()) ||
		got.Kind != tracepb.Span_SPAN_KIND_CLIENT || got.Flags&0x300 != 0x300 {
		t.Errorf("forwarded span: %v", got)
	}
	if scopes["stream_request"] != "codex_core@0.169.0" || !strings.HasPrefix(scopes["execute_tool shell"], "github.com/codextel/") {
		t.Errorf("scopes %v", scopes)
	}

	// Spans off: nothing to forward to.
	off, err := Start(context.Background(), telemetry.New(), WithEnv(envMap{}.lookup), WithEndpoint(sink.srv.URL), WithSpans(false))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := off.ForwardSpans([]sdktrace.ReadOnlySpan{stub.Snapshot()}); n != 0 || err == nil || !strings.Contains(err.Error(), "spans are off") {
		t.Errorf("with spans off: %d queued, err %v", n, err)
	}
	_ = off.Shutdown(context.Background())

	// A queue of 2 held by a receiver that does not answer: the third is
	// dropped and counted.
	held := newSink(t, 0, true)
	full, err := Start(context.Background(), telemetry.New(), WithEnv(envMap{"OTEL_EXPORTER_OTLP_TIMEOUT": "300"}.lookup),
		WithEndpoint(held.srv.URL), WithSpans(true), WithQueueSize(2), WithBatchDelay(time.Hour), WithErrorHandler(func(error) {}))
	if err != nil {
		t.Fatal(err)
	}
	ros := []sdktrace.ReadOnlySpan{stub.Snapshot(), stub.Snapshot(), stub.Snapshot()}
	if n, err := full.ForwardSpans(ros); n != 2 || err != nil {
		t.Errorf("a queue of 2: %d queued, err %v; want 2, nil", n, err)
	}
	if st := full.Stats().Spans; st.Emitted != 2 || st.Dropped != 1 {
		t.Errorf("a queue of 2: stats %+v, want 2 emitted, 1 dropped", st)
	}
	held.unblock()
	_ = full.Shutdown(context.Background())
}

// TestForwardSpansAfterShutdown: once Shutdown has begun ForwardSpans
// queues nothing and says so, so that Stats never counts emitted a span no
// exporter will see; what it queued before is exported by Shutdown.
func TestForwardSpansAfterShutdown(t *testing.T) {
	t0 := time.Unix(1796411462, 0)
	stub := tracetest.SpanStub{Name: "late", StartTime: t0, EndTime: t0,
		SpanContext: trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{1}, TraceFlags: trace.FlagsSampled})}
	for _, tc := range []struct {
		name             string
		before, after    int // spans forwarded before and after Shutdown
		emitted, arrived int
	}{
		{"before only", 2, 0, 2, 2},
		{"after only", 0, 1, 0, 0},
		{"before and after", 1, 3, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sink := newTraceSink(t)
			p, err := Start(context.Background(), telemetry.New(), WithEnv(envMap{}.lookup), WithEndpoint(sink.srv.URL), WithSpans(true),
				WithErrorHandler(func(err error) { t.Errorf("reported: %v", err) }))
			if err != nil {
				t.Fatal(err)
			}
			spans := func(n int) []sdktrace.ReadOnlySpan {
				ros := make([]sdktrace.ReadOnlySpan, n)
				for i := range ros {
					ros[i] = stub.Snapshot()
				}
				return ros
			}
			if n, err := p.ForwardSpans(spans(tc.before)); n != tc.before || err != nil {
				t.Errorf("before Shutdown: %d queued, err %v; want %d, nil", n, err, tc.before)
			}
			if err := p.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			n, err := p.ForwardSpans(spans(tc.after))
			if tc.after > 0 && (n != 0 || err == nil || !strings.Contains(err.Error(), "shut down")) {
				t.Errorf("after Shutdown: %d queued, err %v; want 0 and an error saying it is shut down", n, err)
			}
			if st := p.Stats().Spans; st.Emitted != uint64(tc.emitted) || st.Exported != uint64(tc.emitted) || st.Dropped != 0 {
				t.Errorf("stats %+v, want %d emitted and exported, none dropped", st, tc.emitted)
			}
			got, _ := sink.services()
			arrived := 0
			for _, spans := range got {
				arrived += len(spans)
			}
			if arrived != tc.arrived {
				t.Errorf("received %v, want %d spans", got, tc.arrived)
			}
		})
	}
}
