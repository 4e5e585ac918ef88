package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rs/zerolog"
	"github.com/sirupsen/logrus"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	codexlogrus "github.com/codextel/codextel/adapters/logrus"
	codexotel "github.com/codextel/codextel/adapters/otel"
	codexotlp "github.com/codextel/codextel/adapters/otel/otlp"
	codexslog "github.com/codextel/codextel/adapters/slog"
	codexzap "github.com/codextel/codextel/adapters/zap"
	codexzerolog "github.com/codextel/codextel/adapters/zerolog"
	"github.com/codextel/codextel/cmd/codextel/internal/console"
	"github.com/codextel/codextel/core/native"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// An output is an adapter attached to the run's bus.
type output interface {
	// close detaches the adapter and flushes what it buffered.
	close() error
}

type closeFunc func() error

func (f closeFunc) close() error { return f() }

// attacher attaches one adapter to bus, writing to w as o says.
type attacher func(o *options, bus *telemetry.Bus, w io.Writer) (output, error)

// adapters are the libraries codextel can write through, by --adapter name.
var adapters = map[string]attacher{
	"slog":    attachSlog,
	"zap":     attachZap,
	"zerolog": attachZerolog,
	"logrus":  attachLogrus,
	"otel":    attachOtel,
}

func adapterNames() string {
	var names []string
	for n := range adapters {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

func attach(o *options, bus *telemetry.Bus, w io.Writer) (output, error) {
	return adapters[o.adapter](o, bus, w)
}

// pythonFormatter builds the record formatter --format and --fmt ask for:
// Python's (asctime in local time, as in Python: TZ applies) or the
// console format.
func pythonFormatter(o *options) (pylog.RecordFormatter, error) {
	var opts []pylog.Option
	if o.datefmt != "" {
		opts = append(opts, pylog.WithDateFormat(o.datefmt))
	}
	opts = append(opts, pylog.WithLocation(time.Local))
	switch o.format {
	case "console":
		return &console.Formatter{Color: o.colorOn, Location: time.Local}, nil
	case "json":
		return pylog.NewJSONFormatter("%(asctime)s %(levelname)s %(name)s %(message)s", opts...)
	}
	f, err := pylog.NewFormatter(o.fmt, opts...)
	if err != nil {
		return nil, usagef("bad --fmt: %v", err)
	}
	return f, nil
}

func attachSlog(o *options, bus *telemetry.Bus, w io.Writer) (output, error) {
	hopts := &slog.HandlerOptions{Level: codexslog.Level(o.levelValue)}
	var h slog.Handler
	if o.format == "native" {
		h = slog.NewJSONHandler(w, hopts)
	} else {
		f, err := pythonFormatter(o)
		if err != nil {
			return nil, err
		}
		h = codexslog.NewPythonHandler(w, f, hopts)
	}
	detach, err := bus.Attach(codexslog.DefaultID, codexslog.New(h), "*")
	if err != nil {
		return nil, err
	}
	return closeFunc(func() error { return errors.Join(detach()) }), nil
}

func attachZerolog(o *options, bus *telemetry.Bus, w io.Writer) (output, error) {
	var logger zerolog.Logger
	if o.format == "native" {
		logger = zerolog.New(w)
	} else {
		f, err := pythonFormatter(o)
		if err != nil {
			return nil, err
		}
		logger = codexzerolog.NewPythonLogger(w, f)
	}
	_, filter := codexzerolog.Level(o.levelValue)
	detach, err := bus.Attach(codexzerolog.DefaultID, codexzerolog.New(logger.Level(filter)), "*")
	if err != nil {
		return nil, err
	}
	return closeFunc(detach), nil
}

func attachLogrus(o *options, bus *telemetry.Bus, w io.Writer) (output, error) {
	var logger *logrus.Logger
	if o.format == "native" {
		logger = logrus.New()
		logger.SetOutput(w)
		logger.SetFormatter(&logrus.JSONFormatter{})
	} else {
		f, err := pythonFormatter(o)
		if err != nil {
			return nil, err
		}
		logger = codexlogrus.NewPythonLogger(w, f)
	}
	level, _ := codexlogrus.Level(o.levelValue)
	logger.SetLevel(level)
	detach, err := bus.Attach(codexlogrus.DefaultID, codexlogrus.New(logger), "*")
	if err != nil {
		return nil, err
	}
	return closeFunc(detach), nil
}

func attachZap(o *options, bus *telemetry.Bus, w io.Writer) (output, error) {
	level := codexzap.Level(o.levelValue)
	var logger *zap.Logger
	if o.format == "native" {
		enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
		logger = zap.New(zapcore.NewCore(enc, zapcore.AddSync(w), level))
	} else {
		f, err := pythonFormatter(o)
		if err != nil {
			return nil, err
		}
		logger = codexzap.NewPythonLogger(w, f, level)
	}
	detach, err := bus.Attach(codexzap.DefaultID, codexzap.New(logger), "*")
	if err != nil {
		return nil, err
	}
	return closeFunc(func() error { return errors.Join(detach(), unsyncable(logger.Sync())) }), nil
}

// unsyncable drops the error fsync gives for a pipe or a terminal (zap's Sync
// syncs its writer, and stdout often is one): there is nothing to flush.
func unsyncable(err error) error {
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTTY) || errors.Is(err, syscall.ENOTSUP) {
		return nil
	}
	return err
}

// attachOtel sends logs (and, with CODEX_OTLP_ENABLE, spans) and metrics
// over OTLP to --otlp-endpoint or the endpoint the environment names; it
// prints nothing on stdout.
//
// A replay (replay, appserver, render) exports with back-pressure: it reads
// no faster than the collector takes the records, and loses none to a full
// queue; live exec never waits for its telemetry and drops (counted) what
// does not fit. Either way close waits at most the export timeout
// (OTEL_EXPORTER_OTLP_TIMEOUT, 10 s) for the collector, and its error says
// what was lost (it matches codexotlp.ErrLost).
func attachOtel(o *options, bus *telemetry.Bus, _ io.Writer) (output, error) {
	if o.otlpEndpoint == "" && os.Getenv("CODEX_OTLP_ENDPOINT") == "" && os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" {
		return nil, usagef("--adapter otel needs --otlp-endpoint URL (or CODEX_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT)")
	}
	said := &saidErrors{w: o.stderr()}
	opts := []codexotlp.Option{
		codexotlp.WithErrorHandler(said.report),
		codexotlp.WithHandlerOptions(codexotel.WithLevel(o.levelValue)),
		codexotlp.WithBackPressure(!o.live),
		codexotlp.WithServiceName("codextel"),
	}
	if o.otlpEndpoint != "" {
		opts = append(opts, codexotlp.WithEndpoint(o.otlpEndpoint))
	}
	if o.nativeSpans {
		// Codex's spans hang from codextel's thread span: spans on.
		opts = append(opts, codexotlp.WithSpans(true))
	}
	p, err := codexotlp.Start(context.Background(), bus, opts...)
	if err != nil {
		return nil, usagef("--adapter otel: %v", err)
	}
	return otelOutput{p: p, said: said, clean: newSpanCleaner(scrubber(), o.modelData, o.toolData)}, nil
}

