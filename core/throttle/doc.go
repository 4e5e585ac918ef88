// Package throttle limits high-volume telemetry events: streaming deltas,
// command output chunks, token-usage and diff updates. The event bus asks a
// [Throttle] about each such event with [Throttle.Allow] and delivers it only
// if allowed; lifecycle events (starts, stops, failures) are never offered, so
// they always pass. Nothing is dropped silently: every drop is counted, and
// [Throttle.Flush] reports the counts, which the bus emits as
// codex.telemetry.dropped events.
//
//	import "github.com/codextel/codextel/core/throttle"
//
// # Strategies
//
// Each (name, key) pair is throttled on its own: the name is the event's, the
// key is optional (the bus uses the thread id, so that one noisy thread does
// not silence another). One of two strategies applies, chosen by option:
//
//   - [WithSampler](first, thereafter, interval): in each interval, the first
//     events pass, then every thereafter-th, and the rest are dropped. This is
//     the shape of zap's sampler (zapcore/sampler.go).
//   - [WithTokenBucket](rate, burst): a bucket of up to burst tokens, full at
//     first, gains rate tokens a second; an event passes if it can take a
//     whole token.
//
// # Default
//
// [New] without options samples: per pair, the first 100 events of each second,
// then every 100th. These are the numbers of zap's production configuration
// (Initial 100, Thereafter 100, one-second tick), which many services run, so
// their effect is familiar. 100 a second is above what a healthy stream sends: a
// model streams its answer in tens of deltas a second, a command's output comes
// in chunks of a pipe buffer, and token-usage and diff updates come once per
// step. So normal streams pass whole, and a runaway (a command printing a
// gigabyte of log) is cut to about 1% after its first 100 events each second.
// Sampling suits this better than a bucket: a flood still shows, at a rate that
// grows with it, so a consumer sees the stream is alive and roughly how heavy
// it is, and each second starts with a fresh allowance.
//
// # Time
//
// The decision path reads no clock: [time.Now] costs about 65 ns on the machine
// the figures below come from, three times a whole decision. Time moves only
// when the owner calls [Throttle.Tick], as the bus does from a ticker goroutine
// that calls Tick and then Flush; tests drive Tick by hand and never sleep. A
// sampler's interval ends, and buckets gain tokens, at a Tick.
//
// So decisions see time at the granularity of the ticks, which is the price of
// the cheap decision, as zap trades precision for speed. With ticks every T, an
// interval ends at the first Tick at or after its nominal end, so it lasts up
// to T longer (the next one starts at the nominal time, so the error does not
// add up), and a bucket refills in steps of rate×T tokens (fractions carry over,
// so the long-run rate is exact). Between ticks time stands still: without
// ticks, a sampler never starts a new interval and a bucket never refills.
// Only timing is coarse: the counts are exact, as below.
//
// # Exact accounting
//
// For any interleaving of calls, the events allowed plus the Dropped of every
// Flush, up to a Flush made after the last Allow returned, equal the events
// offered: no drop is lost or counted twice, under any concurrency. Each pair's
// state is one atomic word that the decision increments; the value it gets
// both decides the event and, as the strategy is a fixed function of it, tells
// how many events of the current span were dropped. Tick closes a span with one
// Swap or CompareAndSwap of the word, and Flush reads it, so the counts follow
// from the same increments as the decisions. (zap's sampler, by contrast,
// hashes messages into a fixed array of counters and resets them racily, so
// unrelated messages may share a counter and a tick may be over- or
// under-sampled.)
//
// Each [Drop] says how long its count took to gather: the Tick time since the
// previous Flush, or since the pair was first seen if later.
//
// # Memory
//
// Memory stays bounded whatever the keys:
//
//   - At a Tick, a pair's cell is evicted once it has seen no event for a whole
//     interval (a sampler's interval; a second for a token bucket, whose
//     bucket must also be full). Such a cell is in the state a new one would
//     have, so eviction changes no decision. A cell whose drops have not been
//     flushed is never evicted.
//   - [WithMaxKeys](n) (default 10000) caps the pairs with a cell of their own.
//     Past the cap, an event of a new pair is decided and counted in its
//     name's overflow cell, shared by all the pairs of that name that found no
//     room, and reported in a [Drop] with Overflow set. At most n names get an
//     overflow cell; the rest share one catch-all cell (Name ""). Accounting
//     stays exact; only the attribution to keys is coarser.
//
// So there are at most 2n+1 cells. A cell takes 96 bytes, plus a copy of its
// key and 32 to 64 bytes of hash-table slots: about 200 to 250 bytes, under 512
// while the tables are being rebuilt, so the default cap allows a few megabytes
// at worst. TestMemoryBounded checks the bound under 10 million events. Keys are
// copied, as they are often cut from a larger buffer; names are kept as given,
// since they are constants, which lets the decision compare them by pointer (a
// name cut from a larger string would keep that string alive while its cells
// live).
//
// # Cost
//
// [Throttle.Allow] takes no lock, reads no clock and allocates nothing once a
// pair has been seen: it reads an immutable hash table through an atomic
// pointer, hashes the key with [hash/maphash] and samples the name (names are
// hashed in full only if two of them ever share a sample), then makes one
// atomic add. A new pair is looked up under a mutex until a new table is
// published, at the next Tick or once such lookups have cost as much as
// copying the table. Tick is linear in the number of cells for a token bucket,
// and for a sampler once per interval.
//
// On a 2-core Oxide virtual machine (AMD Turin-class, Zen 5) with Go 1.26,
// shared with other work while measured (load average 2 to 3), 6 runs
// summarised by benchstat (median ± 95% confidence interval), and the fastest
// of the 6:
//
//	                                   median            fastest  allocs/op
//	BenchmarkThrottle/allow            18.9 ns ± 11%     16.8 ns  0
//	BenchmarkThrottle/drop             20.5 ns ± 11%     18.3 ns  0
//	BenchmarkThrottle/allow_10k_keys   19.2 ns ± 20%     17.0 ns  0
//	BenchmarkThrottle/allow_parallel   16.6 ns ± 70%     12.6 ns  0
//	BenchmarkThrottle/drop_parallel    17.9 ns ±  8%     16.5 ns  0
//
// allow and drop use 5 names × 8 thread ids, drop a pair past its first 100
// events, allow_10k_keys 5 × 2000; the parallel ones give each goroutine its
// own thread id (per operation, so two cores at full speed would halve the
// single-threaded time; other runs reached 8.6 ns). Of a decision, about 7 ns
// is the atomic add, 5 ns hashing the key, and the rest the probe, the key
// comparison and the name sample. Reproduce with
//
//	cd core && go test -run '^$' -bench Throttle -benchmem -count 6 ./throttle | tee new.txt
//	go run golang.org/x/perf/cmd/benchstat@latest new.txt
package throttle
