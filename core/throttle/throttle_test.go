package throttle_test

import (
	"fmt"
	"math"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/codextel/codextel/core/throttle"
)

// t0 is the origin the tests tick from.
var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// A step is one move of a scripted test: offer events and check each
// decision, advance the clock, or flush and check the drops.
type step struct {
	name, key string
	want      string // offer len(want) events; '+' must be allowed, '-' dropped

	tick time.Duration // Tick at the clock plus tick (when want is "" and flush false)

	flush bool
	drops []throttle.Drop // what Flush must return
}

func offer(name, key, want string) step { return step{name: name, key: key, want: want} }
func tick(d time.Duration) step         { return step{tick: d} }
func flush(drops ...throttle.Drop) step { return step{flush: true, drops: drops} }
func drop(name, key string, n int64, iv time.Duration) throttle.Drop {
	return throttle.Drop{Name: name, Key: key, Dropped: n, Interval: iv}
}

// run plays steps on th, which has not been ticked: the script starts with
// the origin Tick at t0.
func run(t *testing.T, th *throttle.Throttle, steps []step) {
	t.Helper()
	now := t0
	th.Tick(now)
	for i, s := range steps {
		switch {
		case s.flush:
			got := th.Flush()
			if !reflect.DeepEqual(got, s.drops) {
				t.Fatalf("step %d: Flush() = %+v, want %+v", i, got, s.drops)
			}
		case s.want != "":
			var got strings.Builder
			for range len(s.want) {
				if th.Allow(s.name, s.key) {
					got.WriteByte('+')
				} else {
					got.WriteByte('-')
				}
			}
			if got.String() != s.want {
				t.Fatalf("step %d: Allow(%q, %q) decided %s, want %s", i, s.name, s.key, got.String(), s.want)
			}
		default:
			now = now.Add(s.tick)
			th.Tick(now)
		}
	}
}

