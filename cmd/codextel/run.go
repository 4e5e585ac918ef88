package main

import (
	"bufio"
	"cmp"
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/codextel/codextel/core/bridge"
	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/eventjson"
	"github.com/codextel/codextel/core/instrument"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/scrub"
	"github.com/codextel/codextel/core/telemetry"
)

// sample is the bundled session the command replays with no arguments: a
// real `codex exec --json` capture (Codex 0.169.0) with three MCP tool calls,
// the mcp_calls capture of shared/codex-native-otel.
//
//go:embed sample.jsonl
var sample string

// sampleNative is Codex's own export of the same run, joined to the sample
// unless --native names another (see the file's header).
//
//go:embed sample.native.jsonl
var sampleNative string

// sampleName names the bundled session in messages.
const sampleName = "the bundled sample session"

// usageText is what --help prints.
const usageText = `usage:
  codextel [flags] [FILE|-]            replay a recorded codex exec --json stream
                                        (default: a bundled sample session)
  codextel exec [flags] -- ARGS...      run codex exec --json ARGS... and log it live;
                                        exit with codex's exit status (see below)
  codextel appserver [flags] [FILE|-]   replay an app-server wire log ({"dir","msg"} lines)
  codextel render [flags] [FILE|-]      render raw telemetry events (JSON lines: optional
                                        "time", "event", "measurements", "metadata", "ids")
  codextel timeline [flags] [FILE|-] -o session.html
                                        draw a session (any stream above) as an HTML
                                        waterfall; no log output
  codextel events [--json]              print the event catalog
  codextel help | --help | --version    this text; the version

Flags may come before or after FILE (for exec, before the --). A stream given to
the wrong subcommand is refused (exit 2) with the one that reads it; a stream none
of whose lines can be read (random bytes, a binary) exits 1. The first 5 bad lines of
a stream are logged one by one (codex.bridge.invalid_line), the others counted in one
codex.bridge.invalid_lines.unreported event at the end, and on stderr.

flags:
  --adapter slog|zap|zerolog|logrus|otel   the library that writes (default slog)
  --format plain|json|native|console       Python text, python-json-logger JSON, the
                                            library's own format, or a readable line per
                                            event for a terminal (time, level, logger,
                                            message, fields); default console when stdout
                                            is a terminal and neither --fmt nor --datefmt
                                            is given, else plain (byte for byte Python's)
  --color auto|always|never  colour the console format's levels: auto when stdout is
                      a terminal, NO_COLOR is unset or empty and TERM is not dumb
                      (default auto)
  --progress auto|always|never  a replay's progress on stderr (lines, bytes, events,
                      rate), redrawn on one line from 1s on: auto when stderr is a
                      terminal (default auto)
  --fmt FORMAT        Python format string for plain (default '%(levelname)s:%(name)s:%(message)s')
  --datefmt FORMAT    strftime format for %(asctime)s
  --level LEVEL       DEBUG, INFO, WARNING, ERROR or CRITICAL (default INFO)
  --clock RFC3339     a fixed time for every event, for reproducible output (with TZ=UTC);
                      with render, a line's own time wins; implies --seed 0
  --seed N            derive correlation and span ids from N (0 to 2^64-1): two runs on
                      the same input name the same ids (default: random ids)
  --log-model-data    log prompts, agent messages and reasoning (redacted by default)
  --log-tool-data     log tool inputs and outputs (redacted by default)
  --otlp-endpoint URL the collector, for --adapter otel: http:// or https://, a host and
                      a port if any; credentials go in CODEX_OTLP_HEADERS, not the URL
                      (OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf, http/json or grpc)
  --openai-traces FILE
                      replay, exec: also write the run as the OpenAI Agents SDK's Codex tool
                      traces it, the items its exporter would send, one JSON object a line
  --openai-traces-endpoint URL
                      post those items to a traces ingest endpoint instead
                      (https://api.openai.com/v1/traces/ingest); the key is OPENAI_API_KEY
  --codex PATH        the codex binary for exec (default: codex on PATH)
  --grace DURATION    exec: how long codex has to exit after SIGINT or SIGTERM is passed
                      on, before its process group is killed (default 10s)
  --max-line BYTES    the longest stream line accepted (default 16 MiB)
  --native on|off     exec: have Codex export its own telemetry to codextel (-c otel.*
                      overrides, protocol json, to a loopback receiver; TRACEPARENT from
                      codextel's trace) and join it to the stream live (default on; a
                      line waits for its native record 1s at most, see
                      docs/ARCHITECTURE.md). This replaces, for the run, the exporters
                      of an [otel] section in Codex's config (said once on stderr)
  --native PATH       replay: join Codex's own OpenTelemetry export of the same run
                      (a directory of NNN_v1_{logs,traces,metrics}.json bodies, or a
                      JSON-lines file of bodies): records take Codex's times, tool
                      durations are Codex's, and the model, model requests, time to
                      first token and tool decisions are added (docs/ARCHITECTURE.md)
  --native-spans      exec, or a replay with --native PATH, with --adapter otel: keep
                      Codex's own spans (hundreds a turn, dropped by default) and send
                      them to the trace exporter after codex exits or the replay ends
                      (turns codextel's spans on); in exec, Codex's codex.exec span is a
                      child of codextel's thread span. They skip the bus:
                      names, status and scope are scrubbed, every attribute key and
                      value (a string under a secret key replaced whole), and
                      attributes named as model or tool data (arguments, input,
                      text, ...) are left out unless logged; other data Codex puts
                      on its spans is not redacted (docs/otel.md)
  --quiet             no summary on stderr at the end
  --timeline FILE     also write the session as a self-contained HTML timeline
                      (replay, appserver, render, exec); -o FILE for timeline
  --prices FILE       a JSON price table (see docs/prices.example.json: per model, US
                      dollars per million input, cached-input and output tokens): the
                      token usage events and the summary get the cost of each turn and
                      thread; a model the table does not name gets no cost, and is named
  --model NAME        the model of threads whose stream does not name it (codex exec
                      --json never does; exec reads codex's own -m/--model), for --prices

exec:
  codex runs in a process group of its own. On Linux and FreeBSD that group
  is killed (SIGKILL) if codextel dies: codex by a parent-death signal, what
  it started (such as the native binary the npm package's Node.js wrapper
  runs) by a watchdog process, codextel run again.
  The first SIGINT or SIGTERM is passed on to codex's process group; a second
  one, or --grace without codex exiting, kills the group with SIGKILL.
  codextel ends when codex has exited: it reads codex's output on while it
  keeps coming, until 2s pass without any, 10s at most (a process codex
  started may hold it open). It exits with codex's status, or 128+N when
  codex was killed by signal N, as a shell does; 1 at least when codex's
  stream cannot be read (the format of Codex CLIs before 2025-10).
  The model given to codex exec (-m, --model, -c model=...) is the model of
  the thread's records and spans: the stream itself never names it.
  A W3C TRACEPARENT in codextel's environment is continued: the thread span
  is a child of that span, in that trace (so a thread's two processes, exec
  then exec resume, are two thread spans of the caller's one trace).
  A telemetry failure (a collector that does not answer) is reported on
  stderr as "codextel: telemetry: ..." and does not change the status. When
  closing, the otel adapter waits for the collector 10s at most (each export
  request gives up after OTEL_EXPORTER_OTLP_TIMEOUT, default 10s, and is
  retried within that bound); a SIGINT or SIGTERM stops the wait.

render:
  JSON is read as Python's json.loads reads it (NaN, Infinity, integers of any
  size; a key given twice is one field with the last value). A measurement its
  catalog type cannot hold (1e19 or Infinity for an integer or a duration)
  makes the line bad. The first 5 bad lines are emitted as
  codex.bridge.invalid_line and described on stderr; all are counted.

exit status: 0 on success, 2 on a usage error, 1 when input or telemetry fails
  (a replay or render with bad lines still exits 0 and reports them);
  exec: as above.
`

