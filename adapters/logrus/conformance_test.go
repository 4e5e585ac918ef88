package codexlogrus_test

import (
	"io"
	"testing"

	"github.com/sirupsen/logrus"

	codexlogrus "github.com/codextel/codextel/adapters/logrus"
	"github.com/codextel/codextel/conformance"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// TestConformance checks the Python formats against CPython's transcripts,
// byte for byte: Attach with a NewPythonLogger logger (a PythonFormatter), in
// every format.
func TestConformance(t *testing.T) {
	conformance.Run(t, func(bus *telemetry.Bus, f conformance.Format, w io.Writer) (func(), error) {
		pf, err := conformance.PythonFormatter(f)
		if err != nil {
			return nil, err
		}
		detach, err := bus.Attach(codexlogrus.DefaultID, codexlogrus.New(codexlogrus.NewPythonLogger(w, pf)), "*")
		if err != nil {
			return nil, err
		}
		return func() { detach() }, nil
	})
}

// TestNative checks the native mode: Attach with a logger using logrus' own
// JSONFormatter.
func TestNative(t *testing.T) {
	conformance.RunNative(t, func(bus *telemetry.Bus, w io.Writer) (func(), error) {
		logger := &logrus.Logger{Out: w, Formatter: new(logrus.JSONFormatter), Hooks: make(logrus.LevelHooks), Level: logrus.TraceLevel}
		detach, err := bus.Attach(codexlogrus.DefaultID, codexlogrus.New(logger), "*")
		if err != nil {
			return nil, err
		}
		return func() { detach() }, nil
	}, conformance.NativeFormat{
		TimeKey: logrus.FieldKeyTime, LevelKey: logrus.FieldKeyLevel,
		MessageKey: logrus.FieldKeyMsg, LoggerKey: codexlogrus.LoggerKey,
		Level: func(l pylog.Level) string { lvl, _ := codexlogrus.Level(l); return lvl.String() },
	})
}
