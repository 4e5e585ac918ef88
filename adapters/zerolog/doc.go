// Package codexzerolog writes codextel telemetry events through
// github.com/rs/zerolog: it attaches to a telemetry bus and turns each event
// into one zerolog event of a zerolog.Logger the application already has,
// written in the application's own format, or in Python logging's formats,
// byte for byte what CPython's logging and python-json-logger would print.
//
//	import codexzerolog "github.com/codextel/codextel/adapters/zerolog"
//
// # Attaching
//
// Two calls wire an application in: [Attach] attaches the adapter to a bus
// (nil: the default bus) under [DefaultID] for every codex.* event, and
// returns the function that detaches exactly that attachment. [New] is the
// same handler for [telemetry.Bus.Attach], for another id or other events:
//
//	detach, err := codexzerolog.Attach(bus, logger)                           // codex.*, as DefaultID
//	detach, err := bus.Attach("audit", codexzerolog.New(logger), "codex.approval.*") // any id, any events
//
// There are no id or event options: the bus's Attach takes both, so they
// have one spelling for every adapter.
//
// # Modes
//
//   - native: [Attach] with the application's zerolog.Logger. Its level,
//     sampler, hooks, context fields and writer apply to events as to its own
//     lines.
//   - plain and json: [Attach] with a logger made by [NewPythonLogger] over a
//     [pylog.Formatter] (logging.Formatter: the Agents SDK's bare message,
//     logging.basicConfig's BASIC_FORMAT, any %-, {- or $-style format) or a
//     [pylog.JSONFormatter] (python-json-logger). The zerolog event is made
//     as usual (level, sampler, hooks), then the logger's hook renders the
//     event's Python record and discards zerolog's JSON: building the record
//     directly is exact (zerolog's JSON has already lost Python's types: a
//     float 1.0 reads back as 1, a duration as milliseconds) and costs no
//     second parse. The logger is an ordinary zerolog.Logger, and the
//     application's own lines through it are Python lines too.
//
// # Record conversion
//
// [Attach] writes an event as every codextel adapter maps it to a Python
// record (see package eventlog), reading the event in place rather than
// building the record (a [NewPythonLogger] logger's hook is given the
// record), as one zerolog event:
//
//   - Level: the record's level as [Level] maps it: DEBUG, INFO, WARNING and
//     ERROR are zerolog's debug, info, warn and error; CRITICAL is zerolog's
//     fatal level, written with Logger.WithLevel, which neither exits nor
//     closes the writer (Logger.Fatal would); an unnamed Python level from 8
//     to 127 keeps its number as a custom zerolog level ("25"), filtered as
//     the named level below it. No event is ever written at zerolog's panic
//     level. The level is checked before anything else: an event at a
//     disabled level costs a catalog lookup and two comparisons.
//   - Fields, in this order after zerolog's level and the logger's context
//     fields: the Python logger name under [LoggerKey] ("logger":
//     "codex.tool"; zerolog has no named loggers), the event's metadata in
//     order, its measurements, the correlation fields it carries
//     (correlation_id, thread_id, turn_id, span_id, parent_span_id; empty
//     ones left out), the time, and the message.
//   - Time: the event's ([telemetry.Event.When]: for an event emitted
//     without one, the bus's clock, read once for every handler)
//     under zerolog.TimestampFieldName, in zerolog.TimeFieldFormat.
//     When the logger stamps its lines itself (With().Timestamp()), zerolog
//     writes its own time, the moment of the write, and the adapter adds
//     none: zerolog cannot be handed a time for its stamp and would repeat
//     the key. Attach a logger without Timestamp() to log events with their
//     own time, as when replaying a recorded session.
//   - Message: the record's, rendered as Python's str() renders values. An
//     empty message is written as "message":"" (zerolog's Msg("") would
//     leave the key out).
//   - Context: the zerolog event carries the context the event was emitted
//     in (Event.GetCtx), for hooks that read trace or request ids from it.
//   - Error: none; an exception event's error is in its kind, reason and
//     error_type fields and its message.
//
// Values keep their types, through zerolog's typed methods: strings (Str),
// int64 and uint64 (Int64, Uint64), floats (Float64; NaN and infinities as
// zerolog writes them, "NaN", "+Inf", "-Inf"), booleans, durations (Dur, in
// zerolog.DurationFieldUnit), times (Time; the zero time is written as the
// zero time, 0001-01-01T00:00:00Z, never replaced), nil as null, errors (AnErr,
// through zerolog.ErrorMarshalFunc), json.Number as its digits. Objects are
// Dicts with their keys in order; an empty object is left out and an object
// with an empty key is put in its parent, as log/slog handlers do. Lists are
// Arrays; a list or object nested in a list, and any other value (*big.Int
// among them), goes through zerolog.InterfaceMarshalFunc (encoding/json by
// default), objects keeping their order. A key given twice is written twice,
// as zerolog writes it; JSON readers keep the last value.
//
// # Concurrency
//
// Attach's handler is safe for concurrent use and makes one Write per event.
// zerolog does not serialize its writes: as for the application's own lines,
// its writer must be safe for concurrent use (an *os.File is;
// zerolog.SyncWriter wraps one that is not). A [NewPythonLogger] logger
// serializes its writes itself.
//
// # Performance
//
// BenchmarkAdapter compares an event emitted on a bus with this adapter
// attached against the same line written by a hand-written zerolog call,
// its message built from the values, and through zerolog's own slog
// handler, and zerolog's disabled level against an event at a disabled
// level (see bench_test.go and docs/performance.md). A message naming
// fields is rendered into a pooled buffer that zerolog copies into its
// event, with no allocation, unless the logger has a hook of the
// application's, which may keep the message it is given.
package codexzerolog