func TestStrategies(t *testing.T) {
	const ms = time.Millisecond
	tests := []struct {
		name  string
		opts  []throttle.Option
		steps []step
	}{
		{
			name: "sampler first 2 then every 3rd",
			opts: []throttle.Option{throttle.WithSampler(2, 3, time.Second)},
			steps: []step{
				offer("a", "k1", "++--+--+--"),
				offer("a", "k2", "++-"), // each key on its own
				offer("b", "k1", "++-"), // and each name
				tick(500 * ms),          // half an interval: no reset
				offer("a", "k1", "+-"),  // events 11 and 12
				flush(drop("a", "k1", 7, 500*ms), drop("a", "k2", 1, 500*ms), drop("b", "k1", 1, 500*ms)),
				tick(500 * ms), // the interval ends
				offer("a", "k1", "++--+"),
				flush(drop("a", "k1", 2, 500*ms)),
				flush(), // nothing new
			},
		},
		{
			name: "default is first 100 per second then every 100th",
			steps: []step{
				offer("a", "", strings.Repeat("+", 100)+strings.Repeat("-", 99)+"+"+strings.Repeat("-", 99)+"+-"),
				tick(999 * ms),
				offer("a", "", "-"),
				tick(ms),
				offer("a", "", strings.Repeat("+", 100)+"-"),
				flush(drop("a", "", 201, time.Second)),
			},
		},
		{
			name: "sampler thereafter 0 drops all after first",
			opts: []throttle.Option{throttle.WithSampler(1, 0, time.Second)},
			steps: []step{
				offer("a", "", "+----"),
				tick(time.Second),
				offer("a", "", "+-"),
				flush(drop("a", "", 5, time.Second)),
			},
		},
		{
			name: "sampler first 0 thereafter 1 allows all",
			opts: []throttle.Option{throttle.WithSampler(0, 1, time.Second)},
			steps: []step{
				offer("a", "", "++++++"),
				flush(),
			},
		},
		{
			name: "sampler first 0 thereafter 4",
			opts: []throttle.Option{throttle.WithSampler(0, 4, time.Second)},
			steps: []step{
				offer("a", "", "---+---+-"),
				flush(drop("a", "", 7, 0)),
			},
		},
		{
			name: "sampler interval ends at the first tick past it and keeps its phase",
			opts: []throttle.Option{throttle.WithSampler(1, 0, time.Second)},
			steps: []step{
				offer("a", "", "+-"),
				tick(300 * ms), tick(300 * ms), tick(300 * ms), // 900 ms
				offer("a", "", "-"),
				tick(300 * ms), // 1.2 s: the interval [0, 1 s) ended; the next started at 1 s
				offer("a", "", "+-"),
				tick(300 * ms), tick(300 * ms), // 1.8 s
				offer("a", "", "-"),
				tick(300 * ms), // 2.1 s: [1 s, 2 s) ended
				offer("a", "", "+"),
				flush(drop("a", "", 4, 2100*ms)),
			},
		},
		{
			name: "no tick, no time",
			opts: []throttle.Option{throttle.WithSampler(2, 0, time.Nanosecond)},
			steps: []step{
				offer("a", "", "++---"),
				offer("a", "", "---"),
				tick(time.Nanosecond),
				offer("a", "", "++-"),
			},
		},
		{
			name: "token bucket",
			opts: []throttle.Option{throttle.WithTokenBucket(2, 3)},
			steps: []step{
				offer("a", "k", "+++--"), // starts full
				offer("a", "j", "+++-"),  // each key its own bucket
				tick(250 * ms),           // half a token
				offer("a", "k", "-"),
				tick(250 * ms), // a whole one
				offer("a", "k", "+-"),
				flush(drop("a", "j", 1, 500*ms), drop("a", "k", 4, 500*ms)),
				tick(10 * time.Second), // fills up to burst, no more
				offer("a", "k", "+++-"),
				flush(drop("a", "k", 1, 10*time.Second)),
			},
		},
		{
			name: "token bucket carries fractions of a token",
			opts: []throttle.Option{throttle.WithTokenBucket(0.3, 2)},
			steps: []step{
				offer("a", "", "++-"),
				tick(time.Second), tick(time.Second), tick(time.Second), // 0.9 tokens
				offer("a", "", "-"),
				tick(time.Second), // 1.2: one token, 0.2 carried
				offer("a", "", "+-"),
				tick(time.Second), tick(time.Second), // 0.8
				offer("a", "", "-"),
				tick(time.Second), // 1.1
				offer("a", "", "+-"),
				flush(drop("a", "", 5, 7*time.Second)),
			},
		},
		{
			name: "a full token bucket holds no fraction",
			opts: []throttle.Option{throttle.WithTokenBucket(0.3, 1)},
			steps: []step{
				offer("a", "", "+"),
				tick(4 * time.Second), // full again: the 0.2 over is not kept
				offer("a", "", "+-"),
				tick(3 * time.Second), // 0.9
				offer("a", "", "-"),
				tick(time.Second),
				offer("a", "", "+-"),
			},
		},
		{
			name: "token bucket with rate 0 never refills",
			opts: []throttle.Option{throttle.WithTokenBucket(0, 2)},
			steps: []step{
				offer("a", "", "++-"),
				tick(time.Hour),
				offer("a", "", "-"),
			},
		},
		{
			name: "time going backwards counts as no time",
			opts: []throttle.Option{throttle.WithTokenBucket(1, 1)},
			steps: []step{
				offer("a", "", "+-"),
				tick(-time.Hour),
				offer("a", "", "-"),
				tick(time.Second), // a second after the earlier time
				offer("a", "", "+-"),
				flush(drop("a", "", 3, time.Second)),
			},
		},
		{
			name: "interval of a drop starts when the pair is first seen",
			opts: []throttle.Option{throttle.WithSampler(1, 0, time.Minute)},
			steps: []step{
				offer("a", "old", "+"),
				tick(2 * time.Second),
				offer("a", "new", "+-"),
				offer("a", "old", "-"),
				tick(3 * time.Second),
				flush(drop("a", "new", 1, 3*time.Second), drop("a", "old", 1, 5*time.Second)),
				tick(time.Second),
				offer("a", "new", "-"),
				flush(drop("a", "new", 1, time.Second)),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run(t, throttle.New(tt.opts...), tt.steps)
		})
	}
}

