package scrub

import "regexp"

// DefaultReplacement is the text that stands in for a secret unless
// [WithReplacement] says otherwise.
const DefaultReplacement = "[REDACTED]"

type config struct {
	replacement string
	keys        []string
	patterns    []*regexp.Regexp
}

func newConfig(opts []Option) config {
	c := config{replacement: DefaultReplacement}
	for _, o := range opts {
		if o != nil {
			c = o.apply(c)
		}
	}
	return c
}

// An Option configures a [Scrubber]; pass options to [New].
type Option interface {
	apply(config) config
}

type optionFunc func(config) config

func (f optionFunc) apply(c config) config { return f(c) }

// WithReplacement sets the text that replaces a secret (default
// [DefaultReplacement]). An empty replacement deletes secrets. Scrubbing is
// idempotent as long as the replacement itself contains no secret and matches
// none of the patterns given to [WithPatterns].
func WithReplacement(text string) Option {
	return optionFunc(func(c config) config {
		c.replacement = text
		return c
	})
}

// WithKeys adds names whose values are secrets to the built-in ones. They are
// matched like the built-in names (see [Scrubber.SecretKey]): "session_id"
// also covers "SessionID", "x-session-id" and "upstream_session_id". They
// also name secrets in text, as the built-in names do: "SESSION_ID=…",
// "--session-id …" and "session_id": "…" have their values replaced (as
// passwords are, or as tokens are for names ending in token).
func WithKeys(names ...string) Option {
	return optionFunc(func(c config) config {
		c.keys = append(c.keys[:len(c.keys):len(c.keys)], names...)
		return c
	})
}

// WithPatterns adds regular expressions for secrets the built-in rules do not
// know. If an expression has a capturing group, the text of its first group
// is replaced and the rest of the match kept (`password=(\S+)` keeps
// "password="); otherwise the whole match is replaced. Nil expressions are
// ignored.
//
// Unlike the built-in rules, which cost nothing on text without their trigger
// bytes, an added expression runs on every string that is scrubbed, unless it
// starts with a literal prefix ([regexp.Regexp.LiteralPrefix]), in which case
// it only runs on strings containing that prefix. Start expressions with a
// literal when you can.
func WithPatterns(res ...*regexp.Regexp) Option {
	return optionFunc(func(c config) config {
		c.patterns = append(c.patterns[:len(c.patterns):len(c.patterns)], res...)
		return c
	})
}
