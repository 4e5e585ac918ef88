package telemetrytest_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/codextel/codextel/core/telemetry"
	"github.com/codextel/codextel/core/telemetrytest"
)

// fakeTB records what a helper reports, to test the failure paths.
type fakeTB struct {
	testing.TB // nil: calling anything not overridden panics
	name       string
	errors     []string
	cleanups   []func()
}

func (f *fakeTB) Helper()      {}
func (f *fakeTB) Name() string { return f.name }
func (f *fakeTB) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Fatalf(format string, args ...any) { f.Errorf(format, args...); panic("fatal") }
func (f *fakeTB) Cleanup(fn func())                 { f.cleanups = append(f.cleanups, fn) }

func TestRecordNamesAndShapes(t *testing.T) {
	bus := telemetry.New()
	rec := telemetrytest.Record(t, bus, "codex.tool.*")
	_ = bus.Span(context.Background(), "codex.tool", []slog.Attr{slog.String("tool", "shell")}, func(ctx context.Context) error {
		bus.Emit(ctx, "codex.other", nil)
		return nil
	})
	rec.WantNames("codex.tool.start", "codex.tool.stop")
	rec.WantShapes(
		"codex.tool.start {system_time monotonic_time} [tool:String]",
		"codex.tool.stop {duration duration_ms} [tool:String]",
	)
	if _, ok := rec.Find("codex.tool.stop"); !ok {
		t.Error("Find did not find codex.tool.stop")
	}
	rec.Reset()
	rec.WantNames()
}

func TestWantNamesReportsADiff(t *testing.T) {
	bus := telemetry.New()
	ft := &fakeTB{name: "T"}
	rec := telemetrytest.Record(ft, bus)
	bus.Emit(context.Background(), "codex.a", nil)
	bus.Emit(context.Background(), "codex.c", nil)
	rec.WantNames("codex.a", "codex.b", "codex.c")
	if len(ft.errors) != 1 {
		t.Fatalf("got %d errors, want 1: %v", len(ft.errors), ft.errors)
	}
	want := "event names differ (-want +got):\n  codex.a\n- codex.b\n  codex.c\n"
	if !strings.Contains(ft.errors[0], want) {
		t.Errorf("error:\n%s\nwant it to contain:\n%s", ft.errors[0], want)
	}
	// The recorder detaches at cleanup.
	for _, fn := range ft.cleanups {
		fn()
	}
	if len(bus.Handlers("")) != 0 {
		t.Error("recorder still attached after cleanup")
	}
}

func TestRecordContextIsScoped(t *testing.T) {
	bus := telemetry.New()
	for _, name := range []string{"first", "second"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx, rec := telemetrytest.RecordContext(t, bus, "codex.*")
			for range 50 {
				bus.Emit(ctx, "codex."+name, nil)
				bus.Emit(context.Background(), "codex.unscoped", nil)
			}
			_ = bus.Span(ctx, "codex.span", nil, func(ctx context.Context) error { return nil })
			names := rec.Names()
			if len(names) != 52 {
				t.Fatalf("recorded %d events, want 52", len(names))
			}
			for _, n := range names[:50] {
				if n != "codex."+name {
					t.Fatalf("recorded %s, which another test emitted", n)
				}
			}
		})
	}
}

func TestCheckCatalog(t *testing.T) {
	ev := func(name string, ms []telemetry.Measurement, md ...slog.Attr) telemetry.Event {
		e := telemetry.NewEvent(name, telemetry.Event{}.Time)
		e.AddMeasurements(ms...)
		e.AddMetadata(md...)
		return e
	}
	spanEnd := []telemetry.Measurement{telemetry.Duration("duration", 5), telemetry.Float("duration_ms", 0.000005)}
	tests := []struct {
		name string
		e    telemetry.Event
		want []string // substrings of the error, none means valid
	}{
		{"valid, optional fields left out", ev("codex.tool.success", spanEnd,
			slog.String("tool", "shell"), slog.String("tool_kind", "command_execution"), slog.String("call_id", "item_0"),
			slog.Int("exit_code", 0)), nil},
		{"unknown event", ev("codex.nope", nil), []string{"not in the event catalog"}},
		{"missing and mistyped", ev("codex.tool.success", spanEnd[:1],
			slog.String("tool", "shell"), slog.Int("call_id", 3)),
			[]string{`measurement "duration_ms" is missing`, `metadata "tool_kind" is missing`, `metadata "call_id" is a Int64, the catalog says string`}},
		{"unknown field", ev("codex.turn.compaction.started", nil, slog.String("extra", "x")),
			[]string{`metadata "extra" is not in the catalog`}},
		{"out of order", ev("codex.error", nil, slog.Bool("will_retry", true), slog.String("error_message", "x")),
			[]string{`metadata "error_message" is out of catalog order`}},
	}
	for _, tt := range tests {
		err := telemetrytest.CheckCatalog(tt.e)
		if len(tt.want) == 0 {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", tt.name, err, w)
			}
		}
	}
}

func TestDiff(t *testing.T) {
	tests := []struct {
		want, got []string
		diff      string
	}{
		{[]string{"a", "b"}, []string{"a", "b"}, ""},
		{nil, nil, ""},
		{[]string{"a"}, nil, "- a\n"},
		{nil, []string{"a"}, "+ a\n"},
		{[]string{"a", "b", "c"}, []string{"a", "x", "c"}, "  a\n- b\n+ x\n  c\n"},
		{[]string{"a", "b"}, []string{"b", "c", "a"}, "- a\n  b\n+ c\n+ a\n"},
	}
	for _, tt := range tests {
		if got := telemetrytest.Diff(tt.want, tt.got); got != tt.diff {
			t.Errorf("Diff(%q, %q) = %q, want %q", tt.want, tt.got, got, tt.diff)
		}
	}
}

// Edits pairs lines by position past a million cells, and finds the longest
// common subsequence below.
func TestEdits(t *testing.T) {
	big := func(n int, last string) []string {
		s := make([]string, n)
		for i := range s {
			s[i] = fmt.Sprint(i)
		}
		s[n-1] = last
		return s
	}
	tests := []struct {
		name      string
		want, got []string
		changes   int // edits that are not ' '
	}{
		{"lcs: one line inserted at the front", []string{"a", "b"}, []string{"x", "a", "b"}, 1},
		{"by position: one line differs", big(1025, "w"), big(1025, "g"), 2},
		{"by position: an insertion at the front changes every line", big(1025, "w"), append([]string{"x"}, big(1025, "w")...), 2051},
	}
	for _, tt := range tests {
		n := 0
		for _, e := range telemetrytest.Edits(tt.want, tt.got) {
			if e.Kind != ' ' {
				n++
			}
		}
		if n != tt.changes {
			t.Errorf("%s: %d changes, want %d", tt.name, n, tt.changes)
		}
	}
}
