package codexagents

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/codextel/codextel/core/bridge"
	"github.com/codextel/codextel/core/telemetry"
)

var idRE = regexp.MustCompile(`(trace|span)_[0-9a-f]{24,32}`)
var timeFieldRE = regexp.MustCompile(`"(started_at|ended_at)":"[^"]*",`)

// normaliseLines replaces ids by ordinals in order of first sight and
// drops the times, so two exports of the same stream compare equal.
func normaliseLines(s string) string {
	seen := map[string]string{}
	n := map[string]int{}
	s = timeFieldRE.ReplaceAllString(s, "")
	return idRE.ReplaceAllStringFunc(s, func(id string) string {
		if o, ok := seen[id]; ok {
			return o
		}
		kind := id[:strings.IndexByte(id, '_')]
		n[kind]++
		seen[id] = kind + "_" + strconv.Itoa(n[kind])
		return seen[id]
	})
}

// exportLines traces stream with trace, run by feed (through a Feed, the
// stream read by core/bridge into a bus through a TeeReader, in chunks
// of chunk bytes) or by Run, and returns the JSON lines exported and the
// result.
func exportLines(t *testing.T, stream []byte, exit Exit, feed bool, chunk int) (string, *ToolResult) {
	t.Helper()
	var out bytes.Buffer
	p := NewProvider(WithDisabled(false), WithLogData(false))
	exp := NewJSONLinesExporter(&out)
	p.AddTraceProcessor(NewBatchProcessor(p, exp, WithScheduleDelay(time.Hour)))
	tr := p.NewTrace("Agent workflow", "", nil)
	tr.Start()
	tool := NewCodexTool(p, WithIncludeSensitiveData(true))
	var res *ToolResult
	if feed {
		f := tool.Feed(tr, nil, referenceArgs)
		bus := telemetry.New()
		var r io.Reader = bytes.NewReader(stream)
		if chunk > 0 {
			r = iotest.HalfReader(io.LimitReader(r, int64(len(stream))))
		}
		if _, err := bridge.ReadExec(context.Background(), io.TeeReader(r, f), bus); err != nil {
			t.Fatalf("bridge: %v", err)
		}
		bus.Close()
		res = f.Close(exit)
		if again := f.Close(Exit{Code: 9}); again != res {
			t.Error("a second Close returned another result")
		}
	} else {
		res = tool.Run(tr, nil, referenceArgs, bytes.NewReader(stream), func() Exit { return exit })
	}
	tr.Finish()
	p.Shutdown(context.Background())
	if err := exp.Err(); err != nil {
		t.Fatal(err)
	}
	return out.String(), res
}

// TestFeedMatchesRun traces every shared transcript twice, through a
// Feed teed from core/bridge's reader and through Run: the exported lines
// (ids and times normalised) and the results are the same.
func TestFeedMatchesRun(t *testing.T) {
	files, err := filepath.Glob("testdata/transcripts/*.jsonl")
	if err != nil || len(files) != 22 {
		t.Fatalf("want 22 transcripts, got %d (%v)", len(files), err)
	}
	for i, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			stream := withoutComments(readFile(t, f))
			exit := Exit{Code: i % 2}
			want, wres := exportLines(t, stream, exit, false, 0)
			for _, chunk := range []int{0, 1} {
				got, gres := exportLines(t, stream, exit, true, chunk)
				if normaliseLines(got) != normaliseLines(want) {
					t.Errorf("chunked %v: Feed exported\n%s\nRun exported\n%s", chunk > 0, got, want)
				}
				if gres.Output != wres.Output || gres.Failure != wres.Failure {
					t.Errorf("chunked %v: result %+v, want %+v", chunk > 0, gres, wres)
				}
			}
			if !strings.HasPrefix(want, `{"object":"trace",`) || strings.Count(want, "\n") < 2 {
				t.Errorf("export does not start with the trace and a span:\n%s", want)
			}
		})
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFeedNeverBlocks writes a long stream after a first line that fails
// the call: the SDK reads no more, and the writer is not held up.
func TestFeedNeverBlocks(t *testing.T) {
	p := NewProvider(WithDisabled(false))
	tr := p.NewTrace("w", "", nil)
	f := NewCodexTool(p).Feed(tr, nil, "{}")
	line := bytes.Repeat([]byte(`{"type":"item.completed","item":{"id":"m","type":"agent_message","text":"x"}}`+"\n"), 1000)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if n, err := f.Write([]byte("not json\n")); n != 9 || err != nil {
			t.Errorf("Write = %d, %v", n, err)
		}
		for range 100 {
			if n, err := f.Write(line); n != len(line) || err != nil {
				t.Errorf("Write = %d, %v", n, err)
				return
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Write blocked after the call failed")
	}
	res := f.Close(Exit{})
	if res.Failure != "Failed to parse event: not json" {
		t.Errorf("failure %q", res.Failure)
	}
	if n, err := f.Write([]byte("late\n")); n != 5 || err != nil {
		t.Errorf("Write after Close = %d, %v", n, err)
	}
}

// TestFeedSecrets plants every case of core/scrub's secrets corpus in a
// stream read by core/bridge into a bus and teed into a Feed: no secret
// reaches the exported lines.
func TestFeedSecrets(t *testing.T) {
	cases := readSecretCases(t)
	var out bytes.Buffer
	p := NewProvider(WithDisabled(false))
	exp := NewJSONLinesExporter(&out)
	p.AddTraceProcessor(NewBatchProcessor(p, exp, WithScheduleDelay(time.Hour), WithMaxQueueSize(1<<20)))
	for i, c := range cases {
		stream, exit := secretStream(c.Text, i)
		tr := p.NewTrace("Agent workflow", "", Object{{"note", c.Text}})
		tr.Start()
		f := NewCodexTool(p, WithIncludeSensitiveData(true)).Feed(tr, nil, `{"inputs":[{"type":"text","text":`+jsonStr(c.Text)+`}]}`)
		bus := telemetry.New()
		if _, err := bridge.ReadExec(context.Background(), io.TeeReader(strings.NewReader(stream), f), bus); err != nil {
			t.Fatal(err)
		}
		bus.Close()
		f.Close(exit)
		tr.Finish()
	}
	p.Shutdown(context.Background())
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) < 3*len(cases) {
		t.Fatalf("%d lines exported for %d cases", len(lines), len(cases))
	}
	for _, l := range leaks(cases, "exported line", lines) {
		t.Error(l)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestJSONLinesExporterError checks that a write error is kept, logged
// by the batch processor with the SDK's message, and stops later writes.
func TestJSONLinesExporterError(t *testing.T) {
	var logs logSink
	p := NewProvider(WithDisabled(false), WithLogData(false), WithLogger(logs.add))
	exp := NewJSONLinesExporter(failWriter{})
	p.AddTraceProcessor(NewBatchProcessor(p, exp, WithScheduleDelay(time.Hour)))
	traceWithSpans(p, 2)
	p.ForceFlush()
	if exp.Err() == nil || exp.Err().Error() != "disk full" {
		t.Fatalf("Err() = %v", exp.Err())
	}
	if !strings.Contains(logs.text(), "ERROR [non-fatal] Tracing exporter failed; dropping batch of 3 items") {
		t.Errorf("logs:\n%s", logs.text())
	}
	if err := exp.Export(context.Background(), nil); err == nil {
		t.Error("a later Export did not report the error")
	}
}
