package eventlog_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/eventlog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
	"github.com/codextel/codextel/core/telemetrytest"
)

// sampleEvent returns an event of entry with every declared field set to a
// value of its type, in declared order, and correlation ids.
func sampleEvent(entry *catalog.Entry) telemetry.Event {
	e := telemetry.NewEvent(entry.Name, time.Date(2025, 12, 2, 10, 52, 12, 0, time.UTC))
	for _, f := range entry.Measurements {
		switch f.Type {
		case catalog.Duration:
			e.AddMeasurements(telemetry.Duration(f.Key, 1500*time.Millisecond))
		case catalog.Float:
			e.AddMeasurements(telemetry.Float(f.Key, 1.5))
		default:
			e.AddMeasurements(telemetry.Int(f.Key, 7))
		}
	}
	for _, f := range entry.Metadata {
		switch f.Type {
		case catalog.Int:
			e.AddMetadata(slog.Int(f.Key, 3))
		case catalog.Bool:
			e.AddMetadata(slog.Bool(f.Key, true))
		case catalog.Float:
			e.AddMetadata(slog.Float64(f.Key, 0.25))
		default:
			e.AddMetadata(slog.String(f.Key, "v-"+f.Key))
		}
	}
	e.SetIDs(correlation.IDs{Correlation: "c1", Thread: "th-1", Turn: "tu-1", Span: "0123456789abcdef"})
	return e
}

// TestMapIntoMatchesMap: for every catalog event, MapInto fills the same
// record as Map, and the message it leaves in the buffer is the one Map
// renders; a message rendered into a buffer too small for it grows it.
func TestMapIntoMatchesMap(t *testing.T) {
	var m eventlog.Mapper
	for _, entry := range catalog.All() {
		e := sampleEvent(entry)
		var want, got pylog.Record
		m.Map(&want, &e)
		for _, buf := range [][]byte{nil, make([]byte, 0, 4), make([]byte, 0, 512)} {
			buf = m.MapInto(&got, &e, buf)
			if got.Message != want.Message || got.Level != want.Level || got.Logger != want.Logger || !got.Time.Equal(want.Time) || len(got.Attrs) != len(want.Attrs) {
				t.Errorf("%s: MapInto gave %v %q %q, Map %v %q %q", entry.Name, got.Level, got.Logger, got.Message, want.Level, want.Logger, want.Message)
			}
			tmpl, _ := entry.MessageFor(e.Has)
			if _, literal := tmpl.Literal(); (len(buf) == 0) != literal {
				t.Errorf("%s: buffer holds %q, want it empty exactly for a literal message", entry.Name, buf)
			}
			if len(buf) > 0 && string(buf) != want.Message {
				t.Errorf("%s: buffer holds %q, want %q", entry.Name, buf, want.Message)
			}
		}
	}
	other := telemetry.NewEvent("myapp.cache.miss", time.Time{})
	var r pylog.Record
	if buf := m.MapInto(&r, &other, []byte("stale")); len(buf) != 0 || r.Message != "myapp.cache.miss" {
		t.Errorf("event outside the catalog: buffer %q, message %q", buf, r.Message)
	}
}

// TestMapIntoBorrows: the message MapInto renders reads the buffer it
// returns (no copy), and the next MapInto into that buffer overwrites it;
// Map's message is a string of its own.
func TestMapIntoBorrows(t *testing.T) {
	var m eventlog.Mapper
	mk := func(id string) telemetry.Event {
		e := telemetry.NewEvent(catalog.ApprovalApproved, time.Time{})
		e.AddMetadata(slog.String("approval_kind", "command"), slog.String("call_id", id), slog.String("decision", "approved"))
		return e
	}
	first, second := mk("call_1"), mk("call_2")
	var r pylog.Record
	buf := m.MapInto(&r, &first, make([]byte, 0, 128))
	borrowed := r.Message
	if borrowed != "Approval granted for command call_1: approved" {
		t.Fatalf("message %q", borrowed)
	}
	var owned pylog.Record
	m.Map(&owned, &first)
	_ = m.MapInto(&r, &second, buf)
	if borrowed != "Approval granted for command call_2: approved" {
		t.Errorf("borrowed message after the next event: %q, want it to read the buffer", borrowed)
	}
	if owned.Message != "Approval granted for command call_1: approved" {
		t.Errorf("Map's message changed: %q", owned.Message)
	}
}

