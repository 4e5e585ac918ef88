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
// the same stream) and the totals. A top-level error line is held until the
// next line: when that is turn.failed with the same message, the error is
// reported once, at ERROR, by codex.turn.failed; otherwise it is a non-fatal
// codex.error at WARNING ("Reconnecting... 2/5").
//
// A stream that ends without a terminal event (SIGINT, a killed process, a
// truncated file) fails its open items as abandoned, fails its open turn, and
// closes the thread with codex.thread.exception saying so. Lines that arrive
// before thread.started (a truncated capture) run in a thread with no id.
//
// # Bad input
//
// Nothing in a stream panics the reader or stops it: a line that is not JSON,
// not valid UTF-8, not an object of a known shape, or over the size limit
// (16 MiB by default; Codex's command output can be large) is reported as a
// codex.bridge.invalid_line event with its line number, the reason and an
// excerpt, and reading goes on. Blank lines and lines starting with # are
// skipped; unknown event and item types are ignored, as Codex's own parsers
// do. The legacy format of Codex CLIs before 2025-10 ({"id": ..., "msg":
// {...}} lines) is recognised and rejected with [ErrLegacyFormat].
package bridge
