package codexotel

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"math"
	"math/big"
	"reflect"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/eventlog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// sampleValue is a value of the catalog type typ, for building events.
func sampleValue(typ catalog.Type, key string) slog.Value {
	switch typ {
	case catalog.Int:
		return slog.Int64Value(int64(len(key)))
	case catalog.Float:
		return slog.Float64Value(1.5)
	case catalog.Bool:
		return slog.BoolValue(true)
	case catalog.Duration:
		return slog.DurationValue(1500 * time.Millisecond)
	case catalog.Time:
		return slog.TimeValue(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	case catalog.List:
		return slog.AnyValue([]any{"a", int64(1), nil})
	case catalog.Object, catalog.Any:
		return slog.GroupValue(slog.String("cmd", "ls"), slog.Int("n", 2))
	}
	return slog.StringValue(key + " value")
}

// catalogEvents returns one event per catalog entry with every field, under
// full correlation ids.
func catalogEvents() []telemetry.Event {
	var out []telemetry.Event
	at := time.Date(2026, 11, 25, 9, 0, 0, 123456789, time.UTC)
	for i, entry := range catalog.All() {
		e := telemetry.NewEvent(entry.Name, at.Add(time.Duration(i)*time.Millisecond))
		for _, f := range entry.Measurements {
			switch f.Type {
			case catalog.Duration:
				e.AddMeasurements(telemetry.Duration(f.Key, 1500*time.Millisecond))
			case catalog.Float:
				e.AddMeasurements(telemetry.Float(f.Key, 1500))
			default:
				e.AddMeasurements(telemetry.Int(f.Key, int64(10+i)))
			}
		}
		for _, f := range entry.Metadata {
			e.AddMetadata(slog.Attr{Key: f.Key, Value: sampleValue(f.Type, f.Key)})
		}
		e.SetIDs(correlation.IDs{
			Correlation: "4bf92f3577b34da6a3ce929d0e0e4736", Thread: "thread-1", Turn: "turn-1",
			Span: fmt.Sprintf("%016x", uint64(0xa1b2c3d4e5f60000)+uint64(i)), ParentSpan: "00f067aa0ba902b7",
		})
		out = append(out, e)
	}
	return out
}

// logView is what the tests check of a log record, whether it comes from
// the SDK (unit tests) or from the collector's output (make e2e).
type logView struct {
	time        time.Time
	severity    int
	text, body  string
	scope       string
	trace, span string
	eventName   string
	attrs       []keyValue
}

// keyValue is an attribute with its value normalized by norm.
type keyValue struct {
	key   string
	value any
}

// norm turns an attribute value into plain Go values: bool, int64, float64,
// string, []byte as base64 text, []any, map[string]any, or nil.
func norm(v attribute.Value) any {
	switch v.Type() {
	case attribute.BOOL:
		return v.AsBool()
	case attribute.INT64:
		return v.AsInt64()
	case attribute.FLOAT64:
		return v.AsFloat64()
	case attribute.STRING:
		return v.AsString()
	case attribute.BYTESLICE:
		return base64.StdEncoding.EncodeToString(v.AsByteSlice())
	case attribute.SLICE:
		out := []any{}
		for _, e := range v.AsSlice() {
			out = append(out, norm(e))
		}
		return out
	case attribute.MAP:
		out := map[string]any{}
		for _, kv := range v.AsMap() {
			out[string(kv.Key)] = norm(kv.Value)
		}
		return out
	case attribute.EMPTY:
		return nil
	}
	return v.AsInterface()
}

// logViewOf converts an SDK record.
func logViewOf(r sdklog.Record) logView {
	v := logView{
		time: r.Timestamp(), severity: int(r.Severity()), text: r.SeverityText(), body: r.Body().AsString(),
		scope: r.InstrumentationScope().Name, eventName: r.EventName(),
	}
	if r.TraceID().IsValid() {
		v.trace = r.TraceID().String()
	}
	if r.SpanID().IsValid() {
		v.span = r.SpanID().String()
	}
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		v.attrs = append(v.attrs, keyValue{string(kv.Key), norm(kv.Value)})
		return true
	})
	return v
}

