package codexotlp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricspb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	"google.golang.org/grpc/credentials"
	"google.golang.org/protobuf/proto"

	codexotel "github.com/codextel/codextel/adapters/otel"
	"github.com/codextel/codextel/core/telemetry"
)

// A Pipeline is a [codexotel.Handler] attached to a bus together with the
// OpenTelemetry SDK providers and exporters it writes through, built by
// [Start]. Its methods are safe for concurrent use.
type Pipeline struct {
	detach func() error // detaches the handler from the bus and ends its open spans; nil when disabled

	logs    *sdklog.LoggerProvider
	traces  *sdktrace.TracerProvider
	metrics *sdkmetric.MeterProvider
	prom    http.Handler

	spanQueue           *spanQueue // the span processor; nil when spans are off
	logCount, spanCount *counter
	metricCount         *metricCounter
	report              func(error)
	sdkErrors           atomic.Uint64
	closeWait           time.Duration // the longest export timeout: Shutdown's bound

	// forwarding is held (read) by ForwardSpans while it queues a span,
	// and (write) by Shutdown to set shut: no span is queued once
	// Shutdown has begun, so none is counted emitted and never exported.
	forwarding sync.RWMutex
	shut       bool

	shutdown sync.Once
	err      error
}

// An Option configures [Start]. Options take precedence over the
// environment.
type Option interface {
	apply(*setup)
}

type optFunc func(*setup)

func (f optFunc) apply(s *setup) { f(s) }

// setup is what Start builds a Pipeline from.
type setup struct {
	env        func(string) (string, bool)
	spans      *bool
	endpoint   string
	protocol   string    // WithProtocol's
	protocols  [3]string // of logs, spans, metrics
	headers    map[string]string
	certFile   string
	keyFile    string
	caFile     string
	logQueue   int
	spanQueue  int
	batchDelay time.Duration // log records; spans too unless spanDelay
	spanDelay  time.Duration
	metricTick time.Duration
	timeouts   [3]time.Duration // export timeouts of logs, spans, metrics
	blocking   bool             // back-pressure
	prometheus *prometheus.Registry
	promOn     bool
	res        *resource.Resource
	service    string // the default service.name
	report     func(error)
	handler    []codexotel.Option
}

// WithEnv makes Start read the environment through lookup instead of
// os.LookupEnv. The OTLP exporters still read the OTEL_EXPORTER_OTLP_*
// variables Start does not (timeouts, compression, per-signal endpoints)
// from the process environment.
func WithEnv(lookup func(string) (string, bool)) Option {
	return optFunc(func(s *setup) { s.env = lookup })
}

// WithSpans turns spans on or off whatever CODEX_OTLP_ENABLE says. Spans are
// off by default.
func WithSpans(on bool) Option {
	return optFunc(func(s *setup) { s.spans = &on })
}

// WithEndpoint sets the base URL of the OTLP receiver, as CODEX_OTLP_ENDPOINT
// does: "http://127.0.0.1:4318" for OTLP/HTTP (the signal paths /v1/logs,
// /v1/traces, /v1/metrics are added), "http://127.0.0.1:4317" for gRPC. An
// http URL sends in plain text, an https one over TLS.
func WithEndpoint(rawURL string) Option {
	return optFunc(func(s *setup) { s.endpoint = rawURL })
}

// WithProtocol sets the OTLP protocol of all three signals: [ProtocolHTTP]
// (the default), [ProtocolJSON] or [ProtocolGRPC], as
// OTEL_EXPORTER_OTLP_PROTOCOL does (and over the per-signal
// OTEL_EXPORTER_OTLP_{LOGS,TRACES,METRICS}_PROTOCOL).
func WithProtocol(p string) Option {
	return optFunc(func(s *setup) { s.protocol = p })
}

// WithHeaders sets headers sent with every export, as CODEX_OTLP_HEADERS does.
func WithHeaders(h map[string]string) Option {
	return optFunc(func(s *setup) { s.headers = h })
}

// WithTLSFiles sets the PEM files of mutual TLS, as CODEX_OTLP_CERTFILE,
// CODEX_OTLP_KEYFILE and CODEX_OTLP_CACERTFILE do: the client certificate and
// its key (both or neither), and the CA the receiver's certificate is checked
// against ("" for the system's).
func WithTLSFiles(certFile, keyFile, caFile string) Option {
	return optFunc(func(s *setup) { s.certFile, s.keyFile, s.caFile = certFile, keyFile, caFile })
}

