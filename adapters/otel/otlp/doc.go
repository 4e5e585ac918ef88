// Package codexotlp sets OpenTelemetry up for codextel: it builds the SDK's
// providers with OTLP exporters (gRPC, http/protobuf or http/json) and a
// Prometheus endpoint from the standard OTEL_* environment and the Codex
// SDK's CODEX_OTLP_* variables, attaches the otel adapter's handler
// (package codexotel, github.com/codextel/codextel/adapters/otel) to a bus
// through them, and shuts them down within a bound at exit.
//
//	import codexotlp "github.com/codextel/codextel/adapters/otel/otlp"
//
//	p, err := codexotlp.Start(ctx, telemetry.Default())
//	if err != nil {
//		return err
//	}
//	defer p.Shutdown(context.Background())
//
// It is a module of its own so that a program that writes through
// providers of its own (codexotel.Attach with WithLoggerProvider, ...) does
// not pull gRPC, the OTLP exporters or Prometheus.
//
// What the records, spans and metrics hold is the handler's business: see
// package codexotel. [WithHandlerOptions] passes it options (metrics,
// level, id, events). [Pipeline.ForwardSpans] exports, through the same
// span exporter, spans that ended in another process, each with its own
// resource and scope (codextel exec --native-spans forwards Codex's).
//
// # OTLP/JSON
//
// The Go SDK's trace exporter writes OTLP/JSON itself; its log and metric
// exporters write protobuf only. For http/json, Start gives those two an
// HTTP client whose transport re-encodes each request the exporter makes:
// the protobuf body is decoded into the go.opentelemetry.io/proto/otlp
// request type and written with protojson, as the OTLP/JSON encoding asks
// (lower-camel field names, enums as integers, 64-bit integers as strings),
// with trace and span ids as hex rather than protojson's base64. The
// receiver's JSON answer is re-encoded as protobuf for the exporter, so a
// partial success is reported as for http/protobuf.
//
// # Configuration
//
// [Start] reads, besides its options (which take precedence):
//
//	CODEX_OTLP_ENABLE       true: spans on (off by default)
//	CODEX_OTLP_ENDPOINT     base URL of the receiver: http://127.0.0.1:4318 (HTTP), http://127.0.0.1:4317 (gRPC)
//	CODEX_OTLP_HEADERS      k=v,k2=v2 headers (URL-encoded values)
//	CODEX_OTLP_CERTFILE     client certificate (PEM) for mutual TLS
//	CODEX_OTLP_KEYFILE      its key (PEM)
//	CODEX_OTLP_CACERTFILE   CA (PEM) for the receiver's certificate
//	OTEL_EXPORTER_OTLP_PROTOCOL    http/protobuf (default), http/json or grpc; and the per-signal
//	                        OTEL_EXPORTER_OTLP_{LOGS,TRACES,METRICS}_PROTOCOL
//	OTEL_EXPORTER_OTLP_ENDPOINT, _HEADERS, _CERTIFICATE, ... and their per-signal forms:
//	                        read by the OTLP exporters when no CODEX_OTLP_* variable or option sets them
//	OTEL_EXPORTER_OTLP_TIMEOUT, OTEL_EXPORTER_OTLP_{LOGS,TRACES,METRICS}_TIMEOUT
//	                        export timeout in ms (10000): bounds each whole export, retries included,
//	                        the wait of back-pressure, and Shutdown
//	OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES   the resource; service.name defaults to the
//	                        executable's base name (see [WithServiceName])
//	OTEL_LOGS_EXPORTER, OTEL_TRACES_EXPORTER      otlp (default) or none
//	OTEL_METRICS_EXPORTER   otlp (default), prometheus, none, or a list: otlp,prometheus
//	OTEL_BLRP_MAX_QUEUE_SIZE  bound of the log record queue (2048)
//	OTEL_BSP_MAX_QUEUE_SIZE   bound of the span queue (2048)
//	OTEL_BLRP_SCHEDULE_DELAY, OTEL_BSP_SCHEDULE_DELAY, OTEL_METRIC_EXPORT_INTERVAL  export delays in ms (1000, 1000, 60000)
//	OTEL_SDK_DISABLED       true: attach nothing
//
// # Faults
//
// By default exports never hold up the code that emits: log records and
// spans go through bounded queues, and what does not fit is dropped,
// counted ([Pipeline.Stats]) and reported ([WithErrorHandler], standard
// error by default), as are failed exports. A replay of a recorded stream,
// which can wait and should lose nothing, asks for [WithBackPressure]: the
// emitter then waits for room, at most the export timeout, and drops only
// while exports fail or time out.
//
// Each kind of trouble is reported once until exports succeed again: the
// first failed export, the first drop. The OpenTelemetry SDK's own global
// error handler and logger, which would print the same failures again on
// standard error, are routed into the pipeline's reporting while a pipeline
// runs (see [WithErrorHandler], [Stats].SDKErrors).
//
// [Pipeline.Shutdown] flushes what is queued, waiting at most the export
// timeout (100 ms when the receiver has already let an export time out),
// and returns what was lost, in all, as one error matching [ErrLost]. It
// does not also report it. docs/otel.md has a collector configuration to
// copy.
package codexotlp
