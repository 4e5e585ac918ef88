package codexzerolog_test

import (
	"io"
	"testing"

	"github.com/rs/zerolog"

	codexzerolog "github.com/codextel/codextel/adapters/zerolog"
	"github.com/codextel/codextel/conformance"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// TestConformance checks the Python formats against CPython's transcripts,
// byte for byte: Attach with a NewPythonLogger logger, in every format.
func TestConformance(t *testing.T) {
	conformance.Run(t, func(bus *telemetry.Bus, f conformance.Format, w io.Writer) (func(), error) {
		pf, err := conformance.PythonFormatter(f)
		if err != nil {
			return nil, err
		}
		detach, err := bus.Attach(codexzerolog.DefaultID, codexzerolog.New(codexzerolog.NewPythonLogger(w, pf)), "*")
		if err != nil {
			return nil, err
		}
		return func() { detach() }, nil
	})
}

// TestNative checks the native mode: Attach with zerolog's own JSON logger,
// which has no Timestamp hook, so the adapter writes the event's time.
func TestNative(t *testing.T) {
	conformance.RunNative(t, func(bus *telemetry.Bus, w io.Writer) (func(), error) {
		detach, err := bus.Attach(codexzerolog.DefaultID, codexzerolog.New(zerolog.New(w)), "*")
		if err != nil {
			return nil, err
		}
		return func() { detach() }, nil
	}, conformance.NativeFormat{
		TimeKey: zerolog.TimestampFieldName, LevelKey: zerolog.LevelFieldName,
		MessageKey: zerolog.MessageFieldName, LoggerKey: codexzerolog.LoggerKey,
		Level: func(l pylog.Level) string { lvl, _ := codexzerolog.Level(l); return lvl.String() },
	})
}