// usageError is a bad invocation: one line on stderr, exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// options are the flags every subcommand shares.
type options struct {
	adapter, format, fmt, datefmt, level, clock string
	color, progress                             string
	otlpEndpoint, codexPath                     string
	native                                      string // --native: replay: a recorded export; exec: on or off
	openaiTraces, openaiTracesEndpoint          string
	timeline                                    string // --timeline FILE, or the timeline subcommand's -o
	prices, model                               string
	logModel, logTool, quiet                    bool
	modelData, toolData                         bool // the bus's redaction policy (flags and environment), set by newBus
	nativeSpans                                 bool // --native-spans: exec and replay forward Codex's own spans
	maxLine                                     int
	grace                                       time.Duration
	seed                                        uint64
	seeded                                      bool // --seed was given

	levelValue pylog.Level
	fixed      time.Time   // from --clock; zero when not set
	priceTable *priceTable // from --prices; nil when not set
	tools      *toolStats  // the tool calls, for the summary; set by newBus
	// pythonFlags is set when --fmt or --datefmt was given: the default
	// format is then plain, even on a terminal.
	pythonFlags bool
	// stdoutTerminal and stderrTerminal say whether stdout and stderr are
	// terminals; colorOn and progressOn are --color and --progress
	// resolved by check.
	stdoutTerminal, stderrTerminal bool
	colorOn, progressOn            bool
	// live is set by exec: its telemetry must never hold codex up, so the
	// otel adapter drops (counted) rather than apply back-pressure.
	live bool
	// errOut is the run's stderr, for what an output reports while it
	// runs; nil is os.Stderr.
	errOut io.Writer
}

