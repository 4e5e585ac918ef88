package telemetrytest

import (
	"errors"
	"log/slog"
	"math"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/telemetry"
)

// CatalogEvents returns, for a handler's tests, every catalog event in the
// layouts a handler must write as the catalog says, all at time when:
//
//   - declared: its measurements and metadata as the catalog declares them,
//     with values of every kind (strings with bytes JSON escapes and invalid
//     UTF-8, floats, NaN, groups holding lists, an inline group, LogValuers,
//     times), and correlation ids;
//   - odd values: its metadata with the values a handler converts with care
//     (a struct with an unexported field, a slice of them, an error, the
//     largest uint64, a duration);
//   - empty, and with correlation ids only;
//   - reversed and repeated: its fields in reverse order, then every
//     metadata key again;
//   - data only: only the fields the catalog marks as model or tool data;
//   - exception: its metadata as text, then error_type, reason and
//     stacktrace;
//
// then an event outside the catalog with a field of each sort, and one with
// no name. Each call returns new events, which the caller may change.
func CatalogEvents(when time.Time) []telemetry.Event {
	ids := correlation.IDs{Correlation: "4bf92f3577b34da6a3ce929d0e0e4736", Thread: "th-1", Span: "c3d4e5f60718293a"}
	odd := []slog.Value{
		slog.AnyValue(Box{Name: "n", hidden: "sk-hidden"}),
		slog.AnyValue([]Box{{Name: "m", hidden: "x"}}),
		slog.AnyValue(errors.New("boom")),
		slog.Uint64Value(math.MaxUint64),
		slog.DurationValue(1500 * time.Millisecond),
		slog.StringValue("v\x00-\xff-\"é"),
	}
	layouts := []func(entry *catalog.Entry) telemetry.Event{
		func(entry *catalog.Entry) telemetry.Event { // declared
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
				switch i % 5 {
				case 0:
					e.AddMetadata(slog.String(f.Key, "v\x00-\xff-\"é"+f.Key))
				case 1:
					e.AddMetadata(slog.Float64(f.Key, 1))
				case 2:
					e.AddMetadata(slog.Group(f.Key, slog.Bool("ok", true), slog.Any("list", []any{1, "a", nil})))
				case 3:
					e.AddMetadata(slog.Any(f.Key, Lazy(3)))
				default:
					e.AddMetadata(slog.Time(f.Key, when), slog.Group("", slog.Int("inlined", 2)))
				}
			}
			e.SetIDs(ids)
			return e
		},
		func(entry *catalog.Entry) telemetry.Event { // odd values
			e := telemetry.NewEvent(entry.Name, when)
			for i, f := range entry.Metadata {
				e.AddMetadata(slog.Attr{Key: f.Key, Value: odd[i%len(odd)]})
			}
			return e
		},
		func(entry *catalog.Entry) telemetry.Event { // empty
			return telemetry.NewEvent(entry.Name, when)
		},
		func(entry *catalog.Entry) telemetry.Event { // ids only
			e := telemetry.NewEvent(entry.Name, when)
			e.SetIDs(correlation.IDs{Thread: "th-2", ParentSpan: "fedcba9876543210"})
			return e
		},
		func(entry *catalog.Entry) telemetry.Event { // reversed, repeated
			e := telemetry.NewEvent(entry.Name, when)
			for i := len(entry.Measurements) - 1; i >= 0; i-- {
				e.AddMeasurements(telemetry.Int(entry.Measurements[i].Key, int64(i)))
			}
			for i := len(entry.Metadata) - 1; i >= 0; i-- {
				e.AddMetadata(slog.Int(entry.Metadata[i].Key, i))
			}
			for i, f := range entry.Metadata {
				e.AddMetadata(slog.Attr{Key: f.Key, Value: odd[(i+2)%len(odd)]})
			}
			e.SetIDs(ids)
			return e
		},
		func(entry *catalog.Entry) telemetry.Event { // data only
			e := telemetry.NewEvent(entry.Name, when)
			for _, f := range entry.Metadata {
				if f.Data != catalog.NoData {
					e.AddMetadata(slog.String(f.Key, "secret "+f.Key))
				}
			}
			return e
		},
		func(entry *catalog.Entry) telemetry.Event { // exception
			e := telemetry.NewEvent(entry.Name, when)
			for _, f := range entry.Metadata {
				e.AddMetadata(slog.String(f.Key, "text of "+f.Key))
			}
			e.AddMetadata(slog.String("error_type", "ValueError"), slog.String("reason", "bad"), slog.String("stacktrace", "tb"))
			return e
		},
	}
	var events []telemetry.Event
	for _, entry := range catalog.All() {
		for _, layout := range layouts {
			events = append(events, layout(entry))
		}
	}
	other := telemetry.NewEvent("myapp.cache.miss", when)
	other.AddMetadata(slog.String("key", "k1"))
	other.AddMeasurements(telemetry.Int("size", 3))
	return append(events, other, telemetry.NewEvent("", when))
}

// A Box is a struct value with an exported and an unexported field, as an
// application may log: handlers that encode structs see only Name.
type Box struct {
	Name   string `json:"name"`
	hidden string
}

// Lazy is a [slog.LogValuer] that resolves to its integer.
type Lazy int

// LogValue returns n as an integer value.
func (n Lazy) LogValue() slog.Value { return slog.IntValue(int(n)) }
