package bridge

import (
	"context"
	"io"
	"runtime"
	"strconv"
	"testing"

	"github.com/codextel/codextel/core/telemetry"
)

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// toolCallStream generates, without holding it, a codex exec --json stream
// of one thread and one turn with calls command executions, each started
// and completed (short lines: the decoding of long ones is not under test). Every every calls (and at the end) it calls probe with the
// number of calls generated so far, from the goroutine that reads it.
type toolCallStream struct {
	calls, every int
	probe        func(done int)

	i       int // calls generated
	state   int // 0: header, 1: calls, 2: footer, 3: done
	pending []byte
}

func (g *toolCallStream) Read(p []byte) (int, error) {
	for len(g.pending) == 0 {
		switch g.state {
		case 0:
			g.pending = append(g.pending, `{"type":"thread.started","thread_id":"01a21106-0000-7000-8000-000000000001"}`+"\n"+`{"type":"turn.started"}`+"\n"...)
			g.state = 1
		case 1:
			if g.i == g.calls {
				g.state = 2
				continue
			}
			if g.i%g.every == 0 {
				g.probe(g.i)
			}
			id := strconv.Itoa(g.i)
			g.pending = append(g.pending, `{"type":"item.started","item":{"id":"item_`+id+`","type":"command_execution","status":"in_progress"}}`+"\n"...)
			g.pending = append(g.pending, `{"type":"item.completed","item":{"id":"item_`+id+`","type":"command_execution","exit_code":0,"status":"completed"}}`+"\n"...)
			g.i++
		case 2:
			g.probe(g.i)
			g.pending = append(g.pending, `{"type":"turn.completed","usage":{"input_tokens":10,"output_tokens":2}}`+"\n"...)
			g.state = 3
		default:
			return 0, io.EOF
		}
	}
	n := copy(p, g.pending)
	g.pending = g.pending[:copy(g.pending, g.pending[n:])]
	return n, nil
}

// TestLongThreadHeapAlloc replays one thread of 2M tool calls and checks
// that the heap stays flat: the bridge keeps only the open items, not the
// id of every call the thread has made (which cost ~85 bytes a call, 186 MiB
// at 2M calls). It skips under the race detector, whose shadow memory makes
// heap numbers meaningless; make test runs it without.
func TestLongThreadHeapAlloc(t *testing.T) {
	if raceEnabled {
		t.Skip("heap measurements under the race detector are meaningless")
	}
	if testing.Short() {
		t.Skip("replays 4M lines")
	}
	const calls = 2_000_000
	bus := telemetry.New()
	defer bus.Close()
	tools := 0
	_, _ = bus.Attach("count", telemetry.HandlerFunc(func(context.Context, telemetry.Event) { tools++ }), "codex.tool.success")
	var base, peak uint64
	gen := &toolCallStream{calls: calls, every: calls / 20, probe: func(done int) {
		h := heapInUse()
		switch {
		case done == calls/10:
			base = h // the reader, the bus and the maps are warm by now
		case done > calls/10:
			peak = max(peak, h)
		}
	}}
	sum, err := ReadExec(context.Background(), gen, bus)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Tools != calls || tools != calls || sum.ToolsFailed != 0 || sum.Turns != 1 || sum.TurnsFailed != 0 {
		t.Fatalf("summary %+v, %d tool successes", sum, tools)
	}
	growth := int64(peak) - int64(base)
	t.Logf("heap in use after %d calls: %d KiB; peak over the next %d: %d KiB (growth %d KiB)",
		calls/10, base>>10, calls-calls/10, peak>>10, growth>>10)
	if growth > 4<<20 {
		t.Errorf("the heap grew by %d KiB over %d tool calls of one thread: the bridge keeps what it no longer needs", growth>>10, calls-calls/10)
	}
}