func TestOptions(t *testing.T) {
	// Out-of-range values are clamped or replaced, as the options document.
	tests := []struct {
		name string
		opt  throttle.Option
		want string // decisions of 6 events offered without a tick
	}{
		{"negative first is 0", throttle.WithSampler(-5, 2, time.Second), "-+-+-+"},
		{"negative thereafter drops all after first", throttle.WithSampler(2, -1, time.Second), "++----"},
		{"zero interval is a second", throttle.WithSampler(1, 0, 0), "+-----"},
		{"burst below 1 is 1", throttle.WithTokenBucket(1, 0), "+-----"},
		{"NaN rate is 0", throttle.WithTokenBucket(math.NaN(), 2), "++----"},
		{"unlimited sampler", throttle.WithSampler(math.MaxInt, 0, time.Second), "++++++"},
		{"unlimited bucket", throttle.WithTokenBucket(math.Inf(1), math.MaxInt), "++++++"},
		{"nil option is ignored", nil, "++++++"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run(t, throttle.New(tt.opt), []step{offer("a", "", tt.want)})
		})
	}
	t.Run("zero interval is a second, in time", func(t *testing.T) {
		run(t, throttle.New(throttle.WithSampler(1, 0, 0)), []step{
			offer("a", "", "+-"),
			tick(999 * time.Millisecond),
			offer("a", "", "-"),
			tick(time.Millisecond),
			offer("a", "", "+-"),
		})
	})
	t.Run("negative rate is 0", func(t *testing.T) {
		run(t, throttle.New(throttle.WithTokenBucket(-1, 1)), []step{
			offer("a", "", "+-"),
			tick(time.Hour),
			offer("a", "", "-"),
		})
	})
	t.Run("last strategy wins", func(t *testing.T) {
		run(t, throttle.New(throttle.WithTokenBucket(1, 1), throttle.WithSampler(2, 0, time.Second)), []step{
			offer("a", "", "++-"),
		})
		run(t, throttle.New(throttle.WithSampler(2, 0, time.Second), throttle.WithTokenBucket(1, 1)), []step{
			offer("a", "", "+-"),
		})
	})
	t.Run("max keys below 1 keeps the default", func(t *testing.T) {
		th := throttle.New(throttle.WithMaxKeys(0), throttle.WithSampler(0, 0, time.Second))
		for i := range 10000 {
			th.Allow("a", strconv.Itoa(i))
		}
		th.Allow("a", "one more")
		drops := th.Flush()
		if len(drops) != 10001 || !drops[10000].Overflow || drops[9999].Overflow {
			t.Fatalf("got %d drops, the last %+v; want 10000 own cells and an overflow", len(drops), drops[len(drops)-1])
		}
	})
}

func TestNil(t *testing.T) {
	var th *throttle.Throttle
	th.Tick(t0)
	for range 1000 {
		if !th.Allow("a", "") {
			t.Fatal("a nil Throttle dropped an event")
		}
	}
	if d := th.Flush(); d != nil {
		t.Fatalf("Flush() = %v, want nil", d)
	}
}

func TestKeyCap(t *testing.T) {
	ov := func(name string, n int64, iv time.Duration) throttle.Drop {
		return throttle.Drop{Name: name, Overflow: true, Dropped: n, Interval: iv}
	}
	// Two cells for pairs, two overflow cells for names, then the catch-all.
	th := throttle.New(throttle.WithMaxKeys(2), throttle.WithSampler(1, 0, time.Second))
	run(t, th, []step{
		offer("a", "k1", "+-"),
		offer("a", "k2", "+-"),
		offer("a", "k3", "+-"), // a's overflow cell
		offer("a", "k4", "--"), // shares it
		offer("b", "k1", "+-"), // b's overflow cell
		offer("c", "k1", "+-"), // no room for c's: the catch-all
		offer("d", "", "--"),   // shares it
		offer("a", "k1", "-"),  // still its own cell
		flush(ov("", 3, 0), drop("a", "k1", 2, 0), drop("a", "k2", 1, 0), ov("a", 3, 0), ov("b", 1, 0)),
	})
}

func TestKeyCapKeepsAdmittedPairs(t *testing.T) {
	// A pair admitted just before the cap is reached keeps its own cell even
	// before any Tick has published it, also once its name has an overflow
	// cell that pairs without a cell find without a lock.
	ov := func(name string, n int64) throttle.Drop {
		return throttle.Drop{Name: name, Overflow: true, Dropped: n}
	}
	th := throttle.New(throttle.WithMaxKeys(3), throttle.WithSampler(0, 0, time.Second))
	run(t, th, []step{
		offer("a", "k1", "-"),
		offer("a", "k2", "-"),
		offer("a", "k3", "-"), // the third and last cell
		offer("a", "k4", "-"), // overflow
		offer("a", "k3", "--"),
		offer("a", "k4", "-"),
		flush(drop("a", "k1", 1, 0), drop("a", "k2", 1, 0), drop("a", "k3", 3, 0), ov("a", 2)),
	})
}