// otelOutput is the otel adapter's pipeline as an output.
type otelOutput struct {
	p     *codexotlp.Pipeline
	said  *saidErrors
	clean *spanCleaner // what Codex's spans get before they are forwarded
}

func (o otelOutput) close() error { return o.said.trim(o.p.Shutdown(context.Background())) }

// forwardSpans sends Codex's spans to the pipeline's trace exporter,
// scrubbed, and without the data the redaction policy drops (see the
// function forwardSpans).
func (o otelOutput) forwardSpans(spans []native.Span) (int, int, error) {
	return forwardSpans(o.p.ForwardSpans, o.p.ForceFlush, spans, o.clean)
}

// saidErrors reports the otel pipeline's problems while it runs, on the
// run's stderr (scrubbed, as "codextel: telemetry: ..."), and remembers
// their texts so that the loss reported at the end does not say the same
// cause again: a collector that is down is one line while it runs and one
// count of what was lost at the end, not each error twice.
type saidErrors struct {
	w    io.Writer
	mu   sync.Mutex
	said map[string]bool
}

// report prints err and remembers its text and that of what it wraps.
func (s *saidErrors) report(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.said == nil {
		s.said = map[string]bool{}
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		s.said[e.Error()] = true
	}
	fmt.Fprintf(s.w, "codextel: telemetry: %s\n", scrubbed(err.Error()))
}

// trim returns the loss err reports without its causes when every one of
// them was reported already, and err itself otherwise.
func (s *saidErrors) trim(err error) error {
	cause := errors.Unwrap(err)
	if cause == nil || !errors.Is(err, codexotlp.ErrLost) {
		return err
	}
	leaves := []error{cause}
	if m, ok := cause.(interface{ Unwrap() []error }); ok {
		leaves = m.Unwrap()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range leaves {
		if !s.said[l.Error()] {
			return err
		}
	}
	msg, ok := strings.CutSuffix(err.Error(), ": "+cause.Error())
	if !ok {
		return err
	}
	return &saidLoss{msg: msg + " (the errors are reported above)", err: err}
}

// saidLoss is a loss whose causes were reported while the pipeline ran.
type saidLoss struct {
	msg string
	err error
}

func (e *saidLoss) Error() string { return e.msg }
func (e *saidLoss) Unwrap() error { return e.err }
