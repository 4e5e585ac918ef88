package codexzerolog_test

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/rs/zerolog"

	codexzerolog "github.com/codextel/codextel/adapters/zerolog"
	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/pylog"
)

func mustFormatter(t *testing.T, format string, opts ...pylog.Option) *pylog.Formatter {
	t.Helper()
	f, err := pylog.NewFormatter(format, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func mustJSONFormatter(t *testing.T, format string, opts ...pylog.Option) *pylog.JSONFormatter {
	t.Helper()
	f, err := pylog.NewJSONFormatter(format, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestPythonLoggerOwnLines checks the application's own zerolog calls through
// a NewPythonLogger logger: level, logger name, fields in order, time, error.
func TestPythonLoggerOwnLines(t *testing.T) {
	var w bytes.Buffer
	l := codexzerolog.NewPythonLogger(&w, mustJSONFormatter(t, "%(asctime)s %(levelname)s %(name)s %(message)s", pylog.WithLocation(time.UTC)))
	l.Info().Str(codexzerolog.LoggerKey, "app").Time(zerolog.TimestampFieldName, when).
		Int("n", 3).Float64("f", 2.5).Bool("b", true).
		Dict("d", zerolog.Dict().Str("z", "1").Int("a", 2)).Ints("list", []int{1, 2}).
		Msg("hello")
	want := `{"asctime": "2025-12-02 10:52:12,000", "levelname": "INFO", "name": "app", "message": "hello", ` +
		`"n": 3, "f": 2.5, "b": true, "d": {"z": "1", "a": 2}, "list": [1, 2]}` + "\n"
	if got := w.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	w.Reset()
	l = codexzerolog.NewPythonLogger(&w, mustFormatter(t, "%(levelname)s:%(name)s:%(message)s"))
	l.Error().Err(errors.New("boom")).Msg("failed")
	l.Trace().Msg("trace")
	l.WithLevel(25).Msg("custom")
	l.WithLevel(zerolog.FatalLevel).Msg("fatal")
	l.Log().Msg("no level")
	l.Debug().Str(codexzerolog.LoggerKey, "app.db").Msg("")
	want = "ERROR:root:failed\nboom\nLevel 5:root:trace\nLevel 25:root:custom\nCRITICAL:root:fatal\nNOTSET:root:no level\nDEBUG:app.db:\n"
	if got := w.String(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}

	w.Reset()
	l = codexzerolog.NewPythonLogger(&w, mustFormatter(t, "%(filename)s:%(lineno)d:%(funcName)s %(message)s"))
	l.Info().Caller().Msg("here")
	if !regexp.MustCompile(`^python_test\.go:\d+:\(unknown function\) here\n$`).MatchString(w.String()) {
		t.Errorf("caller: %q", w.String())
	}
}

// TestPythonLoggerLevel checks that the level of a NewPythonLogger logger
// filters both the application's lines and the adapter's events.
func TestPythonLoggerLevel(t *testing.T) {
	var w bytes.Buffer
	l := codexzerolog.NewPythonLogger(&w, mustFormatter(t, "%(levelname)s:%(name)s:%(message)s")).Level(zerolog.InfoLevel)
	bus := newBus(t)
	attach(t, bus, l)
	bus.Emit(context.Background(), catalog.TurnStart, nil)             // DEBUG
	bus.Emit(context.Background(), catalog.TurnCompactionStarted, nil) // INFO
	l.Debug().Msg("own debug")
	l.Info().Msg("own info")
	if got, want := w.String(), "INFO:codex.turn:Compacting conversation history\nINFO:root:own info\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// failingWriter fails every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestPythonWriteError checks that a failed write of an adapter event is
// reported to zerolog.ErrorHandler, as zerolog reports its own.
func TestPythonWriteError(t *testing.T) {
	var got []error
	old := zerolog.ErrorHandler
	zerolog.ErrorHandler = func(err error) { got = append(got, err) }
	defer func() { zerolog.ErrorHandler = old }()
	bus := newBus(t)
	l := codexzerolog.NewPythonLogger(failingWriter{}, mustFormatter(t, ""))
	attach(t, bus, l)
	bus.Emit(context.Background(), catalog.TurnCompactionStarted, nil)
	l.Info().Msg("own")
	if len(got) != 2 || got[0].Error() != "disk full" || got[1].Error() != "disk full" {
		t.Errorf("reported %v", got)
	}
}