// stderr returns where an output reports problems while it runs.
func (o *options) stderr() io.Writer {
	if o.errOut == nil {
		return os.Stderr
	}
	return o.errOut
}

func (o *options) register(fs *flag.FlagSet) {
	fs.StringVar(&o.adapter, "adapter", "slog", "slog, zap, zerolog, logrus or otel")
	fs.StringVar(&o.format, "format", "", "plain, json, native or console (default: console on a terminal, else plain)")
	fs.StringVar(&o.color, "color", "auto", "auto, always or never: colour the console format's levels")
	fs.StringVar(&o.progress, "progress", "auto", "auto, always or never: a replay's progress on stderr")
	fs.StringVar(&o.fmt, "fmt", "%(levelname)s:%(name)s:%(message)s", "Python format string for --format plain")
	fs.StringVar(&o.datefmt, "datefmt", "", "strftime format for %(asctime)s")
	fs.StringVar(&o.level, "level", "INFO", "DEBUG, INFO, WARNING, ERROR or CRITICAL")
	fs.StringVar(&o.clock, "clock", "", "a fixed RFC 3339 time for every event")
	fs.BoolVar(&o.logModel, "log-model-data", false, "log model data (prompts, messages, reasoning)")
	fs.BoolVar(&o.logTool, "log-tool-data", false, "log tool data (inputs, outputs)")
	fs.StringVar(&o.otlpEndpoint, "otlp-endpoint", "", "OTLP collector endpoint for --adapter otel")
	fs.StringVar(&o.openaiTraces, "openai-traces", "", "write the Agents SDK trace export's items to FILE, one JSON object a line")
	fs.StringVar(&o.openaiTracesEndpoint, "openai-traces-endpoint", "", "post the Agents SDK trace export to URL (key: OPENAI_API_KEY)")
	fs.StringVar(&o.codexPath, "codex", "", "the codex binary for exec (default: codex on PATH)")
	fs.DurationVar(&o.grace, "grace", 10*time.Second, "exec: how long codex has to exit after a passed-on signal")
	fs.IntVar(&o.maxLine, "max-line", bridge.DefaultMaxLine, "the longest stream line accepted, in bytes")
	fs.StringVar(&o.native, "native", "", "exec: on or off (default on); replay: Codex's own OTLP/JSON export of the same run (a directory of NNN_v1_*.json bodies or a JSON-lines file of bodies)")
	fs.BoolVar(&o.nativeSpans, "native-spans", false, "exec or a replay with --native PATH, with --adapter otel: forward Codex's own spans, cleaned, to the trace exporter (docs/otel.md)")
	fs.BoolVar(&o.quiet, "quiet", false, "no summary on stderr")
	fs.StringVar(&o.timeline, "timeline", "", "also write the session as an HTML timeline to FILE")
	fs.StringVar(&o.prices, "prices", "", "a JSON price table: the cost of each turn and thread")
	fs.StringVar(&o.model, "model", "", "the model of threads whose stream does not name it, for --prices")
	fs.Func("seed", "derive correlation and span ids from this number (implied, as 0, by --clock)", func(v string) error {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return fmt.Errorf("want a number from 0 to %d", uint64(math.MaxUint64))
		}
		o.seed, o.seeded = n, true
		return nil
	})
}

