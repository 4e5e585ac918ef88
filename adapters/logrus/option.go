package codexlogrus

// DefaultID is the id [Attach] attaches its handler under unless [WithID]
// says otherwise.
const DefaultID = "codexlogrus"

// An Option configures [Attach].
type Option interface {
	apply(config) config
}

type optionFunc func(config) config

func (f optionFunc) apply(c config) config { return f(c) }

type config struct {
	id       string
	patterns []string
}

func newConfig(opts []Option) config {
	c := config{id: DefaultID, patterns: []string{"codex.*"}}
	for _, o := range opts {
		if o != nil {
			c = o.apply(c)
		}
	}
	return c
}

// WithID sets the id the handler is attached under (default [DefaultID]), so
// that several loggers can be attached to one bus.
func WithID(id string) Option {
	return optionFunc(func(c config) config { c.id = id; return c })
}

// WithEvents sets the events the handler is attached to, as patterns of
// [telemetry.Bus.Attach]: exact names ("codex.tool.start"), prefixes
// ("codex.tool.*") or "*". The default is "codex.*", every event codextel
// emits.
func WithEvents(patterns ...string) Option {
	return optionFunc(func(c config) config {
		c.patterns = append([]string(nil), patterns...)
		return c
	})
}
