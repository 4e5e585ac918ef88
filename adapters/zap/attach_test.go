package codexzap_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/telemetry"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	codexzap "github.com/codextel/codextel/adapters/zap"
)

// redactNone lets model and tool data through.
var redactNone = dataPolicy{ModelData: true, ToolData: true}

var fixedNow = time.Date(2025, 12, 2, 10, 52, 12, 123456789, time.UTC)

func clock() time.Time { return fixedNow }

// jsonLogger is an app's logger: zap's production JSON encoder with RFC 3339
// times, so that lines can be compared as text, writing to buf at level.
func jsonLogger(buf *bytes.Buffer, level zapcore.LevelEnabler) *zap.Logger {
	cfg := zap.NewProductionEncoderConfig()
	cfg.EncodeTime = zapcore.RFC3339NanoTimeEncoder
	return zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(cfg), zapcore.AddSync(buf), level))
}

func newBus(t testing.TB, opts ...telemetry.Option) *telemetry.Bus {
	t.Helper()
	bus := telemetry.New(append([]telemetry.Option{telemetry.WithThrottle(nil), telemetry.WithClock(clock)}, opts...)...)
	t.Cleanup(bus.Close)
	return bus
}

// attach attaches the adapter for the codex.* events, as Attach does;
// attachAll for every event. The bus of newBus stamps them with clock.
func attach(t testing.TB, bus *telemetry.Bus, logger *zap.Logger, opts ...codexzap.Option) {
	t.Helper()
	attachTo(t, bus, logger, "codex.*", opts...)
}

func attachAll(t testing.TB, bus *telemetry.Bus, logger *zap.Logger, opts ...codexzap.Option) {
	t.Helper()
	attachTo(t, bus, logger, "*", opts...)
}

func attachTo(t testing.TB, bus *telemetry.Bus, logger *zap.Logger, pattern string, opts ...codexzap.Option) {
	t.Helper()
	detach, err := bus.Attach(codexzap.DefaultID, codexzap.New(logger, opts...), pattern)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := detach(); err != nil {
			t.Error(err)
		}
	})
}

// A panicky error panics when asked for its text.
type panicky struct{ msg *string }

func (p panicky) Error() string { return *p.msg }

// TestFieldsInOrderWithTypes: every field reaches zap once, in the record's
// order (metadata, measurements, correlation fields; nested objects and
// lists in theirs), with its type: numbers stay numbers, objects objects.
func TestFieldsInOrderWithTypes(t *testing.T) {
	var buf bytes.Buffer
	bus := newBus(t, telemetry.WithScrubber(nil))
	attachAll(t, bus, jsonLogger(&buf, zapcore.DebugLevel))
	ctx := correlation.With(context.Background(), correlation.IDs{Thread: "thr_1", Turn: "turn_2"})
	huge, _ := new(big.Int).SetString("18446744073709551616", 10)
	bus.Emit(ctx, "app.cache.miss",
		[]telemetry.Measurement{telemetry.Int("zz_count", 3), telemetry.Float("aa_ratio", 0.5), telemetry.Duration("mm_wait", 1500*time.Millisecond)},
		slog.String("zeta", "last letter, first field"),
		slog.Int("alpha", -7),
		slog.Uint64("big", 1<<63),
		slog.Float64("pi", 3.25),
		slog.Bool("ok", true),
		slog.Time("when", time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)),
		slog.Group("obj", slog.Int("z", 26), slog.Group("a", slog.Bool("y", false), slog.String("b", "x")), slog.Group("empty")), // log/slog drops the empty group
		slog.Any("list", []any{int64(1), "a", nil, slog.GroupValue(slog.Int("k", 2)), []any{1.5}}),
		slog.Any("huge", huge),
		slog.Any("num", json.Number("12345678901234567890123")),
		slog.Any("err", errors.New("bad value")),
		slog.Group("", slog.String("inlined", "into the record")),
		slog.Attr{},
		slog.Any("none", nil),
	)
	want := `{"level":"info","ts":"2025-12-02T10:52:12.123456789Z","logger":"app.cache","msg":"app.cache.miss",` +
		`"zeta":"last letter, first field","alpha":-7,"big":9223372036854775808,"pi":3.25,"ok":true,` +
		`"when":"2025-01-02T03:04:05.000000006Z","obj":{"z":26,"a":{"y":false,"b":"x"}},` +
		`"list":[1,"a",null,{"k":2},[1.5]],"huge":18446744073709551616,"num":12345678901234567890123,` +
		`"err":"bad value","inlined":"into the record","none":null,` +
		`"zz_count":3,"aa_ratio":0.5,"mm_wait":1.5,"thread_id":"thr_1","turn_id":"turn_2"}` + "\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestFieldTypes: the zap fields keep the values' types, for cores that