// check validates the flags after parsing.
func (o *options) check() error {
	if _, ok := adapters[o.adapter]; !ok {
		return usagef("unknown adapter %q (want %s)", o.adapter, adapterNames())
	}
	switch o.format {
	case "":
		o.format = "plain"
		if o.stdoutTerminal && !o.pythonFlags {
			o.format = "console"
		}
	case "plain", "json", "native", "console":
	default:
		return usagef("unknown format %q (want plain, json, native or console)", o.format)
	}
	switch o.color {
	case "auto":
		o.colorOn = o.stdoutTerminal && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
	case "always", "never":
		o.colorOn = o.color == "always"
	default:
		return usagef("bad --color %q: want auto, always or never", o.color)
	}
	switch o.progress {
	case "auto":
		o.progressOn = o.stderrTerminal
	case "always", "never":
		o.progressOn = o.progress == "always"
	default:
		return usagef("bad --progress %q: want auto, always or never", o.progress)
	}
	l, err := pylog.ParseLevel(o.level)
	if err != nil {
		return usagef("bad --level: %v", err)
	}
	o.levelValue = l
	if o.clock != "" {
		t, err := time.Parse(time.RFC3339Nano, o.clock)
		if err != nil {
			return usagef("bad --clock %q: want an RFC 3339 time such as 2025-12-02T10:52:12Z", o.clock)
		}
		o.fixed = t
	}
	if o.maxLine <= 0 {
		return usagef("bad --max-line %d: want a positive number of bytes", o.maxLine)
	}
	if o.grace <= 0 {
		return usagef("bad --grace %v: want a positive duration such as 10s", o.grace)
	}
	if err := checkOpenAITraces(o); err != nil {
		return err
	}
	if o.prices != "" {
		t, err := readPrices(o.prices)
		if err != nil {
			return usagef("%v", err)
		}
		o.priceTable = t
	}
	if o.otlpEndpoint != "" {
		return checkEndpoint(o.otlpEndpoint)
	}
	return nil
}

// bridgeOptions are the options of the stream readers: the line limit, the
// cap of bad line reports, and the prices.
func (o *options) bridgeOptions() []bridge.Option {
	opts := []bridge.Option{bridge.WithMaxLine(o.maxLine), bridge.WithBadLineReports(maxShownLines)}
	if o.priceTable != nil {
		opts = append(opts, bridge.WithPrices(o.priceTable.lookup))
	}
	if o.model != "" {
		opts = append(opts, bridge.WithModel(o.model))
	}
	return opts
}