// WithQueueSize bounds both the log record and the span export queues to n
// (default: OTEL_BLRP_MAX_QUEUE_SIZE for log records and
// OTEL_BSP_MAX_QUEUE_SIZE for spans, each 2048 when unset). When a queue is
// full, what does not fit is dropped, counted in [Pipeline.Stats] and
// reported; emitting never waits for the exporter, unless
// [WithBackPressure] says it should.
func WithQueueSize(n int) Option {
	return optFunc(func(s *setup) { s.logQueue, s.spanQueue = max(n, 1), max(n, 1) })
}

// WithBackPressure(true) makes emitting wait for room when an export queue
// is full, instead of dropping: for replays of recorded streams, which can
// wait for the receiver and should lose nothing. Emitting then blocks the
// emitting goroutine (the reader of the stream) until an export frees room,
// at most the export timeout (OTEL_EXPORTER_OTLP_TIMEOUT, 10 s); when that
// passes, or while exports fail (a receiver that is down), records are
// dropped and counted as without back-pressure, until an export succeeds
// again. So a replay to a dead receiver is slowed by one export timeout, not
// held. Off by default: a live program must not wait for its telemetry.
func WithBackPressure(on bool) Option {
	return optFunc(func(s *setup) { s.blocking = on })
}

// WithBatchDelay sets how long log records and spans wait in the queue
// before they are exported (default 1 s, or OTEL_BLRP_SCHEDULE_DELAY and
// OTEL_BSP_SCHEDULE_DELAY in milliseconds).
func WithBatchDelay(d time.Duration) Option {
	return optFunc(func(s *setup) { s.batchDelay, s.spanDelay = d, d })
}

// WithMetricInterval sets how often metrics are exported over OTLP (default
// 60 s, or OTEL_METRIC_EXPORT_INTERVAL in milliseconds). Shutdown exports
// them once more.
func WithMetricInterval(d time.Duration) Option {
	return optFunc(func(s *setup) { s.metricTick = d })
}

// WithPrometheus exposes the metrics for Prometheus to scrape, in reg (nil:
// a registry of the pipeline's own), through [Pipeline.PrometheusHandler].
// OTEL_METRICS_EXPORTER=prometheus does the same.
func WithPrometheus(reg *prometheus.Registry) Option {
	return optFunc(func(s *setup) { s.promOn, s.prometheus = true, reg })
}

// WithResource sets the resource describing the program; it is merged over
// the default one and the environment's (OTEL_SERVICE_NAME,
// OTEL_RESOURCE_ATTRIBUTES), taking precedence.
func WithResource(r *resource.Resource) Option {
	return optFunc(func(s *setup) { s.res = r })
}

// WithServiceName sets the service.name the resource has unless
// OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES or [WithResource] say
// otherwise. Without it, it is the executable's base name (os.Args[0]'s,
// without .exe), not the SDK's "unknown_service:<name>"; the codextel
// command sets "codextel".
func WithServiceName(name string) Option {
	return optFunc(func(s *setup) { s.service = name })
}

// WithErrorHandler sets where export problems are reported while the
// pipeline runs: the first failed export after a successful one, the first
// record dropped because a queue was full (or stayed full for the export
// timeout under [WithBackPressure]), and the first error or warning of the
// OpenTelemetry SDK itself (its global error handler and logger, which Start
// routes here; see [Stats]). The default writes one line to standard error
// for each. What shutdown could not export is not reported: it is
// [Pipeline.Shutdown]'s error.
func WithErrorHandler(f func(error)) Option {
	return optFunc(func(s *setup) { s.report = f })
}

// WithHandlerOptions passes options to the pipeline's [codexotel.Handler]
// (metrics, level, id, events). Provider options among them are ignored
// (WithGlobalProviders too): the handler writes through the pipeline's
// providers only.
func WithHandlerOptions(opts ...codexotel.Option) Option {
	return optFunc(func(s *setup) { s.handler = append(s.handler, opts...) })
}

// reportTo returns an error reporter writing one line per error to w,
// scrubbed: an exporter's error may quote a URL or a header.
func reportTo(w io.Writer) func(error) {
	var mu sync.Mutex
	return func(err error) {
		line := scrubbed(err.Error())
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintln(w, line)
	}
}

