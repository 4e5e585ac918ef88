package codexotel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/trace"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/eventlog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
	"github.com/codextel/codextel/core/telemetrytest"
)

// recordEmit writes e as the log path did before it read events in place:
// eventlog's record of e, its values made safe, its attributes converted in
// order, the message rendered again from the safe values when one changed.
func recordEmit(w *logWriter, ctx context.Context, e *telemetry.Event, sc trace.SpanContext) {
	if eventlog.Level(e) < w.level {
		return
	}
	var m eventlog.Mapper
	var rec pylog.Record
	m.Map(&rec, e)
	changed := false
	for i, a := range rec.Attrs {
		if v, ok := safeValue(a.Value, maxDepth); ok {
			rec.Attrs[i].Value, changed = v, true
		}
	}
	if changed {
		if entry := e.Entry(); entry != nil {
			tmpl, _ := entry.MessageFor(e.Has)
			rec.Message = eventlog.Message(tmpl, rec.Attrs)
		}
	}
	var r log.Record
	r.SetEventName(e.Name)
	r.SetTimestamp(rec.Time)
	r.SetSeverity(severity(rec.Level))
	r.SetSeverityText(severityText(rec.Level))
	r.SetBody(attribute.StringValue(rec.Message))
	var kvs []attribute.KeyValue
	var errType, reason, stack slog.Value
	for _, a := range rec.Attrs {
		switch a.Key {
		case "error_type":
			errType = a.Value
		case "reason":
			reason = a.Value
		case "stacktrace":
			stack = a.Value
		}
		v := a.Value.Resolve()
		kvs = append(kvs, attribute.KeyValue{Key: attribute.Key(a.Key), Value: logValue(v)})
	}
	if errType.Kind() == slog.KindString && reason.Kind() == slog.KindString {
		kvs = append(kvs,
			attribute.String("exception.type", errType.String()),
			attribute.String("exception.message", reason.String()))
		if stack.Kind() == slog.KindString {
			kvs = append(kvs, attribute.String("exception.stacktrace", stack.String()))
		}
	}
	r.AddAttributes(kvs...)
	w.logger(rec.Logger).Emit(trace.ContextWithSpanContext(ctx, sc), r)
}

// describeRecord is everything a log record carries, as text.
func describeRecord(r sdklog.Record) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%s|%s|%v|%s|%s|%s|%s|%s", r.InstrumentationScope().Name, r.EventName(),
		r.Timestamp().Format(time.RFC3339Nano), r.Severity(), r.SeverityText(),
		r.TraceID(), r.SpanID(), r.Body().Type(), r.Body().String())
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		fmt.Fprintf(&b, "|%s:%s=%s", kv.Key, kv.Value.Type(), kv.Value.String())
		return true
	})
	return b.String()
}

// secretBox is a struct with an unexported field, which the scrubber does
// not read and the log record must not carry.
type secretBox struct {
	Name   string `json:"name"`
	hidden string
}

// lazyText is a LogValuer.
type lazyText string

func (t lazyText) LogValue() slog.Value { return slog.StringValue(string(t)) }

// TestInPlaceMatchesRecord: for every catalog event, with its fields as
// declared, with none, with correlation ids only, with values of every kind
// (structs the scrubber read in part, LogValuers, groups, NaN, durations),
// with keys repeated and in reverse order, with exception fields (strings,
// and overwritten by a measurement of the same key), and for events outside
// the catalog, the handler writes exactly the record the record path wrote,
// at every level it can be set to.
func TestInPlaceMatchesRecord(t *testing.T) {
	when := time.Date(2025, 12, 2, 10, 52, 12, 345678000, time.UTC)
	ids := correlation.IDs{Correlation: "4bf92f3577b34da6a3ce929d0e0e4736", Thread: "th-1", Span: "c3d4e5f60718293a"}
	odd := []slog.Value{
		slog.StringValue("v\x00-\xff-\"é"),
		slog.Float64Value(math.NaN()),
		slog.GroupValue(slog.Bool("ok", true), slog.Any("list", []any{1, "a", nil})),
		slog.AnyValue(lazyText("lazy")),
		slog.AnyValue(secretBox{Name: "n", hidden: "sk-hidden"}),
		slog.AnyValue([]secretBox{{Name: "m", hidden: "x"}}),
		slog.AnyValue(errors.New("boom")),
		slog.DurationValue(1500 * time.Millisecond),
		slog.Uint64Value(math.MaxUint64),
		slog.TimeValue(when),
	}
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
			for _, f := range entry.Metadata {
				e.AddMetadata(slog.Attr{Key: f.Key, Value: sampleValue(f.Type, f.Key)})
			}
			e.SetIDs(ids)
			return e
		}},
		{"odd values", func(entry *catalog.Entry) telemetry.Event {
			e := telemetry.NewEvent(entry.Name, when)
			for i, f := range entry.Metadata {
				e.AddMetadata(slog.Attr{Key: f.Key, Value: odd[i%len(odd)]})
			}
			return e
		}},
		{"exception overwritten", func(entry *catalog.Entry) telemetry.Event {
			e := telemetry.NewEvent(entry.Name, when)
			e.AddMetadata(slog.String("error_type", "ValueError"), slog.String("reason", "bad"), slog.Int("stacktrace", 3))
			e.AddMeasurements(telemetry.Int("reason", 1))
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
	other.AddMetadata(slog.String("key", "k1"), slog.Any("box", secretBox{Name: "b"}))
	other.AddMeasurements(telemetry.Int("size", 3))
	events = append(events, other, telemetry.NewEvent("nodots", when))
	// The layouts every handler's tests share: none, ids only, reversed
	// and repeated, data only, exception fields, and more values.
	events = append(events, telemetrytest.CatalogEvents(when)...)

	sc := trace.SpanContextFromContext(benchSpanContext())
	for _, level := range []pylog.Level{pylog.NotSet, pylog.Info, pylog.Warning} {
		for i := range events {
			e := &events[i]
			wantMem, gotMem := &memLogs{}, &memLogs{}
			wantW := newLogWriter(sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(wantMem))), level)
			recordEmit(wantW, context.Background(), e, sc)
			h, err := NewHandler(WithLoggerProvider(sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(gotMem)))), WithLevel(level))
			if err != nil {
				t.Fatal(err)
			}
			h.Handle(trace.ContextWithSpanContext(context.Background(), sc), *e)
			want, got := wantMem.Records(), gotMem.Records()
			if len(got) != len(want) {
				t.Fatalf("level %v, %s: %d records, want %d", level, e, len(got), len(want))
			}
			for j := range want {
				if g, w := describeRecord(got[j]), describeRecord(want[j]); g != w {
					t.Errorf("level %v, %s:\ngot  %s\nwant %s", level, e, g, w)
				}
			}
		}
	}
}
