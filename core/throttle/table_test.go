package throttle

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"time"
	"unsafe"
)

func TestDivisor(t *testing.T) {
	ds := []uint64{1, 2, 3, 4, 5, 6, 7, 8, 12, 100, 128, 1000, 1 << 20, 3 << 40, 1<<63 + 1, 1 << 63, math.MaxUint64 / 3, math.MaxUint64}
	for d := uint64(1); d <= 300; d++ {
		ds = append(ds, d)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, d := range ds {
		dv := newDivisor(d)
		xs := []uint64{1, d - 1, d, d + 1, 2 * d, 3*d - 1, math.MaxUint64, math.MaxUint64 - 1, math.MaxUint64 / d * d}
		for x := uint64(1); x <= 1000; x++ {
			xs = append(xs, x)
		}
		for range 1000 {
			xs = append(xs, r.Uint64(), r.Uint64N(1<<20)*d)
		}
		for _, x := range xs {
			if x == 0 {
				continue
			}
			if got, want := dv.divides(x), x%d == 0; got != want {
				t.Fatalf("divisor %d: divides(%d) = %v, want %v", d, x, got, want)
			}
		}
	}
	zero := newDivisor(0)
	for _, x := range []uint64{1, 2, 100, math.MaxUint64} {
		if zero.divides(x) {
			t.Errorf("the zero divisor divides %d", x)
		}
	}
}

func TestTable(t *testing.T) {
	th := New()
	var cells []*cell
	for i := range 5000 {
		cells = append(cells, &cell{name: "n" + strconv.Itoa(i%7), key: strconv.Itoa(i)})
	}
	cells = append(cells, &cell{name: "", key: ""}, &cell{name: "x", key: ""}, &cell{name: "", key: "x"})
	for _, full := range []bool{false, true} {
		tb, ok := newTable(cells, full, th.seedK, th.seedN)
		if !ok || tb.full != full || tb.n != len(cells) {
			t.Fatalf("newTable(full %v): ok %v, full %v, n %d", full, ok, tb.full, tb.n)
		}
		if len(tb.slots) < 2*len(cells) || len(tb.slots)&(len(tb.slots)-1) != 0 {
			t.Fatalf("%d slots for %d cells", len(tb.slots), len(cells))
		}
		for _, c := range cells {
			if got := tb.find(c.name, c.key); got != c {
				t.Fatalf("find(%q, %q) = %p, want %p", c.name, c.key, got, c)
			}
		}
		for _, k := range [][2]string{{"n1", "5000"}, {"n8", "1"}, {"x", "x"}, {"1", "n1"}} {
			if got := tb.find(k[0], k[1]); got != nil {
				t.Fatalf("find(%q, %q) = %+v, want nil", k[0], k[1], got)
			}
		}
	}
}

func TestSample(t *testing.T) {
	// Names of up to 16 bytes are sampled whole: one byte changed changes the
	// sample. Past that, bytes outside the three windows are not read.
	for n := 1; n <= 16; n++ {
		b := []byte("0123456789abcdef"[:n])
		for i := range n {
			c := append([]byte(nil), b...)
			c[i] ^= 1
			if sample(string(b)) == sample(string(c)) {
				t.Errorf("%q and %q have one sample", b, c)
			}
		}
	}
	a, b := "0123456789abcdefXghijklmn", "0123456789abcdefYghijklmn"
	if sample(a) != sample(b) {
		t.Fatalf("%q and %q should have one sample: byte 16 of 25 is outside the windows", a, b)
	}
}

func TestNamesSharingASampleAreHashedInFull(t *testing.T) {
	a, b := "0123456789abcdefXghijklmn", "0123456789abcdefYghijklmn"
	th := New(WithSampler(1, 0, time.Second))
	th.Tick(time.Unix(0, 0))
	for range 2 {
		th.Allow(a, "k")
		th.Allow(b, "k")
	}
	th.Tick(time.Unix(1, 0)) // publishes both
	tb := th.cells.tab.Load()
	if !tb.full || !th.fullHash {
		t.Fatalf("table full %v, throttle fullHash %v; want names hashed in full", tb.full, th.fullHash)
	}
	if ca, cb := tb.find(a, "k"), tb.find(b, "k"); ca == nil || cb == nil || ca == cb {
		t.Fatalf("find: %p and %p, want two cells", ca, cb)
	}
	want := []Drop{{Name: a, Key: "k", Dropped: 1, Interval: time.Second}, {Name: b, Key: "k", Dropped: 1, Interval: time.Second}}
	if got := th.Flush(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Flush() = %+v, want %+v", got, want)
	}
}

func TestDeadCellIsRetried(t *testing.T) {
	th := New(WithSampler(1, 0, time.Second))
	now := time.Unix(0, 0)
	th.Tick(now)
	th.Allow("a", "k")
	c := th.cells.tab.Load().find("a", "k")
	if c == nil {
		t.Fatal("the cell of (a, k) is not in the table")
	}
	for range 2 { // used in the first interval, idle in the second
		now = now.Add(time.Second)
		th.Tick(now)
	}
	if c.n.Load() < dead || th.cells.tab.Load().find("a", "k") != nil || th.cells.size() != 0 {
		t.Fatalf("the idle cell was not evicted: word %d", c.n.Load())
	}
	// A decision that found c just before the Tick evicted it is not counted
	// in c but decided again on a new cell: the first event there, allowed.
	if !th.allowIn(c, "a", "k") {
		t.Fatal("the retried event was dropped")
	}
	if th.Allow("a", "k") {
		t.Fatal("the second event of the interval was allowed")
	}
	want := []Drop{{Name: "a", Key: "k", Dropped: 1}}
	if got := th.Flush(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Flush() = %+v, want %+v", got, want)
	}
}

func TestWaitingCellsArePublished(t *testing.T) {
	// Cells made between ticks wait in dirty, looked up under the mutex,
	// until they have cost as many locked lookups as the table has cells:
	// so dirty never outgrows the table, and copying is amortised.
	th := New()
	for i := range 1000 {
		th.Allow("a", strconv.Itoa(i))
		if d, n := len(th.cells.dirty), th.cells.tab.Load().n; d > n+1 {
			t.Fatalf("after %d pairs: %d cells waiting, %d in the table", i+1, d, n)
		}
	}
	th.Tick(time.Unix(0, 0))
	th.Tick(time.Unix(0, 1))
	if d, n := len(th.cells.dirty), th.cells.tab.Load().n; d != 0 || n != 1000 {
		t.Fatalf("after a Tick: %d cells waiting, %d in the table; want 0 and 1000", d, n)
	}
}

func TestCellsAreBounded(t *testing.T) {
	if s := unsafe.Sizeof(cell{}); s != 96 {
		t.Errorf("a cell is %d bytes; the package documentation says 96", s)
	}
	th := New(WithMaxKeys(50), WithSampler(0, 0, time.Second))
	for n := range 200 {
		for k := range 100 {
			th.Allow("name"+strconv.Itoa(n), strconv.Itoa(k))
		}
	}
	if c, o := th.cells.size(), th.over.size(); c != 50 || o != 50 || th.catchAll.Load() == nil {
		t.Fatalf("%d cells, %d overflow cells, catch-all %v; want 50, 50 and one", c, o, th.catchAll.Load() != nil)
	}
	var total int64
	for _, d := range th.Flush() {
		total += d.Dropped
	}
	if total != 200*100 {
		t.Fatalf("%d dropped, want %d", total, 200*100)
	}
	// Flushed and idle for an interval, every cell goes.
	for i := range 3 {
		th.Tick(time.Unix(int64(i), 0))
	}
	if c, o := th.cells.size(), th.over.size(); c != 0 || o != 0 || th.catchAll.Load() != nil || len(th.names) != 0 {
		t.Fatalf("%d cells, %d overflow cells, catch-all %v, %d names left; want none", c, o, th.catchAll.Load() != nil, len(th.names))
	}
	if s := th.state.Load(); s != room {
		t.Fatalf("state %d, want room", s)
	}
}
