// Package native reads the Codex CLI's own OpenTelemetry export: the
// OTLP/JSON bodies (logs, traces, metrics) that `codex exec` posts when it
// is given `-c otel.exporter=...`, `-c otel.trace_exporter=...` and
// `-c otel.metrics_exporter=...` with `protocol="json"` ([Prepare] asks
// for the logs, and for the traces only to keep spans).
//
// That export knows what the `codex exec --json` stream does not: how long
// Codex measured each tool call (codex.tool_result duration_ms), the model,
// each request to the model (codex.api_request: attempt, HTTP status,
// duration, error), the time to the first token of a turn
// (codex.turn_ttft), per-request token counts (codex.sse_event for
// response.completed) and, on the exec path, the approval decisions
// (codex.tool_decision). Package bridge joins it with the stream
// (bridge.WithNative); this package only decodes and indexes it.
//
// # Model
//
// A [Store] decodes bodies ([Store.Add]) into a small model, keeping only
// what the join needs: the log events above as [Record]s, the spans that
// carry a join key (conversation.id, turn.id, call_id) as [Span]s, and a
// count of metric data points (metrics carry no thread, turn or call id).
// Everything else (Codex's several hundred internal spans per turn, its
// DEBUG records, the streaming sse_event records) is counted and dropped;
// with [Limits].KeepSpans every span is kept as Codex exported it (its
// kind, attributes, status, events, resource, instrumentation scope and
// whether its parent is remote; see [Span]), for a program that forwards
// Codex's spans to its own trace exporter (codextel exec --native-spans),
// scrubbing them first.
// [Store.Index] groups the records by conversation and by process (each
// codex.conversation_starts begins one: a resumed thread has two) for the
// join.
//
// # Numbers and bad input
//
// OTLP/JSON sends 64-bit integers as JSON strings, and Codex sends many
// numeric and boolean attributes as stringValue ("duration_ms": "1598",
// "success": "true"); both forms are read. A body that is not OTLP/JSON is
// rejected whole with an error naming the body; a value that cannot be read
// (a duration that is not a number, a timestamp out of range) is reported
// as a [Problem] naming the body, the record and the field, and the record
// is kept without it. Nothing panics and nothing stops the store.
//
// # Bounds
//
// A store holds at most [Limits].MaxRecords records and MaxSpans spans;
// what comes after is counted ([Stats]) and dropped. A span kept with
// KeepSpans has at most 128 attributes and 128 events of at most 128
// attributes each (the OpenTelemetry SDKs' default span limits); the rest
// are counted in its Dropped members. The spans of one resource share it.
// Tool arguments are
// cut to MaxText bytes (4 KiB) and tool outputs keep only their last 256
// bytes (the join pairs calls by their arguments), so a call costs well
// under a kilobyte however much it printed: a 10,000-call session's
// records hold a few megabytes. A [Receiver] refuses bodies over MaxBody.
//
// # Content
//
// Codex exports tool arguments and outputs whole, secrets included. This
// package keeps them only to pair native records with stream items; the
// bridge never emits them, and everything it does emit from a native
// record (an error message, a model name) goes through the bus's redaction
// and scrubbing like stream content. The spans kept with KeepSpans are not
// emitted on the bus: they are kept as Codex sent them, and whoever sends
// them on scrubs them (codextel's --native-spans scrubs every text and
// every attribute, key and value).
package native