// Start builds OpenTelemetry SDK providers exporting over OTLP (and, if
// asked, to Prometheus), configured by opts and the environment, and attaches
// a [codexotel.Handler] writing through them to bus with [codexotel.Attach]:
// for every event, under [codexotel.DefaultID]. Call
// [Pipeline.Shutdown] before the program exits, to flush what is queued.
//
// The environment is read as the OpenTelemetry SDKs read it, plus the Codex
// SDK's own variables (see the package documentation): CODEX_OTLP_ENABLE
// turns spans on (they are off by default); CODEX_OTLP_ENDPOINT,
// CODEX_OTLP_HEADERS and the CODEX_OTLP_*FILE mTLS files take precedence over
// their OTEL_EXPORTER_OTLP_* counterparts; OTEL_EXPORTER_OTLP_PROTOCOL (and
// its per-signal forms) picks OTLP/HTTP with protobuf (http/protobuf, the
// default) or JSON (http/json), or gRPC; OTEL_LOGS_EXPORTER,
// OTEL_TRACES_EXPORTER and OTEL_METRICS_EXPORTER may say "none" (and the
// latter "prometheus"); OTEL_SDK_DISABLED=true attaches nothing.
//
// A malformed variable or option is an error; nothing is attached then.
// Start does not wait for the receiver: exports to one that is down fail,
// are retried by the exporters, and are reported (see [WithErrorHandler]).
func Start(ctx context.Context, bus *telemetry.Bus, opts ...Option) (*Pipeline, error) {
	s := &setup{env: os.LookupEnv}
	for _, o := range opts {
		o.apply(s)
	}
	if s.report == nil {
		s.report = reportTo(os.Stderr)
	}
	p := &Pipeline{report: s.report}
	if off, err := lookupBool(s.env, "OTEL_SDK_DISABLED", false); err != nil || off {
		return p, err
	}
	if err := s.resolve(); err != nil {
		return nil, err
	}
	p.closeWait = max(s.timeouts[0], s.timeouts[1], s.timeouts[2])
	wait := func(i int) time.Duration {
		if s.blocking {
			return s.timeouts[i]
		}
		return 0
	}
	res, err := s.resource()
	if err != nil {
		return nil, err
	}
	var tlsCfg *tls.Config
	if s.certFile != "" || s.keyFile != "" || s.caFile != "" {
		if tlsCfg, err = tlsConfig(s.certFile, s.keyFile, s.caFile); err != nil {
			return nil, err
		}
	}

	// The handler writes through the pipeline's providers only: the
	// provider options among the user's are cancelled, then the pipeline's
	// own added for the signals that are on.
	hopts := append(slices.Clip(s.handler), codexotel.WithLoggerProvider(nil), codexotel.WithTracerProvider(nil),
		codexotel.WithMeterProvider(nil))
	fail := func(err error) (*Pipeline, error) {
		_ = p.shutdownProviders(context.Background())
		return nil, err
	}

	if on, err := s.exporterOn("OTEL_LOGS_EXPORTER"); err != nil {
		return nil, err
	} else if on {
		exp, err := s.logExporter(ctx, tlsCfg)
		if err != nil {
			return fail(err)
		}
		p.logCount = newCounter("log records", s.logQueue, wait(0), s.timeouts[0], s.report)
		bp := sdklog.NewBatchProcessor(&logCounter{exp, p.logCount},
			sdklog.WithMaxQueueSize(s.logQueue), sdklog.WithExportInterval(s.batchDelay),
			sdklog.WithExportTimeout(s.timeouts[0]))
		p.logs = sdklog.NewLoggerProvider(sdklog.WithResource(res), sdklog.WithProcessor(&logQueue{bp, p.logCount}))
		hopts = append(hopts, codexotel.WithLoggerProvider(p.logs))
	}

	if on, err := s.exporterOn("OTEL_TRACES_EXPORTER"); err != nil {
		return fail(err)
	} else if on && *s.spans {
		exp, err := s.traceExporter(ctx, tlsCfg)
		if err != nil {
			return fail(err)
		}
		p.spanCount = newCounter("spans", s.spanQueue, wait(1), s.timeouts[1], s.report)
		bsp := sdktrace.NewBatchSpanProcessor(&spanCounter{exp, p.spanCount},
			sdktrace.WithMaxQueueSize(s.spanQueue), sdktrace.WithBatchTimeout(s.spanDelay),
			sdktrace.WithExportTimeout(s.timeouts[1]))
		p.spanQueue = &spanQueue{bsp, p.spanCount}
		p.traces = sdktrace.NewTracerProvider(sdktrace.WithResource(res), sdktrace.WithIDGenerator(codexotel.NewIDGenerator()),
			sdktrace.WithSpanProcessor(p.spanQueue))
		hopts = append(hopts, codexotel.WithTracerProvider(p.traces))
	}

	readers, err := s.metricReaders(ctx, tlsCfg, p)
	if err != nil {
		return fail(err)
	}
	if len(readers) > 0 {
		mopts := []sdkmetric.Option{sdkmetric.WithResource(res)}
		for _, r := range readers {
			mopts = append(mopts, sdkmetric.WithReader(r))
		}
		p.metrics = sdkmetric.NewMeterProvider(mopts...)
		hopts = append(hopts, codexotel.WithMeterProvider(p.metrics))
	}

	detach, err := codexotel.Attach(bus, hopts...)
	if err != nil {
		return fail(err)
	}
	p.detach = detach
	routeSDK(p)
	return p, nil
}