// checkRecord checks one log record against the record eventlog.Mapper makes
// of the event: time, severity (number and text, as Python's OpenTelemetry
// LoggingHandler writes the catalog's levels), body, scope, trace and span
// ids, event name, and every field in order with its value; after them only
// the exception attributes of an exception event. It returns the problems.
func checkRecord(got logView, e telemetry.Event) []string {
	var want pylog.Record
	(&eventlog.Mapper{}).Map(&want, &e)
	var ps []string
	bad := func(format string, args ...any) { ps = append(ps, fmt.Sprintf(format, args...)) }
	if !got.time.Equal(want.Time) {
		bad("time %s, want %s", got.time, want.Time)
	}
	wantSev, ok := map[pylog.Level]struct {
		n    int
		text string
	}{
		pylog.Debug: {5, "DEBUG"}, pylog.Info: {9, "INFO"}, pylog.Warning: {13, "WARN"},
		pylog.Error: {17, "ERROR"}, pylog.Critical: {21, "CRITICAL"},
	}[want.Level]
	if !ok || got.severity != wantSev.n || got.text != wantSev.text {
		bad("severity %d %q, want %d %q (level %d)", got.severity, got.text, wantSev.n, wantSev.text, want.Level)
	}
	if got.body != want.Message {
		bad("body %q, want %q", got.body, want.Message)
	}
	if got.scope != want.Logger {
		bad("scope %q, want the logger %q", got.scope, want.Logger)
	}
	if got.eventName != e.Name {
		bad("event name %q, want %q", got.eventName, e.Name)
	}
	ids := e.IDs()
	if ids.Correlation != "" && (got.trace != ids.Correlation || got.span != ids.Span) {
		bad("ids %s/%s, want %s/%s", got.trace, got.span, ids.Correlation, ids.Span)
	}
	if len(got.attrs) < len(want.Attrs) {
		bad("%d attributes, want at least %d", len(got.attrs), len(want.Attrs))
		return ps
	}
	for i, a := range want.Attrs {
		if got.attrs[i].key != a.Key {
			bad("attribute %d is %q, want %q", i, got.attrs[i].key, a.Key)
			continue
		}
		if w := norm(logValue(a.Value)); !reflect.DeepEqual(got.attrs[i].value, w) {
			bad("attribute %q = %#v, want %#v", a.Key, got.attrs[i].value, w)
		}
	}
	extra := map[string]any{}
	for _, kv := range got.attrs[len(want.Attrs):] {
		extra[kv.key] = kv.value
	}
	if v, ok := e.Lookup("error_type"); ok {
		r, _ := e.Lookup("reason")
		if extra["exception.type"] != v.String() || extra["exception.message"] != r.String() {
			bad("exception attributes %v, want type %q and message %q", extra, v, r)
		}
		delete(extra, "exception.type")
		delete(extra, "exception.message")
		delete(extra, "exception.stacktrace")
	}
	if len(extra) > 0 {
		bad("unexpected attributes %v", extra)
	}
	return ps
}

// TestLogRecords is the semantic check of the logs path, on every catalog
// event with all its fields under both redaction policies, and on the
// recorded session: see checkRecord.
func TestLogRecords(t *testing.T) {
	for _, policy := range []dataPolicy{{}, {ModelData: true, ToolData: true}} {
		t.Run(fmt.Sprintf("model=%v,tool=%v", policy.ModelData, policy.ToolData), func(t *testing.T) {
			r := newRig(t, false)
			r.bus = telemetry.New(telemetry.WithThrottle(nil), telemetry.WithModelData(policy.ModelData), telemetry.WithToolData(policy.ToolData))
			if _, err := r.bus.Attach("otel", r.h, "*"); err != nil {
				t.Fatal(err)
			}
			var delivered []telemetry.Event
			_, _ = r.bus.Attach("expect", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) { delivered = append(delivered, e.Clone()) }), "*")
			for _, e := range catalogEvents() {
				r.bus.EmitEvent(context.Background(), e)
			}
			checkAll(t, r.logs.Records(), delivered)
		})
	}
	t.Run("session", func(t *testing.T) {
		r := newRig(t, true)
		var delivered []telemetry.Event
		_, _ = r.bus.Attach("expect", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) { delivered = append(delivered, e.Clone()) }), "*")
		replay(t, r.bus)
		checkAll(t, r.logs.Records(), delivered)
	})
}

