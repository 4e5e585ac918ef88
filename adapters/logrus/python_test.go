package codexlogrus_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"regexp"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	codexlogrus "github.com/codextel/codextel/adapters/logrus"
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

const jsonFormat = "%(asctime)s %(levelname)s %(name)s %(message)s"

// TestPythonFormatterOrder checks that an adapter entry keeps its fields in
// order through a PythonFormatter, and that fields a hook adds are not shown.
func TestPythonFormatterOrder(t *testing.T) {
	var w bytes.Buffer
	l := codexlogrus.NewPythonLogger(&w, mustJSONFormatter(t, jsonFormat, pylog.WithLocation(time.UTC)))
	l.AddHook(addField{})
	bus := newBus(t)
	attach(t, bus, l)
	bus.Emit(context.Background(), catalog.ApprovalDenied, nil,
		slog.String("approval_kind", "command"), slog.String("call_id", "c1"), slog.String("decision", "denied"),
		slog.Group("z", slog.Int("b", 1), slog.Int("a", 2)))
	want := `{"asctime": "2025-12-02 10:52:12,123", "levelname": "WARNING", "name": "codex.approval", ` +
		`"message": "Approval denied for command c1: denied", "approval_kind": "command", "call_id": "c1", "decision": "denied", "z": {"b": 1, "a": 2}}` + "\n"
	if got := w.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// addField is a hook that adds a field to every entry.
type addField struct{}

func (addField) Levels() []logrus.Level { return logrus.AllLevels }
func (addField) Fire(e *logrus.Entry) error {
	e.Data["added_by_hook"] = true
	return nil
}

// TestPythonFormatterOwnLines checks the application's own logrus calls
// through a PythonFormatter: level (and the levelname field), logger name,
// fields sorted, time, error, caller.
func TestPythonFormatterOwnLines(t *testing.T) {
	var w bytes.Buffer
	l := codexlogrus.NewPythonLogger(&w, mustJSONFormatter(t, jsonFormat, pylog.WithLocation(time.UTC)))
	l.WithTime(when).WithFields(logrus.Fields{codexlogrus.LoggerKey: "app", "n": 3, "b": true, "f": 2.5}).Info("hello")
	want := `{"asctime": "2025-12-02 10:52:12,123", "levelname": "INFO", "name": "app", "message": "hello", "b": true, "f": 2.5, "n": 3}` + "\n"
	if got := w.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	w.Reset()
	l = codexlogrus.NewPythonLogger(&w, mustFormatter(t, "%(levelname)s:%(name)s:%(message)s"))
	l.WithError(errors.New("boom")).Error("failed")
	l.Trace("trace")
	l.WithField(codexlogrus.LevelNameKey, "CRITICAL").Error("critical")
	l.WithField(codexlogrus.LevelNameKey, "Level 25").Info("custom")
	l.WithField(codexlogrus.LevelNameKey, 25).Info("not a name")
	l.WithField(codexlogrus.LoggerKey, 7).Warn("not a logger name")
	l.WithField(logrus.ErrorKey, "not an error").Warn("string error")
	l.Log(logrus.FatalLevel, "fatal, without exiting")
	want = "ERROR:root:failed\nboom\nLevel 5:root:trace\nCRITICAL:root:critical\nLevel 25:root:custom\nINFO:root:not a name\n" +
		"WARNING:root:not a logger name\nWARNING:root:string error\nCRITICAL:root:fatal, without exiting\n"
	if got := w.String(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}

	w.Reset()
	l = codexlogrus.NewPythonLogger(&w, mustFormatter(t, "%(filename)s:%(lineno)d:%(funcName)s %(message)s"))
	l.SetReportCaller(true)
	l.Info("here")
	if !regexp.MustCompile(`^python_test\.go:\d+:github\.com/codextel/codextel/adapters/logrus_test\.TestPythonFormatterOwnLines here\n$`).MatchString(w.String()) {
		t.Errorf("caller: %q", w.String())
	}
}

// TestPythonFormatterSetLater checks a PythonFormatter set after Attach: the
// adapter's entries then carry no record, and are converted like the
// application's own, fields sorted, groups kept as objects.
func TestPythonFormatterSetLater(t *testing.T) {
	var w bytes.Buffer
	l := jsonLogger(&w, nil)
	bus := newBus(t)
	attach(t, bus, l)
	l.SetFormatter(codexlogrus.NewPythonFormatter(mustJSONFormatter(t, "%(levelname)s %(name)s %(message)s")))
	bus.Emit(context.Background(), catalog.ApprovalDenied, nil,
		slog.String("call_id", "c1"), slog.String("approval_kind", "command"), slog.String("decision", "denied"),
		slog.Group("z", slog.Int("b", 1), slog.Int("a", 2)))
	want := `{"levelname": "WARNING", "name": "codex.approval", "message": "Approval denied for command c1: denied", ` +
		`"approval_kind": "command", "call_id": "c1", "decision": "denied", "z": {"b": 1, "a": 2}}` + "\n"
	if got := w.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestPythonFormatterWithoutBuffer checks Format called outside logrus'
// write path (Entry.String), which gives it no buffer.
func TestPythonFormatterWithoutBuffer(t *testing.T) {
	l := codexlogrus.NewPythonLogger(new(bytes.Buffer), mustFormatter(t, "%(levelname)s:%(name)s:%(message)s"))
	e := logrus.NewEntry(l).WithField(codexlogrus.LoggerKey, "app")
	e.Level, e.Message = logrus.InfoLevel, "formatted alone"
	s, err := e.String()
	if err != nil || s != "INFO:app:formatted alone\n" {
		t.Errorf("%q, %v", s, err)
	}
}
