package main

import (
	"bufio"
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
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
  codextel events [--json]              print the event catalog
  codextel help | --help | --version    this text; the version

Flags may come before or after FILE (for exec, before the --). A stream given to
the wrong subcommand is refused (exit 2) with the one that reads it; a stream none
of whose lines can be read (random bytes, a binary) exits 1.

flags:
  --adapter slog|zap|zerolog|logrus|otel   the library that writes (default slog)
  --format plain|json|native               Python text, python-json-logger JSON, or the
                                            library's own format (default plain)
  --fmt FORMAT        Python format string for plain (default '%(levelname)s:%(name)s:%(message)s')
  --datefmt FORMAT    strftime format for %(asctime)s
  --level LEVEL       DEBUG, INFO, WARNING, ERROR or CRITICAL (default INFO)
  --clock RFC3339     a fixed time for every event, for reproducible output (with TZ=UTC);
                      with render, a line's own time wins
  --log-model-data    log prompts, agent messages and reasoning (redacted by default)
  --log-tool-data     log tool inputs and outputs (redacted by default)
  --otlp-endpoint URL the collector, for --adapter otel: http:// or https://, a host and
                      a port if any; credentials go in CODEX_OTLP_HEADERS, not the URL
                      (OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf, http/json or grpc)
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
  --native-spans      exec, with --adapter otel: keep Codex's own spans (hundreds a turn,
                      dropped by default) and send them, string attributes scrubbed, to
                      the trace exporter after codex exits; Codex's codex.exec span is a
                      child of codextel's thread span (turns codextel's spans on)
  --quiet             no summary on stderr at the end

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
  makes the line bad. Every bad line is emitted as codex.bridge.invalid_line;
  the first 5 are described on stderr, all are counted.

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
	otlpEndpoint, codexPath                     string
	native                                      string // --native: replay: a recorded export; exec: on or off
	logModel, logTool, quiet                    bool
	nativeSpans                                 bool // --native-spans: exec forwards Codex's own spans
	maxLine                                     int
	grace                                       time.Duration

	levelValue pylog.Level
	fixed      time.Time // from --clock; zero when not set
	// live is set by exec: its telemetry must never hold codex up, so the
	// otel adapter drops (counted) rather than apply back-pressure.
	live bool
}

func (o *options) register(fs *flag.FlagSet) {
	fs.StringVar(&o.adapter, "adapter", "slog", "slog, zap, zerolog, logrus or otel")
	fs.StringVar(&o.format, "format", "plain", "plain, json or native")
	fs.StringVar(&o.fmt, "fmt", "%(levelname)s:%(name)s:%(message)s", "Python format string for --format plain")
	fs.StringVar(&o.datefmt, "datefmt", "", "strftime format for %(asctime)s")
	fs.StringVar(&o.level, "level", "INFO", "DEBUG, INFO, WARNING, ERROR or CRITICAL")
	fs.StringVar(&o.clock, "clock", "", "a fixed RFC 3339 time for every event")
	fs.BoolVar(&o.logModel, "log-model-data", false, "log model data (prompts, messages, reasoning)")
	fs.BoolVar(&o.logTool, "log-tool-data", false, "log tool data (inputs, outputs)")
	fs.StringVar(&o.otlpEndpoint, "otlp-endpoint", "", "OTLP collector endpoint for --adapter otel")
	fs.StringVar(&o.codexPath, "codex", "", "the codex binary for exec (default: codex on PATH)")
	fs.DurationVar(&o.grace, "grace", 10*time.Second, "exec: how long codex has to exit after a passed-on signal")
	fs.IntVar(&o.maxLine, "max-line", bridge.DefaultMaxLine, "the longest stream line accepted, in bytes")
	fs.StringVar(&o.native, "native", "", "exec: on or off (default on); replay: Codex's own OTLP/JSON export of the same run (a directory of NNN_v1_*.json bodies or a JSON-lines file of bodies)")
	fs.BoolVar(&o.nativeSpans, "native-spans", false, "exec with --adapter otel: forward Codex's own spans, scrubbed, to the trace exporter")
	fs.BoolVar(&o.quiet, "quiet", false, "no summary on stderr")
}

