package throttle

import (
	"math"
	"time"
)

// Defaults of [New], chosen for the bus's high-volume events; see the package
// documentation for why.
const (
	defaultFirst      = 100
	defaultThereafter = 100
	defaultInterval   = time.Second
	defaultMaxKeys    = 10000

	// bucketIdle is how long a token-bucket cell must go unused before it can
	// be evicted: the unit of its rate.
	bucketIdle = time.Second
)

type strategy int

const (
	sampling strategy = iota
	tokenBucket
)

// config holds what the options set; newConfig fills in the defaults.
type config struct {
	strategy          strategy
	first, thereafter int
	interval          time.Duration
	rate              float64 // tokens per second
	burst             int
	maxKeys           int
}

func newConfig(opts []Option) config {
	c := config{
		strategy:   sampling,
		first:      defaultFirst,
		thereafter: defaultThereafter,
		interval:   defaultInterval,
		maxKeys:    defaultMaxKeys,
	}
	for _, o := range opts {
		if o != nil {
			c = o.apply(c)
		}
	}
	return c
}

// An Option configures a [Throttle]. The strategy options, [WithSampler] and
// [WithTokenBucket], replace each other: the last one given wins.
type Option interface {
	apply(config) config
}

type optionFunc func(config) config

func (f optionFunc) apply(c config) config { return f(c) }

// WithSampler makes the throttle sample, as zap's sampler does: per (name,
// key), it allows the first events of each interval, then every thereafter-th
// one, and drops the rest. A negative first is taken as 0; a thereafter below
// 1 drops everything after the first events; an interval of zero or less is
// taken as one second. This is the default strategy, with first 100,
// thereafter 100 and interval one second.
//
// An interval starts at the first Tick at which at least interval has passed
// since the previous one started, so in effect it is rounded up to a whole
// number of ticks.
func WithSampler(first, thereafter int, interval time.Duration) Option {
	return optionFunc(func(c config) config {
		c.strategy = sampling
		c.first = max(first, 0)
		c.thereafter = max(thereafter, 0)
		c.interval = interval
		if interval <= 0 {
			c.interval = defaultInterval
		}
		return c
	})
}

// WithTokenBucket makes the throttle give each (name, key) a token bucket
// that holds up to burst tokens, starts full and gains ratePerSecond tokens a
// second; an event that finds a whole token takes it and is allowed, any other
// is dropped. Tokens are added at each Tick for the time since the previous
// one, fractions carried over, so a bucket fills in steps of a tick. A rate
// that is negative or NaN is taken as 0 (the bucket never refills); a burst
// below 1 is taken as 1.
func WithTokenBucket(ratePerSecond float64, burst int) Option {
	return optionFunc(func(c config) config {
		c.strategy = tokenBucket
		c.rate = ratePerSecond
		if math.IsNaN(ratePerSecond) || ratePerSecond < 0 {
			c.rate = 0
		}
		c.burst = max(burst, 1)
		return c
	})
}

// WithMaxKeys caps the number of (name, key) pairs the throttle keeps state
// for (default 10000). Once n pairs have cells, an event of a new pair is
// decided and counted in the overflow cell of its name, shared by all the
// pairs of that name that found no room, and its drops are reported in a
// [Drop] with Overflow set. At most n names get an overflow cell; past that,
// a single catch-all cell takes the rest. A value below 1 keeps the default.
func WithMaxKeys(n int) Option {
	return optionFunc(func(c config) config {
		if n >= 1 {
			c.maxKeys = n
		}
		return c
	})
}