// TestMapperAllocations: MapInto renders the message without allocating
// once the record and the buffer have room; Map allocates the message only.
func TestMapperAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	var m eventlog.Mapper
	e := approvalEvent()
	r := pylog.Record{Attrs: make([]slog.Attr, 0, 16)}
	buf := make([]byte, 0, 256)
	if n := testing.AllocsPerRun(100, func() { buf = m.MapInto(&r, &e, buf) }); n != 0 {
		t.Errorf("MapInto: %v allocs, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { m.Map(&r, &e) }); n != 1 {
		t.Errorf("Map: %v allocs, want 1 (the message)", n)
	}
}

// approvalEvent is the event of the adapters' benchmarks: five fields, a
// message naming three of them.
func approvalEvent() telemetry.Event {
	e := telemetry.NewEvent(catalog.ApprovalApproved, time.Date(2025, 12, 2, 10, 52, 12, 0, time.UTC))
	e.AddMeasurements(telemetry.Duration("duration", 1500*time.Millisecond), telemetry.Float("duration_ms", 1500))
	e.AddMetadata(slog.String("approval_kind", "command"), slog.String("call_id", "call_8f14e45f"), slog.String("decision", "approved"))
	return e
}

var sinkString string

// BenchmarkMessage is the message alone: Message renders it into a new
// string (the route before compiled templates, and Map's); append renders
// it into a buffer the caller keeps from the record's attributes, event
// from the event in place (AppendMessage).
func BenchmarkMessage(b *testing.B) {
	e := approvalEvent()
	var m eventlog.Mapper
	var r pylog.Record
	m.Map(&r, &e)
	entry, _ := catalog.Lookup(e.Name)
	tmpl, _ := entry.MessageFor(e.Has)
	b.Run("string", func(b *testing.B) {
		telemetrytest.LoopCPU(b, func() {
			sinkString = eventlog.Message(tmpl, r.Attrs)
		})
	})
	b.Run("append", func(b *testing.B) {
		buf := make([]byte, 0, 256)
		telemetrytest.LoopCPU(b, func() {
			buf = tmpl.Append(buf[:0], r.Attrs)
		})
		sinkString = string(buf)
	})
	b.Run("event", func(b *testing.B) {
		buf := make([]byte, 0, 256)
		telemetrytest.LoopCPU(b, func() {
			buf = eventlog.AppendMessage(buf[:0], tmpl, &e)
		})
		sinkString = string(buf)
	})
}

// BenchmarkMap is the whole mapping of the event to a record: Map (the
// message a string of its own) and MapInto (the message in the caller's
// buffer).
func BenchmarkMap(b *testing.B) {
	e := approvalEvent()
	var m eventlog.Mapper
	r := pylog.Record{Attrs: make([]slog.Attr, 0, 16)}
	b.Run("map", func(b *testing.B) {
		telemetrytest.LoopCPU(b, func() {
			m.Map(&r, &e)
		})
	})
	b.Run("map_into", func(b *testing.B) {
		buf := make([]byte, 0, 256)
		telemetrytest.LoopCPU(b, func() {
			buf = m.MapInto(&r, &e, buf)
		})
	})
}

