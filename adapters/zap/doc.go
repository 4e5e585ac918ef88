// Package codexzap writes codextel telemetry events through go.uber.org/zap:
// it attaches to a telemetry bus and turns each event into one zap entry,
// written by the *zap.Logger the application already has, in the
// application's own format, or in Python logging's formats, byte for byte
// what CPython's logging and python-json-logger would print.
//
//	import codexzap "github.com/codextel/codextel/adapters/zap"
//
//	logger, _ := zap.NewProduction()            // the app's logger, as it is
//	detach, err := codexzap.Attach(bus, logger) // every codex.* event, through it
//
// # Attaching
//
// Two calls wire an application in: [Attach] attaches the adapter to a bus
// (nil: the default bus) under [DefaultID] for every codex.* event, and
// returns the function that detaches exactly that attachment. [New] is the
// same handler for [telemetry.Bus.Attach], for another id or other events:
//
//	detach, err := codexzap.Attach(bus, logger)                           // codex.*, as DefaultID
//	detach, err := bus.Attach("audit", codexzap.New(logger), "codex.approval.*") // any id, any events
//
// There are no id or event options: the bus's Attach takes both, so they
// have one spelling for every adapter.
//
// # Modes
//
//   - native: [Attach] with the application's logger, untouched. Its core
//     (encoder, level, sampling, hooks, the fields given to With) writes
//     events like the application's own entries.
//   - plain and json: [Attach] with a logger whose encoder writes Python's
//     lines: [NewPythonLogger] builds one; [NewPythonEncoder] is the encoder,
//     for a core of the application's own; and a [zap.Config] can name the
//     registered encodings [TextEncoding] ("codex-python-text",
//     logging.BASIC_FORMAT) and [JSONEncoding] ("codex-python-json",
//     python-json-logger), or one added with [RegisterPythonEncoder]. The
//     lines are CPython's, as the conformance suite checks byte for byte.
//     The application's own entries may share those lines: the encoder
//     reads any zap entry as a Python record (see [NewPythonEncoder]).
//
// # Record conversion
//
// [Attach] writes an event as every codextel adapter maps it to a record
// (see package eventlog), reading the event in place rather than building
// the record (the Python encoders build its attributes when they encode the
// entry), as one entry through the logger's core (Core.Check, then
// CheckedEntry.Write), never through the Logger's methods:
//
//   - Time: the event's ([telemetry.Event.When]): for an event emitted
//     without one, the bus's clock, read once for every handler of the
//     emission. Never the zero time.
//   - Level: the catalog's Python level, by [Level] (below).
//   - LoggerName: the catalog's Python logger ("codex.tool"; for an event the
//     catalog does not list, its name up to the last dot), after the
//     application logger's own name as [zap.Logger.Named] composes names:
//     a logger named "billing" writes "billing.codex.tool".
//   - Message: the catalog's message, values rendered as Python's str()
//     does; an event the catalog does not list has its name as message.
//   - Caller and Stack: none. An event has no call site in the application,
//     and the logger's AddCaller and AddStacktrace options belong to its
//     methods, which the adapter does not use.
//   - Fields, in order: the event's metadata, its measurements, then the
//     correlation fields of the context it was emitted in (correlation_id,
//     thread_id, turn_id, span_id, parent_span_id; empty ones left out),
//     after the fields the application gave the logger's With. The first
//     field is a zapcore.SkipType field that every encoder but this
//     package's ignores: it hands the Python encoders the event itself,
//     with its exact Python level. An entry to a [NewPythonLogger] logger
//     has that field alone: its encoder reads nothing else.
//
// Values keep their types:
//
//	string                   zap.String
//	int64, uint64            zap.Int64, zap.Uint64
//	float64                  zap.Float64 (zap's JSON writes NaN, ±Inf as strings)
//	bool                     zap.Bool
//	time.Duration            zap.Duration (the encoder's EncodeDuration)
//	time.Time                zap.Time; a time zap cannot hold as Unix nanoseconds
//	                         (before 1678 or after 2262, the zero time.Time
//	                         included), which zap's epoch encoders would write as
//	                         a meaningless number, is RFC 3339 text
//	object (slog group)      zap.Object, keys in order at every depth; a group
//	                         with an empty key is put in its parent (zap.Inline)
//	list ([]any)             zap.Array, items in order, typed as above
//	*big.Int, json.Number    zap.Reflect: a JSON number of any size
//	nil                      zap.Reflect: null
//	error, fmt.Stringer, …   zap.Any: the error's text, the String() text, …
//
// The empty attribute (no key, no value) is left out, as log/slog handlers
// and pylog leave it out. A value whose encoding panics is written as
// "!PANIC: …" (zap reports an error's as a "<key>Error" field) and the line
// is kept.
//
// # Levels
//
//	Python            zap
//	DEBUG 10          DebugLevel
//	INFO 20           InfoLevel
//	WARNING 30        WarnLevel
//	ERROR 40          ErrorLevel
//	CRITICAL 50       DPanicLevel, written through the core: never a panic, an exit or a hook
//	other N           the level of the highest named level at or below N
//	                  (25 -> InfoLevel, 55 -> DPanicLevel; below 10 -> DebugLevel)
//
// CRITICAL is DPanic, the zap level for "particularly important errors",
// because it keeps CRITICAL apart from ERROR in the application's logs
// (OpenTelemetry bridges read DPanic as FATAL severity, the severity Python's
// OpenTelemetry handler gives CRITICAL) while nothing about it can stop the
// process: a development logger's panic on DPanic, Panic's panic, Fatal's
// exit and the logger's panic and fatal hooks are all done by zap.Logger's
// methods, and the adapter writes through Core.Check and CheckedEntry.Write.
// PanicLevel and FatalLevel are never used. Like zap for every level above
// Error, the core syncs its output after a CRITICAL entry.
//
// Mapping a Python level down to the named level at or below it keeps
// filtering right: a zap core at InfoLevel keeps a level-25 event, as a
// Python handler at INFO would, and one at WarnLevel drops it, as a handler
// at WARNING would. The Python encoders write the exact level ("Level 25")
// whatever zap level carried it. [PythonLevel] is the way back, for the
// application's own entries: DPanic, Panic and Fatal are CRITICAL, and the
// levels zap does not name keep their order (Level(-2) is Python's Level 9).
//
// The logger's level is asked first, before the bus prepares the event (the
// adapter is a [telemetry.EnabledHandler]): an event at a disabled level
// costs the bus's look-up of its name and one or two LevelEnabler calls on
// the catalog entry the bus hands over, and allocates nothing. The core's Check then decides for the mapped entry, so
// samplers see the rendered message, and errors writing it go to
// [WithErrorOutput] (standard error by default), as a logger's go to its
// ErrorOutput.
//
// # Performance
//
// BenchmarkAdapter compares an event emitted on a bus with the adapter
// attached against the hand-written zap call that writes the same line
// (TestBenchmarkLines checks that it is the same), its message built from
// the values as an app builds it, with zap's production encoder to
// io.Discard, and zap's Check at a disabled level against a DEBUG event on
// a bus whose logger is at INFO; each case reports its process CPU time
// per op besides ns/op. BenchmarkDisabled and BenchmarkHandleDisabled take
// the disabled case apart. TestAllocs pins no allocation per event to
// zap's own core (zapcore.NewCore) with zap's JSON or console encoder, or
// to a [NewPythonLogger] logger: those cores keep no entry, so the entry's
// message borrows the pooled buffer eventlog.AppendMessage renders it into,
// where the hand-written call makes two (its fields and its message); one
// (the entry's copy of the message) to any other core, which may keep the
// entry (a hook, a tee, a sampler, zaptest/observer); and none at a
// disabled level. The module in the benchmarks
// directory times the alternatives (zap's exp/zapslog, samber/slog-zap) in
// the same process; docs/performance.md has the figures.
package codexzap