// checkEndpoint validates --otlp-endpoint. Its errors never quote the URL
// whole: it may carry a credential; they name at most its scheme and host.
func checkEndpoint(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL
		}
		return usagef("bad --otlp-endpoint: %v", err)
	}
	if u.User != nil {
		return usagef("bad --otlp-endpoint: credentials in the URL (before @) are not accepted; pass them as a header in CODEX_OTLP_HEADERS or OTEL_EXPORTER_OTLP_HEADERS")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Opaque != "" {
		return usagef("bad --otlp-endpoint: want an http:// or https:// URL such as http://127.0.0.1:4318")
	}
	if u.Host == "" || u.Hostname() == "" {
		return usagef("bad --otlp-endpoint: no host after %s://", u.Scheme)
	}
	if strings.HasSuffix(u.Host, ":") {
		return usagef("bad --otlp-endpoint %s://%s: the port after the colon is empty", u.Scheme, u.Host)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return usagef("bad --otlp-endpoint %s://%s: port %s is not between 1 and 65535", u.Scheme, u.Hostname(), p)
		}
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return usagef("bad --otlp-endpoint %s://%s: a query or fragment is not accepted (the signal paths /v1/logs... are appended to the URL)", u.Scheme, u.Host)
	}
	return nil
}

func (o *options) now() time.Time {
	if !o.fixed.IsZero() {
		return o.fixed
	}
	return time.Now()
}

// errReported is a failure already reported on stderr: exit status 1.
var errReported = errors.New("reported on stderr")

// scrubber removes secrets from what codextel prints on stderr and from
// what it sends outside the bus (Codex's forwarded spans, the Agents SDK
// traces): scrub.New(), the scrubber the bus has by default.
var scrubber = sync.OnceValue(func() *scrub.Scrubber { return scrub.New() })

// scrubbed returns text with its secrets replaced.
func scrubbed(text string) string {
	s, _ := scrubber().String(text)
	return s
}

// run executes one invocation and returns its exit status. Every error text
// it prints is scrubbed of secrets first.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	code, err := dispatch(args, stdin, stdout, stderr)
	var ue usageError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "codextel: %s\n", scrubbed(ue.msg))
		return 2
	case errors.Is(err, errReported):
		code = max(code, 1)
	case err != nil:
		fmt.Fprintf(stderr, "codextel: %s\n", scrubbed(err.Error()))
		code = max(code, 1)
	}
	return code
}

// reportTelemetryLoss prints the error an output's close returned: what it
// could not deliver (a collector that did not answer, a write that failed).
// Each distinct line of it (errors.Join puts one error a line) is printed
// once, with the prefix.
func reportTelemetryLoss(stderr io.Writer, err error) {
	seen := map[string]bool{}
	for line := range strings.Lines(scrubbed(err.Error())) {
		line = strings.TrimSpace(line)
		if line == "" || seen[line] {
			continue
		}
		seen[line] = true
		fmt.Fprintf(stderr, "codextel: telemetry: %s\n", line)
	}
}

func dispatch(args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	cmd := "replay"
	if len(args) > 0 {
		switch args[0] {
		case "exec", "appserver", "render", "events", "replay", "timeline":
			cmd, args = args[0], args[1:]
		case "help":
			_, err := io.WriteString(stdout, usageText)
			return 0, err
		case "version":
			_, err := fmt.Fprintln(stdout, version())
			return 0, err
		}
	}
	if cmd == "events" {
		return 0, runEvents(args, stdout)
	}
	fs := flag.NewFlagSet("codextel "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var o options
	o.register(fs)
	showVersion := fs.Bool("version", false, "print codextel's version")
	if cmd == "timeline" {
		fs.StringVar(&o.timeline, "o", "", "the HTML file to write")
		fs.StringVar(&o.timeline, "output", "", "the HTML file to write")
	}
	var files []string
	var err error
	if cmd == "exec" {
		// codex's own arguments follow: flags end at the first of them.
		err = fs.Parse(args)
		files = fs.Args()
	} else {
		files, err = parseInterspersed(fs, args)
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			_, err := io.WriteString(stdout, usageText)
			return 0, err
		}
		return 0, usagef("%v (see codextel --help)", err)
	}
	if *showVersion {
		_, err := fmt.Fprintln(stdout, version())
		return 0, err
	}
	fs.Visit(func(f *flag.Flag) { o.pythonFlags = o.pythonFlags || f.Name == "fmt" || f.Name == "datefmt" })
	o.stdoutTerminal, o.stderrTerminal = isTerminal(stdout), isTerminal(stderr)
	if err := o.check(); err != nil {
		return 0, err
	}
	if cmd == "exec" {
		return runExec(&o, files, stdout, stderr)
	}
	if cmd == "timeline" && o.timeline == "" {
		return 0, usagef("timeline needs -o FILE, the HTML file to write")
	}
	if o.nativeSpans && cmd != "replay" {
		return 0, usagef("--native-spans forwards the spans of Codex's own export: it goes with exec or a replay, not %s", cmd)
	}
	if o.nativeSpans && o.adapter != "otel" {
		return 0, usagef("--native-spans sends Codex's own spans to a trace exporter: it needs --adapter otel")
	}
	if len(files) > 1 {
		return 0, usagef("%s takes one FILE (or - for stdin), got %d: %s", cmd, len(files), strings.Join(files, " "))
	}
	var file string
	if len(files) == 1 {
		file = files[0]
	}
	name, in, closeIn, err := openInput(file, cmd, stdin)
	if err != nil {
		return 0, err
	}
	defer closeIn()
	return 0, runStream(&o, cmd, name, in, stdout, stderr)
}

