package codexotel

import (
	"go.opentelemetry.io/otel"
)

// WithGlobalProviders makes the handler write through the global providers
// (otel.GetLoggerProvider, otel.GetTracerProvider, otel.GetMeterProvider),
// as the otelslog bridge does by default, for each signal no provider
// option gives: one given before or after it wins. Without it, a signal
// whose provider is not given is not written, so spans stay opt-in. The
// global providers write nothing until the program sets them.
func WithGlobalProviders() Option {
	return optFunc(func(c config) config {
		if c.loggers == nil {
			c.loggers = otel.GetLoggerProvider()
		}
		if c.tracers == nil {
			c.tracers = otel.GetTracerProvider()
		}
		if c.meters == nil {
			c.meters = otel.GetMeterProvider()
		}
		return c
	})
}
