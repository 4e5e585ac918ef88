// Command codextel turns Codex sessions into logs, traces and metrics, through
// the logging library or OpenTelemetry an application already uses. With no
// arguments it replays a bundled sample session as log lines: Python's
// format, byte for byte, unless stdout is a terminal, which gets one
// readable line per event with the level in colour (--format console,
// --color; NO_COLOR is honoured). A replay that runs past a second shows
// its progress on stderr when that is a terminal (--progress).
//
// Its subcommands replay a recorded `codex exec --json` stream (the default),
// run `codex exec` live (exec), replay an app-server wire log (appserver),
// render raw telemetry events (render), draw a session as an HTML timeline
// (timeline, or --timeline FILE on the others) and print the event catalog
// (events).
// `codextel --help` (or `codextel help`) prints the usage, with every flag,
// and `codextel --version` the version. Flags may come before or after FILE;
// for exec they come before the -- that starts codex's own arguments.
//
// Exit status: 0 on success (a replay with bad lines still exits 0 and reports
// how many on stderr, unless no line at all could be read: then 1); 2 on a usage error, with one line on stderr (a stream
// given to the wrong subcommand is one: the line names the right one); 1 when
// the input cannot be read or the telemetry output fails. For exec, codex's
// own status, or 128+N when signal N killed it; a telemetry failure there is
// reported ("codextel: telemetry: ...") but does not change the status.
//
// exec runs codex in a process group of its own, killed should codextel die
// on Linux and FreeBSD (a parent-death signal, and a watchdog process for
// what codex started), passes the first SIGINT or SIGTERM on to that group
// and kills it on a second one or after --grace, and after codex exits reads
// its output until 2s pass without any (10s at most).
// Everything codextel prints on stderr is scrubbed of secrets.
//
// With --openai-traces FILE (or --openai-traces-endpoint URL) a replay or
// exec also exports the run as the OpenAI Agents SDK's Codex tool traces it
// (package codexagents): the items its exporter would send, one JSON object
// a line, or posted to a traces ingest endpoint.
package main

import (
	"os"
)

func main() {
	watchdogIfAsked()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
