// Package codexotel writes codextel telemetry events to OpenTelemetry: every
// event as a log record, the bus's spans as spans (opt-in), and metrics
// defined over events, through the OpenTelemetry providers the application
// gives it.
//
//	import codexotel "github.com/codextel/codextel/adapters/otel"
//
// [Attach] (or [NewHandler] and [telemetry.Bus.Attach]) writes through
// [WithLoggerProvider], [WithTracerProvider] and [WithMeterProvider], or
// through the global providers with [WithGlobalProviders] (as the otelslog
// bridge does by default). A signal whose provider is not given is not
// written: the adapter does not fall back to the global providers unless
// told, so that spans stay opt-in.
//
// This package imports the OpenTelemetry API and SDK only: no exporter, no
// gRPC, no Prometheus. The set-up that builds providers exporting over OTLP
// (gRPC, http/protobuf, http/json) or to Prometheus from the OTEL_*
// environment, with bounded queues and a bounded shutdown, is the module
// github.com/codextel/codextel/adapters/otel/otlp (package codexotlp):
//
//	p, err := codexotlp.Start(ctx, telemetry.Default())
//	if err != nil {
//		return err
//	}
//	defer p.Shutdown(context.Background())
//
// # Log records
//
// Each event becomes one record, as Python's OpenTelemetry LoggingHandler
// (opentelemetry-sdk 1.38) writes the record Python's logging would make of
// it; the record is the one [eventlog.Mapper] maps the event to, as in every
// codextel log adapter, though the handler reads it from the event in place
// ([eventlog.Logger], [eventlog.AppendMessage]) without building it:
//
//   - Timestamp: the event's ([telemetry.Event.When]: for an event emitted
//     without one, the bus's clock, read once for every handler).
//   - SeverityNumber: as Python's LoggingHandler maps the level: DEBUG 5, INFO 9,
//     WARNING 13, ERROR 17, CRITICAL 21; the levels just above one are its
//     2, 3 and 4 variants (21 is INFO2, 25 is INFO4); below DEBUG is 0 and
//     above 53 is FATAL4 (24).
//   - SeverityText: the Python level name, WARNING written
//     WARN; CRITICAL stays CRITICAL, other numbers are "Level N".
//   - Body: the rendered message (the catalog's redacted or data template).
//   - Instrumentation scope: the Python logger name ("codex.tool").
//   - Attributes: the fields in record order (metadata, measurements, then
//     the correlation fields correlation_id, thread_id, turn_id, span_id,
//     parent_span_id); then, for an exception event (one with error_type and
//     reason), exception.type, exception.message and exception.stacktrace,
//     as the Python handler adds for a record with exc_info.
//   - TraceId, SpanId: the open span's, when spans are on; else the event's
//     correlation id and span id, which codextel makes in the W3C shapes
//     (32 and 16 hex digits) for this; else the span of the emitting
//     context, for events outside any codextel span.
//   - EventName: the event name ("codex.tool.success").
//
// Value kinds: strings, booleans, 64-bit integers and floats stay as they
// are (NaN and infinities too); durations are integer nanoseconds and times
// RFC 3339 text, as the otelslog bridge writes them; groups and objects are
// maps, keeping order; lists are slices; integers beyond 64 bits (unsigned
// above 2^63-1, *big.Int) are their decimal digits as a string, since OTLP
// has no wider integer; nil is the empty value; errors and Stringers are
// their text; Go structs are maps of their exported fields (named by their
// json tags), maps of other types are maps, and other types are written with
// fmt's %v.
//
// Everything written (log bodies and attributes, span names, attributes,
// events and statuses, metric attributes) comes from the event as the bus
// delivers it, redacted and scrubbed, and is read as the scrubber read it:
// a struct's unexported fields, which the scrubber does not look at, are
// never written, not even inside the rendered message.
//
// The records are written through the log.Logger API directly, not through
// the contrib bridge go.opentelemetry.io/contrib/bridges/otelslog: the
// bridge writes slog's level names as severity text ("ERROR+4" for
// CRITICAL, "INFO+3" for level 25), names its scope once per handler, and
// converts the record twice; measured, it is also slower (docs/otel.md).
//
// # Spans
//
// Spans are off unless a TracerProvider is given ([WithTracerProvider]; for
// codexotlp.Start, CODEX_OTLP_ENABLE=true or codexotlp.WithSpans), like the
// Elixir Codex SDK's exporter. Each span the bus opens becomes a span with the start and
// end times its events carry; spans are found by the bus's span id, so a
// span may end on another goroutine than the one that started it, and its
// parent is the span its parent_span_id names. With the generator of [NewIDGenerator] in the
// TracerProvider (codexotlp.Start installs it), trace ids are the correlation ids
// and span ids the bus's, so logs and spans name the same ids; [Correlate]
// puts Codex spans under an application span.
//
//	thread  codex.thread.start .. stop / exception       "codex.thread"
//	turn    codex.turn.start .. completed / failed        "invoke_agent codex"      (client)
//	tool    codex.tool.start .. success / failure         "execute_tool <tool>"
//	MCP     codex.mcp.tool_call.start .. success/failure  "tools/call <tool>"       (client)
//	approval codex.approval.requested .. approved, denied, timeout, cancelled
//	                                                      "codex.approval <kind>"
//	other   <name>.start .. <name>.stop / <name>.exception  "<name>"
//
// Attributes follow the OpenTelemetry GenAI conventions where they apply:
// gen_ai.operation.name (invoke_agent, execute_tool), gen_ai.provider.name
// (openai), gen_ai.agent.name (codex), gen_ai.conversation.id (the thread
// id), gen_ai.request.model (the thread's model, on its turns too),
// gen_ai.tool.name, gen_ai.tool.call.id, gen_ai.tool.type, and, when data
// logging lets them through, gen_ai.tool.call.arguments and
// gen_ai.tool.call.result (JSON text); when model data logging lets them
// through (codextel --log-model-data), the opt-in content attributes
// gen_ai.input.messages (a turn's user input) and gen_ai.output.messages
// (its agent messages and reasoning, with finish_reason stop or error) on
// the turn span, as JSON in the conventions' shape
// ([{"role":"user","parts":[{"type":"text","content":"..."}]}]), scrubbed
// by the bus like every other field; mcp.method.name (tools/call);
// error.type (the event's error_type: tool_error, a JSON-RPC code, an HTTP
// status or _OTHER). Token usage events set gen_ai.usage.input_tokens,
// gen_ai.usage.output_tokens, gen_ai.usage.cache_read.input_tokens and
// gen_ai.usage.cache_creation.input_tokens on the open turn (the turn's
// counts: the sum over its usage events, which count one model request each
// on the app-server path) and thread (the totals). Other fields are codex.<field>
// (codex.source, codex.turn_index, codex.exit_code, codex.tool.kind,
// codex.tool.status, codex.mcp.server, codex.approval.kind,
// codex.approval.decision, codex.approval.outcome), plus codex.turn_id and
// codex.correlation_id. A failed span (exception, failed, failure) has
// status Error with the reason, and an "exception" event at its end with
// exception.type, exception.message and exception.stacktrace (for panics).
// Spans still open when their parent ends, or at [Handler.Close], end with
// it, marked codex.incomplete. The bus has redacted and scrubbed the events
// before the handler sees them, so spans carry no more than logs.
//
// # Metrics
//
// Metrics are defined over events in the manner of Elixir's
// telemetry_metrics: [Counter], [Sum], [LastValue] and [Distribution] name an
// instrument, an event (or a prefix pattern "codex.tool.*") and a
// measurement, with tags taken from the event's fields ([WithTags],
// [WithTag], [WithConstantTags]), a filter ([WithKeep]) and units
// ([WithUnit], [ConvertUnit]; durations are reported in seconds unless told
// otherwise). [DefaultMetrics] lists the defaults: operation durations
// (gen_ai.client.operation.duration for turns and tool calls,
// codex.thread.duration, codex.approval.duration), token usage
// (gen_ai.client.token.usage), tool failures (codex.tool.failures),
// approvals by outcome and decision (codex.approvals) and events the bus's
// throttle dropped (codex.telemetry.dropped). [WithMetrics] replaces them.
package codexotel
