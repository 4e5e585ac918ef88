package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	codexotlp "github.com/codextel/codextel/adapters/otel/otlp"
	"github.com/codextel/codextel/core/native"
	"github.com/codextel/codextel/core/telemetry"
)

// defaultCleaner cleans spans as a run without --log-model-data or
// --log-tool-data does.
var defaultCleaner = newSpanCleaner(scrubber(), false, false)

// exporterQueue is a queue for forwardSpans that hands every span to an
// in-memory exporter, as the pipeline's queue hands them to its OTLP one.
func exporterQueue(exp *tracetest.InMemoryExporter) func([]sdktrace.ReadOnlySpan) (int, error) {
	return func(spans []sdktrace.ReadOnlySpan) (int, error) {
		return len(spans), exp.ExportSpans(context.Background(), spans)
	}
}

// TestForwardSpans: Codex's spans reach the exporter as Codex exported
// them: ids, parent (remote or not), name, kind, times, typed attributes,
// status (OTLP's codes read as the Go API's), events with their times and
// attributes, its resource and scope; every string scrubbed (a secret in
// the status message, an event's name or attribute, the resource does not
// reach the exporter); spans with bad ids are skipped and counted; the
// exporter is flushed every spanChunk spans and at the end, and a failed
// flush or queue is returned.
func TestForwardSpans(t *testing.T) {
	const (
		traceID = "5b8efff798038103d269b633813fc60c"
		thread  = "b7ad6b7169203331"
		secret  = "sk-proj-Zq8vW2xR5tY7uI9oP1aS3dF6gH4jK0lM"
	)
	t0 := time.Unix(1796411275, 0)
	codexRes := &native.Resource{Attributes: []native.Attribute{{Key: "service.name", Value: "codex_exec"},
		{Key: "service.version", Value: "0.169.0"}, {Key: "env", Value: "key " + secret}}, DroppedAttributes: 1}
	scope := native.Scope{Name: "codex_core", Version: "0.169.0"}
	spans := []native.Span{
		{TraceID: traceID, SpanID: "eee19b7ec3c1b174", ParentSpanID: thread, ParentRemote: true, Name: "codex.exec", Kind: 1,
			Start: t0, End: t0.Add(2 * time.Second), Attributes: []native.Attribute{
				{Key: "cwd", Value: "/home/u/" + secret}, {Key: "code.line.number", Value: int64(12)},
				{Key: "wait_ms", Value: 1.5}, {Key: "sandboxed", Value: true}},
			DroppedAttributes: 2, DroppedEvents: 1,
			Status: native.Status{Code: 2, Message: "401 Unauthorized: Incorrect API key provided: " + secret},
			Events: []native.SpanEvent{{Name: "retrying with " + secret, Time: t0.Add(time.Second), DroppedAttributes: 3,
				Attributes: []native.Attribute{{Key: "error.message", Value: "bad key " + secret}, {Key: "attempt", Value: int64(2)}}}},
			Resource: codexRes, Scope: scope},
		{TraceID: traceID, SpanID: "00f067aa0ba902b7", ParentSpanID: "eee19b7ec3c1b174", Name: "session_init", Kind: 3,
			Start: t0, End: t0.Add(time.Millisecond), Status: native.Status{Code: 1}, Resource: codexRes, Scope: scope},
		{TraceID: "not hex", SpanID: "00f067aa0ba902b8", Name: "bad", Resource: codexRes},
	}
	exp := tracetest.NewInMemoryExporter()
	flushes := 0
	flush := func(context.Context) error { flushes++; return nil }
	sent, skipped, err := forwardSpans(exporterQueue(exp), flush, spans, defaultCleaner)
	if err != nil || sent != 2 || skipped != 1 || flushes != 1 {
		t.Fatalf("sent %d, skipped %d, %d flushes, err %v; want 2, 1, 1, nil", sent, skipped, flushes, err)
	}
	got := exp.GetSpans()
	if len(got) != 2 {
		t.Fatalf("%d spans exported, want 2", len(got))
	}
	for i, want := range spans[:2] {
		g := got[i]
		sc := g.SpanContext
		if sc.TraceID().String() != want.TraceID || sc.SpanID().String() != want.SpanID || !sc.IsSampled() || g.Name != want.Name ||
			int(g.SpanKind) != want.Kind || !g.StartTime.Equal(want.Start) || !g.EndTime.Equal(want.End) {
			t.Errorf("span %d: %s %s/%s kind %d %v..%v; want %+v", i, g.Name, sc.TraceID(), sc.SpanID(), g.SpanKind, g.StartTime, g.EndTime, want)
		}
		if g.Parent.SpanID().String() != want.ParentSpanID || g.Parent.TraceID() != sc.TraceID() || g.Parent.IsRemote() != want.ParentRemote {
			t.Errorf("span %s: parent %s (remote %v), want %s (remote %v)", g.Name, g.Parent.SpanID(), g.Parent.IsRemote(), want.ParentSpanID, want.ParentRemote)
		}
		if g.InstrumentationScope.Name != "codex_core" || g.InstrumentationScope.Version != "0.169.0" {
			t.Errorf("span %s: scope %+v, want codex_core 0.169.0", g.Name, g.InstrumentationScope)
		}
		wantRes := `env=key [REDACTED],service.name=codex_exec,service.version=0.169.0`
		if res := g.Resource.Encoded(attribute.DefaultEncoder()); res != wantRes {
			t.Errorf("span %s: resource %s, want %s", g.Name, res, wantRes)
		}
	}
	if got[0].Resource != got[1].Resource {
		t.Error("the spans of one resource do not share it")
	}
	exec := got[0]
	if fmt.Sprint(exec.Attributes) != fmt.Sprint([]attribute.KeyValue{attribute.String("cwd", "/home/u/[REDACTED]"),
		attribute.Int64("code.line.number", 12), attribute.Float64("wait_ms", 1.5), attribute.Bool("sandboxed", true)}) {
		t.Errorf("attributes %v", exec.Attributes)
	}
	if exec.Status != (sdktrace.Status{Code: codes.Error, Description: "401 Unauthorized: Incorrect API key provided: [REDACTED]"}) ||
		got[1].Status != (sdktrace.Status{Code: codes.Ok}) {
		t.Errorf("statuses %+v and %+v, want the error with its message scrubbed, and ok", exec.Status, got[1].Status)
	}
	if exec.DroppedAttributes != 2 || exec.DroppedEvents != 1 {
		t.Errorf("dropped %d attributes and %d events, want 2 and 1", exec.DroppedAttributes, exec.DroppedEvents)
	}
	wantEvents := []sdktrace.Event{{Name: "retrying with [REDACTED]", Time: t0.Add(time.Second), DroppedAttributeCount: 3,
		Attributes: []attribute.KeyValue{attribute.String("error.message", "bad key [REDACTED]"), attribute.Int64("attempt", 2)}}}
	if fmt.Sprint(exec.Events) != fmt.Sprint(wantEvents) {
		t.Errorf("events\n%v\nwant\n%v", exec.Events, wantEvents)
	}
	if all := fmt.Sprintf("%+v", got); strings.Contains(all, secret[8:]) {
		t.Errorf("a secret reached the exporter: %s", all)
	}

	// A session's thousands of spans are flushed a chunk at a time.
	many := make([]native.Span, spanChunk+1)
	for i := range many {
		many[i] = native.Span{TraceID: traceID, SpanID: fmt.Sprintf("%016x", i+1), Name: "s", Start: t0, End: t0}
	}
	flushes = 0
	if sent, _, err := forwardSpans(exporterQueue(exp), flush, many, defaultCleaner); err != nil || sent != len(many) || flushes != 2 {
		t.Errorf("%d spans: sent %d, %d flushes, err %v; want all, 2, nil", len(many), sent, flushes, err)
	}
	boom := errors.New("collector down")
	if _, _, err := forwardSpans(exporterQueue(exp), func(context.Context) error { return boom }, spans, defaultCleaner); !errors.Is(err, boom) {
		t.Errorf("a failed flush gave %v, want it", err)
	}
	off := errors.New("spans are off")
	queueOff := func([]sdktrace.ReadOnlySpan) (int, error) { return 0, off }
	if sent, _, err := forwardSpans(queueOff, flush, spans, defaultCleaner); !errors.Is(err, off) || sent != 0 {
		t.Errorf("a queue that takes nothing: sent %d, err %v", sent, err)
	}
}

