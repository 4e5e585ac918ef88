package scrub

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// A Scrubber removes secrets from text and from [log/slog] values. Make one
// with [New]. A Scrubber is immutable after New and safe for concurrent use.
//
// A nil *Scrubber is valid and scrubs nothing: every method returns its input
// unchanged. That is how scrubbing is turned off (see the package
// documentation).
type Scrubber struct {
	repl     string
	keys     keySet
	textKeys keySet // keys and [textKeys]: the names of the assignment layer
	weakKeys keySet // [textKeys] alone: values under them are judged (see randomUnder)
	patterns []pattern

	// structs caches the exported fields of the struct types met while
	// walking values (reflect.Type to structType). It is the only state that
	// changes after New, and it is invisible to callers.
	structs sync.Map
}

// A pattern is a user-supplied regular expression (see [WithPatterns]).
type pattern struct {
	re     *regexp.Regexp
	prefix string // literal prefix of every match, "" if none
	group  bool   // replace submatch 1 rather than the whole match
}

// maxPasses bounds the scans [Scrubber.String] makes of a text. After a
// replacement the text is scanned again, since a replacement can make a
// neighbouring secret recognisable (its first byte now follows "]" rather
// than a letter), until a scan changes nothing: usually the second. The bound
// only matters for added patterns that match their own replacement.
const maxPasses = 8

// New returns a Scrubber with the built-in rules and keys plus whatever the
// options add.
func New(opts ...Option) *Scrubber {
	c := newConfig(opts)
	s := &Scrubber{
		repl: c.replacement,
		keys: newKeySet(append(slices.Clip(defaultKeys), c.keys...)),
	}
	s.textKeys = newKeySet(append(append(slices.Clip(defaultKeys), c.keys...), textKeys...))
	s.weakKeys = newKeySet(textKeys)
	for _, re := range c.patterns {
		if re == nil {
			continue
		}
		prefix, _ := re.LiteralPrefix()
		s.patterns = append(s.patterns, pattern{re: re, prefix: prefix, group: re.NumSubexp() > 0})
	}
	return s
}

// String returns v with every secret in it replaced, and whether anything was
// replaced. Text around a secret is kept: "Bearer abc123def456" becomes
// "Bearer [REDACTED]". When nothing is replaced, v itself is returned and
// nothing is allocated (except for texts holding a \u00XX escape, which are
// also scanned decoded). Scrubbing is idempotent: the result, scrubbed again,
// comes back unchanged.
func (s *Scrubber) String(v string) (string, bool) {
	if s == nil {
		return v, false
	}
	// A short text without a trigger byte (a word, a name) holds no
	// built-in secret: checked here, without find's calls.
	if len(v) < shortText && len(s.patterns) == 0 && !hasShortAnchor(v) {
		return v, false
	}
	// The common case first: no secret, no added pattern, one scan. The
	// spans of a few secrets (a key found by two rules, say) fit in buf.
	var buf [4]span
	spans := s.find(v, buf[:0])
	if len(spans) == 0 {
		return v, false
	}
	out, changed := s.replace(v, spans)
	if !changed {
		return v, false
	}
	for range maxPasses - 1 {
		next, ok := s.replace(out, s.find(out, buf[:0]))
		if !ok {
			break
		}
		out = next
	}
	return out, true
}

// find appends to spans the spans of v that the built-in rules and the
// added patterns match, unsorted and possibly overlapping.
func (s *Scrubber) find(v string, spans []span) []span {
	spans, escaped := findBuiltin(v, &s.textKeys, spans)
	if escaped {
		spans = s.findEscaped(v, spans)
	}
	for i := range s.patterns {
		spans = s.patterns[i].find(v, spans)
	}
	return spans
}

// findEscaped finds the secrets of v written with JSON's \u00XX escapes
// ("sk\u002dproj-…", "\u0022password\u0022: …"): it decodes the ASCII
// escapes, scans the decoded text, and maps what it finds back onto v. It
// allocates, but only texts holding such an escape pay for it.
func (s *Scrubber) findEscaped(v string, spans []span) []span {
	d := make([]byte, 0, len(v))
	at := make([]int, 0, len(v)+1) // at[k] is where d[k] comes from in v
	for i := 0; i < len(v); {
		// A run of backslashes before u00XX is one escape, escaped again
		// (a JSON text inside a JSON string).
		j := i
		for j < len(v) && v[j] == '\\' {
			j++
		}
		if j > i {
			if c, ok := asciiEscape(v, j-1); ok {
				d = append(d, c)
				at = append(at, i)
				i = j + 5
				continue
			}
			for ; i < j; i++ {
				d = append(d, '\\')
				at = append(at, i)
			}
			continue
		}
		d = append(d, v[i])
		at = append(at, i)
		i++
	}
	at = append(at, len(v))
	found, _ := findBuiltin(string(d), &s.textKeys, nil)
	for _, sp := range found {
		spans = append(spans, span{at[sp.start], at[sp.end]})
	}
	return spans
}

