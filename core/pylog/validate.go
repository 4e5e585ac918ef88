package pylog

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// The checks logging.Formatter makes of its format when it is built
// (validate=True): the output of a Formatter never depends on them, but a
// format Python refuses is refused here too.

var (
	// PercentStyle.validation_pattern: a '%' format needs one field
	// matching it, anywhere.
	validPercent = regexp.MustCompile(`(?i)%\([\p{L}\p{N}_]+\)[#0+ -]*(\*|\d+)?(\.(\*|\d+))?[diouxefgcrsa%]`)
	// StrFormatStyle.field_spec and fmt_spec; Python's \w is Unicode.
	braceFieldSpec = regexp.MustCompile(`^(\d+|[\p{L}\p{N}_]+)(\.[\p{L}\p{N}_]+|\[[^]]+\])*$`)
	braceFmtSpec   = regexp.MustCompile(`(?i)^(.?[<>=^])?[+ -]?#?0?(\d+|{[\p{L}\p{N}_]+})?[,_]?(\.(\d+|{[\p{L}\p{N}_]+}))?[bcdefgnosx%]?$`)
)

// validateStyle applies the check of style to format.
func validateStyle(style rune, format string) error {
	switch style {
	case '%':
		if !validPercent.MatchString(format) {
			return errors.New("no %(name) field that logging's validation accepts: Python rejects such a format")
		}
		return nil
	case '{':
		return validateBrace(format)
	case '$':
		return validateDollar(format)
	}
	return fmt.Errorf("style must be '%%', '{' or '$', not %q", style)
}

// validateBrace is StrFormatStyle.validate: the fields string.Formatter
// finds must have valid names, conversions and specs, and there must be
// at least one named field.
func validateBrace(f string) error {
	named := false
	for i := 0; i < len(f); {
		c := f[i]
		if c != '{' && c != '}' {
			i++
			continue
		}
		if i+1 < len(f) && f[i+1] == c {
			i += 2
			continue
		}
		if c == '}' {
			return fmt.Errorf("single '}' at position %d", i)
		}
		start := i
		depth := 1
		j := i + 1
		for ; j < len(f); j++ {
			if f[j] == '{' {
				depth++
			} else if f[j] == '}' {
				if depth--; depth == 0 {
					break
				}
			}
		}
		if depth > 0 {
			return fmt.Errorf("expected '}' for the field at position %d", start)
		}
		body := f[i+1 : j]
		i = j + 1
		// The name runs to ':', '!' or the end, skipping [...] parts.
		k := 0
	name:
		for k < len(body) {
			switch body[k] {
			case '{':
				return fmt.Errorf("unexpected '{' in the field name at position %d", start)
			case '[':
				for k < len(body) && body[k] != ']' {
					k++
				}
			case ':', '!':
				break name
			}
			k++
		}
		k = min(k, len(body))
		name, rest := body[:k], body[k:]
		if strings.HasPrefix(rest, "!") {
			if len(rest) < 2 {
				return fmt.Errorf("end of string while looking for the conversion of the field at position %d", start)
			}
			if conv := rest[1]; conv != 'r' && conv != 's' && conv != 'a' {
				return fmt.Errorf("invalid conversion %q in the field at position %d", conv, start)
			}
			rest = rest[2:]
			if rest != "" && rest[0] != ':' {
				return fmt.Errorf("expected ':' after the conversion in the field at position %d", start)
			}
		}
		if spec := strings.TrimPrefix(rest, ":"); spec != "" && !braceFmtSpec.MatchString(spec) {
			return fmt.Errorf("bad format specifier %q at position %d", spec, start)
		}
		if name != "" {
			if !braceFieldSpec.MatchString(name) {
				return fmt.Errorf("invalid field name %q at position %d", name, start)
			}
			named = true
		}
	}
	if !named {
		return errors.New("no {name} field: Python rejects such a format")
	}
	return nil
}

// validateDollar is StringTemplateStyle.validate: no '$' that starts
// neither $$, $name nor ${name}, and at least one field.
func validateDollar(f string) error {
	named := false
	for i := 0; i < len(f); i++ {
		if f[i] != '$' {
			continue
		}
		switch n := dollarName(f[i+1:]); {
		case i+1 < len(f) && f[i+1] == '$':
			i++
		case n > 0:
			named = true
			i += n
		default:
			return fmt.Errorf("bare '$' at position %d", i)
		}
	}
	if !named {
		return errors.New("no $name field: Python rejects such a format")
	}
	return nil
}

// dollarName returns the length of the identifier or {identifier} that s
// starts with (string.Template's idpattern, ASCII and case-insensitive),
// or 0.
func dollarName(s string) int {
	id := func(s string) int {
		n := 0
		for n < len(s) {
			c := s[n]
			if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || n > 0 && c >= '0' && c <= '9' {
				n++
				continue
			}
			break
		}
		return n
	}
	if strings.HasPrefix(s, "{") {
		if n := id(s[1:]); n > 0 && n+1 < len(s) && s[n+1] == '}' {
			return n + 2
		}
		return 0
	}
	return id(s)
}
