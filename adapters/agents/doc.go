// Package codexagents exports a Codex run as the OpenAI Agents SDK for
// Python (v0.22.0) traces it: the trace and span model of the SDK's
// tracing module, with its ids, times and export objects, and the
// span_data_max_chars trimming of its Codex tool.
//
//	import codexagents "github.com/codextel/codextel/adapters/agents"
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
// under trim keys may become strings, and "" values vanish. All 1,209 of
// the SDK's recorded vectors pass (trim_test.go).
package codexagents
