package throttle

import (
	"hash/maphash"
	"math/bits"
	"sync/atomic"
)

// dead marks an evicted cell's decision word. Tick sets it, under the
// throttle's mutex, only on a cell in its initial state with nothing left to
// flush; a decision that lands on a dead cell is not counted there and is
// retried under the mutex, which Tick holds until the cell has left the tables.
// Live words stay far below it: they rise by one per offered event.
const dead = 1 << 62

// A cell is the state of one (name, key) pair, or the overflow cell of a name.
type cell struct {
	// n is the decision word, the only field the decision path writes.
	// Sampler: events offered in the current interval, from 0. Token bucket:
	// events offered since the last Tick minus the tokens there were then,
	// so n <= 0 after an Add means a token was taken. The drops of a span of
	// time follow from n alone (see Throttle.drops), so one atomic Add both
	// decides and accounts, and Tick harvests a span with one Swap or CAS.
	n atomic.Int64

	name, key string
	overflow  bool

	// Guarded by Throttle.mu.
	mark     int64 // n as the last Tick left it (token bucket)
	pending  int64 // drops of finished spans not yet returned by Flush
	reported int64 // drops of the current span already returned by Flush
	frac     int64 // token bucket: nano-tokens carried to the next Tick
	since    int64 // clock at the last Flush or when the cell was made
	active   int64 // clock at the last Tick that saw the cell used (token bucket)
}

// cellKey keys the mutable maps of cells not yet in a table.
type cellKey struct{ name, key string }

// A slot of a table holds a cell and its hash.
type slot struct {
	h uint64
	c *cell
}

// A table is an immutable open-addressing hash table of cells, read without
// locks by the decision path; writers build a new one and publish it through
// an atomic pointer. Slots are at most half full and probed linearly.
//
// The key is hashed with [maphash.String]. The name is not hashed in full
// unless it must be: it is sampled (its length and three 8-byte windows, so
// names up to 16 bytes are read whole), which is cheaper and tells apart the
// names of a catalog. A table is built in sampled mode only if no two distinct
// names of its cells have the same sample; otherwise, and for good once it has
// happened, names are hashed in full, so probe chains stay short whatever the
// names are.
type table struct {
	slots        []slot // length a power of two
	n            int    // cells held
	full         bool   // names hashed in full, not sampled
	seedK, seedN maphash.Seed
}

// find returns the cell of (name, key), or nil.
func (tb *table) find(name, key string) *cell {
	h := tb.hash(name, key)
	mask := uint64(len(tb.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &tb.slots[i]
		if s.c == nil {
			return nil
		}
		if s.h == h && s.c.key == key && s.c.name == name {
			return s.c
		}
	}
}

func (tb *table) hash(name, key string) uint64 {
	h := maphash.String(tb.seedK, key)
	if tb.full {
		return h ^ maphash.String(tb.seedN, name)
	}
	return h ^ sample(name)
}

// newTable builds a table of cells. It reports false, and builds nothing, when
// full is false and two distinct names share a sample.
func newTable(cells []*cell, full bool, seedK, seedN maphash.Seed) (*table, bool) {
	if !full {
		seen := make(map[uint64]string)
		for _, c := range cells {
			s := sample(c.name)
			if prev, ok := seen[s]; ok && prev != c.name {
				return nil, false
			}
			seen[s] = c.name
		}
	}
	size := 8
	for size < 2*len(cells) {
		size *= 2
	}
	tb := &table{slots: make([]slot, size), n: len(cells), full: full, seedK: seedK, seedN: seedN}
	mask := uint64(size - 1)
	for _, c := range cells {
		h := tb.hash(c.name, c.key)
		i := h & mask
		for tb.slots[i].c != nil {
			i = (i + 1) & mask
		}
		tb.slots[i] = slot{h: h, c: c}
	}
	return tb, true
}

// An index is the set of cells of one kind (per key, or per-name overflow): a
// published table plus cells made since it was built.
type index struct {
	tab atomic.Pointer[table]

	// Guarded by Throttle.mu.
	dirty  map[cellKey]*cell // cells not yet in tab
	misses int               // locked lookups since tab was built
}

func (x *index) size() int { return x.tab.Load().n + len(x.dirty) }

// each calls f for every cell of the index.
func (x *index) each(f func(*cell)) {
	for _, s := range x.tab.Load().slots {
		if s.c != nil {
			f(s.c)
		}
	}
	for _, c := range x.dirty {
		f(c)
	}
}

// Constants of wyhash, used to mix name samples.
const (
	wy0 = 0xa0761d6478bd642f
	wy1 = 0xe7037ed1a0b428db
	wy2 = 0x8ebc6af09c88c6e3
	wy3 = 0x589965cc75374cc3
)

// sample hashes a name from its length and its first, middle and last eight
// bytes (every byte, for names of up to 16 bytes).
func sample(s string) uint64 {
	n := len(s)
	var a, b, c uint64
	switch {
	case n >= 8:
		a, b, c = le64(s), le64(s[n-8:]), le64(s[n/2-4:])
	case n >= 4:
		a, b = le32(s), le32(s[n-4:])
	case n > 0:
		a = uint64(s[0])<<16 | uint64(s[n/2])<<8 | uint64(s[n-1])
	}
	return mix(a^wy0, b^wy1^uint64(n)) ^ mix(c^wy2, wy3)
}

func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func le32(s string) uint64 {
	_ = s[3]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24
}

// A divisor tests divisibility by a number fixed in advance with a multiply
// and a rotate instead of a division (Granlund and Montgomery; Hacker's
// Delight, 10-17): for d = d0·2^k with d0 odd, x is a multiple of d exactly
// when rotr(x·d0⁻¹ mod 2^64, k) <= (2^64-1)/d. The zero divisor divides no
// positive number.
type divisor struct {
	d     uint64
	inv   uint64 // inverse of d's odd part, mod 2^64
	shift int    // trailing zero bits of d
	lim   uint64 // (2^64-1)/d
}

func newDivisor(d uint64) divisor {
	if d == 0 {
		// x·1 <= 0 only for x == 0, which is never asked.
		return divisor{inv: 1}
	}
	k := bits.TrailingZeros64(d)
	odd := d >> k
	inv := odd // correct to 3 bits: odd·odd ≡ 1 (mod 8)
	for range 5 {
		inv *= 2 - odd*inv // Newton's step doubles the correct bits
	}
	return divisor{d: d, inv: inv, shift: k, lim: ^uint64(0) / d}
}

// divides reports whether d divides x, for x > 0.
func (d divisor) divides(x uint64) bool {
	return bits.RotateLeft64(x*d.inv, -d.shift) <= d.lim
}