func TestEviction(t *testing.T) {
	// A pair's cell is evicted once idle for a whole interval with its drops
	// flushed; then a pair that was in overflow gets a cell of its own. The
	// cap is 1 so that which pair has a cell shows in the drops.
	ov := func(name string, n int64, iv time.Duration) throttle.Drop {
		return throttle.Drop{Name: name, Overflow: true, Dropped: n, Interval: iv}
	}
	s := time.Second
	t.Run("sampler", func(t *testing.T) {
		run(t, throttle.New(throttle.WithMaxKeys(1), throttle.WithSampler(1, 0, s)), []step{
			offer("a", "k1", "+-"),
			offer("a", "k2", "+-"),
			tick(s), // k1 was used in [0, 1 s): kept; its drop moves to pending
			offer("a", "k2", "+"),
			tick(s), // k1 idle for [1 s, 2 s) but has a drop to flush: kept
			tick(s),
			offer("a", "k2", "+-"), // so k2 is still in overflow
			flush(drop("a", "k1", 1, 3*s), ov("a", 2, 3*s)),
			tick(s), // k1 idle and flushed: evicted
			offer("a", "k2", "+-"),
			flush(drop("a", "k2", 1, 0)), // k2's own cell, made at 4 s
			offer("a", "k1", "+-"),       // now k1 is in overflow
			flush(ov("a", 1, 0)),
		})
	})
	t.Run("sampler cell used in the last interval is kept", func(t *testing.T) {
		run(t, throttle.New(throttle.WithMaxKeys(1), throttle.WithSampler(1, 0, s)), []step{
			offer("a", "k1", "+"),
			tick(s / 2),
			tick(s / 2), // used in [0, 1 s)
			offer("a", "k1", "+"),
			tick(s), // used in [1 s, 2 s)
			offer("a", "k2", "+-"),
			flush(ov("a", 1, 0)),
		})
	})
	t.Run("token bucket", func(t *testing.T) {
		run(t, throttle.New(throttle.WithMaxKeys(1), throttle.WithTokenBucket(1, 1)), []step{
			offer("a", "k1", "+-"),
			tick(s),     // full again at 1 s, but used since the last tick
			tick(s / 2), // full and unused, for half a second
			offer("a", "k2", "+-"),
			flush(drop("a", "k1", 1, 3*s/2), ov("a", 1, 0)),
			tick(s / 2), // unused for a second: evicted
			offer("a", "k2", "+-"),
			flush(drop("a", "k2", 1, 0)),
		})
	})
	t.Run("token bucket not full is kept", func(t *testing.T) {
		run(t, throttle.New(throttle.WithMaxKeys(1), throttle.WithTokenBucket(0.1, 1)), []step{
			offer("a", "k1", "+"),
			tick(3 * s), tick(3 * s), tick(3 * s), // unused for 6 s, but holds 0.9 tokens: kept
			offer("a", "k2", "+-"),
			flush(ov("a", 1, 0)),
			tick(s), // full: evicted
			offer("a", "k2", "+-"),
			flush(drop("a", "k2", 1, 0)),
		})
	})
	t.Run("unflushed drops keep the cell", func(t *testing.T) {
		th := throttle.New(throttle.WithMaxKeys(1), throttle.WithSampler(0, 0, s))
		run(t, th, []step{
			offer("a", "k1", "---"),
			tick(s), tick(s), tick(s), tick(s), tick(s),
			offer("a", "k2", "-"), // k1 has its cell still
			flush(drop("a", "k1", 3, 5*s), ov("a", 1, 0)),
		})
	})
}

