package codexagents

import (
	"context"
	"io"
	"sync"
)

// Feed traces one Codex tool call from a stream the caller reads itself:
// everything written to it is the codex exec --json output, read as
// [CodexTool.Run] reads it. It is how the export rides along with
// codextel's own reader, which consumes the same bytes for the bus:
//
//	feed := codexagents.NewCodexTool(p).Feed(trace, nil, arguments)
//	sum, err := bridge.ReadExec(ctx, io.TeeReader(stdout, feed), codex)
//	res := feed.Close(codexagents.Exit{Code: status})
//
// The Python-shaped export is fed the raw stream, not the bus's events,
// because the SDK's subtree depends on what those events do not carry:
// the commands and outputs the bus redacts unless tool data is allowed
// (the SDK always records them), and the lines themselves (the SDK fails
// the call at the first unparsable line and at every error line; the
// bus's reader goes on). What leaves the provider is gated as every
// export of it is: each value is scrubbed by the provider's scrubber
// before it is set (give the bus and the provider the same
// *scrub.Scrubber to apply one set of rules), and nothing is traced when
// OPENAI_AGENTS_DISABLE_TRACING is set.
//
// Write never fails and never returns an error, so the reader it is
// teed from is never stopped by it; after the call has failed (the SDK
// reads no more) the rest of the stream is read and dropped. Write
// blocks while the tracer handles the line, and copies nothing: the
// caller may reuse its buffer when Write returns.
type Feed struct {
	pw   *io.PipeWriter
	exit chan Exit
	done chan struct{}
	res  *ToolResult
	once sync.Once
}

// Feed starts tracing one tool call whose stream is written to the
// returned [Feed]; see [CodexTool.Run] for t, parent and arguments. Call
// [Feed.Close] with codex's exit status when the stream has ended.
func (c *CodexTool) Feed(t *Trace, parent *Span, arguments string) *Feed {
	pr, pw := io.Pipe()
	f := &Feed{pw: pw, exit: make(chan Exit, 1), done: make(chan struct{})}
	go func() {
		defer close(f.done)
		f.res = c.Run(t, parent, arguments, pr, func() Exit { return <-f.exit })
		// After a failure the tool reads no more; the writer must never
		// block on it.
		_, _ = io.Copy(io.Discard, pr)
	}()
	return f
}

// Write hands p to the tracer. It always returns len(p), nil.
func (f *Feed) Write(p []byte) (int, error) {
	_, _ = f.pw.Write(p) // fails only after Close
	return len(p), nil
}

// Close ends the stream, gives the tracer codex's exit status (used only
// when the stream did not fail first, as in [CodexTool.Run]) and returns
// the call's result once every span of it has ended. Later calls return
// the same result.
func (f *Feed) Close(exit Exit) *ToolResult {
	f.once.Do(func() {
		f.exit <- exit
		f.pw.Close()
	})
	<-f.done
	return f.res
}

// JSONLinesExporter is an [Exporter] writing each item as one line of
// compact JSON: the object the ingest request's "data" array would hold,
// in the order the SDK's exporter sends them (the trace when it starts,
// spans as they end), encoded as the module encodes request bodies
// (ensure_ascii). It applies no ingest sanitising: that is the default
// endpoint's. It is safe for concurrent use.
type JSONLinesExporter struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
	err error
}

// NewJSONLinesExporter returns an exporter writing to w.
func NewJSONLinesExporter(w io.Writer) *JSONLinesExporter {
	return &JSONLinesExporter{w: w}
}

// Export writes items, one per line; the first write error is returned
// (the [BatchProcessor] then logs the SDK's "Tracing exporter failed"
// record) and kept for [JSONLinesExporter.Err], and later batches are
// dropped.
func (e *JSONLinesExporter) Export(_ context.Context, items []Item) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.err != nil {
		return e.err
	}
	e.buf = e.buf[:0]
	for _, it := range items {
		o := it.Export()
		if o == nil {
			continue
		}
		e.buf = appendPyJSON(e.buf, o, true)
		e.buf = append(e.buf, '\n')
	}
	if len(e.buf) == 0 {
		return nil
	}
	if _, err := e.w.Write(e.buf); err != nil {
		e.err = err
	}
	return e.err
}

// Err returns the first write error, nil when every item was written.
func (e *JSONLinesExporter) Err() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.err
}
