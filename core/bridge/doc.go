// Package bridge turns the Codex CLI's own event streams into codextel
// telemetry, through the instrumentation API of package instrument:
//
//   - [ReadExec] reads `codex exec --json` JSONL (every shape seen from Codex
//     0.46 to 0.169), live or recorded;
//   - [ReadAppServer] reads `codex app-server` JSON-RPC traffic (the wire logs
//     of {"dir","msg"} lines, or bare messages), for what only it carries:
//     approvals and their decisions, per-request token usage, turn diffs and
//     streaming deltas.
//
// # Mapping
//
// A thread span runs from thread.started to the end of the run; turn spans
// from turn.started to turn.completed or turn.failed. Command executions, file
// changes, web searches and collab tool calls are tool spans, MCP tool calls
// MCP spans, each ending in success or failure (failed, declined, or
// abandoned when the stream ends with the item open); an item seen only when
// completed opens and closes its span at once. Agent messages, reasoning,
// to-do lists and warning items become item events. Token usage is reported
// at each turn.completed: exec's usage is cumulative for the thread, so the
// event carries the turn's delta (the difference from the previous report in
// the same stream) and the totals. A cumulative count that goes down (Codex
// started counting anew) never gives negative deltas: the event carries
// usage_reset=true and the new total as the turn's count, and counting goes
// on from it (app-server updates whose total goes down carry usage_reset
// too). A top-level error line is held until the
// next line: when that is turn.failed with the same message, the error is
// reported once, at ERROR, by codex.turn.failed; otherwise it is a non-fatal
// codex.error at WARNING ("Reconnecting... 2/5").
//
// A stream that ends without a terminal event (SIGINT, a killed process, a
// truncated file) fails its open items as abandoned, fails its open turn, and
// closes the thread with codex.thread.exception saying so. Lines that arrive
// before thread.started (a truncated capture) run in a thread with no id.
//
// A thread keeps only its open items: a finished call costs nothing until the
// thread ends, so memory stays flat however many calls one thread makes.
// Items left open at the end are abandoned in the order they started.
//
// # Codex's own export
//
// [WithNative] joins Codex's own OpenTelemetry export (package native) to
// an exec stream read from a recording; [WithNativeLive] to one read while
// Codex runs, holding a line for its native record a bounded time. The
// stream stays the backbone; the export gives Codex's times and tool
// durations, the model, model requests, per-response usage, time to first
// token and approval decisions (docs/ARCHITECTURE.md says what comes from
// where).
// # Tokens and cost
//
// The Summary counts tokens per turn (TurnUsage) and across all the threads
// of a stream (TotalUsage). With [WithPrices] (and [WithModel] for streams
// that do not name their model, as codex exec --json does not), each token
// usage event carries what its tokens cost and what the thread's cost so
// far, in US dollars; a thread whose model has no price gets no cost, and
// the model is named in Summary.Unpriced.
//
// # Bad input
//
// Nothing in a stream panics the reader or stops it: a line that is not JSON,
// not valid UTF-8, not an object of a known shape, or over the size limit
// (16 MiB by default; Codex's command output can be large) is reported as a
// codex.bridge.invalid_line event with its line number, the reason and an
// excerpt, and reading goes on ([WithBadLineReports] caps these events per
// stream: past the cap, bad lines are counted and reported together at the
// end in one codex.bridge.invalid_lines.unreported). Blank lines and lines starting with # are
// skipped; unknown event and item types are ignored, as Codex's own parsers
// do. A stream whose first line is in the legacy format of Codex CLIs before
// 2025-10 ({"id": ..., "msg": {...}} lines) is rejected with
// [ErrLegacyFormat]; a single such line later in a stream is a bad line like
// any other.
//
// One member of an unexpected type does not cost the whole line: a line
// encoding/json cannot decode for a type mismatch is decoded again with the
// mismatched members read leniently, the rest kept as it is, and each such
// member reported as a codex.bridge.invalid_field event with the line
// number, its path in the line (item.exit_code, usage.input_tokens, or
// msg.params.threadId in a wire log) and an excerpt of its value. A number
// where a string is expected (an id, a text) becomes its text, an object or
// a list its JSON text; a count, an exit code or a time given as a string
// holding a number, as a float that is an integer (12.0, 1e3), as a
// fraction (truncated) or out of range (clamped to the field's range) is
// read as that integer; "true", "false" and numbers fill booleans; anything
// else that does not fit is left out, as if absent. So "exit_code": "0"
// still ends its command in success and "input_tokens": 12.5 still
// completes its turn. Lines that decode cost nothing more.
//
// Excerpts are cut after scrubbing: the whole line (for one over the size
// limit, its first 64 KiB), or the member's whole value, goes through the
// bus's scrubber before its first 60 bytes are taken, so that a secret the
// cut would halve is found whole and leaks no part. The bus scrubs the
// excerpt again with the rest of the event's metadata, which changes
// nothing.
package bridge