// read fields rather than encode them.
func TestFieldTypes(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	bus := newBus(t)
	attachAll(t, bus, zap.New(core))
	bus.Emit(context.Background(), "app.types", []telemetry.Measurement{telemetry.Duration("d", time.Second)},
		slog.String("s", "x"), slog.Int("i", 1), slog.Uint64("u", 2), slog.Float64("f", 1.5), slog.Bool("b", true),
		slog.Time("t", fixedNow), slog.Group("g", slog.Int("k", 1)), slog.Any("l", []any{1}), slog.Any("e", errors.New("x")))
	entries := logs.TakeAll()
	if len(entries) != 1 {
		t.Fatalf("%d entries", len(entries))
	}
	var got []string
	for _, f := range entries[0].Context {
		if f.Type == zapcore.SkipType {
			continue
		}
		got = append(got, fmt.Sprintf("%s:%d", f.Key, f.Type))
	}
	want := []string{
		fmt.Sprintf("s:%d", zapcore.StringType), fmt.Sprintf("i:%d", zapcore.Int64Type),
		fmt.Sprintf("u:%d", zapcore.Uint64Type), fmt.Sprintf("f:%d", zapcore.Float64Type),
		fmt.Sprintf("b:%d", zapcore.BoolType), fmt.Sprintf("t:%d", zapcore.TimeType),
		fmt.Sprintf("g:%d", zapcore.ObjectMarshalerType), fmt.Sprintf("l:%d", zapcore.ArrayMarshalerType),
		fmt.Sprintf("e:%d", zapcore.ErrorType), fmt.Sprintf("d:%d", zapcore.DurationType),
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("fields %v, want %v", got, want)
	}
	// The observer keeps the fields after the write: they still hold the
	// event's values once the adapter has reused its buffers.
	bus.Emit(context.Background(), "app.types", nil, slog.String("s", "overwritten?"), slog.Group("g", slog.Int("k", 99)))
	m := entries[0].ContextMap()
	if m["s"] != "x" || fmt.Sprint(m["g"]) != "map[k:1]" {
		t.Errorf("a kept entry changed: %v", m)
	}
}

