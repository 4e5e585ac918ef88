package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"sync"
	"time"

	codexagents "github.com/codextel/codextel/adapters/agents"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/pylog"
)

// openAITracesArgs is the function span's input: the Codex tool call's
// arguments. The stream carries no prompt (and exec's arguments are
// codex's, not the tool's), so the call is recorded as one without inputs.
const openAITracesArgs = `{"inputs": []}`

// openAITracesWait bounds how long the end of a run waits for the export
// (the SDK gives its processors 5 s at exit; 10 s leaves room for its
// retries, 1 s then 2 s, after a 5xx).
const openAITracesWait = 10 * time.Second

// checkOpenAITraces validates --openai-traces and --openai-traces-endpoint.
// Its errors name the endpoint's scheme and host at most, and never the
// API key.
func checkOpenAITraces(o *options) error {
	if o.openaiTraces != "" && o.openaiTracesEndpoint != "" {
		return usagef("--openai-traces FILE and --openai-traces-endpoint URL exclude each other: write the items or post them")
	}
	if o.openaiTraces == "-" {
		return usagef("--openai-traces needs a FILE: stdout carries the log lines")
	}
	if o.openaiTracesEndpoint == "" {
		return nil
	}
	u, err := url.Parse(o.openaiTracesEndpoint)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL
		}
		return usagef("bad --openai-traces-endpoint: %v", err)
	}
	if u.User != nil {
		return usagef("bad --openai-traces-endpoint: credentials in the URL (before @) are not accepted; the key is read from OPENAI_API_KEY")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Opaque != "" || u.Host == "" {
		return usagef("bad --openai-traces-endpoint: want an http:// or https:// URL such as %s", codexagents.DefaultEndpoint)
	}
	if os.Getenv("OPENAI_API_KEY") == "" {
		return usagef("--openai-traces-endpoint needs OPENAI_API_KEY in the environment")
	}
	return nil
}

// openAITraces is the Agents-SDK-shaped export of a run (--openai-traces,
// --openai-traces-endpoint): one trace holding the Codex tool's function
// span and its command spans, fed the stream core/bridge reads. A nil
// *openAITraces does nothing.
type openAITraces struct {
	p      *codexagents.Provider
	trace  *codexagents.Trace
	feed   *codexagents.Feed
	file   *os.File
	lines  *codexagents.JSONLinesExporter
	stderr io.Writer

	finished bool // finish has run

	mu     sync.Mutex
	failed bool // an ERROR record: the export lost something
}

// startOpenAITraces starts the export the flags ask for (nil when none):
// openOpenAITraces, then begin.
func startOpenAITraces(ctx context.Context, o *options, stderr io.Writer) (context.Context, *openAITraces, error) {
	t, err := openOpenAITraces(o, stderr)
	if err != nil || t == nil {
		return ctx, nil, err
	}
	return t.begin(ctx), t, nil
}

// openOpenAITraces makes the provider and the exporter the flags ask for
// (nil when none): FILE is created here, so that a bad one is a usage
// error before anything runs.
func openOpenAITraces(o *options, stderr io.Writer) (*openAITraces, error) {
	if o.openaiTraces == "" && o.openaiTracesEndpoint == "" {
		return nil, nil
	}
	t := &openAITraces{stderr: stderr}
	t.p = codexagents.NewProvider(codexagents.WithLogger(t.log), codexagents.WithScrubber(scrubber()))
	var exp codexagents.Exporter
	if o.openaiTraces != "" {
		f, err := os.Create(o.openaiTraces)
		if err != nil {
			return nil, usagef("cannot write --openai-traces %s: %v", o.openaiTraces, errors.Unwrap(err))
		}
		t.file = f
		t.lines = codexagents.NewJSONLinesExporter(f)
		exp = t.lines
	} else {
		exp = codexagents.NewBackendExporter(t.p, codexagents.WithEndpoint(o.openaiTracesEndpoint))
	}
	t.p.AddTraceProcessor(codexagents.NewBatchProcessor(t.p, exp))
	return t, nil
}

// begin starts the trace and the tool call, and returns ctx with a
// correlation id: the bus's events and spans of the run carry it (it is
// the OTel trace id with codextel's pipeline), and the trace's metadata
// names it as codextel_correlation_id.
func (t *openAITraces) begin(ctx context.Context) context.Context {
	if t == nil {
		return ctx
	}
	ctx, ids := correlation.Ensure(ctx)
	t.trace = t.p.NewTrace("Agent workflow", "", codexagents.Object{{Key: "codextel_correlation_id", Value: ids.Correlation}})
	t.trace.Start()
	t.feed = codexagents.NewCodexTool(t.p).Feed(t.trace, nil, openAITracesArgs)
	return ctx
}

// tee returns r, whose bytes also feed the export.
func (t *openAITraces) tee(r io.Reader) io.Reader {
	if t == nil {
		return r
	}
	return io.TeeReader(r, t.feed)
}

// finish ends the tool call with codex's exit status and the trace, and
// exports what is queued, waiting openAITracesWait at most. It returns
// errReported when the export lost something (already said on stderr).
// exit is codex's exit status, negative for a signal, as the SDK records
// it; codex's stderr is not captured (it goes to codextel's stderr).
//
// A trace not begun (codex could not be started) exports nothing. Later
// calls return nil.
func (t *openAITraces) finish(exit int) error {
	if t == nil || t.finished {
		return nil
	}
	t.finished = true
	if t.feed != nil {
		t.feed.Close(codexagents.Exit{Code: exit})
		t.trace.Finish()
	}
	ctx, cancel := context.WithTimeout(context.Background(), openAITracesWait)
	defer cancel()
	t.p.Shutdown(ctx)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.file != nil {
		err := t.lines.Err()
		if cerr := t.file.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			fmt.Fprintf(t.stderr, "codextel: openai-traces: writing %s: %s\n", t.file.Name(), scrubbed(err.Error()))
			t.failed = true
		}
	}
	if t.failed {
		return errReported
	}
	return nil
}

// log prints the SDK's warnings and errors (export failures, retries, a
// full queue) on stderr, scrubbed; an error fails the run.
func (t *openAITraces) log(r codexagents.LogRecord) {
	if r.Level < pylog.Warning {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.stderr, "codextel: openai-traces: %s\n", scrubbed(r.Message))
	if r.Level >= pylog.Error {
		t.failed = true
	}
}
