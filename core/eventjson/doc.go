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
// A value the type cannot hold is an error naming the measurement, never
// wrapped around: an integer field takes a float only when it is a whole
// number in the int64 range (1e19, Infinity and NaN are refused), a duration
// only a finite number of nanoseconds within ±292 years. A key repeated in an
// object gives one field, as in json.loads: the last value, at the place of
// the first; a repeated member of the line (two "metadata" objects) likewise
// replaces the earlier one.
// slog drops empty groups nested inside groups, so {"a": {"b": {}}} reads as
// {"a": {}}; an empty object at the top of metadata is kept.
//
// Blank lines and lines starting with # are skipped. A malformed line is an
// error naming its line number, the member at fault and an excerpt; the
// [Decoder] stays usable, so a caller can report the line and read on. The
// excerpt is cut from the line after secrets were scrubbed from all of it
// (see [LineError]); the error's text, which may quote a value of the line,
// is not scrubbed, so a caller that prints it scrubs it first.
package eventjson
