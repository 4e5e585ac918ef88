// Command codextel turns Codex sessions into logs, traces and metrics, through
// the logging library or OpenTelemetry an application already uses.
//
//	codextel [flags] [FILE|-]            replay a recorded `codex exec --json` stream
//	                                      (default: a bundled sample session)
//	codextel exec [flags] -- ARGS...      run `codex exec --json ARGS...` and log it live;
//	                                      exit with codex's exit status
//	codextel appserver [flags] [FILE|-]   replay an app-server wire log ({"dir","msg"} lines)
//	codextel render [flags] [FILE|-]      render raw telemetry events (JSON lines: optional
//	                                      "time", "event", "measurements", "metadata")
//	codextel events [--json]              print the event catalog
//
// Flags:
//
//	--adapter slog|zap|zerolog|logrus|otel   the library that writes (default slog)
//	--format plain|json|native               Python text, python-json-logger JSON, or the
//	                                          library's own format (default plain)
//	--fmt FORMAT        the Python format string for plain (default '%(levelname)s:%(name)s:%(message)s')
//	--datefmt FORMAT    strftime format for %(asctime)s
//	--level LEVEL       DEBUG, INFO, WARNING, ERROR or CRITICAL (default INFO)
//	--clock RFC3339     a fixed time for every event, for reproducible output (with TZ=UTC)
//	--log-model-data    log prompts, agent messages and reasoning (redacted by default)
//	--log-tool-data     log tool inputs and outputs (redacted by default)
//	--otlp-endpoint URL the collector, for --adapter otel
//	--codex PATH        the codex binary for exec (default: codex on PATH)
//	--max-line BYTES    the longest stream line accepted (default 16 MiB)
//	--quiet             no summary on stderr at the end
//
// Exit status: 0 on success (a replay with bad lines still exits 0 and reports
// how many on stderr); 2 on a usage error, with one line on stderr; for exec,
// codex's own status.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
