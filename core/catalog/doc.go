// Package catalog is the machine-readable list of every event codextel emits:
// its name, the Python logger and level it is logged at, its message template,
// its measurements and metadata with their types and meaning, whether it is
// high-volume (and so may be throttled), and which fields carry model or tool
// data (and so are redacted unless the user opts in).
//
// The catalog is the one source for the constants in names.go, for
// docs/events.md, and for the JSON that `codextel events --json` prints and
// the CPython conformance reference reads; `go generate` rewrites the first
// two, and a test fails when either is stale.
//
// # Names and loggers
//
// Event names follow the Elixir Codex SDK, whose [:codex, :thread, :start]
// becomes codex.thread.start here. Logger names are Python-style hierarchies
// (codex.thread, codex.tool, ...), so a Python logging configuration that
// filters on them works unchanged.
//
// # Messages
//
// A message template names fields in braces: "Invoking tool {tool}". Values
// are rendered as Python's str() would render them; "{{" and "}}" are literal
// braces. Where the OpenAI Agents SDK for Python logs the same concept, the
// template and level are the SDK's own, so the lines read the same. Each entry
// has a redacted message, used by default, and may have a data message that
// also shows model or tool data, used only when the user turns logging of that
// data on (see [Entry.DataMessage]); a redacted message never names a field
// that carries data. The templates are compiled when the package is
// initialised, each field with the position its entry declares it at, and
// [Template.Append] renders one into a caller's buffer without allocating.
//
// # Correlation fields
//
// Every event also carries the correlation fields of the context it was
// emitted in (see [CorrelationFields]); templates may name them.
package catalog
