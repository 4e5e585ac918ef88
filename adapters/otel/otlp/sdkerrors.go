package codexotlp

import (
	"context"
	"errors"
	"fmt"
	"log"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/go-logr/logr"
	"go.opentelemetry.io/otel"
)

// The OpenTelemetry SDK reports what goes wrong inside it through two
// process-wide hooks, the global error handler (otel.Handle: every failed
// batch export, once more) and the global logger (its warnings, such as
// "dropped log records"), which both print to standard error by default. A
// pipeline counts and reports those failures itself, so [Start] routes both
// hooks into the reporting of the pipelines that run (see
// [WithErrorHandler]): an export failure a pipeline counted is not printed
// again, anything else is counted in [Stats].SDKErrors and the first one
// reported. With no pipeline running, errors are printed as the SDK's
// default handler prints them (the standard library's log.Print), or handed
// to the error handler the program had set before the first Start.

// sdkRouter is the state of the routing, installed by the first Start.
var sdkRouter struct {
	once sync.Once
	prev otel.ErrorHandler // the handler set before, nil for the SDK's default

	mu   sync.Mutex
	live []*Pipeline
}

// routeSDK routes the SDK's errors to p (too) until unrouteSDK(p).
func routeSDK(p *Pipeline) {
	sdkRouter.once.Do(func() {
		prev := otel.GetErrorHandler()
		// The SDK's default handler delegates to the first handler set, so
		// calling it after otel.SetErrorHandler would come back here.
		if t := reflect.TypeOf(prev); t != nil && t.String() != "*errorhandler.ErrDelegator" {
			sdkRouter.prev = prev
		}
		otel.SetErrorHandler(sdkHandler{})
		otel.SetLogger(logr.New(sdkSink{}))
	})
	sdkRouter.mu.Lock()
	sdkRouter.live = append(sdkRouter.live, p)
	sdkRouter.mu.Unlock()
}

// unrouteSDK stops routing the SDK's errors to p.
func unrouteSDK(p *Pipeline) {
	sdkRouter.mu.Lock()
	sdkRouter.live = slices.DeleteFunc(sdkRouter.live, func(q *Pipeline) bool { return q == p })
	sdkRouter.mu.Unlock()
}

// routeError hands err to the running pipelines, or prints it when none
// runs. An export failure a pipeline counted is dropped, and so is a
// cancelled context: a periodic metric collection that Shutdown cut short,
// which loses nothing (Shutdown exports the metrics once more).
func routeError(err error) {
	if err == nil || counted(err) || errors.Is(err, context.Canceled) {
		return
	}
	sdkRouter.mu.Lock()
	live := slices.Clone(sdkRouter.live)
	sdkRouter.mu.Unlock()
	if len(live) == 0 {
		if sdkRouter.prev != nil {
			sdkRouter.prev.Handle(err)
		} else {
			log.Print(err)
		}
		return
	}
	for _, p := range live {
		p.sdkError(err)
	}
}

// sdkError counts an error of the SDK and reports the first one.
func (p *Pipeline) sdkError(err error) {
	if p.sdkErrors.Add(1) == 1 {
		p.report(fmt.Errorf("codexotlp: OpenTelemetry SDK: %w (further SDK errors are counted, not reported)", err))
	}
}

// sdkHandler is the global error handler Start installs.
type sdkHandler struct{}

func (sdkHandler) Handle(err error) { routeError(err) }

// sdkSink is the global logger Start installs: errors and warnings (the
// SDK's verbosity 1) are routed as errors; its info and debug messages
// (verbosity 4 and 8), which its default logger does not print either, are
// dropped.
type sdkSink struct {
	name string
	kvs  []any
}

func (sdkSink) Init(logr.RuntimeInfo) {}

func (sdkSink) Enabled(level int) bool { return level <= 1 }

func (s sdkSink) Info(level int, msg string, kvs ...any) {
	if level <= 1 {
		routeError(errors.New(s.text(msg, kvs)))
	}
}

func (s sdkSink) Error(err error, msg string, kvs ...any) {
	if err == nil {
		routeError(errors.New(s.text(msg, kvs)))
		return
	}
	if counted(err) {
		return
	}
	routeError(fmt.Errorf("%s: %w", s.text(msg, kvs), err))
}

func (s sdkSink) WithValues(kvs ...any) logr.LogSink {
	s.kvs = append(slices.Clip(s.kvs), kvs...)
	return s
}

func (s sdkSink) WithName(name string) logr.LogSink {
	if s.name != "" {
		name = s.name + "/" + name
	}
	s.name = name
	return s
}

// text writes a logr message as one line: name, message, key=value pairs.
func (s sdkSink) text(msg string, kvs []any) string {
	var b strings.Builder
	if s.name != "" {
		b.WriteString(s.name)
		b.WriteString(": ")
	}
	b.WriteString(msg)
	all := append(slices.Clip(s.kvs), kvs...)
	for i := 0; i < len(all); i += 2 {
		if i+1 < len(all) {
			fmt.Fprintf(&b, " %v=%v", all[i], all[i+1])
		} else {
			fmt.Fprintf(&b, " %v", all[i])
		}
	}
	return b.String()
}
