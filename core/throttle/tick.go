package throttle

import (
	"cmp"
	"slices"
	"time"
)

// A Drop reports the events of one (name, key) pair that a [Throttle] dropped
// over an interval.
type Drop struct {
	Name string
	// Key is the key the events were offered with; "" for an overflow cell.
	Key string
	// Overflow is set when the events came from pairs that found no room
	// under [WithMaxKeys]: all of Name's, or, with Name "", any name's.
	Overflow bool
	// Dropped is the number of events dropped in the interval, at least 1.
	Dropped int64
	// Interval is the Tick time the count covers: since the previous Flush,
	// or since the pair was first seen if that was later. Time before the
	// first Tick does not count.
	Interval time.Duration
}

// Tick advances the throttle's clock to now; the owner calls it
// periodically, typically from a [time.Ticker], then calls [Throttle.Flush].
// It is the only source of time: a sampler's interval ends, and buckets are
// refilled, at a Tick. Decisions therefore see time at the granularity of the
// ticks; see the package documentation.
//
// The first Tick sets the origin. Later ones add the time since the previous
// Tick, using the monotonic clock reading when both times have one; a time
// before the previous one counts as no time. Tick also evicts the cells that
// have gone unused, and publishes the cells made since the previous Tick to
// the lock-free path (see the package documentation). Its cost is linear in
// the number of cells for a token bucket, and for a sampler at the end of an
// interval; otherwise it is that of publishing new cells, if any.
func (t *Throttle) Tick(now time.Time) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.started {
		t.started = true
		t.last = now
		return
	}
	d := now.Sub(t.last)
	t.last = now
	if d <= 0 {
		return
	}
	t.clock += int64(d)

	switch t.cfg.strategy {
	case sampling:
		iv := int64(t.cfg.interval)
		if t.clock-t.epoch < iv {
			t.promote()
			return
		}
		t.epoch += (t.clock - t.epoch) / iv * iv
		t.sweep(t.resetInterval)
	case tokenBucket:
		add := t.cfg.rate * float64(d) // nano-tokens
		t.sweep(func(c *cell) bool { return t.refill(c, add) })
	}
}

// promote publishes the cells made since the last table. t.mu is held.
func (t *Throttle) promote() {
	for _, x := range []*index{&t.cells, &t.over} {
		if len(x.dirty) > 0 {
			t.rebuild(x, nil)
		}
	}
}

// sweep applies f to every cell, which reports whether it evicted the cell,
// then publishes new tables without the evicted cells and with those made
// since the last table. t.mu is held.
func (t *Throttle) sweep(f func(*cell) bool) {
	var evicted map[*cell]bool
	for _, x := range []*index{&t.cells, &t.over} {
		var gone map[*cell]bool
		x.each(func(c *cell) {
			if f(c) {
				if gone == nil {
					gone = make(map[*cell]bool)
				}
				gone[c] = true
			}
		})
		if len(gone) > 0 || len(x.dirty) > 0 {
			t.rebuild(x, gone)
		}
		if evicted == nil {
			evicted = gone
		} else {
			for c := range gone {
				evicted[c] = true
			}
		}
	}
	if c := t.catchAll.Load(); c != nil && f(c) {
		t.catchAll.Store(nil)
		evicted = map[*cell]bool{c: true}
	}
	if len(evicted) > 0 {
		// Keep interned only the names live cells use.
		clear(t.names)
		keep := func(c *cell) { t.names[c.name] = c.name }
		t.cells.each(keep)
		t.over.each(keep)
		if c := t.catchAll.Load(); c != nil {
			keep(c)
		}
	}
	t.setState()
}

// resetInterval ends a sampler cell's interval: it takes the interval's count,
// zeroing the word, and moves the interval's drops to pending. A cell that
// counted nothing over the whole interval and has nothing to flush is marked
// dead and reported for eviction. t.mu is held.
func (t *Throttle) resetInterval(c *cell) bool {
	n := c.n.Swap(0)
	c.pending += t.drops(n) - c.reported
	c.reported = 0
	return n == 0 && c.pending == 0 && c.n.CompareAndSwap(0, dead)
}

// refill adds add nano-tokens to a bucket cell, carrying fractions of a token
// to the next Tick, and moves the drops since the previous Tick to pending. A
// cell that is full, unused for a second of Tick time and has nothing to
// flush is marked dead and reported for eviction. t.mu is held.
func (t *Throttle) refill(c *cell, add float64) bool {
	burst := int64(t.cfg.burst)
	for {
		cur := c.n.Load()
		tokens := max(-cur, 0)
		total := float64(c.frac) + add
		next, frac := burst, int64(0)
		if total < float64(burst-tokens)*1e9 {
			w := int64(total)
			next, frac = tokens+w/1e9, w%1e9
		}
		if !c.n.CompareAndSwap(cur, -next) {
			continue // an event came in between; take it into account
		}
		c.pending += t.drops(cur) - c.reported
		c.reported = 0
		c.frac = frac
		if cur != c.mark {
			c.active = t.clock
		}
		c.mark = -next
		return next == burst && t.clock-c.active >= int64(bucketIdle) &&
			c.pending == 0 && c.n.CompareAndSwap(-burst, dead)
	}
}

// Flush returns the drops counted since the previous Flush, one [Drop] per
// cell that dropped anything, sorted by name, then overflow cells after the
// others, then key; it returns nil if nothing was dropped. Each dropped event
// is reported exactly once: the events allowed plus the Dropped of every
// Flush, up to a Flush made after the last Allow returned, equal the events
// offered.
func (t *Throttle) Flush() []Drop {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []Drop
	visit := func(c *cell) {
		d := t.drops(c.n.Load())
		total := c.pending + d - c.reported
		c.pending, c.reported = 0, d
		iv := time.Duration(t.clock - c.since)
		c.since = t.clock
		if total > 0 {
			out = append(out, Drop{Name: c.name, Key: c.key, Overflow: c.overflow, Dropped: total, Interval: iv})
		}
	}
	t.cells.each(visit)
	t.over.each(visit)
	if c := t.catchAll.Load(); c != nil {
		visit(c)
	}
	slices.SortFunc(out, func(a, b Drop) int {
		if c := cmp.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		if a.Overflow != b.Overflow {
			if a.Overflow {
				return 1
			}
			return -1
		}
		return cmp.Compare(a.Key, b.Key)
	})
	return out
}
