package pylog

import (
	"log/slog"
	"sync"
)

// A RecordFormatter renders a record onto dst and returns the extended
// buffer: a [*Formatter] (logging.Formatter) or a [*JSONFormatter]
// (python-json-logger), or one of the application's own. Append appends the
// line without its trailing newline and must be safe for concurrent use. It
// is what the adapters' Python loggers and handlers take.
type RecordFormatter interface {
	Append(dst []byte, r *Record) []byte
}

var (
	_ RecordFormatter = (*Formatter)(nil)
	_ RecordFormatter = (*JSONFormatter)(nil)
)

// maxPooledAttrs is the most attributes a pooled record keeps room for, and
// maxPooledBuffer the largest message buffer; a record that grew past either
// is left to the garbage collector.
const (
	maxPooledAttrs  = 256
	maxPooledBuffer = 16 << 10
)

var records = sync.Pool{New: func() any {
	return &Record{Attrs: make([]slog.Attr, 0, 16)}
}}

// GetRecord returns an empty record from a pool, with room for a few
// attributes, for code that maps one event after another into records (the
// adapters do). Give it back with [PutRecord].
func GetRecord() *Record { return records.Get().(*Record) }

// PutRecord empties r and returns it to the pool [GetRecord] takes from,
// unless it grew past maxPooledAttrs attributes. r must not be used after.
func PutRecord(r *Record) {
	if cap(r.Attrs) > maxPooledAttrs || cap(r.buf) > maxPooledBuffer {
		return
	}
	clear(r.Attrs)
	*r = Record{Attrs: r.Attrs[:0], buf: r.buf[:0]}
	records.Put(r)
}

// MessageBuffer returns the record's scratch buffer, for rendering its
// message into without a fresh string (eventlog.Mapper.MapInto does): the
// Message may then point into it, so it is valid until the record is
// reused or given back with [PutRecord]. The buffer stays with a pooled
// record, so a message costs no allocation once the pool is warm.
func (r *Record) MessageBuffer() *[]byte { return &r.buf }