// resolve fills what options left unset from the environment, and defaults.
func (s *setup) resolve() error {
	var errs []error
	if s.spans == nil {
		on, err := lookupBool(s.env, EnvEnable, false)
		errs = append(errs, err)
		s.spans = &on
	}
	get := func(name string) string {
		v, _ := s.env(name)
		return strings.TrimSpace(v)
	}
	if s.endpoint == "" {
		s.endpoint = get(EnvEndpoint)
	}
	if s.endpoint != "" {
		u, err := url.Parse(s.endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("codexotlp: endpoint %q is not an http:// or https:// URL", safeURL(s.endpoint)))
		}
	}
	general := s.protocol
	if general == "" {
		general = get("OTEL_EXPORTER_OTLP_PROTOCOL")
	}
	for i, signal := range []string{"LOGS", "TRACES", "METRICS"} {
		p := s.protocol
		if p == "" {
			p = get("OTEL_EXPORTER_OTLP_" + signal + "_PROTOCOL")
		}
		if p == "" {
			p = general
		}
		if p == "" {
			p = ProtocolHTTP
		}
		if p != ProtocolHTTP && p != ProtocolJSON && p != ProtocolGRPC {
			errs = append(errs, fmt.Errorf("codexotlp: %s protocol %q is not %s, %s or %s",
				strings.ToLower(signal), p, ProtocolHTTP, ProtocolJSON, ProtocolGRPC))
		}
		s.protocols[i] = p
	}
	if s.headers == nil {
		if v := get(EnvHeaders); v != "" {
			h, err := parseHeaders(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("codexotlp: %s: %w", EnvHeaders, err))
			}
			s.headers = h
		}
	}
	if s.certFile == "" && s.keyFile == "" && s.caFile == "" {
		s.certFile, s.keyFile, s.caFile = get(EnvCertFile), get(EnvKeyFile), get(EnvCACertFile)
	}
	if (s.certFile != "" || s.caFile != "") && strings.HasPrefix(s.endpoint, "http://") {
		errs = append(errs, fmt.Errorf("codexotlp: TLS files are set but the endpoint %s is plain http", safeURL(s.endpoint)))
	}
	if s.logQueue == 0 {
		n, err := lookupInt(s.env, "OTEL_BLRP_MAX_QUEUE_SIZE", 2048)
		errs = append(errs, err)
		s.logQueue = n
	}
	if s.spanQueue == 0 {
		n, err := lookupInt(s.env, "OTEL_BSP_MAX_QUEUE_SIZE", 2048)
		errs = append(errs, err)
		s.spanQueue = n
	}
	// The exporters would read these themselves, as the timeout of each
	// request; they are read here and bound each whole export, retries
	// included (the exporters retry with backoff), because back-pressure
	// and Shutdown wait by them.
	ms, err := lookupInt(s.env, "OTEL_EXPORTER_OTLP_TIMEOUT", 10000)
	errs = append(errs, err)
	for i, signal := range []string{"LOGS", "TRACES", "METRICS"} {
		n, err := lookupInt(s.env, "OTEL_EXPORTER_OTLP_"+signal+"_TIMEOUT", ms)
		errs = append(errs, err)
		s.timeouts[i] = time.Duration(n) * time.Millisecond
	}
	if s.batchDelay == 0 {
		ms, err := lookupInt(s.env, "OTEL_BLRP_SCHEDULE_DELAY", 1000)
		errs = append(errs, err)
		s.batchDelay = time.Duration(ms) * time.Millisecond
	}
	if s.spanDelay == 0 {
		ms, err := lookupInt(s.env, "OTEL_BSP_SCHEDULE_DELAY", 1000)
		errs = append(errs, err)
		s.spanDelay = time.Duration(ms) * time.Millisecond
	}
	if s.metricTick == 0 {
		ms, err := lookupInt(s.env, "OTEL_METRIC_EXPORT_INTERVAL", 60000)
		errs = append(errs, err)
		s.metricTick = time.Duration(ms) * time.Millisecond
	}
	return errors.Join(errs...)
}

// exporterOn reads OTEL_<SIGNAL>_EXPORTER: "otlp" (the default) or "none".
func (s *setup) exporterOn(name string) (bool, error) {
	list, err := s.exporters(name)
	if err != nil {
		return false, err
	}
	for _, e := range list {
		if e != "otlp" && e != "none" {
			return false, fmt.Errorf("codexotlp: %s=%s: only otlp and none are supported", name, e)
		}
	}
	return slices.Contains(list, "otlp"), nil
}

