// Command codextel turns Codex sessions into logs, traces and metrics, through
// the logging library or OpenTelemetry an application already uses. With no
// arguments it replays a bundled sample session as Python-format log lines.
//
// Its subcommands replay a recorded `codex exec --json` stream (the default),
// run `codex exec` live (exec), replay an app-server wire log (appserver),
// render raw telemetry events (render) and print the event catalog (events).
// `codextel --help` prints the usage, with every flag.
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