// parseInterspersed parses args with fs, taking flags before and after the
// positional arguments (codextel FILE --level DEBUG), as most commands do;
// after a "--" everything is positional. It returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// version is codextel's module version as the build recorded it (for a
// build from a checkout, which records none, [Version] followed by
// "(devel)"), and the Go version.
func version() string {
	v := Version + " (devel)"
	goVersion := runtime.Version()
	if info, ok := debug.ReadBuildInfo(); ok {
		if info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		goVersion = info.GoVersion
	}
	return "codextel " + v + " " + goVersion
}

// openInput opens FILE, stdin for "-", or the bundled sample for a replay
// with no argument.
func openInput(path, cmd string, stdin io.Reader) (string, io.Reader, func(), error) {
	switch {
	case path == "-":
		return "stdin", stdin, func() {}, nil
	case path == "" && (cmd == "replay" || cmd == "timeline"):
		return sampleName, strings.NewReader(sample), func() {}, nil
	case path == "":
		return "", nil, nil, usagef("%s needs a FILE (or - for stdin)", cmd)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", nil, nil, usagef("cannot read %s: %v", path, errors.Unwrap(err))
	}
	return path, f, func() { f.Close() }, nil
}

// busClock is the clock newBus gives the bus: --clock's time, or clock.
func busClock(o *options, clock func() time.Time) func() time.Time {
	if !o.fixed.IsZero() {
		return o.now
	}
	return clock
}

// newBus builds the bus for a run: redaction from the environment and the
// flags, the clock from --clock or clock.
func newBus(o *options, clock func() time.Time) (*telemetry.Bus, error) {
	model, tool, err := telemetry.DataFromEnv(os.LookupEnv)
	if err != nil {
		return nil, usagef("%v", err)
	}
	if !o.fixed.IsZero() {
		clock = o.now
	}
	o.modelData, o.toolData = model || o.logModel, tool || o.logTool
	opts := []telemetry.Option{telemetry.WithModelData(o.modelData), telemetry.WithToolData(o.toolData),
		telemetry.WithClock(clock)}
	if o.seeded || !o.fixed.IsZero() {
		// Reproducible output needs reproducible ids as well as times.
		opts = append(opts, telemetry.WithSeed(o.seed))
	}
	bus := telemetry.New(opts...)
	if o.tools, err = attachToolStats(bus); err != nil {
		return nil, err
	}
	return bus, nil
}

