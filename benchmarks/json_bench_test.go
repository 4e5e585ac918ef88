package benchmarks

import (
	"log/slog"
	"testing"
	"time"

	"github.com/codextel/codextel/core/pylog"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// sink keeps the compiler from discarding the benchmarked work.
var sink int

// The record both encoders write: logger "codex.tool", INFO, message
// "Tool shell completed.", five extras (two strings, an int, a float, a
// bool).
var (
	recTime = time.Date(2025, 12, 2, 10, 52, 12, 123456789, time.UTC)
	recName = "codex.tool"
	recMsg  = "Tool shell completed."
)

func BenchmarkZapJSON(b *testing.B) {
	enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
	ent := zapcore.Entry{Level: zapcore.InfoLevel, Time: recTime, LoggerName: recName, Message: recMsg}
	fields := []zapcore.Field{
		zap.String("tool", "shell"),
		zap.String("call_id", "call_8f14e45fceea167a"),
		zap.Int("exit_code", 0),
		zap.Float64("duration_s", 0.4821),
		zap.Bool("sandboxed", true),
	}
	b.ReportAllocs()
	for b.Loop() {
		buf, err := enc.EncodeEntry(ent, fields)
		if err != nil {
			b.Fatal(err)
		}
		sink += buf.Len()
		buf.Free()
	}
}

func BenchmarkPythonJSON(b *testing.B) {
	// The fields zap's production config writes (time, level, logger,
	// message), named the python-json-logger way.
	f, err := pylog.NewJSONFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
	if err != nil {
		b.Fatal(err)
	}
	r := &pylog.Record{
		Time: recTime, Level: pylog.Info, Logger: recName, Message: recMsg,
		Attrs: []slog.Attr{
			slog.String("tool", "shell"),
			slog.String("call_id", "call_8f14e45fceea167a"),
			slog.Int("exit_code", 0),
			slog.Float64("duration_s", 0.4821),
			slog.Bool("sandboxed", true),
		},
	}
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		buf = f.Append(buf[:0], r)
		sink += len(buf)
	}
}
