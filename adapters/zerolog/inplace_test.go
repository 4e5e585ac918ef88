package codexzerolog

import (
	"bytes"
	"context"
	"log/slog"
	"math"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/eventlog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// recordLine writes e as the adapter wrote every event before it read
// events in place: eventlog's record of e, its attributes walked in order.
func recordLine(l zerolog.Logger, e *telemetry.Event, stamps bool) string {
	var m eventlog.Mapper
	var r pylog.Record
	m.Map(&r, e)
	var buf bytes.Buffer
	level, _ := Level(r.Level)
	out := l.Output(&buf)
	ev := out.WithLevel(level).Str(LoggerKey, r.Logger)
	for _, a := range r.Attrs {
		addAttr(ev, a)
	}
	if !stamps {
		ev.Time(zerolog.TimestampFieldName, r.Time)
	}
	if r.Message == "" {
		ev.Str(zerolog.MessageFieldName, "")
	}
	ev.Msg(r.Message)
	return buf.String()
}

// lazyInt is a LogValuer.
type lazyInt int

func (n lazyInt) LogValue() slog.Value { return slog.IntValue(int(n)) }

// keepHook keeps the messages it is given, as an application's hook may.
type keepHook struct{ msgs []string }

func (k *keepHook) Run(_ *zerolog.Event, _ zerolog.Level, msg string) { k.msgs = append(k.msgs, msg) }

// TestInPlaceMatchesRecord: for every catalog event, with its fields as
// declared, with none, with correlation ids only, in reverse order with
// keys repeated, and with data fields only, and for an event outside the
// catalog, the adapter writes byte for byte the line that writing
// eventlog's record of the event gives, to a logger that borrows the
// message and to one whose hook keeps it.
func TestInPlaceMatchesRecord(t *testing.T) {
	when := time.Date(2025, 12, 2, 10, 52, 12, 345678000, time.UTC)
	ids := correlation.IDs{Correlation: "c1", Thread: "th-1", Span: "0123456789abcdef"}
	variants := []struct {
		name string
		make func(entry *catalog.Entry) telemetry.Event
	}{
		{"declared", func(entry *catalog.Entry) telemetry.Event {
			e := telemetry.NewEvent(entry.Name, when)
			for i, f := range entry.Measurements {
				switch i % 3 {
				case 0:
					e.AddMeasurements(telemetry.Duration(f.Key, 1500*time.Millisecond))
				case 1:
					e.AddMeasurements(telemetry.Float(f.Key, math.NaN()))
				default:
					e.AddMeasurements(telemetry.Int(f.Key, -7))
				}
			}
			for i, f := range entry.Metadata {
				switch i % 4 {
				case 0:
					e.AddMetadata(slog.String(f.Key, "v\x00-\xff-\"é"+f.Key))
				case 1:
					e.AddMetadata(slog.Float64(f.Key, 1))
				case 2:
					e.AddMetadata(slog.Group(f.Key, slog.Bool("ok", true), slog.Any("list", []any{1, "a", nil})))
				default:
					e.AddMetadata(slog.Any(f.Key, lazyInt(3)))
				}
			}
			e.SetIDs(ids)
			return e
		}},
		{"empty", func(entry *catalog.Entry) telemetry.Event {
			return telemetry.NewEvent(entry.Name, when)
		}},
		{"ids only", func(entry *catalog.Entry) telemetry.Event {
			e := telemetry.NewEvent(entry.Name, when)
			e.SetIDs(correlation.IDs{Thread: "th-2", ParentSpan: "fedcba9876543210"})
			return e
		}},
		{"reversed, repeated", func(entry *catalog.Entry) telemetry.Event {
			e := telemetry.NewEvent(entry.Name, when)
			for i := len(entry.Measurements) - 1; i >= 0; i-- {
				e.AddMeasurements(telemetry.Int(entry.Measurements[i].Key, int64(i)))
			}
			for i := len(entry.Metadata) - 1; i >= 0; i-- {
				e.AddMetadata(slog.Int(entry.Metadata[i].Key, i))
			}
			for _, f := range entry.Metadata {
				e.AddMetadata(slog.String(f.Key, "second"))
			}
			e.SetIDs(ids)
			return e
		}},
		{"data only", func(entry *catalog.Entry) telemetry.Event {
			e := telemetry.NewEvent(entry.Name, when)
			for _, f := range entry.Metadata {
				if f.Data != catalog.NoData {
					e.AddMetadata(slog.String(f.Key, "secret "+f.Key))
				}
			}
			return e
		}},
	}
	var events []telemetry.Event
	for _, entry := range catalog.All() {
		for _, v := range variants {
			events = append(events, v.make(entry))
		}
	}
	other := telemetry.NewEvent("myapp.cache.miss", when)
	other.AddMetadata(slog.String("key", "k1"))
	other.AddMeasurements(telemetry.Int("size", 3))
	events = append(events, other, telemetry.NewEvent("", when))

	for _, tc := range []struct {
		name   string
		logger zerolog.Logger
		stamps bool
	}{
		{"borrowed", zerolog.New(nil), false},
		{"hook keeps it", zerolog.New(nil).Hook(&keepHook{}), false},
		{"stamped", zerolog.New(nil).With().Timestamp().Logger(), true},
	} {
		if tc.stamps {
			old := zerolog.TimestampFunc
			zerolog.TimestampFunc = func() time.Time { return when }
			defer func() { zerolog.TimestampFunc = old }()
		}
		for i := range events {
			e := &events[i]
			want := recordLine(tc.logger, e, tc.stamps)
			var got bytes.Buffer
			h := newHandler(tc.logger.Output(&got))
			h.Handle(context.Background(), *e)
			if got.String() != want {
				t.Errorf("%s, %s:\ngot  %s\nwant %s", tc.name, e.Name, got.String(), want)
			}
		}
	}
}