// check validates the flags after parsing.
func (o *options) check() error {
	if _, ok := adapters[o.adapter]; !ok {
		return usagef("unknown adapter %q (want %s)", o.adapter, adapterNames())
	}
	switch o.format {
	case "plain", "json", "native":
	default:
		return usagef("unknown format %q (want plain, json or native)", o.format)
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
	if o.otlpEndpoint != "" {
		return checkEndpoint(o.otlpEndpoint)
	}
	return nil
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

// scrubber removes secrets from what codextel prints on stderr.
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
		case "exec", "appserver", "render", "events", "replay":
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
	if err := o.check(); err != nil {
		return 0, err
	}
	if cmd == "exec" {
		return runExec(&o, files, stdout, stderr)
	}
	if o.nativeSpans {
		return 0, usagef("--native-spans forwards the spans of a live exec run: it goes with exec, not %s", cmd)
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
	case path == "" && cmd == "replay":
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
	return telemetry.New(telemetry.WithModelData(model || o.logModel), telemetry.WithToolData(tool || o.logTool),
		telemetry.WithClock(clock)), nil
}

// runStream replays a file or stdin: an exec stream, an app-server wire log,
// or raw telemetry events.
func runStream(o *options, cmd, name string, in io.Reader, stdout, stderr io.Writer) error {
	// The wrong subcommand on a stream would read nothing, or warn on
	// every line: say which one reads it instead.
	kind, in := detectKind(in, o.maxLine)
	if kind != "" && kind != cmd {
		return wrongKind(cmd, kind, name)
	}
	store, err := loadNative(o, cmd, name == sampleName, stderr)
	if err != nil {
		return err
	}
	streamClock := bridge.NewStreamClock(time.Now)
	bus, err := newBus(o, streamClock.Now)
	if err != nil {
		return err
	}
	// A replay runs as fast as it can read: buffer the output rather than
	// make one write system call per line (exec, which is live, does not).
	buffered := bufio.NewWriterSize(stdout, 64<<10)
	defer buffered.Flush()
	out, err := attach(o, bus, buffered)
	if err != nil {
		return err
	}
	var sum bridge.Summary
	switch cmd {
	case "replay":
		opts := []bridge.Option{bridge.WithMaxLine(o.maxLine)}
		if store != nil {
			opts = append(opts, bridge.WithStreamClock(streamClock), bridge.WithNative(store.Index()))
		}
		sum, err = bridge.ReadExec(context.Background(), in, bus, opts...)
	case "appserver":
		sum, err = bridge.ReadAppServer(context.Background(), in, bus, bridge.WithMaxLine(o.maxLine), bridge.WithStreamClock(streamClock))
	case "render":
		sum, err = render(o, bus, in, stderr)
	}
	bus.Close()
	closeErr := out.close()
	if ferr := buffered.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("writing the output: %w", ferr)
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
	if err != nil || closeErr != nil || nothingRead {
		return errReported
	}
	return nil
}

// maxShownLines is how many bad lines render describes on stderr; the rest
// are counted, and every one is emitted as codex.bridge.invalid_line.
const maxShownLines = 5

// render emits raw telemetry events; a line's own time wins over --clock.
// A bad line is emitted as codex.bridge.invalid_line, as the bridge reports
// one, and the first few are described on stderr, scrubbed.
func render(o *options, bus *telemetry.Bus, in io.Reader, stderr io.Writer) (bridge.Summary, error) {
	var sum bridge.Summary
	codex := instrument.Codex{Bus: bus}
	dec := eventjson.NewDecoderSize(in, o.maxLine)
	for {
		e, err := dec.Next()
		if errors.Is(err, io.EOF) {
			sum.Lines = dec.Line()
			return sum, nil
		}
		var le *eventjson.LineError
		if errors.As(err, &le) {
			sum.Records++
			sum.BadLines++
			codex.InvalidLine(context.Background(), le.Line, le.Err.Error(), le.Excerpt)
			if sum.BadLines <= maxShownLines {
				fmt.Fprintf(stderr, "codextel: %s\n", scrubbed(le.Error()))
			}
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
	if sum.BadLines > 0 {
		shown := ""
		if cmd == "render" && sum.BadLines > maxShownLines {
			shown = fmt.Sprintf("; the first %d shown above", maxShownLines)
		}
		fmt.Fprintf(stderr, "codextel: %d bad %s skipped (reported as codex.bridge.invalid_line%s)\n", sum.BadLines, plural(sum.BadLines, "line", "lines"), shown)
	}
	if o.quiet || cmd == "render" {
		return
	}
	fmt.Fprintf(stderr, "codextel: %d %s, %d %s (%d failed), %d %s (%d failed), %d %s, tokens %d in / %d out, %s\n",
		sum.Threads, plural(sum.Threads, "thread", "threads"),
		sum.Turns, plural(sum.Turns, "turn", "turns"), sum.TurnsFailed,
		sum.Tools, plural(sum.Tools, "tool call", "tool calls"), sum.ToolsFailed,
		sum.Approvals, plural(sum.Approvals, "approval", "approvals"),
		sum.Usage.InputTokens, sum.Usage.OutputTokens, sum.Duration.Round(time.Millisecond))
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
