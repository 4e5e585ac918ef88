// Command codextel turns Codex telemetry into logs.
//
//	codextel events [--json]     print the event catalog (Markdown, or JSON)
//
// Exit status: 0 on success, 2 on a usage error (one line on stderr).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/codextel/codextel/core/catalog"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one codextel invocation and returns its exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "codextel: usage: codextel events [--json]")
		return 2
	}
	switch args[0] {
	case "events":
		return runEvents(args[1:], stdout, stderr)
	default:
		fmt.Fprintf(stderr, "codextel: unknown command %q (usage: codextel events [--json])\n", args[0])
		return 2
	}
}

func runEvents(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("codextel events", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	asJSON := fs.Bool("json", false, "print the catalog as JSON")
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(stderr, "codextel events: %v\n", err)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "codextel events: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	write := catalog.WriteMarkdown
	if *asJSON {
		write = catalog.WriteJSON
	}
	if err := write(stdout); err != nil {
		fmt.Fprintf(stderr, "codextel events: %v\n", err)
		return 1
	}
	return 0
}
