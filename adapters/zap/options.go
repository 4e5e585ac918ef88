package codexzap

import (
	"os"

	"go.uber.org/zap/zapcore"
)

// DefaultID is the id [Attach] attaches its handler under unless [WithID]
// gives another. A second adapter on the same bus needs an id of its own.
const DefaultID = "codexzap"

// An Option configures [Attach].
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// config is what the options set; newConfig fills in the defaults.
type config struct {
	id       string
	patterns []string
	errOut   zapcore.WriteSyncer
}

func newConfig(opts []Option) config {
	c := config{id: DefaultID, patterns: []string{"codex.*"}}
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

// WithID sets the id the adapter's handler is attached to the bus under
// (default [DefaultID]); attaching a second adapter to one bus needs one.
func WithID(id string) Option {
	return optionFunc(func(c *config) { c.id = id })
}

// WithEvents sets the events the adapter takes, as [telemetry.Bus.Attach]
// reads patterns: exact names, prefixes such as "codex.tool.*", or "*" for
// every event, including events outside the catalog. The default is
// "codex.*". Naming none keeps the default.
func WithEvents(patterns ...string) Option {
	return optionFunc(func(c *config) {
		if len(patterns) > 0 {
			c.patterns = append([]string(nil), patterns...)
		}
	})
}

// WithErrorOutput sets where errors writing an entry are reported, as
// [zap.ErrorOutput] does for a logger (default: standard error, locked).
// The adapter writes through the logger's core, which does not expose the
// logger's own error output, so it has its own.
func WithErrorOutput(w zapcore.WriteSyncer) Option {
	return optionFunc(func(c *config) { c.errOut = w })
}
