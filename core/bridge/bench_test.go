package bridge

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codextel/codextel/core/telemetry"
)

// longSession builds a synthetic exec stream of at least n lines from the
// real captures: one thread.started, then the captures' turns (everything
// but their thread.started lines) repeated.
func longSession(tb testing.TB, n int) []byte {
	tb.Helper()
	files, _ := filepath.Glob("testdata/gen__*.jsonl")
	var turns [][]byte
	for _, f := range files {
		if strings.Contains(f, "sigint") { // ends mid-turn
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		for _, line := range bytes.SplitAfter(data, []byte("\n")) {
			if len(bytes.TrimSpace(line)) > 0 && !bytes.Contains(line, []byte(`"thread.started"`)) {
				turns = append(turns, line)
			}
		}
	}
	out := []byte(`{"type":"thread.started","thread_id":"01a21106-0000-7000-8000-000000000000"}` + "\n")
	for lines := 1; lines < n; {
		for _, l := range turns {
			out = append(out, l...)
			lines++
		}
	}
	return out
}

// BenchmarkBridge compares replaying a long session through the bridge and
// the bus to a no-op handler (replay) with only decoding its lines with
// encoding/json into the bridge's own line type (decode_only): the ratio is
// what the bridge adds to the unavoidable JSON decoding.
func BenchmarkBridge(b *testing.B) {
	data := longSession(b, 100_000)
	lines := bytes.Count(data, []byte("\n"))
	b.Run("decode_only", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			for _, line := range bytes.Split(data, []byte("\n")) {
				if len(line) == 0 {
					continue
				}
				var l execLine
				if err := json.Unmarshal(line, &l); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(lines), "lines/op")
	})
	b.Run("replay", func(b *testing.B) {
		bus := telemetry.New()
		n := 0
		if _, err := bus.Attach("noop", telemetry.HandlerFunc(func(context.Context, telemetry.Event) { n++ }), "*"); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			sum, err := ReadExec(context.Background(), bytes.NewReader(data), bus)
			if err != nil || sum.BadLines != 0 {
				b.Fatal(err, sum.BadLines)
			}
		}
		bus.Close()
		b.ReportMetric(float64(lines), "lines/op")
		if n == 0 {
			b.Fatal("no events")
		}
	})
}

// TestReplayMemoryIsFlat checks that replaying a session costs memory that
// does not grow with its length: the reader keeps one line, the bridge only
// the open spans.
func TestReplayMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 200k-line session")
	}
	peak := func(n int) uint64 {
		data := longSession(t, n)
		bus := telemetry.New()
		defer bus.Close()
		var maxHeap uint64
		count := 0
		// Turn completions come only from the reader's goroutine (the bus's
		// ticker emits throttle summaries on its own), so the probe needs no
		// lock.
		_, _ = bus.Attach("probe", telemetry.HandlerFunc(func(context.Context, telemetry.Event) {
			count++
			if count%(n/100) == 0 {
				if h := heapInUse(); h > maxHeap {
					maxHeap = h
				}
			}
		}), "codex.turn.completed")
		base := heapInUse()
		if _, err := ReadExec(context.Background(), bytes.NewReader(data), bus); err != nil {
			t.Fatal(err)
		}
		if maxHeap < base {
			return 0
		}
		return maxHeap - base
	}
	n := 200_000
	if raceEnabled { // the race detector makes each line ~10x slower
		n = 50_000
	}
	small, large := peak(n/10), peak(n)
	// The stream itself is in memory here (10x larger for the large run), so
	// compare the growth beyond it: it must not scale with the length.
	if large > small+8<<20 {
		t.Errorf("heap growth %d KiB for %d lines vs %d KiB for %d: memory grows with the stream", large>>10, n, small>>10, n/10)
	}
}