func checkAll(t *testing.T, recs []sdklog.Record, evs []telemetry.Event) {
	t.Helper()
	if len(recs) != len(evs) {
		t.Fatalf("%d records for %d events", len(recs), len(evs))
	}
	levels := map[pylog.Level]bool{}
	for i := range recs {
		for _, p := range checkRecord(logViewOf(recs[i]), evs[i]) {
			t.Errorf("%s: %s", evs[i].Name, p)
		}
		var m pylog.Record
		(&eventlog.Mapper{}).Map(&m, &evs[i])
		levels[m.Level] = true
	}
	if len(recs) > 20 && len(levels) < 4 {
		t.Errorf("only levels %v were checked", levels)
	}
}

// hidden is a struct with an unexported field, which the bus's scrubber
// does not read and so the adapter must not write.
type hidden struct {
	Name  string `json:"name"`
	Code  int
	token string
}

// TestLogValues: each kind of field value becomes the log attribute value
// the package documentation lists.
func TestLogValues(t *testing.T) {
	big1 := new(big.Int).Lsh(big.NewInt(1), 64)
	at := time.Date(2026, 11, 25, 9, 0, 0, 5, time.UTC)
	for _, c := range []struct {
		in   slog.Value
		want attribute.Value
	}{
		{slog.StringValue("héllo ✓"), attribute.StringValue("héllo ✓")},
		{slog.Int64Value(-7), attribute.Int64Value(-7)},
		{slog.Uint64Value(math.MaxUint64), attribute.StringValue("18446744073709551615")},
		{slog.Uint64Value(7), attribute.Int64Value(7)},
		{slog.Float64Value(math.Inf(1)), attribute.Float64Value(math.Inf(1))},
		{slog.BoolValue(true), attribute.BoolValue(true)},
		{slog.DurationValue(1500 * time.Millisecond), attribute.Int64Value(1_500_000_000)},
		{slog.TimeValue(at), attribute.StringValue("2026-11-25T09:00:00.000000005Z")},
		{slog.AnyValue(nil), attribute.Value{}},
		{slog.AnyValue(big1), attribute.StringValue("18446744073709551616")},
		{slog.AnyValue(big.NewInt(42)), attribute.Int64Value(42)},
		{slog.AnyValue([]any{"a", int64(1), nil, slog.BoolValue(false)}), attribute.SliceValue(
			attribute.StringValue("a"), attribute.Int64Value(1), attribute.Value{}, attribute.BoolValue(false))},
		{slog.GroupValue(slog.String("z", "1"), slog.Group("a", slog.Int("b", 2))), attribute.MapValue(
			attribute.String("z", "1"), attribute.KeyValue{Key: "a", Value: attribute.MapValue(attribute.Int("b", 2))})},
		{slog.AnyValue(map[string]any{"b": 1, "a": "x"}), attribute.MapValue(attribute.String("a", "x"), attribute.Int("b", 1))},
		{slog.AnyValue(fmt.Errorf("bad %d", 1)), attribute.StringValue("bad 1")},
		{slog.AnyValue([]byte("hi")), attribute.ByteSliceValue([]byte("hi"))},
		{slog.AnyValue(struct{ A int }{3}), attribute.MapValue(attribute.Int("A", 3))},
		// Structs are read through their exported fields only, as the
		// scrubber reads them: an unexported field is never written.
		{slog.AnyValue(hidden{Name: "n", Code: 2, token: "sk-unexported"}), attribute.MapValue(
			attribute.String("name", "n"), attribute.Int("Code", 2))},
		{slog.AnyValue(&hidden{Name: "p"}), attribute.MapValue(attribute.String("name", "p"), attribute.Int("Code", 0))},
		{slog.AnyValue(map[string]hidden{"k": {Name: "m", token: "sk-unexported"}}), attribute.MapValue(
			attribute.KeyValue{Key: "k", Value: attribute.MapValue(attribute.String("name", "m"), attribute.Int("Code", 0))})},
		{slog.AnyValue([]hidden{{Name: "s", token: "sk-unexported"}}), attribute.SliceValue(
			attribute.MapValue(attribute.String("name", "s"), attribute.Int("Code", 0)))},
		{slog.AnyValue(map[int]string{2: "b", 1: "a"}), attribute.MapValue(attribute.String("1", "a"), attribute.String("2", "b"))},
		{slog.AnyValue(slog.AnyValue(hidden{Name: "v", token: "sk-unexported"})), attribute.MapValue(
			attribute.String("name", "v"), attribute.Int("Code", 0))},
	} {
		if got := logValue(c.in); !sameValue(got, c.want) {
			t.Errorf("logValue(%v) = %s (%s), want %s (%s)", c.in, got.String(), got.Type(), c.want.String(), c.want.Type())
		}
	}
	var deep any = "bottom"
	for range 2 * maxDepth {
		deep = []any{deep}
	}
	if got := logValue(slog.AnyValue(deep)); got.Type() != attribute.SLICE {
		t.Errorf("a deep value became %s", got.Type())
	}
}

