package pylog

import (
	"errors"
	"log/slog"
	"testing"
	"time"
)

// wantAllocs fails when f allocates other than n times per run. The race
// detector allocates on its own, so it skips there.
func wantAllocs(t *testing.T, n float64, f func()) {
	t.Helper()
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under -race")
	}
	if got := testing.AllocsPerRun(100, f); got != n {
		t.Errorf("allocs per run = %v, want %v", got, n)
	}
}

func TestAllocs(t *testing.T) {
	buf := make([]byte, 0, 4096)
	rec := benchRecord()
	rich := benchRecord()
	rich.Err = errors.New("boom")
	rich.File, rich.Line, rich.Function = "/src/tool.py", 12, "run"
	rich.Attrs = append(rich.Attrs,
		slog.Duration("elapsed", 1500*time.Millisecond),
		slog.Time("started", time.Date(2025, 12, 2, 10, 52, 12, 5000, time.UTC)),
		slog.Group("usage", slog.Int("input_tokens", 12), slog.Float64("cost", 0.25), slog.String("model", "gpt-5")),
		slog.Uint64("big", 1<<63), slog.String("tool", "repeated"), slog.String("note", "h\u00e9llo\n\x00\U0001F600"),
	)
	jsonFormats := []struct {
		format string
		opts   []Option
	}{
		{"%(asctime)s %(levelname)s %(name)s %(message)s", nil},
		{"%(created)s %(msecs)s %(relativeCreated)s %(levelno)s %(process)s %(thread)s %(pathname)s %(filename)s %(module)s %(funcName)s %(lineno)s", nil},
		{"%(message)s %(exc_info)s %(tool)s %(nope)s", []Option{WithTimestamp("timestamp")}},
		{"%(asctime)s %(message)s", []Option{WithDateFormat("%d/%b/%Y:%H:%M:%S %z"), WithEnsureASCII(false)}},
	}
	for _, jf := range jsonFormats {
		j, err := NewJSONFormatter(jf.format, jf.opts...)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []*Record{rec, rich} {
			t.Run("json "+jf.format, func(t *testing.T) {
				wantAllocs(t, 0, func() { buf = j.Append(buf[:0], r) })
			})
		}
	}
	textFormats := []struct {
		format string
		style  rune
	}{
		{"%(asctime)s %(levelname)-8s %(name)s: %(message)s", '%'},
		{"%(created)f %(msecs)03d %(relativeCreated).1f %(levelno)#x %(process)d %(thread)d %(lineno)04d %(pathname)s %(filename)s %(module)s %(funcName)s", '%'},
		{"%(message)r %(name)a %(levelname).4s %(message)20s %(created)s %(created)g %(created)e", '%'},
		{"{asctime} {levelname:<8} {message!r:>30} {created:,.3f} {process:08,} {levelno:#b}", '{'},
		{"${asctime} $levelname $message", '$'},
	}
	for _, tf := range textFormats {
		f, err := NewFormatter(tf.format, WithStyle(tf.style))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []*Record{rec, rich} {
			t.Run("text "+tf.format, func(t *testing.T) {
				wantAllocs(t, 0, func() { buf = f.Append(buf[:0], r) })
			})
		}
	}
	values := []slog.Value{
		slog.StringValue("h\u00e9llo 'q' \"x\"\n"), slog.IntValue(-3), slog.Uint64Value(3), slog.Float64Value(1.5e-7),
		slog.BoolValue(true), slog.DurationValue(-26 * time.Hour), slog.TimeValue(time.Date(2025, 12, 2, 10, 52, 12, 5000, time.FixedZone("X", 3600))),
		slog.GroupValue(slog.String("k", "v"), slog.Int("n", 1), slog.Group("g", slog.Float64("f", 0.1))),
	}
	for _, v := range values {
		t.Run("value "+v.Kind().String(), func(t *testing.T) {
			wantAllocs(t, 0, func() {
				buf = AppendStr(buf[:0], v)
				buf = AppendRepr(buf, v)
				buf = AppendJSON(buf, v, true)
				buf = AppendJSON(buf, v, false)
			})
		})
	}
}

// A date format whose output needs escaping in JSON is copied through a
// stack buffer, not the heap.
func TestAllocsDateFormatEscaped(t *testing.T) {
	buf := make([]byte, 0, 1024)
	r := benchRecord()
	r.Attrs = nil
	j, err := NewJSONFormatter("%(asctime)s", WithDateFormat("caf\u00e9 \"%H\" \xff"), WithLocation(time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"asctime": "caf\u00e9 \"10\" \ufffd"}`
	if got := string(j.Append(nil, r)); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	wantAllocs(t, 0, func() { buf = j.Append(buf[:0], r) })
}
