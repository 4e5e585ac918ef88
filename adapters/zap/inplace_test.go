package codexzap

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/codextel/codextel/core/eventlog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
	"github.com/codextel/codextel/core/telemetrytest"
)

// recordLine writes e as the adapter wrote every event before it read
// events in place: eventlog's record of e, its attributes made zap fields
// in order, through logger's core.
func recordLine(logger *zap.Logger, e *telemetry.Event) {
	var m eventlog.Mapper
	var r pylog.Record
	m.Map(&r, e)
	h := newHandler(logger, newConfig(nil))
	ce := h.core.Check(zapcore.Entry{Level: Level(r.Level), Time: r.Time, LoggerName: h.loggerName(r.Logger), Message: r.Message}, nil)
	if ce == nil {
		return
	}
	var fields []zapcore.Field
	for _, a := range r.Attrs {
		fields = appendField(fields, a)
	}
	ce.Write(fields...)
}

// pythonLine is the line a Python formatter writes for eventlog's record of
// e, with the attributes context puts before the event's, under a logger
// named base (as zap's Named composes names; Python's root logger for no
// name), as CPython writes it.
func pythonLine(f pylog.RecordFormatter, base string, context []slog.Attr, e *telemetry.Event) string {
	var m eventlog.Mapper
	var r pylog.Record
	m.Map(&r, e)
	switch {
	case base != "" && r.Logger != "":
		r.Logger = base + "." + r.Logger
	case base != "":
		r.Logger = base
	case r.Logger == "":
		r.Logger = rootLogger
	}
	r.Attrs = append(slices.Clone(context), r.Attrs...)
	return string(f.Append(nil, &r)) + "\n"
}

// TestInPlaceMatchesRecord: for every event of telemetrytest.CatalogEvents, the adapter
// writes byte for byte the line that writing eventlog's record of the event
// gives: through zap's JSON and console encoders, named and not, with a
// hook that keeps the entries (whose messages must stay the events' own),
// and through the Python encoders, in a NewPythonLogger and in a core of
// the application's own with context fields.
func TestInPlaceMatchesRecord(t *testing.T) {
	events := telemetrytest.CatalogEvents(time.Date(2025, 12, 2, 10, 52, 12, 345678000, time.UTC))
	prod := zap.NewProductionEncoderConfig()
	dev := zap.NewDevelopmentEncoderConfig()
	zapLoggers := []struct {
		name string
		make func(w *bytes.Buffer) *zap.Logger
	}{
		{"json", func(w *bytes.Buffer) *zap.Logger {
			return zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(prod), zapcore.AddSync(w), zapcore.DebugLevel))
		}},
		{"console, named, with", func(w *bytes.Buffer) *zap.Logger {
			return zap.New(zapcore.NewCore(zapcore.NewConsoleEncoder(dev), zapcore.AddSync(w), zapcore.DebugLevel)).
				Named("billing").With(zap.String("app", "x"))
		}},
	}
	for _, tc := range zapLoggers {
		for _, keep := range []bool{false, true} {
			var want, got bytes.Buffer
			var kept []string
			ref, l := tc.make(&want), tc.make(&got)
			if keep {
				l = l.WithOptions(zap.Hooks(func(e zapcore.Entry) error { kept = append(kept, e.Message); return nil }))
			}
			h := newHandler(l, newConfig(nil))
			var msgs []string
			for i := range events {
				e := &events[i]
				want.Reset()
				got.Reset()
				recordLine(ref, e)
				h.Handle(context.Background(), *e)
				if got.String() != want.String() {
					t.Errorf("%s, hook %v, %s:\ngot  %s\nwant %s", tc.name, keep, e.Name, got.String(), want.String())
				}
				var r pylog.Record
				(&eventlog.Mapper{}).Map(&r, e)
				msgs = append(msgs, r.Message)
			}
			if keep && !slices.Equal(kept, msgs) {
				t.Errorf("%s: the hook kept %q, want %q", tc.name, kept, msgs)
			}
		}
	}

	jsonF, err := pylog.NewJSONFormatter(JSONFormat)
	if err != nil {
		t.Fatal(err)
	}
	app := []slog.Attr{slog.String("app", "x")}
	pyLoggers := []struct {
		name    string
		f       pylog.RecordFormatter
		base    string
		context []slog.Attr
		make    func(w *bytes.Buffer) *zap.Logger
	}{
		{"NewPythonLogger json", jsonF, "", nil, func(w *bytes.Buffer) *zap.Logger {
			return NewPythonLogger(w, jsonF, nil)
		}},
		{"NewPythonLogger text, named", defaultText(), "billing", nil, func(w *bytes.Buffer) *zap.Logger {
			return NewPythonLogger(w, nil, nil).Named("billing")
		}},
		{"own core, json, with", jsonF, "", app, func(w *bytes.Buffer) *zap.Logger {
			return zap.New(zapcore.NewCore(NewPythonEncoder(jsonF), zapcore.AddSync(w), zapcore.DebugLevel)).With(zap.String("app", "x"))
		}},
		{"NewPythonLogger json, with, tee", jsonF, "", app, func(w *bytes.Buffer) *zap.Logger {
			return NewPythonLogger(w, jsonF, nil).With(zap.String("app", "x")).
				WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core { return zapcore.NewTee(c, zapcore.NewNopCore()) }))
		}},
	}
	for _, tc := range pyLoggers {
		var got bytes.Buffer
		h := newHandler(tc.make(&got), newConfig(nil))
		for i := range events {
			e := &events[i]
			got.Reset()
			h.Handle(context.Background(), *e)
			if want := pythonLine(tc.f, tc.base, tc.context, e); got.String() != want {
				t.Errorf("%s, %s:\ngot  %s\nwant %s", tc.name, e.Name, got.String(), want)
			}
		}
	}
}