// runStream replays a file or stdin: an exec stream, an app-server wire log,
// or raw telemetry events.
func runStream(o *options, cmd, name string, in io.Reader, stdout, stderr io.Writer) error {
	// The wrong subcommand on a stream would read nothing, or warn on
	// every line: say which one reads it instead.
	kind, in := detectKind(in, o.maxLine)
	if cmd == "timeline" {
		// timeline reads any stream, as its own subcommand would, and
		// writes only the page (and the summary).
		cmd, stdout = cmp.Or(kind, kindExec), io.Discard
	}
	if kind != "" && kind != cmd {
		return wrongKind(cmd, kind, name)
	}
	store, err := loadNative(o, cmd, name == sampleName, stderr)
	if err != nil {
		return err
	}
	if o.nativeSpans && store == nil {
		return usagef("--native-spans forwards the spans of Codex's own export: a replay of %s needs --native PATH", name)
	}
	var fellBack atomic.Int64
	streamClock := bridge.NewStreamClock(func() time.Time { fellBack.Add(1); return time.Now() })
	bus, err := newBus(o, streamClock.Now)
	if err != nil {
		return err
	}
	// Progress, on a terminal: the input counted as it is read, the
	// events as the bus delivers them; it is the run's stderr until the
	// input is read, so that other messages do not land in its line, and
	// the way to stdout when that is the same terminal.
	var prog *progress
	if o.progressOn {
		prog = newProgress(stderr)
		defer prog.stop()
		stderr = prog
		in = prog.reader(in)
		if o.stdoutTerminal {
			stdout = prog.sharing(stdout)
		}
	}
	// A replay runs as fast as it can read: buffer the output rather than
	// make one write system call per line (exec, which is live, does not).
	buffered := bufio.NewWriterSize(stdout, 64<<10)
	defer buffered.Flush()
	o.errOut = stderr
	out, err := attach(o, bus, buffered)
	if err != nil {
		return err
	}
	ctx := context.Background()
	var traces *openAITraces
	if cmd == "replay" {
		if ctx, traces, err = startOpenAITraces(ctx, o, stderr); err != nil {
			bus.Close()
			_ = out.close()
			return err
		}
	} else if o.openaiTraces != "" || o.openaiTracesEndpoint != "" {
		bus.Close()
		_ = out.close()
		return usagef("--openai-traces and --openai-traces-endpoint trace a codex exec --json stream: %s does not read one", cmd)
	}
	tl, err := attachTimeline(o, bus, name, streamTimelineOptions(cmd, store != nil, streamClock, &fellBack, busClock(o, streamClock.Now)))
	if err != nil {
		bus.Close()
		_ = out.close()
		_ = traces.finish(0)
		return err
	}
	if prog != nil {
		if _, err := bus.Attach("codextel.progress", prog.handler(), "*"); err != nil {
			bus.Close()
			_ = out.close()
			_ = traces.finish(0)
			return err
		}
	}
	var sum bridge.Summary
	switch cmd {
	case "replay":
		opts := o.bridgeOptions()
		if store != nil {
			opts = append(opts, bridge.WithStreamClock(streamClock), bridge.WithNative(store.Index()))
		}
		sum, err = bridge.ReadExec(ctx, traces.tee(in), bus, opts...)
	case "appserver":
		sum, err = bridge.ReadAppServer(context.Background(), in, bus, append(o.bridgeOptions(), bridge.WithStreamClock(streamClock))...)
	case "render":
		sum, err = render(o, bus, in, stderr)
	}
	if prog != nil {
		prog.stop()
	}
	bus.Close()
	forwardNativeSpans(o, out, store, stderr)
	closeErr := out.close()
	// A recording has no exit status: the call ends as codex exiting 0.
	tracesErr := traces.finish(0)
	if ferr := buffered.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("writing the output: %w", ferr)
	}
	if terr := tl.write(); err == nil && terr != nil {
		err = terr
	}
	// Random bytes, a binary, the wrong file: not a replay of nothing.
	nothingRead := err == nil && sum.BadLines > 0 && sum.BadLines >= sum.Records
	if err != nil {
		fmt.Fprintf(stderr, "codextel: %s: %s\n", name, scrubbed(err.Error()))
	} else {
		// The stream was read whole: say what it held, even when the
		// telemetry could not all be delivered.
		report(o, cmd, sum, stderr)
		reportNative(o, store, stderr)
	}
	if nothingRead {
		fmt.Fprintf(stderr, "codextel: %s: no line is a Codex message or event: is this the right file?\n", name)
	}
	if closeErr != nil {
		reportTelemetryLoss(stderr, closeErr)
	}
	if err != nil || closeErr != nil || nothingRead || tracesErr != nil {
		return errReported
	}
	return nil
}