// asciiEscape decodes the JSON escape \u00XX of an ASCII byte at v[i].
func asciiEscape(v string, i int) (byte, bool) {
	if len(v)-i < 6 || v[i] != '\\' || v[i+1] != 'u' || v[i+2] != '0' || v[i+3] != '0' {
		return 0, false
	}
	h, l := unhex(v[i+4]), unhex(v[i+5])
	if h < 0 || l < 0 || h > 7 {
		return 0, false
	}
	return byte(h<<4 | l), true
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c|0x20 >= 'a' && c|0x20 <= 'f':
		return int(c|0x20-'a') + 10
	}
	return -1
}

func (p *pattern) find(v string, spans []span) []span {
	if p.prefix != "" && !strings.Contains(v, p.prefix) {
		return spans
	}
	for _, m := range p.re.FindAllStringSubmatchIndex(v, -1) {
		a, b := m[0], m[1]
		if p.group {
			a, b = m[2], m[3]
		}
		if a >= 0 && b > a {
			spans = append(spans, span{a, b})
		}
	}
	return spans
}

// replace returns v with the spans, merged where they overlap, replaced by
// s.repl. A span that already reads s.repl does not count as a change, which
// makes scrubbing idempotent (https://u:[REDACTED]@h still has a password).
func (s *Scrubber) replace(v string, spans []span) (string, bool) {
	if len(spans) == 0 {
		return v, false
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	merged := spans[:1]
	for _, sp := range spans[1:] {
		if last := &merged[len(merged)-1]; sp.start < last.end {
			last.end = max(last.end, sp.end)
			continue
		}
		merged = append(merged, sp)
	}
	changed := false
	n := len(v)
	for _, sp := range merged {
		if v[sp.start:sp.end] != s.repl {
			changed = true
		}
		n += len(s.repl) - (sp.end - sp.start)
	}
	if !changed {
		return v, false
	}
	var b strings.Builder
	b.Grow(n)
	last := 0
	for _, sp := range merged {
		b.WriteString(v[last:sp.start])
		b.WriteString(s.repl)
		last = sp.end
	}
	b.WriteString(v[last:])
	return b.String(), true
}

// SecretKey reports whether values under key are secrets that are replaced
// whole. The comparison ignores case and separators (any ASCII byte other than
// a letter or digit), and a key matches when it ends with a secret name that
// starts a word of it: at the start of the key, after a separator, at an
// upper-case letter, or after a digit. So for the name "token", "token",
// "access_token", "GITHUB_TOKEN", "accessToken" and "oauth2token" are secret
// keys, but "tiktoken", "token_count", "input_tokens" and "max_tokens" are
// not.
//
// Even under a secret key, numbers, booleans, durations and times are kept
// (they are counts and flags, not secrets), as are empty strings and nil.
func (s *Scrubber) SecretKey(key string) bool {
	if s == nil {
		return false
	}
	return s.keys.match(key)
}

// PlainKey reports whether key names nothing to the scrubber: it is neither
// a secret key (see [Scrubber.SecretKey]) nor one of the names under which
// only a generated-looking value is a secret. A string value under a plain
// key is scrubbed exactly as [Scrubber.String] scrubs it, so a caller that
// has asked once per key (telemetry's field plan) can call String directly.
// False for a nil Scrubber.
func (s *Scrubber) PlainKey(key string) bool {
	return s != nil && !s.keys.match(key) && !s.weakKeys.match(key)
}

// HasPatterns reports whether [WithPatterns] added patterns to s: the bus
// then scans every string it would otherwise know the built-in rules leave
// alone (see telemetry's field plan). False for a nil Scrubber.
func (s *Scrubber) HasPatterns() bool { return s != nil && len(s.patterns) > 0 }