// TestCorrelationFields: the ids of the context an event is emitted in
// (context is not ignored) come last, in catalog order, empty ones left out;
// a span's ids are its own; a cancelled context still logs.
func TestCorrelationFields(t *testing.T) {
	var buf bytes.Buffer
	bus := newBus(t, telemetry.WithClock(clock))
	attach(t, bus, jsonLogger(&buf, zapcore.DebugLevel))
	ids := correlation.IDs{Correlation: "c1", Thread: "t1", Turn: "u1", Span: "s1", ParentSpan: "p1"}
	ctx, cancel := context.WithCancel(correlation.With(context.Background(), ids))
	cancel()
	bus.Emit(ctx, catalog.TurnCompactionStarted, nil)
	want := `{"level":"info","ts":"2025-12-02T10:52:12.123456789Z","logger":"codex.turn","msg":"Compacting conversation history",` +
		`"correlation_id":"c1","thread_id":"t1","turn_id":"u1","span_id":"s1","parent_span_id":"p1"}` + "\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}

	buf.Reset()
	sctx, span := bus.StartSpan(correlation.With(context.Background(), correlation.IDs{Correlation: "c2"}), "codex.tool",
		slog.String("tool", "shell"), slog.String("tool_kind", "command"), slog.String("call_id", "call_1"))
	bus.Emit(sctx, catalog.ItemWarning, nil, slog.String("call_id", "call_1"), slog.String("warning", "inside"))
	span.End()
	lines := decodeLines(t, buf.Bytes())
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3:\n%s", len(lines), buf.String())
	}
	for i, m := range lines {
		if m["correlation_id"] != "c2" || m["span_id"] != span.ID() {
			t.Errorf("line %d: correlation_id %v, span_id %v; want c2, %s", i, m["correlation_id"], m["span_id"], span.ID())
		}
	}

	// EmitEvent: the context's ids replace the event's.
	buf.Reset()
	e := telemetry.NewEvent(catalog.TurnCompactionStarted, fixedNow)
	e.SetIDs(correlation.IDs{Thread: "stale"})
	bus.EmitEvent(correlation.With(context.Background(), correlation.IDs{Thread: "fresh"}), e)
	if m := decodeLines(t, buf.Bytes()); len(m) != 1 || m[0]["thread_id"] != "fresh" {
		t.Errorf("EmitEvent: %s", buf.String())
	}
}

func decodeLines(t *testing.T, text []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range bytes.SplitAfter(text, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("not one JSON object: %v: %q", err, line)
		}
		out = append(out, m)
	}
	return out
}

// TestTimes: an event's own time is the entry's; an event without one gets
// the bus's clock (never the zero time, never 1970); a zero time.Time
// value, which zap's production (epoch) encoder would write as a meaningless
// number, is written as RFC 3339 text; a zero duration is 0.
func TestTimes(t *testing.T) {
	var buf bytes.Buffer
	enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
	logger := zap.New(zapcore.NewCore(enc, zapcore.AddSync(&buf), zapcore.DebugLevel))
	bus := newBus(t)
	attachAll(t, bus, logger)

	own := time.Date(2024, 2, 29, 23, 59, 59, 500000000, time.UTC)
	e := telemetry.NewEvent("app.timed", own)
	e.AddMetadata(slog.Time("zero", time.Time{}), slog.Duration("nothing", 0), slog.Time("ancient", time.Date(1066, 10, 14, 9, 0, 0, 0, time.UTC)))
	bus.EmitEvent(context.Background(), e)
	bus.Emit(context.Background(), "app.untimed", nil)

	dec := json.NewDecoder(&buf)
	dec.UseNumber()
	var first, second map[string]any
	if err := dec.Decode(&first); err != nil {
		t.Fatal(err)
	}
	if err := dec.Decode(&second); err != nil {
		t.Fatal(err)
	}
	if ts := first["ts"].(json.Number).String(); ts != "1709251199.5" {
		t.Errorf("the event's own time is written as %s, want 1709251199.5", ts)
	}
	if ts := second["ts"].(json.Number).String(); ts != "1764672732.1234567" {
		t.Errorf("an event without a time is written at %s, want the clock's 1764672732.1234567", ts)
	}
	if first["zero"] != "0001-01-01T00:00:00Z" || first["ancient"] != "1066-10-14T09:00:00Z" {
		t.Errorf("times outside zap's range: zero %v, ancient %v", first["zero"], first["ancient"])
	}
	if n, ok := first["nothing"].(json.Number); !ok || n.String() != "0" {
		t.Errorf("a zero duration is %v, want 0", first["nothing"])
	}
}