// TestLogLevel: WithLevel leaves out records below it.
func TestLogLevel(t *testing.T) {
	r := newRig(t, false, WithLevel(pylog.Info))
	ctx, th := r.bus.StartSpan(context.Background(), "codex.thread", slog.String("source", "sdk"))
	_, turn := r.bus.StartSpan(ctx, "codex.turn", slog.Int("turn_index", 1)) // DEBUG: left out
	turn.EndAs("completed")
	th.End(slog.Int("turns", 1))
	var got []string
	for _, rec := range r.logs.Records() {
		got = append(got, rec.SeverityText()+" "+rec.Body().AsString())
	}
	if len(got) != 3 {
		t.Errorf("records %q, want the three at INFO", got)
	}
}

// TestLogCancelledContext: a cancelled emitting context does not stop the
// record (the exporter here is synchronous and sees the context).
func TestLogCancelledContext(t *testing.T) {
	var seen []error
	exp := &ctxCheck{seen: &seen}
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(exp)))
	h, err := NewHandler(WithLoggerProvider(lp))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := telemetry.NewEvent(catalog.Error, time.Now())
	e.AddMetadata(slog.String("error_message", "x"))
	h.Handle(ctx, e)
	//lint:ignore SA1012 a nil context must not stop the record either
	h.Handle(nil, e)
	if len(seen) != 2 || seen[0] != nil || seen[1] != nil {
		t.Errorf("exporter saw contexts with errors %v, want two live contexts", seen)
	}
}

// sameValue reports whether two attribute values are equal.
func sameValue(a, b attribute.Value) bool {
	return a.Type() == b.Type() && reflect.DeepEqual(a.AsInterface(), b.AsInterface())
}

type ctxCheck struct{ seen *[]error }

func (c *ctxCheck) Export(ctx context.Context, _ []sdklog.Record) error {
	*c.seen = append(*c.seen, ctx.Err())
	return nil
}
func (*ctxCheck) Shutdown(context.Context) error   { return nil }
func (*ctxCheck) ForceFlush(context.Context) error { return nil }

// TestUnknownEvent: an event outside the catalog is logged at INFO by its
// parent logger, with its name as the message.
func TestUnknownEvent(t *testing.T) {
	r := newRig(t, false)
	r.bus.Emit(context.Background(), "myapp.cache.miss", []telemetry.Measurement{telemetry.Int("size", 3)}, slog.String("key", "k"))
	recs := r.logs.Records()
	if len(recs) != 1 {
		t.Fatalf("%d records", len(recs))
	}
	rec := recs[0]
	if rec.InstrumentationScope().Name != "myapp.cache" || rec.Body().AsString() != "myapp.cache.miss" || rec.SeverityText() != "INFO" {
		t.Errorf("record %q %q %q", rec.InstrumentationScope().Name, rec.Body().AsString(), rec.SeverityText())
	}
}

// dataPolicy says which data classes a test bus lets through
// (telemetry.WithModelData, telemetry.WithToolData).
type dataPolicy struct{ ModelData, ToolData bool }
