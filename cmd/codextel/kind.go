package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// The kinds of stream codextel reads, by the subcommand that reads them.
const (
	kindExec      = "replay"    // codex exec --json: {"type": ...}
	kindAppServer = "appserver" // app-server wire log: {"dir", "msg"}, or bare JSON-RPC
	kindEvents    = "render"    // raw telemetry events: {"event": ...}
)

// kindLines is how many meaningful lines detectKind reads at most.
const kindLines = 8

// detectKind reads the first meaningful lines of in (not blank, not #
// comments, JSON objects) and says which subcommand reads such a stream, ""
// when none of them tells. It returns a reader that yields in from its
// start, whatever was read.
func detectKind(in io.Reader, maxLine int) (string, io.Reader) {
	br := bufio.NewReaderSize(in, 64<<10)
	var read bytes.Buffer
	kind := ""
	for seen := 0; seen < kindLines && kind == "" && read.Len() < maxLine; {
		line, err := br.ReadSlice('\n')
		read.Write(line)
		for errors.Is(err, bufio.ErrBufferFull) && read.Len() < maxLine {
			line, err = br.ReadSlice('\n')
			read.Write(line)
		}
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] == '{' {
			seen++
			kind = kindOf(t)
		}
		if err != nil {
			break
		}
	}
	return kind, io.MultiReader(bytes.NewReader(read.Bytes()), br)
}

// kindOf says which stream a line that is a JSON object belongs to, from its
// top-level members; "" when it cannot tell (a malformed line, a legacy
// {"id","msg"} exec line, which the exec reader reports itself).
func kindOf(line []byte) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(line, &m) != nil {
		return ""
	}
	has := func(k string) bool { _, ok := m[k]; return ok }
	switch {
	case has("type"):
		return kindExec
	case has("dir") && has("msg"), has("jsonrpc"), has("method"):
		return kindAppServer
	case has("event"):
		return kindEvents
	}
	return ""
}

// wrongKind is the error for a stream given to the wrong subcommand: it
// names the one that reads it.
func wrongKind(cmd, kind, name string) error {
	what := map[string]string{
		kindExec:      "a codex exec --json stream",
		kindAppServer: "an app-server wire log",
		kindEvents:    "raw telemetry events",
	}[kind]
	run := "codextel " + kind
	if kind == kindExec {
		run = "codextel"
	}
	return usagef("%s is %s, which %s does not read: run %s %s", name, what, cmd, run, name)
}
