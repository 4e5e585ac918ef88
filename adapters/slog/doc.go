// Package codexslog writes codextel telemetry events through log/slog: it
// attaches to a telemetry bus and turns each event into one [slog.Record]
// for an [slog.Handler] the application already has, written in the
// application's own format, or in Python logging's formats, byte for byte
// what CPython's logging and python-json-logger would print.
//
//	import codexslog "github.com/codextel/codextel/adapters/slog"
//
// # Attaching
//
// Two calls wire an application in: [Attach] attaches the adapter to a bus
// (nil: the default bus) under [DefaultID] for every codex.* event, and
// returns the function that detaches exactly that attachment. [New] is the
// same handler for [telemetry.Bus.Attach], for another id or other events:
//
//	detach, err := codexslog.Attach(bus, h)                           // codex.*, as DefaultID
//	detach, err := bus.Attach("audit", codexslog.New(h), "codex.approval.*") // any id, any events
//
// There are no id or event options: the bus's Attach takes both, so they
// have one spelling for every adapter.
//
// # Modes
//
//   - native: [Attach] with the application's handler (slog.NewJSONHandler,
//     slog.NewTextHandler, or any other). Events are records like the
//     application's own.
//   - plain and json: [Attach] with a [PythonHandler] over a
//     [pylog.Formatter] (logging.Formatter's text: the Agents SDK's bare
//     message, logging.basicConfig's BASIC_FORMAT, any %-, {- or $-style
//     format) or a [pylog.JSONFormatter] (python-json-logger). Lines are
//     CPython's, as the conformance suite checks byte for byte. A
//     PythonHandler is also a plain slog.Handler, so the application's own
//     slog calls can share those lines.
//
// # Record conversion
//
// [Attach] maps an event to a record as every codextel adapter does (see
// package eventlog), then hands slog:
//
//   - Time: the event's ([telemetry.Event.When]: for an event emitted
//     without one, the bus's clock, read once for every handler).
//   - Level: the catalog's Python level, as [Level] maps it (below).
//   - Message: the catalog's message, values rendered as Python's str()
//     does; an event the catalog does not list has its name as message.
//   - Attributes, in order: the Python logger name under [LoggerKey]
//     ("logger": "codex.tool"), then the event's metadata in order, its
//     measurements, and the correlation fields it carries (correlation_id,
//     thread_id, turn_id, span_id, parent_span_id).
//   - Source: none (the PC is zero); events do not come from a call site.
//
// Values keep their types: strings, integers (int64, uint64, and
// *big.Int beyond), floats, booleans and null stay what they are; durations
// are [time.Duration]s (a [PythonHandler] writes Python's timedelta);
// objects are groups, in order. Two shapes slog cannot hold are wrapped in
// values that encode themselves: a list (a []any, which may hold objects or
// NaN, which encoding/json cannot write) marshals itself as JSON, with
// NaN and infinities as the strings "NaN", "Infinity" and "-Infinity"; an
// empty object at the top of the metadata, which slog would drop as an empty
// group, marshals itself as {}. A [PythonHandler] turns both back into
// Python's list and dict.
//
// # Levels
//
//	Python       slog
//	DEBUG 10     slog.LevelDebug (-4)
//	INFO 20      slog.LevelInfo (0)
//	WARNING 30   slog.LevelWarn (4)
//	ERROR 40     slog.LevelError (8)
//	CRITICAL 50  slog.Level(12), printed "ERROR+4" by slog's handlers
//
// Other Python levels map to the nearest slog level by their offset from
// INFO, scaled by 4/10 (slog's levels are 4 apart, Python's 10): 25 is
// slog.Level(2), 5 is -6. CRITICAL is only a level: nothing panics or exits.
// [PythonLevel] maps back; every slog level survives the round trip.
//
// The bus asks the handler's Enabled, for the levels the event's catalog
// entry can give it, before it prepares the event: an event at a disabled
// level costs the bus's lookup of its name and those calls. Handlers' errors
// are ignored, as slog.Logger ignores them, unless [WithErrorHandler] says
// otherwise.
//
// # Performance
//
// BenchmarkAdapter compares an event emitted on a bus with this adapter
// attached against the same record logged with slog.Logger.LogAttrs on the
// same handler, its message built from the value, and Logger.Enabled against
// an event at a disabled level (see bench_test.go and docs/performance.md).
package codexslog
