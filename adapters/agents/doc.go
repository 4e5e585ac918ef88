// Package codexagents traces a Codex run as the OpenAI Agents SDK for
// Python (v0.22.0) traces it when its Codex tool
// (agents.extensions.experimental.codex) runs codex exec: the SDK's trace
// and span model, the Codex tool's function span and "Codex command
// execution" spans with their trimmed data and errors, the SDK's processor
// hooks, and its batch export to the OpenAI traces ingest endpoint. A team
// whose Python agents report to the OpenAI Traces dashboard, or to any
// tool fed by a Python TracingProcessor, gets its Go service's Codex runs
// in the same shape.
//
//	import codexagents "github.com/codextel/codextel/adapters/agents"
//
// # Tracing a Codex call
//
// A [Provider] creates traces ([Provider.NewTrace]) and spans
// ([Provider.NewSpan]) and calls its [TracingProcessor]s. A [CodexTool]
// traces one tool call with [CodexTool.Run], given the call's arguments
// string and codex exec's JSONL stdout:
//
//	p := codexagents.NewProvider()
//	p.AddTraceProcessor(codexagents.NewBatchProcessor(p, codexagents.NewBackendExporter(p)))
//	trace := p.NewTrace("Agent workflow", "", nil)
//	trace.Start()
//	res := codexagents.NewCodexTool(p).Run(trace, nil, args, stdout, wait)
//	trace.Finish()
//	p.Shutdown(ctx)
//
// Run reads the stream as the SDK does, which is stricter than codextel's
// own reader (core/bridge): the first line that does not parse, every
// top-level error event (even Codex's non-fatal "Reconnecting..." lines)
// and turn.failed end the call with the SDK's message; only item.started
// of a command_execution opens a span; spans still open when the stream
// stops end silently. docs/parity.md lists the differences. The function
// span records the arguments and the result (trace_include_sensitive_data,
// [WithIncludeSensitiveData]); command spans always record the command, its
// status, exit code and output, within span_data_max_chars.
//
// Over the 22 shared transcripts the function span, the command spans
// (span_data and error), the trace object, the log records, the tool result
// and the ingest request equal what the SDK v0.22.0 itself produced
// (codex_test.go).
//
// # Beside codextel's own reader
//
// [CodexTool.Feed] traces a call from a stream the caller reads itself:
// tee codex's output into it while core/bridge reads the same bytes for
// the bus, then close it with codex's exit status.
//
//	feed := codexagents.NewCodexTool(p).Feed(trace, nil, args)
//	sum, err := bridge.ReadExec(ctx, io.TeeReader(stdout, feed), codex)
//	res := feed.Close(codexagents.Exit{Code: status})
//
// It is fed the raw stream, not the bus's events, because the SDK's spans
// record what the bus redacts by default (commands and outputs) and fail
// the call on lines the bus's reader skips; what it exports is gated by
// the provider's scrubber (share one *scrub.Scrubber with the bus) and
// OPENAI_AGENTS_DISABLE_TRACING. Put the run's correlation id
// (correlation.Ensure) in the trace's metadata to tie the export to
// codextel's log lines and OTel spans of the same run, as the codextel
// command's --openai-traces does. [JSONLinesExporter] writes the items
// one JSON object a line instead of posting them.
//
// # Secrets
//
// Unlike the SDK, which sends commands, outputs and error texts as they
// are, nothing leaves a Provider before core/scrub has removed the secrets
// in it: span data at any depth (the function span's input and output
// JSON texts included), span errors, trace names and metadata, log
// records (message, error, extra fields) and the failure [CodexTool.Run]
// returns. A secret becomes "[REDACTED]" and the text around it is kept;
// everything else is exactly what the SDK produces. The scrubber is
// scrub.New() unless [WithScrubber] gives another; WithScrubber(nil)
// turns scrubbing off.
//
// Scrubbing happens where data is set, not at export, because processors
// are user code that forwards spans elsewhere: the Codex tool scrubs each
// value before it sets it, and before trimming it to span_data_max_chars,
// so the budget is computed on the text that is sent and a cut never
// leaves part of a secret behind. Spans a caller makes with
// [Provider.NewSpan] are scrubbed in place when made, started, finished
// and exported. The one text not scrubbed is a successful
// [ToolResult].Output, the tool's answer to the model. Checked with every
// case of core/scrub's secrets corpus planted in commands, outputs, agent
// messages and error texts (scrub_test.go).
//
// # Processors and export
//
// [Provider.AddTraceProcessor] and [Provider.SetTraceProcessors] register
// processors on a Provider value; there is no global provider. Processors
// are called in registration order, synchronously; one that returns an
// error or panics is logged as the SDK logs a raising processor, and the
// others still run. OPENAI_AGENTS_DISABLE_TRACING ("true" or "1", any
// case) switches a new Provider off.
//
// [BatchProcessor] and [BackendExporter] are the SDK's default processor
// and exporter: a queue of 8192 items exported in batches of 128 every 5
// seconds or at 70% full, POSTed as {"data": [...]} with up to 3 attempts;
// for the default endpoint each item is first sanitised as the SDK does
// (a function span's input or output over 100,000 bytes of JSON cut with
// "... [truncated]", a top-level usage dropped except on generation
// spans).
// The API key (OPENAI_API_KEY unless [WithAPIKey]) never appears in a log
// record.
//
// # Logs
//
// The records the SDK writes to its logger "openai.agents" (Creating trace
// with id …, Creating span with id None, Codex tool failed, Exported <n>
// items, the exporter's warnings) go to the function given by
// [WithLogger], as [LogRecord]s with the Python level and message, in the
// SDK's order; redacted unless [WithLogData] or both
// OPENAI_AGENTS_DONT_LOG_MODEL_DATA and OPENAI_AGENTS_DONT_LOG_TOOL_DATA
// say otherwise.
//
// # JSON
//
// Span data keeps its keys in order, as a Python dict does: it is an
// [Object], a list of [Member]s. Sizes and texts are those of CPython's
// json.dumps with ensure_ascii=True (every non-ASCII character and DEL
// escaped as \uXXXX, floats as Python's repr), which the trimming rules
// measure; [Object.MarshalJSON] writes that compact text.
//
// # Trimming
//
// Span data is fitted into span_data_max_chars (default
// [DefaultSpanDataMaxChars], 8192) characters of compact JSON exactly as
// the SDK's truncate_span_string, truncate_span_value and
// enforce_span_data_budget do, quirks included: lengths are code points,
// the truncation suffix reports the length of the text being cut, values
// under trim keys may become strings, and "" values vanish. All 1,136
// function vectors recorded from the SDK pass (trim_test.go), and so do its
// 73 item-event sequences (items_test.go).
//
// # Performance
//
// BenchmarkSession10k traces a 10,000-command session, with and without
// a batch processor whose exporter encodes every request body: about 0.1 s
// of CPU per session on two shared cores, scrubbing included (at most
// 0.5 µs a command: clean values are scanned and nothing is allocated).
// The module adapters/agents/benchmarks runs the same session through
// core/bridge and the OTel adapter's span export in the same process: the
// export here costs 0.54 times the CPU time of that one (issue 13 allows
// 1.2; docs/parity.md gives the method). BenchmarkBudget is the budget's
// worst case: data shortened one character at a time, thousands of times.
package codexagents
