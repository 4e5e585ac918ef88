package telemetry

import (
	"fmt"
	"strings"
)

// A pattern selects event names: an exact name ("codex.tool.start"), every
// name under a prefix ("codex.tool.*" matches "codex.tool.start" and
// "codex.tool.x.y" but not "codex.tool" itself), or every name ("*").
type pattern struct {
	text   string // as given
	prefix string // for a prefix pattern: the name up to and including the final dot; "" for "*"
	exact  bool
}

func (p pattern) matches(name string) bool {
	if p.exact {
		return name == p.text
	}
	return strings.HasPrefix(name, p.prefix)
}

func parsePattern(s string) (pattern, error) {
	if s == "*" {
		return pattern{text: s}, nil
	}
	if base, ok := strings.CutSuffix(s, ".*"); ok {
		if err := ValidateName(base); err != nil {
			return pattern{}, fmt.Errorf("telemetry: bad pattern %q: %w", s, err)
		}
		return pattern{text: s, prefix: base + "."}, nil
	}
	if err := ValidateName(s); err != nil {
		return pattern{}, fmt.Errorf("telemetry: bad pattern %q: %w", s, err)
	}
	return pattern{text: s, exact: true}, nil
}

// ValidateName reports whether name is a well-formed event name: dot-separated
// segments, each one or more ASCII letters, digits or underscores.
func ValidateName(name string) error {
	if name == "" {
		return fmt.Errorf("%w: empty name", ErrBadName)
	}
	segStart := 0
	for i := 0; i <= len(name); i++ {
		if i == len(name) || name[i] == '.' {
			if i == segStart {
				return fmt.Errorf("%w: empty segment at byte %d of %q", ErrBadName, i, name)
			}
			segStart = i + 1
			continue
		}
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return fmt.Errorf("%w: byte %q at %d of %q", ErrBadName, c, i, name)
		}
	}
	return nil
}

// overlaps reports whether p matches some event name that is prefix itself or
// lies under it (prefix followed by a dot). Every pattern overlaps "".
func (p pattern) overlaps(prefix string) bool {
	switch {
	case prefix == "":
		return true
	case p.exact:
		return under(p.text, prefix)
	case p.prefix == "": // "*"
		return true
	}
	return under(strings.TrimSuffix(p.prefix, "."), prefix) || strings.HasPrefix(prefix, p.prefix)
}

// under reports whether name is prefix or lies under it.
func under(name, prefix string) bool {
	return strings.HasPrefix(name, prefix) && (len(name) == len(prefix) || name[len(prefix)] == '.')
}
