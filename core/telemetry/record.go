package telemetry

import (
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
)

// A record holds what an [Event] carries besides its name and time: the
// correlation ids, the catalog entry, the measurements and the metadata.
// The bus fills one per emission with the redacted, scrubbed fields, and
// every handler's event points to it; the bus reuses records (see
// getRecord), which is why an event is valid only during Handle. A bus's
// record also gives the emission its time, read from clock on first use
// (see when); an event's own record has no clock. A record waiting for
// reuse keeps its last event's values reachable until the next emission
// overwrites them: clearing them would cost a write barrier per slot on
// every event.
type record struct {
	ids   *correlation.IDs
	entry *catalog.Entry // nil: not looked up; noEntry: not in the catalog

	measurements []Measurement
	metadata     []slog.Attr

	// The emission's time, read from clock on first use (see when); nil
	// in an event's own record.
	clock func() time.Time
	state atomic.Uint32 // timeUnread, timeReading, timeRead
	time  time.Time
}

// entryOrLookup returns r's catalog entry, looked up by name when r (which
// may be nil) has none: never nil, noEntry outside the catalog.
func (r *record) entryOrLookup(name string) *catalog.Entry {
	if r != nil && r.entry != nil {
		return r.entry
	}
	return lookupEntry(name)
}

const (
	timeUnread uint32 = iota
	timeReading
	timeRead
)

// Room a fresh record has, and the most a pooled one keeps: an event wider
// than maxKept attributes gets a record the pool lets go of.
const (
	recordMeasurements = 8
	recordMetadata     = 16
	maxKept            = 256
)

func newRecord() *record {
	return &record{
		measurements: make([]Measurement, 0, recordMeasurements),
		metadata:     make([]slog.Attr, 0, recordMetadata),
	}
}

var records = sync.Pool{New: func() any { return newRecord() }}

// getRecord returns an empty record for one emission whose time, unless the
// event carries one, is read from clock. One record waits in the bus's slot,
// which is cheaper to take than the pool; emissions that find the slot empty
// (several goroutines at once, or a handler emitting) use the pool.
func (b *Bus) getRecord(clock func() time.Time) *record {
	var r *record
	if !poisonRecords {
		r = b.spare.Swap(nil)
	}
	if r == nil {
		if poisonRecords {
			r = newRecord() // never reused: a kept event keeps reading poison
		} else {
			r = records.Get().(*record)
		}
	}
	r.clock = clock
	return r
}

// putRecord returns r once every handler of its emission has returned.
func (b *Bus) putRecord(r *record) {
	if poisonRecords {
		poison(r)
		return
	}
	if cap(r.metadata) > maxKept || cap(r.measurements) > maxKept {
		return
	}
	r.measurements, r.metadata = r.measurements[:0], r.metadata[:0]
	if r.state.Load() != timeUnread {
		r.state.Store(timeUnread)
	}
	if !b.spare.CompareAndSwap(nil, r) {
		records.Put(r)
	}
}

// when returns the emission's time, reading the clock on the first call.
// Handlers may call it from several goroutines during Handle.
func (r *record) when() time.Time {
	if r.state.Load() == timeRead {
		return r.time
	}
	if r.state.CompareAndSwap(timeUnread, timeReading) {
		r.time = r.clock()
		r.state.Store(timeRead)
		return r.time
	}
	for r.state.Load() != timeRead {
		runtime.Gosched()
	}
	return r.time
}

// setTime gives the emission the time t, read before dispatch.
func (r *record) setTime(t time.Time) {
	r.time = t
	r.state.Store(timeRead)
}

// poisonKey is the key and value of every metadata attribute, and poisonTime
// the time, that an event kept past its Handle without [Event.Clone] reads in
// a build with the race detector (see [Event]).
const poisonKey = "!telemetry: event used after Handle returned; keep Event.Clone()"

var poisonTime = time.Date(1, 2, 3, 4, 5, 6, 7, time.UTC)

// poisonIDs and poisonEntry are the correlation ids and the catalog entry
// such an event reads.
var (
	poisonIDs = correlation.IDs{Correlation: poisonKey, Thread: poisonKey, Turn: poisonKey,
		Span: poisonKey, ParentSpan: poisonKey}
	poisonEntry = &catalog.Entry{Name: poisonKey, Logger: poisonKey}
)

// poison overwrites r after its emission, in race builds: every attribute,
// measurement, correlation id and the catalog entry a kept event still
// points at reads as garbage.
func poison(r *record) {
	for i := range r.metadata {
		r.metadata[i] = slog.String(poisonKey, poisonKey)
	}
	for i := range r.measurements {
		r.measurements[i] = Int(poisonKey, -1)
	}
	r.ids, r.entry = &poisonIDs, poisonEntry
	r.time = poisonTime
	r.state.Store(timeRead)
}