// traceReceiver is an OTLP/HTTP receiver keeping the resourceSpans of every
// traces request.
type traceReceiver struct {
	mu  sync.Mutex
	got []*tracepb.ResourceSpans
}

func (r *traceReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	data, err := io.ReadAll(req.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if req.URL.Path == "/v1/traces" {
		var body coltrace.ExportTraceServiceRequest
		if err := proto.Unmarshal(data, &body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.got = append(r.got, body.ResourceSpans...)
		r.mu.Unlock()
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
}

// TestForwardCaptureSpans: the 679 spans of mcp_calls' real export, kept
// by a store with KeepSpans and forwarded by the otel output, reach the
// receiver through the pipeline's exporter under Codex's resource
// (service.name codex_exec, service.version 0.169.0) and scope, with their
// events, while codextel's own spans keep codextel's resource.
func TestForwardCaptureSpans(t *testing.T) {
	store := native.NewStore(native.Limits{KeepSpans: true})
	if err := store.Load(filepath.Join(captures, "mcp_calls", "native")); err != nil {
		t.Fatal(err)
	}
	recv := &traceReceiver{}
	srv := httptest.NewServer(recv)
	defer srv.Close()
	bus := telemetry.New(telemetry.WithThrottle(nil))
	var reported []error
	p, err := codexotlp.Start(context.Background(), bus, codexotlp.WithEnv(func(string) (string, bool) { return "", false }),
		codexotlp.WithEndpoint(srv.URL), codexotlp.WithSpans(true), codexotlp.WithServiceName("codextel"),
		codexotlp.WithErrorHandler(func(err error) { reported = append(reported, err) }))
	if err != nil {
		t.Fatal(err)
	}
	_ = bus.Span(context.Background(), "codex.turn", nil, func(context.Context) error { return nil })
	out := otelOutput{p: p, said: &saidErrors{w: io.Discard}, clean: defaultCleaner}
	sent, skipped, err := out.forwardSpans(store.Spans())
	if err != nil || sent != 679 || skipped != 0 {
		t.Fatalf("sent %d, skipped %d, err %v; want 679, 0, nil", sent, skipped, err)
	}
	if err := out.close(); err != nil || len(reported) != 0 {
		t.Fatalf("close: %v; reported %v", err, reported)
	}
	str := func(kvs []*commonpb.KeyValue, key string) string {
		for _, kv := range kvs {
			if kv.Key == key {
				return kv.Value.GetStringValue()
			}
		}
		return ""
	}
	byService := map[string]int{}
	events := 0
	recv.mu.Lock()
	defer recv.mu.Unlock()
	for _, rs := range recv.got {
		service := str(rs.GetResource().GetAttributes(), "service.name")
		for _, ss := range rs.ScopeSpans {
			byService[service] += len(ss.Spans)
			if service != "codex_exec" {
				continue
			}
			if v := str(rs.Resource.Attributes, "service.version"); v != "0.169.0" || ss.Scope.GetName() != "codex_exec" {
				t.Errorf("Codex's spans under service.version %q, scope %q", v, ss.Scope.GetName())
			}
			for _, sp := range ss.Spans {
				events += len(sp.Events)
				if sp.Name == "mcp__demoecho" && (len(sp.Events) != 1 || sp.Events[0].Name != "codex.tool_result_ready" ||
					sp.Events[0].TimeUnixNano != 1796411462166942747 || str(sp.Events[0].Attributes, "call_id") != "call_mcp_1") {
					t.Errorf("mcp__demoecho's events: %v", sp.Events)
				}
			}
		}
	}
	if byService["codex_exec"] != 679 || byService["codextel"] != 1 || len(byService) != 2 || events != 20 {
		t.Errorf("spans by service %v, %d events; want 679 of codex_exec with their 20 events, 1 of codextel", byService, events)
	}
}

// TestForwardSpansCleaned: every string a forwarded span carries is
// cleaned as the bus would clean it, though the span never passes the bus:
// names, the status message and the scope's name and version scrubbed as
// text; the attributes of the span, of its events and of its resource
// scrubbed key and value, as the bus scrubs an attribute it has no plan
// for (a string under a secret key replaced whole; numbers and booleans,
// Codex's auth.env_*_present flags, kept); and the span's and its events'
// attributes that name model or tool data left out unless that data is
// logged, counted dropped.
func TestForwardSpansCleaned(t *testing.T) {
	const secret = "sk-proj-Zq8vW2xR5tY7uI9oP1aS3dF6gH4jK0lM"
	type where int
	const (
		onSpan where = iota
		onEvent
		onResource
	)
	for _, tc := range []struct {
		name                string
		where               where
		key                 string
		value               any
		modelData, toolData bool
		want                string // the attribute forwarded, key=value; "" when left out
	}{
		{"secret key's value", onSpan, "password", "hunter2hunter2", false, false, "password=[REDACTED]"},
		{"authorization header", onSpan, "authorization", "Basic dXNlcjpwYXNz", false, false, "authorization=[REDACTED]"},
		{"resource's secret key", onResource, "deployment.api_key", "hunter2hunter2", false, false, "deployment.api_key=[REDACTED]"},
		{"event's secret key", onEvent, "client_secret", "hunter2hunter2", false, false, "client_secret=[REDACTED]"},
		{"secret in a span's key", onSpan, "x " + secret, "v", false, false, "x [REDACTED]=v"},
		{"secret in an event's key", onEvent, "x " + secret, "v", false, false, "x [REDACTED]=v"},
		{"secret in a resource's key", onResource, "x " + secret, "v", false, false, "x [REDACTED]=v"},
		{"secret in a value", onSpan, "cwd", "/home/u/" + secret, false, false, "cwd=/home/u/[REDACTED]"},
		{"presence flag under a secret key", onEvent, "auth.env_openai_api_key_present", true, false, false, "auth.env_openai_api_key_present=true"},
		{"count under a secret key", onSpan, "api_key_count", int64(2), false, false, "api_key_count=2"},
		{"number under a secret key", onResource, "token", 1.5, false, false, "token=1.5"},
		{"plain", onSpan, "codex.op", "user_input", false, false, "codex.op=user_input"},
		{"tool data", onSpan, "arguments", `{"cmd":"ls"}`, false, false, ""},
		{"tool data logged", onSpan, "arguments", `{"cmd":"ls"}`, false, true, `arguments={"cmd":"ls"}`},
		{"tool data as the last part of a key", onEvent, "gen_ai.tool.call.result", "out", true, false, ""},
		{"model data", onEvent, "text", "the answer", false, true, ""},
		{"model data logged", onEvent, "text", "the answer", true, false, "text=the answer"},
		{"model or tool data, one logged", onSpan, "input", "ls", true, false, ""},
		{"model or tool data, both logged", onSpan, "input", "ls", true, true, "input=ls"},
		{"a length is not data", onEvent, "arguments_length", int64(42), false, false, "arguments_length=42"},
		{"a resource has no data", onResource, "command", "codex exec", false, false, "command=codex exec"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t0 := time.Unix(1796411275, 0)
			attr := []native.Attribute{{Key: tc.key, Value: tc.value}}
			span := native.Span{TraceID: "5b8efff798038103d269b633813fc60c", SpanID: "eee19b7ec3c1b174", Name: "s", Start: t0, End: t0,
				DroppedAttributes: 1, Resource: &native.Resource{}, Events: []native.SpanEvent{{Name: "e", Time: t0, DroppedAttributes: 1}}}
			switch tc.where {
			case onSpan:
				span.Attributes = attr
			case onEvent:
				span.Events[0].Attributes = attr
			case onResource:
				span.Resource.Attributes = attr
			}
			exp := tracetest.NewInMemoryExporter()
			if _, _, err := forwardSpans(exporterQueue(exp), func(context.Context) error { return nil }, []native.Span{span},
				newSpanCleaner(scrubber(), tc.modelData, tc.toolData)); err != nil {
				t.Fatal(err)
			}
			got := exp.GetSpans()[0]
			kvs, dropped := got.Attributes, got.DroppedAttributes
			switch tc.where {
			case onEvent:
				kvs, dropped = got.Events[0].Attributes, got.Events[0].DroppedAttributeCount
			case onResource:
				kvs, dropped = got.Resource.Attributes(), 1
			}
			var forwarded []string
			for _, kv := range kvs {
				forwarded = append(forwarded, string(kv.Key)+"="+kv.Value.String())
				if kv.Value.Type() != attribute.STRING && kv.Value.AsInterface() != tc.value {
					t.Errorf("%s: %v (%s), want %v", kv.Key, kv.Value.AsInterface(), kv.Value.Type(), tc.value)
				}
			}
			want, wantDropped := []string{tc.want}, 1
			if tc.want == "" {
				want, wantDropped = nil, 2
			}
			if fmt.Sprint(forwarded) != fmt.Sprint(want) || dropped != wantDropped {
				t.Errorf("forwarded %q with %d dropped, want %q with %d", forwarded, dropped, want, wantDropped)
			}
			if all := fmt.Sprintf("%+v", got); strings.Contains(all, secret[8:]) || strings.Contains(all, "hunter2") || strings.Contains(all, "dXNlcjpwYXNz") {
				t.Errorf("a secret reached the exporter: %s", all)
			}
		})
	}

	// The texts: names, the status message, the scope.
	t0 := time.Unix(1796411275, 0)
	span := native.Span{TraceID: "5b8efff798038103d269b633813fc60c", SpanID: "eee19b7ec3c1b174", Start: t0, End: t0,
		Name: "span " + secret, Status: native.Status{Code: 2, Message: "bad key " + secret},
		Scope:  native.Scope{Name: "scope " + secret, Version: secret},
		Events: []native.SpanEvent{{Name: "event " + secret, Time: t0}}}
	exp := tracetest.NewInMemoryExporter()
	if _, _, err := forwardSpans(exporterQueue(exp), func(context.Context) error { return nil }, []native.Span{span}, defaultCleaner); err != nil {
		t.Fatal(err)
	}
	got := exp.GetSpans()[0]
	texts := []string{got.Name, got.Status.Description, got.InstrumentationScope.Name, got.InstrumentationScope.Version, got.Events[0].Name}
	want := []string{"span [REDACTED]", "bad key [REDACTED]", "scope [REDACTED]", "[REDACTED]", "event [REDACTED]"}
	if !slices.Equal(texts, want) {
		t.Errorf("texts %q, want %q", texts, want)
	}
}

// TestForwardSpansPolicy: the otel output cleans Codex's spans with the
// run's redaction policy, the bus's: --log-model-data, --log-tool-data and
// the environment (CODEXTEL_LOG_*_DATA) let the data named in span
// attributes through as they let it through on the bus.
func TestForwardSpansPolicy(t *testing.T) {
	for _, tc := range []struct {
		name              string
		logModel, logTool bool
		env               map[string]string
		textOut, argsOut  bool // text (model data), arguments (tool data) left out
	}{
		{"default", false, false, nil, true, true},
		{"--log-tool-data", false, true, nil, true, false},
		{"--log-model-data", true, false, nil, false, true},
		{"CODEXTEL_LOG_TOOL_DATA", false, false, map[string]string{"CODEXTEL_LOG_TOOL_DATA": "1"}, true, false},
		{"OPENAI_AGENTS_DONT_LOG_MODEL_DATA=0", false, false, map[string]string{"OPENAI_AGENTS_DONT_LOG_MODEL_DATA": "0"}, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"CODEXTEL_LOG_MODEL_DATA", "CODEXTEL_LOG_TOOL_DATA", "OPENAI_AGENTS_DONT_LOG_MODEL_DATA", "OPENAI_AGENTS_DONT_LOG_TOOL_DATA"} {
				t.Setenv(k, "")
				os.Unsetenv(k)
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			o := &options{logModel: tc.logModel, logTool: tc.logTool, otlpEndpoint: "http://127.0.0.1:4318", nativeSpans: true, errOut: io.Discard}
			bus, err := newBus(o, time.Now)
			if err != nil {
				t.Fatal(err)
			}
			out, err := attachOtel(o, bus, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			defer out.close()
			clean := out.(otelOutput).clean
			if text, args := clean.isData("text"), clean.isData("arguments"); text != tc.textOut || args != tc.argsOut {
				t.Errorf("text left out %v, arguments %v; want %v, %v", text, args, tc.textOut, tc.argsOut)
			}
		})
	}
}

// BenchmarkForwardSpans forwards cmd_sleep's 462 spans, kept whole by a
// store, cleaned as a run without --log-*-data cleans them, to a queue
// that takes them and does nothing.
func BenchmarkForwardSpans(b *testing.B) {
	store := native.NewStore(native.Limits{KeepSpans: true})
	if err := store.Load(filepath.Join(captures, "cmd_sleep", "native")); err != nil {
		b.Fatal(err)
	}
	spans := store.Spans()
	queue := func(ros []sdktrace.ReadOnlySpan) (int, error) { return len(ros), nil }
	flush := func(context.Context) error { return nil }
	b.ReportAllocs()
	for b.Loop() {
		if sent, _, err := forwardSpans(queue, flush, spans, defaultCleaner); err != nil || sent != len(spans) {
			b.Fatalf("sent %d of %d: %v", sent, len(spans), err)
		}
	}
}

// TestForwardSpansLikeAttr: the forwarded attributes of every span, event
// and resource of the captures, and of attributes made to hold secrets,
// are exactly what scrub.Scrubber.Attr, the bus's cleaning of an attribute
// it has no plan for, makes of them (forwardSpans plans each key once
// instead of calling it).
func TestForwardSpansLikeAttr(t *testing.T) {
	const secret = "sk-proj-Zq8vW2xR5tY7uI9oP1aS3dF6gH4jK0lM"
	t0 := time.Unix(1796411275, 0)
	made := []native.Attribute{{Key: "password", Value: "hunter2hunter2"}, {Key: "signature", Value: "9f86d081884c7d659a2feaa0c55ad015"},
		{Key: "hash", Value: "func(x int) error"}, {Key: "note", Value: "key " + secret}, {Key: "x " + secret, Value: int64(1)},
		{Key: "api_key", Value: ""}, {Key: "token", Value: true}, {Key: "AccessToken", Value: "abc"}, {Key: "ratio", Value: 0.5}}
	spans := []native.Span{{TraceID: "5b8efff798038103d269b633813fc60c", SpanID: "eee19b7ec3c1b174", Start: t0, End: t0,
		Attributes: made, Events: []native.SpanEvent{{Name: "e", Attributes: made}}, Resource: &native.Resource{Attributes: made}}}
	for _, capture := range []string{"cmd_sleep", "mcp_calls", "parallel_cmds"} {
		store := native.NewStore(native.Limits{KeepSpans: true})
		if err := store.Load(filepath.Join(captures, capture, "native")); err != nil {
			t.Fatal(err)
		}
		spans = append(spans, store.Spans()...)
	}
	exp := tracetest.NewInMemoryExporter()
	if _, _, err := forwardSpans(exporterQueue(exp), func(context.Context) error { return nil }, spans, newSpanCleaner(scrubber(), true, true)); err != nil {
		t.Fatal(err)
	}
	got := exp.GetSpans()
	if len(got) != len(spans) {
		t.Fatalf("%d spans forwarded of %d", len(got), len(spans))
	}
	attrs := func(as []native.Attribute) string {
		var b strings.Builder
		for _, a := range as {
			clean, _ := scrubber().Attr(slog.Any(a.Key, a.Value))
			fmt.Fprintf(&b, "%s=%v;", clean.Key, clean.Value.Any())
		}
		return b.String()
	}
	kvs := func(kvs []attribute.KeyValue) string {
		var b strings.Builder
		for _, kv := range kvs {
			fmt.Fprintf(&b, "%s=%v;", kv.Key, kv.Value.AsInterface())
		}
		return b.String()
	}
	checked := 0
	for i, s := range spans {
		g := got[i]
		pairs := [][2]string{{kvs(g.Attributes), attrs(s.Attributes)}, {kvs(g.Resource.Attributes()), ""}}
		if s.Resource != nil {
			// The SDK's resource sorts its attributes by key.
			sorted := slices.Clone(s.Resource.Attributes)
			for j := range sorted {
				clean, _ := scrubber().Attr(slog.Any(sorted[j].Key, sorted[j].Value))
				sorted[j].Key = clean.Key
			}
			slices.SortStableFunc(sorted, func(a, b native.Attribute) int { return strings.Compare(a.Key, b.Key) })
			pairs[1][1] = attrs(sorted)
		}
		for j, e := range s.Events {
			pairs = append(pairs, [2]string{kvs(g.Events[j].Attributes), attrs(e.Attributes)})
		}
		for _, p := range pairs {
			if p[0] != p[1] {
				t.Errorf("span %d (%s): forwarded\n%s\nAttr gives\n%s", i, s.Name, p[0], p[1])
			}
			checked += strings.Count(p[1], ";")
		}
	}
	if checked < 1000 {
		t.Errorf("only %d attributes checked", checked)
	}
}

// TestReplayForwardsSpans: a replay of a recorded pair with --native-spans
// forwards the spans of Codex's export, after the run's own, under Codex's
// resource; the flag is refused where there is no export to forward or no
// trace exporter to forward to.
func TestReplayForwardsSpans(t *testing.T) {
	recv := &traceReceiver{}
	srv := httptest.NewServer(recv)
	defer srv.Close()
	stream := filepath.Join(captures, "mcp_calls", "exec.jsonl")
	export := filepath.Join(captures, "mcp_calls", "native")
	code, _, errOut := runWith(t, "", "--adapter", "otel", "--otlp-endpoint", srv.URL, "--native", export, "--native-spans", stream)
	if code != 0 || !strings.Contains(errOut, "codextel: native: 679 of Codex's spans forwarded, 0 with bad ids skipped") {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	byService := map[string]int{}
	recv.mu.Lock()
	for _, rs := range recv.got {
		for _, kv := range rs.GetResource().GetAttributes() {
			if kv.Key == "service.name" {
				for _, ss := range rs.ScopeSpans {
					byService[kv.Value.GetStringValue()] += len(ss.Spans)
				}
			}
		}
	}
	recv.mu.Unlock()
	if byService["codex_exec"] != 679 || byService["codextel"] == 0 {
		t.Errorf("spans by service %v, want 679 of codex_exec and codextel's own", byService)
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no export", []string{"--adapter", "otel", "--otlp-endpoint", srv.URL, "--native-spans", stream},
			"--native-spans forwards the spans of Codex's own export: a replay of " + stream + " needs --native PATH"},
		{"no trace exporter", []string{"--native", export, "--native-spans", stream},
			"--native-spans sends Codex's own spans to a trace exporter: it needs --adapter otel"},
		{"bundled, no trace exporter", []string{"--native-spans"},
			"--native-spans sends Codex's own spans to a trace exporter: it needs --adapter otel"},
		{"render", []string{"render", "--adapter", "otel", "--otlp-endpoint", srv.URL, "--native-spans", stream},
			"--native-spans forwards the spans of Codex's own export: it goes with exec or a replay, not render"},
	} {
		if code, _, errOut := runWith(t, "", tc.args...); code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, stderr %q, want 2 and %q", tc.name, code, errOut, tc.want)
		}
	}
}