func (s *setup) exporters(name string) ([]string, error) {
	v, _ := s.env(name)
	if strings.TrimSpace(v) == "" {
		return []string{"otlp"}, nil
	}
	var out []string
	for _, e := range strings.Split(v, ",") {
		out = append(out, strings.TrimSpace(e))
	}
	return out, nil
}

// resource is the default resource, then the default service name, then
// the environment's attributes, then the option's.
func (s *setup) resource() (*resource.Resource, error) {
	kvs := []attribute.KeyValue{attribute.String("service.name", s.serviceName())}
	if v, ok := s.env("OTEL_RESOURCE_ATTRIBUTES"); ok && strings.TrimSpace(v) != "" {
		pairs, err := parsePairs(v)
		if err != nil {
			return nil, fmt.Errorf("codexotlp: OTEL_RESOURCE_ATTRIBUTES: %w", err)
		}
		for _, kv := range pairs {
			kvs = append(kvs, attribute.String(kv[0], kv[1]))
		}
	}
	if v, ok := s.env("OTEL_SERVICE_NAME"); ok && strings.TrimSpace(v) != "" {
		kvs = append(kvs, attribute.String("service.name", strings.TrimSpace(v)))
	}
	// NewSchemaless keeps the last value of a key given twice.
	r, err := resource.Merge(resource.Default(), resource.NewSchemaless(kvs...))
	if err != nil {
		return nil, fmt.Errorf("codexotlp: resource: %w", err)
	}
	if s.res != nil {
		if r, err = resource.Merge(r, s.res); err != nil {
			return nil, fmt.Errorf("codexotlp: resource: %w", err)
		}
	}
	return r, nil
}

// serviceName is the default service.name: WithServiceName's, else the
// executable's base name, else the SDK's.
func (s *setup) serviceName() string {
	if s.service != "" {
		return s.service
	}
	if len(os.Args) > 0 {
		name := strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe")
		if name != "" && name != "." && name != string(filepath.Separator) {
			return name
		}
	}
	return "unknown_service"
}

// signalURL is the endpoint of signal i (0 logs, 1 spans, 2 metrics): the
// base URL plus its path for OTLP/HTTP, the base URL for gRPC.
func (s *setup) signalURL(i int, path string) string {
	if s.protocols[i] == ProtocolGRPC {
		return s.endpoint
	}
	return strings.TrimSuffix(s.endpoint, "/") + path
}

