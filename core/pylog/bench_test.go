package pylog

import (
	"log/slog"
	"strings"
	"testing"
	"time"
)

// sink keeps the compiler from discarding the benchmarked work.
var sink int

// benchRecord is a realistic tool-completion record: five extras of the
// common kinds.
func benchRecord() *Record {
	return &Record{
		Time:    time.Date(2025, 12, 2, 10, 52, 12, 123456789, time.UTC),
		Level:   Info,
		Logger:  "codex.tool",
		Message: "Tool shell completed.",
		Attrs: []slog.Attr{
			slog.String("tool", "shell"),
			slog.String("call_id", "call_8f14e45fceea167a"),
			slog.Int("exit_code", 0),
			slog.Float64("duration_s", 0.4821),
			slog.Bool("sandboxed", true),
		},
	}
}

func BenchmarkPythonJSON(b *testing.B) {
	for _, bc := range []struct {
		name   string
		format string
		opts   []Option
	}{
		{"fields", "%(asctime)s %(levelname)s %(name)s %(message)s", nil},
		{"message", "%(message)s", nil},
		{"timestamp", "%(levelname)s %(name)s %(message)s", []Option{WithTimestamp("timestamp")}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			j, err := NewJSONFormatter(bc.format, bc.opts...)
			if err != nil {
				b.Fatal(err)
			}
			r := benchRecord()
			buf := make([]byte, 0, 1024)
			b.ReportAllocs()
			for b.Loop() {
				buf = j.Append(buf[:0], r)
			}
			sink += len(buf)
		})
	}
}

func BenchmarkPythonPlain(b *testing.B) {
	for _, bc := range []struct {
		name, format string
		style        rune
	}{
		{"basic", "%(levelname)s:%(name)s:%(message)s", '%'},
		{"asctime", "%(asctime)s %(levelname)s %(name)s: %(message)s", '%'},
		{"padded", "%(asctime)s [%(levelname)-8s] %(name)s: %(message)s", '%'},
		{"brace", "{asctime} {levelname:<8} {message}", '{'},
	} {
		b.Run(bc.name, func(b *testing.B) {
			f, err := NewFormatter(bc.format, WithStyle(bc.style))
			if err != nil {
				b.Fatal(err)
			}
			r := benchRecord()
			buf := make([]byte, 0, 1024)
			b.ReportAllocs()
			for b.Loop() {
				buf = f.Append(buf[:0], r)
			}
			sink += len(buf)
		})
	}
}

func BenchmarkAppendJSONString(b *testing.B) {
	for _, bc := range []struct{ name, s string }{
		{"ascii", "Tool shell completed with exit code 0 after 0.48 seconds."},
		{"escape_late", "Tool shell completed with exit code 0 after 0.48 seconds.\n"},
		{"non_ascii", "h\u00e9llo \u2713 \u65e5\u672c \U0001F600"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			buf := make([]byte, 0, 256)
			b.ReportAllocs()
			for b.Loop() {
				buf = appendJSONString(buf[:0], bc.s, true)
			}
			sink += len(buf)
		})
	}
}

func BenchmarkAppendStr(b *testing.B) {
	for _, bc := range []struct {
		name string
		v    slog.Value
	}{
		{"float", slog.Float64Value(0.4821)},
		{"group", slog.GroupValue(slog.String("k", "v"), slog.Int("n", 1), slog.Bool("ok", true))},
		{"time", slog.TimeValue(time.Date(2025, 12, 2, 10, 52, 12, 123456789, time.UTC))},
		{"string_7", slog.StringValue("command")},
		{"string_13", slog.StringValue("call_8f14e45f")},
		{"string_32", slog.StringValue("0123456789abcdef0123456789abcdef")},
		{"string_1k", slog.StringValue(strings.Repeat("x", 1024))},
	} {
		b.Run(bc.name, func(b *testing.B) {
			buf := make([]byte, 0, 256)
			b.ReportAllocs()
			for b.Loop() {
				buf = AppendStr(buf[:0], bc.v)
			}
			sink += len(buf)
		})
	}
}