// TestExactAccounting checks the invariant allowed + flushed drops == offered,
// per name, while goroutines offer events to pairs that come and go and
// another goroutine ticks (a whole interval per tick, so idle cells are
// evicted all the time) and flushes. Run it with -race.
func TestExactAccounting(t *testing.T) {
	const (
		workers = 8
		names   = 3
	)
	perWorker := 20000
	if raceEnabled {
		perWorker = 5000
	}
	strategies := []struct {
		name string
		opts []throttle.Option
	}{
		{"sampler", []throttle.Option{throttle.WithSampler(3, 5, time.Second)}},
		{"sampler overflowing", []throttle.Option{throttle.WithSampler(3, 5, time.Second), throttle.WithMaxKeys(8)}},
		{"bucket", []throttle.Option{throttle.WithTokenBucket(1000, 5)}},
		{"bucket overflowing", []throttle.Option{throttle.WithTokenBucket(1000, 5), throttle.WithMaxKeys(8)}},
		{"catch-all", []throttle.Option{throttle.WithSampler(1, 2, time.Second), throttle.WithMaxKeys(1)}},
	}
	for _, st := range strategies {
		t.Run(st.name, func(t *testing.T) {
			th := throttle.New(st.opts...)
			th.Tick(t0)
			var offered, allowed [names]atomic.Int64
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					var off, all [names]int64
					for i := range perWorker {
						// Each worker hops between its own keys in runs of
						// 16 events, so keys go idle and are evicted while
						// others are offered; every 7th event uses a key
						// shared by all workers.
						n := (i / 16) % names
						key := fmt.Sprintf("w%d-k%d", w, (i/16)%5)
						if i%7 == 0 {
							key = "shared"
						}
						off[n]++
						if th.Allow(strconv.Itoa(n), key) {
							all[n]++
						}
						if i%32 == 0 {
							runtime.Gosched() // interleave with the ticks
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

			var dropped [names + 1]int64 // the last is the catch-all
			collect := func(drops []throttle.Drop) {
				for _, d := range drops {
					if d.Dropped <= 0 {
						t.Errorf("a Drop with Dropped %d", d.Dropped)
					}
					if d.Name == "" {
						dropped[names] += d.Dropped
						continue
					}
					n, _ := strconv.Atoi(d.Name)
					dropped[n] += d.Dropped
				}
			}
			now := t0
			ticks := 0
			for running := true; running; {
				select {
				case <-done:
					running = false
				default:
					now = now.Add(time.Second)
					th.Tick(now)
					collect(th.Flush())
					ticks++
					runtime.Gosched()
				}
			}
			collect(th.Flush())

			var off, all, drp int64
			for n := range names {
				off += offered[n].Load()
				all += allowed[n].Load()
				drp += dropped[n]
				if dropped[names] == 0 && allowed[n].Load()+dropped[n] != offered[n].Load() {
					t.Errorf("name %d: allowed %d + dropped %d != offered %d", n, allowed[n].Load(), dropped[n], offered[n].Load())
				}
			}
			drp += dropped[names]
			if all+drp != off {
				t.Errorf("allowed %d + dropped %d = %d, offered %d", all, drp, all+drp, off)
			}
			if drp == 0 || all == 0 {
				t.Errorf("allowed %d, dropped %d: the test exercises nothing", all, drp)
			}
			t.Logf("%d offered, %d allowed, %d dropped, %d ticks", off, all, drp, ticks)
		})
	}
}

func TestAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector; `make test` also runs this test without -race")
	}
	th := throttle.New(throttle.WithMaxKeys(4))
	th.Tick(t0)
	for i := range 4 {
		th.Allow("codex.item.agent_message.delta", strconv.Itoa(i))
	}
	th.Allow("codex.item.agent_message.delta", "overflow")
	th.Tick(t0.Add(time.Millisecond)) // publishes the cells
	for range 200 {
		th.Allow("codex.item.agent_message.delta", "1") // past 100: mostly drops
	}
	now := t0.Add(time.Millisecond)
	wantAllocs(t, "Allow, allowed", 0, func() { th.Allow("codex.item.agent_message.delta", "0") })
	wantAllocs(t, "Allow, dropped", 0, func() { th.Allow("codex.item.agent_message.delta", "1") })
	wantAllocs(t, "Allow, overflow", 0, func() { th.Allow("codex.item.agent_message.delta", "another") })
	wantAllocs(t, "Tick within an interval", 0, func() { now = now.Add(time.Nanosecond); th.Tick(now) })
	quiet := throttle.New()
	quiet.Allow("codex.item.agent_message.delta", "0")
	wantAllocs(t, "Flush, nothing dropped", 0, func() { quiet.Flush() })
}

func wantAllocs(t *testing.T, what string, want int, f func()) {
	t.Helper()
	if got := testing.AllocsPerRun(100, f); int(got) != want {
		t.Errorf("%s: %v allocs per run, want %d", what, got, want)
	}
}
