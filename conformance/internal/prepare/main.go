// Command prepare writes the input of the CPython reference: the event
// catalog, the formats, and the scenarios' events as the telemetry bus
// delivers them to handlers (redacted and scrubbed). `make golden` runs it,
// then python/render.py.
//
//	go run ./internal/prepare -scenarios scenarios -out DIR
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/codextel/codextel/conformance/internal/suite"
)

func main() {
	scenarios := flag.String("scenarios", "scenarios", "the directory of scenario files (*.jsonl)")
	out := flag.String("out", "", "the directory to write into (created if missing)")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: prepare -scenarios DIR -out DIR")
		os.Exit(2)
	}
	if err := suite.WriteReference(*out, os.DirFS(*scenarios)); err != nil {
		fmt.Fprintf(os.Stderr, "prepare: %v\n", err)
		os.Exit(1)
	}
}
