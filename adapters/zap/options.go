package codexzap

import (
	"os"

	"go.uber.org/zap/zapcore"
)

// DefaultID is the id [Attach] attaches its handler under. To attach under
// another id, or to other events, give [New]'s handler to
// [telemetry.Bus.Attach].
const DefaultID = "codexzap"

// An Option configures the handler of [New] and [Attach].
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// config is what the options set; newConfig fills in the defaults.
type config struct {
	errOut zapcore.WriteSyncer
}

func newConfig(opts []Option) config {
	var c config
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	if c.errOut == nil {
		c.errOut = zapcore.Lock(os.Stderr)
	}
	return c
}

// WithErrorOutput sets where errors writing an entry are reported, as
// [zap.ErrorOutput] does for a logger (default: standard error, locked).
// The adapter writes through the logger's core, which does not expose the
// logger's own error output, so it has its own.
func WithErrorOutput(w zapcore.WriteSyncer) Option {
	return optionFunc(func(c *config) { c.errOut = w })
}
