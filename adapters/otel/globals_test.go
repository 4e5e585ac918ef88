package codexotel

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// TestWithGlobalProviders: the global providers are written through for
// the signals no option gives; a given provider wins, before or after it.
func TestWithGlobalProviders(t *testing.T) {
	prevTP, prevLP := otel.GetTracerProvider(), otel.GetLoggerProvider()
	defer func() { otel.SetTracerProvider(prevTP); otel.SetLoggerProvider(prevLP) }()
	globalSpans := tracetest.NewSpanRecorder()
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(globalSpans)))
	globalLogs := &memLogs{}
	otel.SetLoggerProvider(sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(globalLogs))))

	ownLogs := &memLogs{}
	own := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(ownLogs)))
	for _, opts := range [][]Option{
		{WithLoggerProvider(own), WithGlobalProviders()},
		{WithGlobalProviders(), WithLoggerProvider(own)},
	} {
		n0, l0 := len(globalSpans.Ended()), len(globalLogs.Records())
		h, err := NewHandler(opts...)
		if err != nil {
			t.Fatal(err)
		}
		evs := sessionEvents(t)
		for _, e := range evs {
			h.Handle(context.Background(), e)
		}
		h.Close()
		if n := len(globalSpans.Ended()) - n0; n != 9 {
			t.Errorf("%d spans through the global TracerProvider, want 9", n)
		}
		if n := len(globalLogs.Records()) - l0; n != 0 {
			t.Errorf("%d records through the global LoggerProvider, want none (one was given)", n)
		}
		if n := len(ownLogs.Records()); n == 0 || n%len(evs) != 0 {
			t.Errorf("%d records through the given LoggerProvider, want a multiple of %d", n, len(evs))
		}
	}
}