// TestLoggerName: the app logger's name comes first, as zap's Named
// composes names, and its With fields come before the event's.
func TestLoggerName(t *testing.T) {
	var buf bytes.Buffer
	app := jsonLogger(&buf, zapcore.DebugLevel).Named("billing").With(zap.String("service", "billing-api"))
	bus := newBus(t)
	attachAll(t, bus, app)
	bus.Emit(context.Background(), catalog.TurnCompactionStarted, nil)
	bus.Emit(context.Background(), "myapp.cache.miss", nil, slog.String("key", "k1"))
	want := `{"level":"info","ts":"2025-12-02T10:52:12.123456789Z","logger":"billing.codex.turn","msg":"Compacting conversation history","service":"billing-api"}` + "\n" +
		`{"level":"info","ts":"2025-12-02T10:52:12.123456789Z","logger":"billing.myapp.cache","msg":"myapp.cache.miss","service":"billing-api","key":"k1"}` + "\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

// TestLevelFilter: the logger's level decides, as it changes.
func TestLevelFilter(t *testing.T) {
	var buf bytes.Buffer
	level := zap.NewAtomicLevelAt(zapcore.WarnLevel)
	bus := newBus(t)
	attachAll(t, bus, jsonLogger(&buf, level))
	emitAll := func() {
		bus.Emit(context.Background(), catalog.ToolStart, nil, slog.String("tool", "shell"))                            // DEBUG
		bus.Emit(context.Background(), catalog.TurnCompactionStarted, nil)                                              // INFO
		bus.Emit(context.Background(), catalog.TurnCompactionFailed, nil, slog.String("reason", "too long"))            // WARNING
		bus.Emit(context.Background(), catalog.TurnFailed, nil, slog.Int("turn_index", 1))                              // ERROR
		bus.Emit(context.Background(), "app.unknown", nil)                                                              // INFO
		bus.Emit(context.Background(), catalog.ToolFailure, nil, slog.String("tool", "shell"), slog.Any("input", "ls")) // DEBUG, ERROR with data
	}
	levels := func() string {
		var ls []string
		for _, m := range decodeLines(t, buf.Bytes()) {
			ls = append(ls, m["level"].(string))
		}
		buf.Reset()
		return strings.Join(ls, " ")
	}
	emitAll()
	if got := levels(); got != "warn error" {
		t.Errorf("at warn: %q", got)
	}
	level.SetLevel(zapcore.DebugLevel)
	emitAll()
	if got := levels(); got != "debug info warn error info debug" {
		t.Errorf("at debug: %q", got)
	}
	level.SetLevel(zapcore.ErrorLevel)
	emitAll()
	if got := levels(); got != "error" {
		t.Errorf("at error: %q", got)
	}
}

// TestToolFailureDataLevel: an event whose data message has a level of its
// own is written at it when the data is let through, even when the logger's
// level would drop the redacted one.
func TestToolFailureDataLevel(t *testing.T) {
	var buf bytes.Buffer
	bus := telemetry.New(telemetry.WithThrottle(nil), telemetry.WithModelData(redactNone.ModelData), telemetry.WithToolData(redactNone.ToolData))
	defer bus.Close()
	attach(t, bus, jsonLogger(&buf, zapcore.ErrorLevel))
	bus.Emit(context.Background(), catalog.ToolFailure, nil,
		slog.String("tool", "shell"), slog.String("input", "ls /nope"), slog.String("reason", "exit 2"))
	m := decodeLines(t, buf.Bytes())
	if len(m) != 1 || m[0]["level"] != "error" || m[0]["msg"] != "Tool shell failed: ls /nope exit 2" {
		t.Errorf("got %s", buf.String())
	}
}

// TestSampling: the app's sampler applies to the adapter's entries, keyed by
// the rendered message and timed by the event.
func TestSampling(t *testing.T) {
	var buf bytes.Buffer
	core := zapcore.NewSamplerWithOptions(jsonLogger(&buf, zapcore.DebugLevel).Core(), time.Second, 100, 100)
	bus := newBus(t)
	attach(t, bus, zap.New(core))
	for range 250 {
		bus.Emit(context.Background(), catalog.TurnCompactionStarted, nil)
	}
	if n := bytes.Count(buf.Bytes(), []byte("\n")); n != 101 {
		t.Errorf("%d lines, want the first 100 and every 100th after: 101", n)
	}
}

func TestAttachErrors(t *testing.T) {
	logger := zap.NewNop()
	bus := newBus(t)
	if _, err := bus.Attach("codexzap.bad", codexzap.New(logger), "codex..tool"); !errors.Is(err, telemetry.ErrBadName) {
		t.Errorf("bad pattern: %v", err)
	}
	detach, err := codexzap.Attach(bus, logger)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := codexzap.Attach(bus, logger); !errors.Is(err, telemetry.ErrDuplicateHandler) {
		t.Errorf("second adapter under the default id: %v", err)
	}
	detach2, err := bus.Attach("codexzap.audit", codexzap.New(logger), "codex.approval.*")
	if err != nil {
		t.Fatalf("second adapter with its own id: %v", err)
	}
	if got := len(bus.Handlers("")); got != 2 {
		t.Errorf("%d handlers, want 2", got)
	}
	if err := detach(); err != nil {
		t.Error(err)
	}
	if err := detach(); !errors.Is(err, telemetry.ErrUnknownHandler) {
		t.Errorf("detaching twice: %v", err)
	}
	if err := detach2(); err != nil {
		t.Error(err)
	}
	if got := len(bus.Handlers("")); got != 0 {
		t.Errorf("%d handlers after detaching, want 0", got)
	}
}

// failing is a sink whose writes fail.
type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("disk on fire") }
func (failing) Sync() error               { return nil }

