package throttle_test

import (
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/codextel/codextel/core/throttle"
)

// TestMemoryBounded offers 10 million events (2 million under -race, whose
// instrumentation makes each decision about 30 times slower) from 8
// goroutines to 10 names × 100 keys, plus a new key every 64th event, which
// makes about 156,000 distinct keys; meanwhile another goroutine ticks a
// quarter of an interval at a time and flushes. It checks that the live heap
// stays under the bound the cells allow, and that allowed + dropped ==
// offered, per name.
//
// The bound: at most maxKeys + names cells (one per admitted pair, one
// overflow cell per name; the catch-all is not needed with 10 names). A cell
// is 96 bytes; the key it copies, 16 to 32 here; its slots in the table, 32
// to 64 bytes, twice over while a new table is built; a map entry of about
// 80 bytes while it waits to be published. That is under 512 bytes a cell;
// 1 MiB on top covers the fixed parts (seeds, names, empty tables) and what
// the test itself holds.
func TestMemoryBounded(t *testing.T) {
	const (
		workers  = 8
		names    = 10
		keys     = 100
		maxKeys  = 2000
		perCell  = 512
		fixed    = 1 << 20
		newEvery = 64
	)
	events := 10_000_000
	if raceEnabled {
		events = 2_000_000
	}
	bound := uint64(fixed + (maxKeys+names)*perCell)

	nameOf := make([]string, names)
	keyOf := make([]string, keys)
	for i := range names {
		nameOf[i] = "codex.test.event" + strconv.Itoa(i)
	}
	for i := range keys {
		keyOf[i] = threadID(i)
	}

	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	base := heap()

	th := throttle.New(throttle.WithMaxKeys(maxKeys))
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	th.Tick(now)

	var offered, allowed [names]atomic.Int64
	var wg sync.WaitGroup
	per := events / workers
	for w := range workers {
		wg.Go(func() {
			var off, all [names]int64
			buf := []byte("new-" + strconv.Itoa(w) + "-")
			prefix := len(buf)
			// A different walk through the pairs for each worker.
			x := uint32(w*7919 + 1)
			for i := range per {
				x ^= x << 13
				x ^= x >> 17
				x ^= x << 5
				n := int(x % names)
				key := keyOf[(x/names)%keys]
				if i%newEvery == 0 {
					key = string(strconv.AppendInt(buf[:prefix], int64(i), 10))
				}
				off[n]++
				if th.Allow(nameOf[n], key) {
					all[n]++
				}
				if i%4096 == 0 {
					runtime.Gosched() // let the ticking goroutine in
				}
			}
			for n := range names {
				offered[n].Add(off[n])
				allowed[n].Add(all[n])
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()

	var dropped [names]int64
	overflowed := false
	collect := func(drops []throttle.Drop) {
		for _, d := range drops {
			overflowed = overflowed || d.Overflow
			for n := range names {
				if d.Name == nameOf[n] {
					dropped[n] += d.Dropped
				}
			}
		}
	}
	var peak uint64
	ticks, samples := 0, 0
	lastSample := time.Now()
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
			// Tick as often as the scheduler lets this goroutine run
			// among the workers.
			runtime.Gosched()
			now = now.Add(250 * time.Millisecond)
			th.Tick(now)
			collect(th.Flush())
			ticks++
			if ticks%256 == 0 || time.Since(lastSample) > 20*time.Millisecond {
				peak = max(peak, heap())
				samples++
				lastSample = time.Now()
			}
		}
	}
	collect(th.Flush())
	peak = max(peak, heap())
	runtime.KeepAlive(th)

	var off, all, drp int64
	for n := range names {
		o, a := offered[n].Load(), allowed[n].Load()
		if a+dropped[n] != o {
			t.Errorf("%s: allowed %d + dropped %d != offered %d", nameOf[n], a, dropped[n], o)
		}
		off, all, drp = off+o, all+a, drp+dropped[n]
	}
	if off != int64(per*workers) {
		t.Errorf("offered %d, want %d", off, per*workers)
	}
	if drp == 0 || !overflowed {
		t.Errorf("dropped %d, overflow cells dropped %v: the test does not exercise the cap", drp, overflowed)
	}
	growth := peak - min(peak, base)
	if growth > bound {
		t.Errorf("the heap grew by %d bytes, over the bound of %d", growth, bound)
	}
	t.Logf("%d events, %d allowed, %d dropped, %d ticks; heap grew by at most %d KiB over %d samples (bound %d KiB)",
		off, all, drp, ticks, growth>>10, samples+1, bound>>10)
}
