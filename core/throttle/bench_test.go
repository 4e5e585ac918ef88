package throttle_test

import (
	"math"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/codextel/codextel/core/throttle"
)

// sink keeps the compiler from discarding the benchmarked decisions.
var sink int

// benchNames are high-volume event names of the catalog.
var benchNames = []string{
	"codex.item.agent_message.delta",
	"codex.item.reasoning.delta",
	"codex.item.command_execution.output_delta",
	"codex.thread.token_usage.updated",
	"codex.turn.diff.updated",
}

// threadID returns a key shaped like a thread id (a UUIDv7).
func threadID(i int) string {
	s := strconv.FormatInt(0x3b4c5d6e7f80+int64(i), 16)
	return "0199a6b2-6d8e-7c3a-9f12-" + s
}

// populate offers one event of every pair of benchNames × keys thread ids and
// ticks, so that the benchmarked pair finds a published table of that size.
func populate(th *throttle.Throttle, keys int) {
	for _, name := range benchNames {
		for i := range keys {
			th.Allow(name, threadID(i))
		}
	}
	th.Tick(time.Unix(0, 0))
}

func BenchmarkThrottle(b *testing.B) {
	name := benchNames[2]
	unlimited := throttle.WithSampler(math.MaxInt, 0, time.Second)

	b.Run("allow", func(b *testing.B) {
		th := throttle.New(unlimited)
		populate(th, 8)
		key := threadID(3)
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			if th.Allow(name, key) {
				n++
			}
		}
		sink += n
	})
	b.Run("drop", func(b *testing.B) {
		// The default sampler, on a pair past its first 100 events: 99 in
		// 100 decisions drop.
		th := throttle.New()
		populate(th, 8)
		key := threadID(3)
		for range 1000 {
			th.Allow(name, key)
		}
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			if th.Allow(name, key) {
				n++
			}
		}
		sink += n
	})
	b.Run("allow_10k_keys", func(b *testing.B) {
		th := throttle.New(unlimited)
		populate(th, 2000)
		key := threadID(1234)
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			if th.Allow(name, key) {
				n++
			}
		}
		sink += n
	})
	// The parallel variants give each goroutine its own key, as each thread
	// has its own stream.
	parallel := func(b *testing.B, th *throttle.Throttle) {
		var next atomic.Int64
		var total atomic.Int64
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			key := threadID(int(next.Add(1)))
			for range 1000 {
				th.Allow(name, key)
			}
			n := 0
			for pb.Next() {
				if th.Allow(name, key) {
					n++
				}
			}
			total.Add(int64(n))
		})
		sink += int(total.Load())
	}
	b.Run("allow_parallel", func(b *testing.B) {
		th := throttle.New(unlimited)
		populate(th, 64)
		parallel(b, th)
	})
	b.Run("drop_parallel", func(b *testing.B) {
		th := throttle.New()
		populate(th, 64)
		parallel(b, th)
	})
}
