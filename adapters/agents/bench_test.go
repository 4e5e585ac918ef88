package codexagents

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// session10k is a codex exec --json stream of 10,000 commands, each started
// and completed with a short output, between a thread.started and a
// turn.completed.
func session10k() []byte {
	var b bytes.Buffer
	b.WriteString(`{"type":"thread.started","thread_id":"01a21106-1c88-7520-87bb-fe37561ce797"}` + "\n")
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&b, `{"type":"item.started","item":{"id":"item_%d","type":"command_execution","command":"/bin/bash -lc 'ls -la src/%d'","aggregated_output":"","exit_code":null,"status":"in_progress"}}`+"\n", i, i)
		fmt.Fprintf(&b, `{"type":"item.completed","item":{"id":"item_%d","type":"command_execution","command":"/bin/bash -lc 'ls -la src/%d'","aggregated_output":"total 8\ndrwxr-xr-x 2 u u 4096 main.go\n","exit_code":0,"status":"completed"}}`+"\n", i, i)
	}
	b.WriteString(`{"type":"turn.completed","usage":{"input_tokens":12300,"cached_input_tokens":5888,"output_tokens":50}}` + "\n")
	return b.Bytes()
}

// encodeExporter writes each batch's request body and drops it: the
// exporter's work without the network.
type encodeExporter struct{ n int }

func (e *encodeExporter) Export(_ context.Context, items []Item) error {
	body := []byte(`{"data":[`)
	for i, it := range items {
		if i > 0 {
			body = append(body, ',')
		}
		body = appendPyJSON(body, it.Export(), true)
	}
	e.n += len(append(body, "]}"...))
	return nil
}

// BenchmarkSession10k traces a 10,000-command session: reading the stream
// as the SDK does, trimming each command span's data, and (export) queueing
// the 10,002 items in a batch processor whose exporter encodes every
// request body, or (spans) with no processor at all.
func BenchmarkSession10k(b *testing.B) {
	stream := session10k()
	b.Run("export", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(stream)))
		for b.Loop() {
			p := NewProvider(WithDisabled(false))
			exp := &encodeExporter{}
			bp := NewBatchProcessor(p, exp, WithScheduleDelay(time.Hour), WithMaxQueueSize(1<<20))
			p.AddTraceProcessor(bp)
			tr := p.NewTrace("Agent workflow", "", nil)
			tr.Start()
			NewCodexTool(p).Run(tr, nil, referenceArgs, bytes.NewReader(stream), nil)
			tr.Finish()
			p.ForceFlush()
			if exp.n == 0 {
				b.Fatal("nothing exported")
			}
		}
	})
	b.Run("spans", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(stream)))
		for b.Loop() {
			p := NewProvider(WithDisabled(false))
			tr := p.NewTrace("Agent workflow", "", nil)
			tr.Start()
			NewCodexTool(p).Run(tr, nil, referenceArgs, bytes.NewReader(stream), nil)
			tr.Finish()
		}
	})
}

// BenchmarkBudget fits command data whose output is 8,192 CJK characters
// (6 characters of JSON each) into the default budget: the case where the
// budget's last step shortens a value one character at a time thousands of
// times.
func BenchmarkBudget(b *testing.B) {
	out := perValue(strings.Repeat("漢", 20000), limit{n: DefaultSpanDataMaxChars})
	d := Object{{"command", "cat big.txt"}, {"status", "completed"}, {"exit_code", 0}, {"output", out}}
	b.ReportAllocs()
	for b.Loop() {
		if got := budget(d, limit{n: DefaultSpanDataMaxChars}); pySize(got) > DefaultSpanDataMaxChars {
			b.Fatal("over budget")
		}
	}
}
