package codexzap_test

import (
	"io"
	"testing"

	"github.com/codextel/codextel/conformance"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	codexzap "github.com/codextel/codextel/adapters/zap"
)

// TestConformance checks the Python encoders against CPython's transcripts,
// every scenario in every format and zone: the events go through Attach, the
// logger's core and the registered encoder's pipeline.
func TestConformance(t *testing.T) {
	conformance.Run(t, func(bus *telemetry.Bus, f conformance.Format, w io.Writer) (func(), error) {
		pf, err := conformance.PythonFormatter(f)
		if err != nil {
			return nil, err
		}
		logger := codexzap.NewPythonLogger(w, pf, zapcore.DebugLevel)
		detach, err := bus.Attach(codexzap.DefaultID, codexzap.New(logger), "*")
		if err != nil {
			return nil, err
		}
		return func() {
			if err := detach(); err != nil {
				t.Error(err)
			}
		}, nil
	})
}

// TestNative checks native mode: an app's production JSON encoder, untouched,
// gets every event with its level, message, logger name, time and fields.
func TestNative(t *testing.T) {
	conformance.RunNative(t, func(bus *telemetry.Bus, w io.Writer) (func(), error) {
		enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
		logger := zap.New(zapcore.NewCore(enc, zapcore.Lock(zapcore.AddSync(w)), zapcore.DebugLevel))
		detach, err := bus.Attach(codexzap.DefaultID, codexzap.New(logger), "*")
		if err != nil {
			return nil, err
		}
		return func() {
			if err := detach(); err != nil {
				t.Error(err)
			}
		}, nil
	}, conformance.NativeFormat{
		TimeKey:    "ts",
		LevelKey:   "level",
		MessageKey: "msg",
		LoggerKey:  "logger",
		Level:      func(l pylog.Level) string { return codexzap.Level(l).String() },
	})
}