// TestAppendMessageMatchesMap: for every catalog event, with its fields as
// declared, with none, in reverse order with a key repeated, with data
// fields only, and with correlation ids standing in for missing fields,
// AppendMessage renders from the event in place the message Map gives the
// record, and Logger gives the record's logger.
func TestAppendMessageMatchesMap(t *testing.T) {
	var m eventlog.Mapper
	ids := correlation.IDs{Correlation: "c1", Thread: "th-1", Turn: "tu-1", Span: "0123456789abcdef", ParentSpan: "fedcba9876543210"}
	variants := []struct {
		name string
		make func(entry *catalog.Entry) telemetry.Event
	}{
		{"declared", sampleEvent},
		{"empty", func(entry *catalog.Entry) telemetry.Event {
			return telemetry.NewEvent(entry.Name, time.Unix(1, 0))
		}},
		{"ids only", func(entry *catalog.Entry) telemetry.Event {
			e := telemetry.NewEvent(entry.Name, time.Unix(1, 0))
			e.SetIDs(ids)
			return e
		}},
		{"reversed, repeated", func(entry *catalog.Entry) telemetry.Event {
			e := telemetry.NewEvent(entry.Name, time.Unix(1, 0))
			for i := len(entry.Measurements) - 1; i >= 0; i-- {
				e.AddMeasurements(telemetry.Int(entry.Measurements[i].Key, int64(i)))
			}
			for i := len(entry.Metadata) - 1; i >= 0; i-- {
				e.AddMetadata(slog.Int(entry.Metadata[i].Key, i))
			}
			for _, f := range entry.Metadata {
				e.AddMetadata(slog.String(f.Key, "second"))
			}
			for _, f := range entry.Measurements {
				// a measurement repeating a metadata key loses to it
				e.AddMetadata(slog.Bool(f.Key, true))
			}
			e.SetIDs(ids)
			return e
		}},
		{"data only", func(entry *catalog.Entry) telemetry.Event {
			e := telemetry.NewEvent(entry.Name, time.Unix(1, 0))
			for _, f := range entry.Metadata {
				if f.Data != catalog.NoData {
					e.AddMetadata(slog.Any(f.Key, []any{"a", 1.5, nil}))
				}
			}
			return e
		}},
	}
	for _, entry := range catalog.All() {
		for _, v := range variants {
			e := v.make(entry)
			var want pylog.Record
			m.Map(&want, &e)
			tmpl, _ := entry.MessageFor(e.Has)
			for _, buf := range [][]byte{nil, make([]byte, 0, 4), []byte("stale")} {
				if got := eventlog.AppendMessage(buf[:0], tmpl, &e); string(got) != want.Message {
					t.Errorf("%s, %s: AppendMessage %q, Map %q", entry.Name, v.name, got, want.Message)
				}
			}
			if got := string(eventlog.AppendMessage([]byte("kept "), tmpl, &e)); got != "kept "+want.Message {
				t.Errorf("%s, %s: AppendMessage after a prefix: %q", entry.Name, v.name, got)
			}
			if got := eventlog.Logger(&e); got != want.Logger {
				t.Errorf("%s, %s: Logger %q, Map %q", entry.Name, v.name, got, want.Logger)
			}
		}
	}
	for _, name := range []string{"myapp.cache.miss", "nodots", ".leading"} {
		e := telemetry.NewEvent(name, time.Unix(1, 0))
		var want pylog.Record
		m.Map(&want, &e)
		if got := eventlog.Logger(&e); got != want.Logger {
			t.Errorf("%s: Logger %q, Map %q", name, got, want.Logger)
		}
	}
}

// TestAppendMessageAllocations: AppendMessage renders the benchmarks'
// message into a buffer with room without allocating.
func TestAppendMessageAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	e := approvalEvent()
	entry, _ := catalog.Lookup(e.Name)
	tmpl, _ := entry.MessageFor(e.Has)
	buf := make([]byte, 0, 256)
	if n := testing.AllocsPerRun(100, func() { buf = eventlog.AppendMessage(buf[:0], tmpl, &e) }); n != 0 {
		t.Errorf("AppendMessage: %v allocs, want 0", n)
	}
	if string(buf) != "Approval granted for command call_8f14e45f: approved" {
		t.Errorf("message %q", buf)
	}
}

// FuzzAppendMessageMatchesMap: for any order, repetition and omission of
// an entry's fields, as metadata, measurements or correlation ids,
// AppendMessage renders from the event in place the message Map gives the
// record.
func FuzzAppendMessageMatchesMap(f *testing.F) {
	f.Add(0, []byte{0, 1, 2, 3, 4})
	f.Add(3, []byte{2, 1, 0, 130, 65})
	f.Add(7, []byte{200, 2, 2, 1, 66})
	f.Add(78, []byte{0xf0}) // a correlation id as the only field (codex.thread.start's thread_id when written)
	f.Add(1, []byte{})
	entries := catalog.All()
	f.Fuzz(func(t *testing.T, which int, order []byte) {
		if which < 0 {
			which = -which
		}
		entry := entries[which%len(entries)]
		keys := []string{"thread_id", "turn_id", "no_such_field"}
		for _, fd := range entry.Metadata {
			keys = append(keys, fd.Key)
		}
		for _, fd := range entry.Measurements {
			keys = append(keys, fd.Key)
		}
		e := telemetry.NewEvent(entry.Name, time.Unix(1, 0))
		var ids correlation.IDs
		for i, o := range order {
			key := keys[int(o&0x3f)%len(keys)]
			switch o >> 6 { // the top two bits: where the field goes
			case 0:
				e.AddMetadata(slog.String(key, strings.Repeat("v", i%3)+string(rune('a'+i%26))))
			case 1:
				e.AddMetadata(slog.Int(key, i))
			case 2:
				e.AddMeasurements(telemetry.Float(key, float64(i)/4))
			default:
				ids.Set(key, "id-"+string(rune('a'+i%26)))
			}
		}
		e.SetIDs(ids)
		var m eventlog.Mapper
		var want pylog.Record
		m.Map(&want, &e)
		tmpl, _ := entry.MessageFor(e.Has)
		if got := string(eventlog.AppendMessage(nil, tmpl, &e)); got != want.Message {
			t.Errorf("%s %v: AppendMessage %q, Map %q", entry.Name, order, got, want.Message)
		}
	})
}
