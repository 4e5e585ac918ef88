// Package codexlogrus writes codextel telemetry events through
// github.com/sirupsen/logrus: it attaches to a telemetry bus and turns each
// event into one logrus entry of a *logrus.Logger (or *logrus.Entry) the
// application already has, written in the application's own format, or in
// Python logging's formats, byte for byte what CPython's logging and
// python-json-logger would print.
//
//	import codexlogrus "github.com/codextel/codextel/adapters/logrus"
//
// # Attaching
//
// Two calls wire an application in: [Attach] attaches the adapter to a bus
// (nil: the default bus) under [DefaultID] for every codex.* event, and
// returns the function that detaches exactly that attachment. [New] is the
// same handler for [telemetry.Bus.Attach], for another id or other events:
//
//	detach, err := codexlogrus.Attach(bus, logger)                           // codex.*, as DefaultID
//	detach, err := bus.Attach("audit", codexlogrus.New(logger), "codex.approval.*") // any id, any events
//
// There are no id or event options: the bus's Attach takes both, so they
// have one spelling for every adapter.
//
// # Modes
//
//   - native: [Attach] with the application's *logrus.Logger, *logrus.Entry
//     or other logrus.FieldLogger. Its level, hooks, formatter and output
//     apply to events as to its own entries.
//   - plain and json: [Attach] with a logger whose Formatter is a
//     [PythonFormatter] ([NewPythonLogger] makes one) over a
//     [pylog.Formatter] (logging.Formatter: the Agents SDK's bare message,
//     logging.basicConfig's BASIC_FORMAT, any %-, {- or $-style format) or a
//     [pylog.JSONFormatter] (python-json-logger). logrus.Fields is a map, so
//     an entry cannot tell its formatter the order of its fields: each entry
//     the adapter writes also carries its Python record, in the entry's
//     Context (a context that answers for the record under a private key and
//     for everything else as the context the event was emitted in), and the
//     PythonFormatter renders that record, fields in order. The
//     application's own entries through the same logger are Python lines
//     too, their fields sorted by key.
//
// # Record conversion
//
// [Attach] maps an event to a Python record as every codextel adapter does
// (see package eventlog), then writes one entry with Entry.Log:
//
//   - Level: the record's level as [Level] maps it: DEBUG, INFO, WARNING and
//     ERROR are logrus' debug, info, warning and error. CRITICAL is logrus'
//     error level, with the field [LevelNameKey] ("levelname": "CRITICAL"):
//     logrus' fatal and panic levels are never used, since logrus ties them
//     to exiting and panicking (Entry.Log at PanicLevel panics in logrus
//     1.9.x, and hooks for those levels may exit), and an event must never
//     stop the process. logrus has no other levels and cannot carry a
//     number (an unknown logrus.Level prints "unknown"), so an unnamed
//     Python level is written at the named level below it, which also
//     decides whether it is written, with its Python name in the levelname
//     field ("Level 25"). [PythonLevel] maps back; with the levelname field,
//     a [PythonFormatter] gets every Python level back exactly. The level is
//     checked first: an event at a disabled level costs a catalog lookup and
//     the logger's IsLevelEnabled.
//   - Fields (Entry.Data): the fields of the entry given to Attach, the
//     Python logger name under [LoggerKey] ("logger": "codex.tool"; logrus
//     has no named loggers), the levelname field when needed, the event's
//     metadata, its measurements, and the correlation fields it carries
//     (correlation_id, thread_id, turn_id, span_id, parent_span_id; empty
//     ones left out). A key given twice keeps its last value.
//   - Order: logrus.Fields is a map. logrus.JSONFormatter writes the keys
//     sorted (encoding/json sorts map keys), and logrus.TextFormatter sorts
//     them too unless DisableSorting is set, in which case their order is
//     random. So the top-level field order of an event cannot be kept by
//     logrus' own formatters; the order inside objects is kept ([Object]),
//     and a [PythonFormatter] keeps every order.
//   - Time: the event's ([telemetry.Event.When]: for an event emitted
//     without one, the bus's clock, read once for every handler)
//     through Entry.Time, so logrus does not stamp it with the moment
//     of the write; the formatter writes it in its own format
//     (JSONFormatter's default, RFC 3339, keeps whole seconds).
//   - Message: the record's, rendered as Python's str() renders values.
//   - Context: Entry.Context is the context the event was emitted in, for
//     hooks that read trace or request ids from it.
//   - Error: none; an exception event's error is in its kind, reason and
//     error_type fields and its message.
//
// Values keep their Go types in Entry.Data, for hooks and formatters:
// string, int64, uint64, float64, bool, time.Duration (which encoding/json
// writes as nanoseconds), time.Time (the zero time stays the zero time,
// 0001-01-01T00:00:00Z in JSON, never replaced), nil, error (which
// JSONFormatter writes as its text), json.Number, *big.Int. NaN and the
// infinities, which encoding/json cannot write (logrus would drop the whole
// line), are the strings "NaN", "Infinity" and "-Infinity". Objects are
// [Object]s: their keys in order in JSON and in text (TextFormatter prints
// an object's JSON); an empty object is left out and an object with an empty
// key is put in its parent, as log/slog handlers do. Lists are []any of the
// same values. logrus' formatters write a field named like one of their own
// keys (time, msg, level, logrus_error; func and file when the logger reports
// the caller) as "fields.<name>".
//
// # Concurrency
//
// Attach's handler is safe for concurrent use and makes one Write per event;
// logrus serializes the writes to its output under the logger's lock (unless
// SetNoLock was called).
//
// # Performance
//
// BenchmarkAdapter compares an event emitted on a bus with this adapter
// attached against the same line written by a hand-written logrus call, its
// message built from the values, and logrus' level check against an event
// at a disabled level (see bench_test.go and docs/performance.md).
package codexlogrus
