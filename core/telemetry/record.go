package telemetry

import (
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// A record holds what one emission hands its handlers: the measurements and
// the redacted, scrubbed metadata that every handler's [Event] points into,
// and the emission's time. The bus reuses records (see getRecord), which is
// why an event is valid only during Handle. A record waiting for reuse keeps
// its last event's values reachable until the next emission overwrites
// them: clearing them would cost a write barrier per slot on every event.
type record struct {
	measurements []Measurement
	metadata     []slog.Attr

	// The emission's time, read from clock on first use (see when).
	clock func() time.Time
	state atomic.Uint32 // timeUnread, timeReading, timeRead
	time  time.Time
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

// poison overwrites r after its emission, in race builds: every attribute
// and measurement a kept event still points at reads as garbage.
func poison(r *record) {
	for i := range r.metadata {
		r.metadata[i] = slog.String(poisonKey, poisonKey)
	}
	for i := range r.measurements {
		r.measurements[i] = Int(poisonKey, -1)
	}
	r.time = poisonTime
	r.state.Store(timeRead)
}