// maxShownLines is how many bad lines a stream reports one by one, each as
// a codex.bridge.invalid_line event (and, for render, described on stderr);
// the rest are counted, and reported together at the end of the stream as
// one codex.bridge.invalid_lines.unreported event.
const maxShownLines = 5

// render emits raw telemetry events; a line's own time wins over --clock.
// The first few bad lines are emitted as codex.bridge.invalid_line, as the
// bridge reports them, and described on stderr, scrubbed; the rest are
// counted in one codex.bridge.invalid_lines.unreported at the end.
func render(o *options, bus *telemetry.Bus, in io.Reader, stderr io.Writer) (bridge.Summary, error) {
	var sum bridge.Summary
	codex := instrument.Codex{Bus: bus}
	dec := eventjson.NewDecoderSize(in, o.maxLine)
	firstHeld, lastHeld := 0, 0
	for {
		e, err := dec.Next()
		if errors.Is(err, io.EOF) {
			sum.Lines = dec.Line()
			if sum.BadLinesUnreported > 0 {
				codex.InvalidLinesUnreported(context.Background(), sum.BadLinesUnreported, sum.BadLines, firstHeld, lastHeld)
			}
			return sum, nil
		}
		var le *eventjson.LineError
		if errors.As(err, &le) {
			sum.Records++
			sum.BadLines++
			if sum.BadLines > maxShownLines {
				if sum.BadLinesUnreported == 0 {
					firstHeld = le.Line
				}
				sum.BadLinesUnreported++
				lastHeld = le.Line
				continue
			}
			codex.InvalidLine(context.Background(), le.Line, le.Err.Error(), le.Excerpt)
			fmt.Fprintf(stderr, "codextel: %s\n", scrubbed(le.Error()))
			continue
		}
		if err != nil {
			return sum, err
		}
		sum.Records++
		if e.Time.IsZero() {
			e.Time = o.now()
		}
		bus.EmitEvent(context.Background(), e)
	}
}

// report writes the end-of-run summary to stderr.
func report(o *options, cmd string, sum bridge.Summary, stderr io.Writer) {
	switch {
	case sum.BadLinesUnreported > 0:
		shown := ""
		if cmd == "render" {
			shown = ", shown above"
		}
		fmt.Fprintf(stderr, "codextel: %d bad lines skipped (the first %d reported as codex.bridge.invalid_line%s, the other %d counted in codex.bridge.invalid_lines.unreported)\n",
			sum.BadLines, sum.BadLines-sum.BadLinesUnreported, shown, sum.BadLinesUnreported)
	case sum.BadLines > 0:
		fmt.Fprintf(stderr, "codextel: %d bad %s skipped (reported as codex.bridge.invalid_line)\n", sum.BadLines, plural(sum.BadLines, "line", "lines"))
	}
	if o.quiet || cmd == "render" {
		return
	}
	writeSummary(stderr, o, sum, o.tools)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func runEvents(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("codextel events", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	asJSON := fs.Bool("json", false, "print the catalog as JSON")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			_, err := io.WriteString(stdout, "usage: codextel events [--json]\n\nprints the event catalog as Markdown, or as JSON with --json\n")
			return err
		}
		return usagef("events: %v", err)
	}
	if fs.NArg() > 0 {
		return usagef("events: unexpected argument %q", fs.Arg(0))
	}
	if *asJSON {
		return catalog.WriteJSON(stdout)
	}
	return catalog.WriteMarkdown(stdout)
}