// TestErrorOutput: an entry the core fails to write is reported, not
// dropped silently.
func TestErrorOutput(t *testing.T) {
	var errOut bytes.Buffer
	logger := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), failing{}, zapcore.DebugLevel))
	bus := newBus(t)
	attach(t, bus, logger, codexzap.WithErrorOutput(zapcore.AddSync(&errOut)))
	bus.Emit(context.Background(), catalog.TurnCompactionStarted, nil)
	if !strings.Contains(errOut.String(), "disk on fire") {
		t.Errorf("error output %q", errOut.String())
	}
}

// TestBadValueKeepsTheLine: a value that panics while it is encoded costs
// neither the line nor the adapter's place on the bus.
func TestBadValueKeepsTheLine(t *testing.T) {
	var buf bytes.Buffer
	// Without the scrubber, which would replace the bad values first.
	bus := newBus(t, telemetry.WithScrubber(nil))
	attachAll(t, bus, jsonLogger(&buf, zapcore.DebugLevel))
	bus.Emit(context.Background(), "app.bad", nil,
		slog.Any("list", []any{panicky{}, "after"}),
		slog.Any("err", panicky{}),
		slog.String("next", "kept"))
	m := decodeLines(t, buf.Bytes())
	if len(m) != 1 {
		t.Fatalf("%d lines:\n%s", len(m), buf.String())
	}
	if l, ok := m[0]["list"].([]any); !ok || len(l) != 2 || !strings.HasPrefix(l[0].(string), "!PANIC: ") || l[1] != "after" {
		t.Errorf("list: %v", m[0]["list"])
	}
	if e, ok := m[0]["errError"].(string); !ok || !strings.HasPrefix(e, "PANIC=") {
		t.Errorf("zap's report of the error that panicked: %v", m[0]["errError"])
	}
	if m[0]["next"] != "kept" {
		t.Errorf("next: %v", m[0]["next"])
	}
	if len(bus.Handlers("")) != 1 {
		t.Error("the adapter was detached")
	}
}

// dataPolicy says which data classes a test bus lets through
// (telemetry.WithModelData, telemetry.WithToolData).
type dataPolicy struct{ ModelData, ToolData bool }

// A nil bus is the default bus and a nil logger zap's global one, as
// documented: Attach(nil, nil) writes the default bus's events through zap.L().
func TestAttachNilDefaults(t *testing.T) {
	var buf bytes.Buffer
	restore := zap.ReplaceGlobals(jsonLogger(&buf, zapcore.DebugLevel))
	defer restore()
	detach, err := codexzap.Attach(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer detach()
	telemetry.Default().Emit(context.Background(), catalog.TurnCompactionFailed, nil, slog.String("reason", "too long"))
	if !strings.Contains(buf.String(), `"msg":"Compacting conversation history failed: too long"`) {
		t.Errorf("zap.L() wrote %q, want the default bus's event", buf.String())
	}
}
