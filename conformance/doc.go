// Package conformance is the suite every codextel adapter passes: it feeds
// recorded telemetry scenarios to an adapter and compares the output, byte for
// byte, with golden transcripts produced by CPython's own logging module and
// python-json-logger; in native mode, where the adapter writes through the
// application's own JSON encoder, it checks each line's content instead.
//
//	import "github.com/codextel/codextel/conformance"
//
// # Running the suite on an adapter
//
// An adapter, in this repository or outside it, runs the suite from one test.
// Outside this repository:
//
//	go get github.com/codextel/codextel/conformance
//
// then, in the adapter's tests:
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, func(bus *telemetry.Bus, f conformance.Format, w io.Writer) (func(), error) {
//			pf, err := conformance.PythonFormatter(f) // or build the library's own Python layout for f
//			if err != nil {
//				return nil, err
//			}
//			detach, err := bus.Attach("mine", myadapter.New(myadapter.NewPythonLogger(w, pf)), "*")
//			return func() { detach() }, err
//		})
//	}
//
//	func TestNative(t *testing.T) {
//		conformance.RunNative(t, func(bus *telemetry.Bus, w io.Writer) (func(), error) {
//			detach, err := bus.Attach("mine", myadapter.New(mylib.NewJSONLogger(w)), "*")
//			return func() { detach() }, err
//		}, conformance.NativeFormat{TimeKey: "ts", LevelKey: "level", MessageKey: "msg", LoggerKey: "logger",
//			Level: func(l pylog.Level) string { return myadapter.Level(l).String() }})
//	}
//
// The scenarios and the transcripts are embedded in the package (go:embed),
// so the suite runs from the module cache with nothing else installed: no
// Python, no files next to the test. [Run] gives one subtest per scenario,
// policy, format and zone; a failure shows a line diff against CPython's
// transcript. [Test] is the same without a testing.T, returning the problems
// joined.
//
// # Scenarios
//
// scenarios/*.jsonl hold the events, one a line in the format of package
// eventjson. An event without a "time" gets a fixed one: 2025-12-02
// 10:52:12.123456 UTC plus as many milliseconds as events come before it in
// its file. A "# policies: redacted data" line renders a scenario under
// those redaction policies (redacted, model, tool, data: a bus that lets
// neither, model data, tool data or both through, as
// [github.com/codextel/codextel/core/telemetry.WithModelData] and
// [github.com/codextel/codextel/core/telemetry.WithToolData] set it); "# secret: TEXT" names a planted secret that must appear in no
// output. Each run emits the events on a fresh bus with that policy, the
// default scrubber, and no throttle, as the prepare step did for CPython.
//
//   - catalog: every event of the catalog with all its fields, under the
//     redacted and data policies (so every level the catalog uses, and both
//     messages of every event that has two; TestScenariosCoverCatalog keeps
//     it complete). No catalog event is logged at CRITICAL, so no
//     transcript has it: adapters test their CRITICAL mapping themselves;
//   - correlation: correlation ids, all, some or none;
//   - data: model and tool data under all four policies;
//   - long: 10 KiB values, long lists, a hundred-line message;
//   - nested: nested objects and lists, empty ones, repeated keys;
//   - numbers: float and integer edge cases (1.0, 0.1, 1e+20, 1.5e-07, -0.0,
//     NaN, Infinity, 2**53+1, 2**64, ...), and durations;
//   - quoting: quotes, backslashes, control characters, newlines, empty
//     strings, text that looks like a format string;
//   - secrets: planted keys, tokens and passwords, redacted and not;
//   - times: nanoseconds below the microsecond, rounding into the next
//     second, times before 1970, year 1 and year 10000, the zone's history;
//   - unicode: accents, CJK, emoji beyond the BMP, characters repr() escapes;
//   - unknown: events the catalog does not list.
//
// # Golden transcripts
//
// golden/<scenario>[.<policy>].<layout>.<zone>.log holds, for each variant
// and format, exactly what a logging.StreamHandler writes: each record's
// text and "\n". They come from CPython, never from our Go code: `make
// golden` runs the prepare step (go run ./internal/prepare), which writes the
// catalog as JSON and the scenarios' events as the bus delivers them
// (redacted and scrubbed: codextel's policy, not Python behaviour), then
// python/render.py, which builds logging.LogRecord objects from those events
// on its own (catalog lookup, message choice, str() of values, extras in
// order) and formats them with logging.Formatter and python-json-logger's
// JsonFormatter under TZ=UTC and TZ=Asia/Kolkata. render.py refuses any
// interpreter but CPython 3.11 with python-json-logger 2.0.1, and fails if
// a planted secret appears in any output. CI regenerates the transcripts
// and fails when they differ from the committed ones; so does
// TestGoldenFromCPython.
package conformance