// jsonClient is the HTTP client of an OTLP/HTTP exporter of signal i that
// is to send OTLP/JSON: its transport re-encodes the exporter's protobuf
// requests (see jsonTransport). The exporter leaves its own TLS and timeout
// settings aside for a client given to it, so they are set here: tlsCfg
// (the CODEX_OTLP_*FILE variables or WithTLSFiles), else the
// OTEL_EXPORTER_OTLP_[<SIGNAL>_]{CERTIFICATE,CLIENT_CERTIFICATE,CLIENT_KEY}
// files the exporter would have read.
func (s *setup) jsonClient(i int, tlsCfg *tls.Config, newRequest, newResponse func() proto.Message) (*http.Client, error) {
	if tlsCfg == nil {
		signal := [...]string{"LOGS", "TRACES", "METRICS"}[i]
		file := func(name string) string {
			if v, _ := s.env("OTEL_EXPORTER_OTLP_" + signal + "_" + name); strings.TrimSpace(v) != "" {
				return strings.TrimSpace(v)
			}
			v, _ := s.env("OTEL_EXPORTER_OTLP_" + name)
			return strings.TrimSpace(v)
		}
		ca, cert, key := file("CERTIFICATE"), file("CLIENT_CERTIFICATE"), file("CLIENT_KEY")
		if ca != "" || cert != "" || key != "" {
			var err error
			if tlsCfg, err = tlsConfig(cert, key, ca); err != nil {
				return nil, fmt.Errorf("%w (OTEL_EXPORTER_OTLP_*CERTIFICATE, _CLIENT_KEY)", err)
			}
		}
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	if tlsCfg != nil {
		base.TLSClientConfig = tlsCfg
	}
	return &http.Client{
		Timeout:   s.timeouts[i],
		Transport: &jsonTransport{base: base, newRequest: newRequest, newResponse: newResponse},
	}, nil
}

func (s *setup) logExporter(ctx context.Context, tlsCfg *tls.Config) (sdklog.Exporter, error) {
	if s.protocols[0] == ProtocolGRPC {
		o := []otlploggrpc.Option{otlploggrpc.WithTimeout(s.timeouts[0])}
		if s.endpoint != "" {
			o = append(o, otlploggrpc.WithEndpointURL(s.signalURL(0, "")))
		}
		if s.headers != nil {
			o = append(o, otlploggrpc.WithHeaders(s.headers))
		}
		if tlsCfg != nil {
			o = append(o, otlploggrpc.WithTLSCredentials(credentials.NewTLS(tlsCfg)))
		}
		return otlploggrpc.New(ctx, o...)
	}
	o := []otlploghttp.Option{otlploghttp.WithTimeout(s.timeouts[0])}
	if s.endpoint != "" {
		o = append(o, otlploghttp.WithEndpointURL(s.signalURL(0, "/v1/logs")))
	}
	if s.headers != nil {
		o = append(o, otlploghttp.WithHeaders(s.headers))
	}
	if tlsCfg != nil {
		o = append(o, otlploghttp.WithTLSClientConfig(tlsCfg))
	}
	if s.protocols[0] == ProtocolJSON {
		c, err := s.jsonClient(0, tlsCfg,
			func() proto.Message { return new(collogspb.ExportLogsServiceRequest) },
			func() proto.Message { return new(collogspb.ExportLogsServiceResponse) })
		if err != nil {
			return nil, err
		}
		o = append(o, otlploghttp.WithHTTPClient(c))
	}
	return otlploghttp.New(ctx, o...)
}

func (s *setup) traceExporter(ctx context.Context, tlsCfg *tls.Config) (sdktrace.SpanExporter, error) {
	if s.protocols[1] == ProtocolGRPC {
		o := []otlptracegrpc.Option{otlptracegrpc.WithTimeout(s.timeouts[1])}
		if s.endpoint != "" {
			o = append(o, otlptracegrpc.WithEndpointURL(s.signalURL(1, "")))
		}
		if s.headers != nil {
			o = append(o, otlptracegrpc.WithHeaders(s.headers))
		}
		if tlsCfg != nil {
			o = append(o, otlptracegrpc.WithTLSCredentials(credentials.NewTLS(tlsCfg)))
		}
		return otlptracegrpc.New(ctx, o...)
	}
	// The SDK's trace exporter writes OTLP/JSON itself.
	enc := otlptracehttp.EncodingProtobuf
	if s.protocols[1] == ProtocolJSON {
		enc = otlptracehttp.EncodingJSON
	}
	o := []otlptracehttp.Option{otlptracehttp.WithTimeout(s.timeouts[1]), otlptracehttp.WithEncoding(enc)}
	if s.endpoint != "" {
		o = append(o, otlptracehttp.WithEndpointURL(s.signalURL(1, "/v1/traces")))
	}
	if s.headers != nil {
		o = append(o, otlptracehttp.WithHeaders(s.headers))
	}
	if tlsCfg != nil {
		o = append(o, otlptracehttp.WithTLSClientConfig(tlsCfg))
	}
	return otlptracehttp.New(ctx, o...)
}

func (s *setup) metricExporter(ctx context.Context, tlsCfg *tls.Config) (sdkmetric.Exporter, error) {
	if s.protocols[2] == ProtocolGRPC {
		o := []otlpmetricgrpc.Option{otlpmetricgrpc.WithTimeout(s.timeouts[2])}
		if s.endpoint != "" {
			o = append(o, otlpmetricgrpc.WithEndpointURL(s.signalURL(2, "")))
		}
		if s.headers != nil {
			o = append(o, otlpmetricgrpc.WithHeaders(s.headers))
		}
		if tlsCfg != nil {
			o = append(o, otlpmetricgrpc.WithTLSCredentials(credentials.NewTLS(tlsCfg)))
		}
		return otlpmetricgrpc.New(ctx, o...)
	}
	o := []otlpmetrichttp.Option{otlpmetrichttp.WithTimeout(s.timeouts[2])}
	if s.endpoint != "" {
		o = append(o, otlpmetrichttp.WithEndpointURL(s.signalURL(2, "/v1/metrics")))
	}
	if s.headers != nil {
		o = append(o, otlpmetrichttp.WithHeaders(s.headers))
	}
	if tlsCfg != nil {
		o = append(o, otlpmetrichttp.WithTLSClientConfig(tlsCfg))
	}
	if s.protocols[2] == ProtocolJSON {
		c, err := s.jsonClient(2, tlsCfg,
			func() proto.Message { return new(colmetricspb.ExportMetricsServiceRequest) },
			func() proto.Message { return new(colmetricspb.ExportMetricsServiceResponse) })
		if err != nil {
			return nil, err
		}
		o = append(o, otlpmetrichttp.WithHTTPClient(c))
	}
	return otlpmetrichttp.New(ctx, o...)
}

// metricReaders returns the OTLP periodic reader and the Prometheus exporter
// OTEL_METRICS_EXPORTER and the options ask for.
func (s *setup) metricReaders(ctx context.Context, tlsCfg *tls.Config, p *Pipeline) ([]sdkmetric.Reader, error) {
	list, err := s.exporters("OTEL_METRICS_EXPORTER")
	if err != nil {
		return nil, err
	}
	var readers []sdkmetric.Reader
	for _, e := range list {
		switch e {
		case "otlp":
			exp, err := s.metricExporter(ctx, tlsCfg)
			if err != nil {
				return nil, err
			}
			p.metricCount = &metricCounter{Exporter: exp, report: s.report, hung: hangs{timeout: s.timeouts[2]}}
			readers = append(readers, sdkmetric.NewPeriodicReader(p.metricCount, sdkmetric.WithInterval(s.metricTick),
				sdkmetric.WithTimeout(s.timeouts[2])))
		case "prometheus":
			s.promOn = true
		case "none":
		default:
			return nil, fmt.Errorf("codexotlp: OTEL_METRICS_EXPORTER=%s: only otlp, prometheus and none are supported", e)
		}
	}
	if s.promOn {
		reg := s.prometheus
		if reg == nil {
			reg = prometheus.NewRegistry()
		}
		exp, err := otelprom.New(otelprom.WithRegisterer(reg))
		if err != nil {
			return nil, fmt.Errorf("codexotlp: prometheus exporter: %w", err)
		}
		p.prom = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
		readers = append(readers, exp)
	}
	return readers, nil
}

// LoggerProvider, TracerProvider and MeterProvider return the pipeline's
// providers, for the application's own telemetry; nil when that signal is
// off.
func (p *Pipeline) LoggerProvider() *sdklog.LoggerProvider { return p.logs }

// TracerProvider returns the pipeline's TracerProvider; nil when spans are
// off. See [Pipeline.LoggerProvider].
func (p *Pipeline) TracerProvider() *sdktrace.TracerProvider { return p.traces }

// MeterProvider returns the pipeline's MeterProvider; nil when metrics are
// off. See [Pipeline.LoggerProvider].
func (p *Pipeline) MeterProvider() *sdkmetric.MeterProvider { return p.metrics }

// PrometheusHandler returns the HTTP handler serving the metrics in the
// Prometheus exposition format, to mount at /metrics; nil unless Prometheus
// was asked for (WithPrometheus, OTEL_METRICS_EXPORTER=prometheus).
func (p *Pipeline) PrometheusHandler() http.Handler { return p.prom }

// Stats returns the export counts so far.
func (p *Pipeline) Stats() Stats {
	var s Stats
	if p.logCount != nil {
		s.Logs = p.logCount.stats()
	}
	if p.spanCount != nil {
		s.Spans = p.spanCount.stats()
	}
	if p.metricCount != nil {
		s.MetricExports, s.MetricExportFailures = p.metricCount.exports.Load(), p.metricCount.failures.Load()
	}
	s.SDKErrors = p.sdkErrors.Load()
	return s
}

// ForwardSpans hands the pipeline's span export queue spans that ended
// elsewhere: another process's, read back from its own export (codextel
// exec --native-spans forwards Codex's). They are exported as they are,
// with their own resource and instrumentation scope rather than the
// pipeline's, by the exporter the handler's spans go through (the same
// receiver, retries, timeout and counts: [Pipeline.Stats], and
// [Pipeline.Shutdown]'s report of what was lost). Like the handler's, a
// span that does not fit in the queue is dropped and counted (waited for
// under [WithBackPressure]), and one that is not sampled is not exported.
// Scrubbing them is the caller's business. It returns how many spans were
// queued, and an error, queueing none, when the pipeline's spans are off;
// once [Pipeline.Shutdown] has begun it queues nothing more and returns
// the spans queued before, and an error (a span queued before Shutdown
// is exported by it, or counted lost in its report).
func (p *Pipeline) ForwardSpans(spans []sdktrace.ReadOnlySpan) (int, error) {
	if p.spanQueue == nil {
		return 0, errors.New("codexotlp: spans are off (WithSpans, CODEX_OTLP_ENABLE, OTEL_TRACES_EXPORTER): nothing to forward them to")
	}
	queued := 0
	for i, s := range spans {
		p.forwarding.RLock()
		if p.shut {
			p.forwarding.RUnlock()
			return queued, fmt.Errorf("codexotlp: the pipeline is shut down: %d of %d spans not forwarded", len(spans)-i, len(spans))
		}
		if p.spanQueue.queue(s) {
			queued++
		}
		p.forwarding.RUnlock()
	}
	return queued, nil
}

// ForceFlush exports what is queued now, waiting until ctx is done.
func (p *Pipeline) ForceFlush(ctx context.Context) error {
	var errs []error
	if p.traces != nil {
		errs = append(errs, p.traces.ForceFlush(ctx))
	}
	if p.logs != nil {
		errs = append(errs, p.logs.ForceFlush(ctx))
	}
	if p.metrics != nil {
		errs = append(errs, p.metrics.ForceFlush(ctx))
	}
	return errors.Join(errs...)
}

// Shutdown detaches the handler from the bus, ends the spans still open (see
// [Handler.Close]), exports everything queued and shuts the providers down,
// waiting until ctx is done or the export timeout (OTEL_EXPORTER_OTLP_TIMEOUT,
// 10 s; the longest of the per-signal ones) has passed, whichever comes
// first: a receiver that does not answer holds it no longer. When an export
// has already failed at its timeout, with none succeeding since (a receiver
// that accepts connections and never answers), Shutdown does not wait the
// timeout again: it gives the receiver 100 ms. What is still queued when it
// gives up is counted dropped.
//
// When log records, spans or the last metrics were not exported (dropped,
// failed, or given up at shutdown) it returns an error saying how many and
// why, matching [ErrLost]:
//
//	codexotlp: otel export: 12 of 10005 log records lost (12 failed, 0 dropped): <the last export error>
//
// That error is returned, not reported to the [WithErrorHandler] handler.
// Only the first call does anything; later ones return its result.
func (p *Pipeline) Shutdown(ctx context.Context) error {
	p.shutdown.Do(func() {
		defer unrouteSDK(p)
		// A span being queued under back-pressure holds this for the
		// queue's wait at most.
		p.forwarding.Lock()
		p.shut = true
		p.forwarding.Unlock()
		var errs []error
		if p.detach != nil {
			if err := p.detach(); err != nil && !errors.Is(err, telemetry.ErrUnknownHandler) {
				errs = append(errs, err)
			}
		}
		var cancel context.CancelFunc
		if p.closeWait > 0 {
			ctx, cancel = context.WithTimeout(ctx, p.closeWait)
		} else {
			ctx, cancel = context.WithCancel(ctx)
		}
		defer cancel()
		stop := make(chan struct{})
		defer close(stop)
		go p.giveUpWhenHung(stop, cancel)
		logErr, spanErr, metricErr := p.shutdownSignals(ctx)
		var counters []*counter
		for _, c := range []*counter{p.logCount, p.spanCount} {
			if c != nil {
				c.shutdownDone()
				counters = append(counters, c)
			}
		}
		// The exporters' failures are in the counts; what else went wrong
		// (the deadline, a processor's error) is said besides.
		for _, err := range []error{logErr, spanErr} {
			if err != nil && !counted(err) {
				errs = append(errs, err)
			}
		}
		p.err = lossReport(counters, metricErr, errs)
	})
	return p.err
}

// hungGrace is how long Shutdown gives a receiver that let an export time
// out, with none succeeding since.
const hungGrace = 100 * time.Millisecond

// hung reports whether an export failed at its timeout, with none
// succeeding since: the receiver accepts connections and does not answer.
func (p *Pipeline) hung() bool {
	return (p.logCount != nil && p.logCount.hung.on.Load()) ||
		(p.spanCount != nil && p.spanCount.hung.on.Load()) ||
		(p.metricCount != nil && p.metricCount.hung.on.Load())
}

// giveUpWhenHung calls cancel hungGrace after the receiver is found hung
// (before or during shutdown: an export that was under way when Shutdown
// began may be the one to find it), unless stop is closed first.
func (p *Pipeline) giveUpWhenHung(stop <-chan struct{}, cancel context.CancelFunc) {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !p.hung() {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
	}
	grace := time.NewTimer(hungGrace)
	defer grace.Stop()
	select {
	case <-stop:
	case <-grace.C:
		cancel()
	}
}

// shutdownSignals shuts the three providers down at once, so that each has
// all of ctx's time, and returns their errors.
func (p *Pipeline) shutdownSignals(ctx context.Context) (logs, spans, metrics error) {
	var wg sync.WaitGroup
	if p.traces != nil {
		wg.Go(func() { spans = p.traces.Shutdown(ctx) })
	}
	if p.logs != nil {
		wg.Go(func() { logs = p.logs.Shutdown(ctx) })
	}
	if p.metrics != nil {
		wg.Go(func() { metrics = p.metrics.Shutdown(ctx) })
	}
	wg.Wait()
	return logs, spans, metrics
}

func (p *Pipeline) shutdownProviders(ctx context.Context) error {
	logs, spans, metrics := p.shutdownSignals(ctx)
	return errors.Join(logs, spans, metrics)
}
