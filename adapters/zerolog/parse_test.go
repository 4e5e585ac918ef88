package codexzerolog

import (
	"bytes"
	"log/slog"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/codextel/codextel/core/pylog"
)

func TestParseTime(t *testing.T) {
	at := time.Date(2025, 12, 2, 10, 52, 12, 123456789, time.UTC)
	old := zerolog.TimeFieldFormat
	defer func() { zerolog.TimeFieldFormat = old }()
	for _, tt := range []struct {
		format string
		v      slog.Value
		want   time.Time
	}{
		{time.RFC3339Nano, slog.StringValue("2025-12-02T10:52:12.123456789Z"), at},
		{time.RFC3339, slog.StringValue("2025-12-02T10:52:12Z"), at.Truncate(time.Second)},
		{zerolog.TimeFormatUnix, slog.Int64Value(at.Unix()), at.Truncate(time.Second)},
		{zerolog.TimeFormatUnixMs, slog.Int64Value(at.UnixMilli()), at.Truncate(time.Millisecond)},
		{zerolog.TimeFormatUnixMicro, slog.Int64Value(at.UnixMicro()), at.Truncate(time.Microsecond)},
		{zerolog.TimeFormatUnixNano, slog.Int64Value(at.UnixNano()), at},
	} {
		zerolog.TimeFieldFormat = tt.format
		got, ok := parseTime(tt.v)
		if !ok || !got.Equal(tt.want) {
			t.Errorf("%q: %v %v, want %v", tt.format, got, ok, tt.want)
		}
	}
	zerolog.TimeFieldFormat = time.RFC3339
	if _, ok := parseTime(slog.StringValue("yesterday")); ok {
		t.Error("read a malformed time")
	}
	zerolog.TimeFieldFormat = zerolog.TimeFormatUnix
	if _, ok := parseTime(slog.StringValue("1")); ok {
		t.Error("read a string as a Unix time")
	}
}

func TestParseLine(t *testing.T) {
	var r pylog.Record
	parseLine(&r, []byte(`{"level":"warn","time":"soon","message":7,"logger":1,"error":false,"caller":"x","":{"in":1}}`+"\n"), pylog.NotSet, false)
	if r.Level != pylog.Warning || r.Logger != "root" || r.Message != "" || r.Err != nil || r.File != "" || r.Time.IsZero() {
		t.Errorf("record %+v", r)
	}
	var ks []string
	for _, a := range r.Attrs {
		ks = append(ks, a.Key)
	}
	// Fields of the wrong type stay extras; so does a group with no key.
	if got := ks; len(got) != 6 || got[0] != "time" || got[1] != "message" || got[5] != "" {
		t.Errorf("extras %q", got)
	}

	r = pylog.Record{}
	before := time.Now()
	parseLine(&r, []byte("\xbfnot json\n"), pylog.Info, true)
	if r.Message != "\xbfnot json" || r.Level != pylog.Info || r.Time.Before(before) {
		t.Errorf("record %+v", r)
	}
}

// TestWrite checks a line written to the writer itself, not through zerolog
// (zerolog calls WriteLevel): its level comes from the level field.
func TestWrite(t *testing.T) {
	var w bytes.Buffer
	f, _ := pylog.NewFormatter("%(levelname)s:%(name)s:%(message)s")
	pw := &pythonWriter{out: &w, f: f}
	if n, err := pw.Write([]byte(`{"level":"error","message":"direct"}` + "\n")); err != nil || n != 37 {
		t.Fatal(n, err)
	}
	if got := w.String(); got != "ERROR:root:direct\n" {
		t.Errorf("got %q", got)
	}
}
