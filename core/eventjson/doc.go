// Package eventjson reads and writes telemetry events as JSON lines: the
// format `codextel render` reads and the conformance scenarios are written in.
//
// Each line is one object with these members, in any order:
//
//	{"time": "2025-12-02T10:52:12.123456789Z",        optional, RFC 3339
//	 "event": "codex.tool.success",                   required
//	 "measurements": {"duration": 1500000, ...},      optional, numbers
//	 "metadata": {"tool": "shell", ...},              optional, any JSON
//	 "ids": {"thread_id": "...", ...}}                optional, correlation fields
//
// Key order inside measurements and metadata is kept, at every depth: nested
// objects become [log/slog] groups. JSON is read as Python's json.loads reads
// it: integers are exact at any size (beyond 64 bits as *big.Int), NaN,
// Infinity and -Infinity are accepted, and an escaped lone surrogate becomes
// U+FFFD (Go strings hold UTF-8, which cannot encode one). A measurement is
// converted to the type the event catalog gives it: a duration from integer
// nanoseconds or a Go duration string ("1.5ms"), a float from any number.
// slog drops empty groups nested inside groups, so {"a": {"b": {}}} reads as
// {"a": {}}; an empty object at the top of metadata is kept.
//
// Blank lines and lines starting with # are skipped. A malformed line is an
// error naming its line number, the member at fault and an excerpt; the
// [Decoder] stays usable, so a caller can report the line and read on.
package eventjson
