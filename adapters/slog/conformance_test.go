package codexslog_test

import (
	"io"
	"log/slog"
	"math"
	"testing"

	codexslog "github.com/codextel/codextel/adapters/slog"
	"github.com/codextel/codextel/conformance"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// everything is a handler level that lets every event through.
var everything = &slog.HandlerOptions{Level: slog.Level(math.MinInt)}

// TestConformance checks the plain and json modes against CPython's
// transcripts, byte for byte: Attach with a PythonHandler, in every format.
func TestConformance(t *testing.T) {
	conformance.Run(t, func(bus *telemetry.Bus, f conformance.Format, w io.Writer) (func(), error) {
		pf, err := conformance.PythonFormatter(f)
		if err != nil {
			return nil, err
		}
		detach, err := bus.Attach(codexslog.DefaultID, codexslog.New(codexslog.NewPythonHandler(w, pf, everything)), "*")
		if err != nil {
			return nil, err
		}
		return func() { detach() }, nil
	})
}

// TestNative checks the native mode: Attach with slog's own JSON handler.
func TestNative(t *testing.T) {
	conformance.RunNative(t, func(bus *telemetry.Bus, w io.Writer) (func(), error) {
		detach, err := bus.Attach(codexslog.DefaultID, codexslog.New(slog.NewJSONHandler(w, everything)), "*")
		if err != nil {
			return nil, err
		}
		return func() { detach() }, nil
	}, conformance.NativeFormat{
		TimeKey: slog.TimeKey, LevelKey: slog.LevelKey, MessageKey: slog.MessageKey, LoggerKey: codexslog.LoggerKey,
		Level: func(l pylog.Level) string { return codexslog.Level(l).String() },
	})
}