// TestBorrow: an entry's message borrows the pooled buffer exactly for the
// cores known to keep no entry: a NewPythonLogger's, and zap's own core
// with zap's JSON or console encoder, after With too; not with hooks, a
// tee, a sampler, zaptest/observer's core, zap's core with another
// encoder, or no core (a zero zap.Logger).
func TestBorrow(t *testing.T) {
	cfg := zap.NewProductionEncoderConfig()
	ioCore := func(enc zapcore.Encoder) *zap.Logger {
		return zap.New(zapcore.NewCore(enc, zapcore.AddSync(io.Discard), zapcore.InfoLevel))
	}
	json := ioCore(zapcore.NewJSONEncoder(cfg))
	observed, _ := observer.New(zapcore.InfoLevel)
	for _, c := range []struct {
		name   string
		logger *zap.Logger
		want   bool
	}{
		{"json", json, true},
		{"json, named, with", json.Named("app").With(zap.String("k", "v")), true},
		{"console", ioCore(zapcore.NewConsoleEncoder(cfg)), true},
		{"python logger", NewPythonLogger(io.Discard, nil, nil), true},
		{"python logger, with", NewPythonLogger(io.Discard, nil, nil).With(zap.String("k", "v")), true},
		{"zap's core, python encoder", ioCore(NewPythonEncoder(nil)), false},
		{"hooked", json.WithOptions(zap.Hooks(func(zapcore.Entry) error { return nil })), false},
		{"tee", zap.New(zapcore.NewTee(json.Core(), json.Core())), false},
		{"sampler", json.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core {
			return zapcore.NewSamplerWithOptions(c, time.Second, 10, 10)
		})), false},
		{"observer", zap.New(observed), false},
		{"nop", zap.NewNop(), false},
		{"no core", &zap.Logger{}, false},
	} {
		if got := newHandler(c.logger, newConfig(nil)).borrow; got != c.want {
			t.Errorf("%s: borrow %v, want %v", c.name, got, c.want)
		}
	}
}
