package bridge

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// maxRepairRounds bounds the decoding rounds of one line: each round repairs
// every member at the path encoding/json reported, so a line needs one round
// per distinct wrong-typed path.
const maxRepairRounds = 16

// errTooManyRepairs is returned for a line with members of unexpected types
// at more than maxRepairRounds paths.
var errTooManyRepairs = fmt.Errorf("members of unexpected types at more than %d paths", maxRepairRounds)

// A repair is a member of a line whose JSON type did not fit, and what the
// lenient decoder took instead.
type repair struct {
	path   string // the member's path: keys joined by dots, list indexes in brackets
	reason string // what was expected, what came, what was taken
	value  []byte // the member's value as it was in the line
}

// decodeLenient decodes the JSON object data into v (a pointer to a struct)
// as json.Unmarshal does, except that a member whose JSON type does not fit
// its Go field is read leniently and reported, not allowed to drop the whole
// line: a number where a string is expected becomes its text; a string
// holding a number, or a number with a fraction or an exponent, fills an
// integer (fractions truncated, values out of range clamped to the field's
// range); "true" and "false" and numbers fill a boolean; an object or list
// where a string is expected is kept as its JSON text; anything else that
// does not fit is left out (as if absent). The rest of the line is kept.
//
// Valid lines pay one json.Unmarshal and nothing more. The error is
// encoding/json's when data is not JSON or not an object at the top level,
// and errTooManyRepairs when it is still wrong after maxRepairRounds rounds.
func decodeLenient(data []byte, v any) ([]repair, error) {
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil, nil
	}
	var repairs []repair
	for range maxRepairRounds {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) || te.Field == "" || te.Type == nil {
			return nil, err
		}
		path := strings.Split(te.Field, ".")
		fixed, rs := repairPath(data, path, te.Type, fieldType(reflect.TypeOf(v), path))
		if len(rs) == 0 {
			return nil, err // the reported member was not found: give up
		}
		repairs = append(repairs, rs...)
		data = fixed
		reflect.ValueOf(v).Elem().SetZero() // null leaves a plain field as it was
		if err = json.Unmarshal(data, v); err == nil {
			return repairs, nil
		}
	}
	return nil, errTooManyRepairs
}

// valueSpan is a member's value in a line: data[start:end], at path.
type valueSpan struct {
	start, end int
	path       string
}

// fieldType returns the Go type of the field at path in t (nil when there is
// none), through pointers and lists, matching json names as encoding/json
// does, without regard to case.
func fieldType(t reflect.Type, path []string) reflect.Type {
	for _, name := range path {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return nil
		}
		found := false
		for f := range t.Fields() {
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if tag == "" {
				tag = f.Name
			}
			if f.IsExported() && tag != "-" && strings.EqualFold(tag, name) {
				t, found = f.Type, true
				break
			}
		}
		if !found {
			return nil
		}
	}
	return t
}

// repairPath replaces, in a copy of data, every value at path (object keys,
// matched as encoding/json matches them, without regard to case; lists on
// the way are walked element by element) that does not fit typ. field is
// the type of the Go field at path: when it is a list (and typ the type of
// its elements), a list at path is repaired element by element; otherwise
// a value at path is repaired whole.
func repairPath(data []byte, path []string, typ, field reflect.Type) ([]byte, []repair) {
	var spans []valueSpan
	dec := json.NewDecoder(bytes.NewReader(data))
	elements := field != nil && isList(field) && !isList(typ)
	if findValues(dec, data, path, "", typ, elements, &spans) != nil {
		return nil, nil
	}
	if len(spans) == 0 {
		return nil, nil
	}
	out := make([]byte, 0, len(data))
	var repairs []repair
	last := 0
	for _, s := range spans {
		value := data[s.start:s.end]
		repl, reason := coerce(value, typ)
		out = append(out, data[last:s.start]...)
		out = append(out, repl...)
		last = s.end
		repairs = append(repairs, repair{path: s.path, reason: reason, value: value})
	}
	return append(out, data[last:]...), repairs
}

// findValues reads the object dec is at (data is dec's input) and records
// the spans of the values at path that do not fit typ.
func findValues(dec *json.Decoder, data []byte, path []string, prefix string, typ reflect.Type, elements bool, spans *[]valueSpan) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != json.Delim('{') {
		return errors.New("not an object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		start := valueStart(data, int(dec.InputOffset()))
		if !strings.EqualFold(key, path[0]) {
			if err := skipValue(dec); err != nil {
				return err
			}
			continue
		}
		if err := findIn(dec, data, start, path[1:], prefix+key, typ, elements, spans); err != nil {
			return err
		}
	}
	_, err = dec.Token() // '}'
	return err
}

// findIn handles the value starting at data[start] that the path so far
// (name) leads to; rest is what remains of the path, and elements says
// whether a list at its end is repaired element by element.
func findIn(dec *json.Decoder, data []byte, start int, rest []string, name string, typ reflect.Type, elements bool, spans *[]valueSpan) error {
	switch {
	case start < len(data) && data[start] == '[' && (len(rest) > 0 || elements):
		// A list on the way, or a list whose elements are of typ: each
		// element in turn.
		if _, err := dec.Token(); err != nil {
			return err
		}
		for i := 0; dec.More(); i++ {
			at := valueStart(data, int(dec.InputOffset()))
			if err := findIn(dec, data, at, rest, fmt.Sprintf("%s[%d]", name, i), typ, elements && len(rest) > 0, spans); err != nil {
				return err
			}
		}
		_, err := dec.Token() // ']'
		return err
	case len(rest) > 0 && start < len(data) && data[start] == '{':
		return findValues(dec, data, rest, name+".", typ, elements, spans)
	case len(rest) > 0:
		return skipValue(dec)
	}
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	if !fits(raw, typ) {
		*spans = append(*spans, valueSpan{start: start, end: start + len(raw), path: name})
	}
	return nil
}

// valueStart returns where the value after offset begins: past white space
// and one ':' or ',' between.
func valueStart(data []byte, offset int) int {
	for offset < len(data) {
		switch data[offset] {
		case ' ', '\t', '\r', '\n', ':', ',':
			offset++
		default:
			return offset
		}
	}
	return offset
}

func skipValue(dec *json.Decoder) error {
	var raw json.RawMessage
	return dec.Decode(&raw)
}

func isList(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.Slice || t.Kind() == reflect.Array
}

// fits reports whether raw decodes into a typ without a type error.
func fits(raw []byte, typ reflect.Type) bool {
	return json.Unmarshal(raw, reflect.New(typ).Interface()) == nil
}

// coerce returns what replaces value (a JSON value that does not fit typ),
// and the reason, for the report.
func coerce(value []byte, typ reflect.Type) ([]byte, string) {
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	got := kindOf(value)
	want := wanted(typ)
	taken := func(repl []byte, what string) ([]byte, string) {
		return repl, fmt.Sprintf("want %s, got %s: %s", want, got, what)
	}
	switch typ.Kind() {
	case reflect.String:
		switch got {
		case "a number", "a boolean":
			return taken(quote(string(value)), "kept as its text")
		case "an object", "a list":
			var compact bytes.Buffer
			if json.Compact(&compact, value) == nil {
				return taken(quote(compact.String()), "kept as its JSON text")
			}
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		text, ok := numberText(value, got)
		if !ok {
			break
		}
		n, what, ok := integer(text, typ)
		if ok {
			return taken([]byte(n), what)
		}
		if got == "a string" {
			return taken([]byte("null"), "not a number, left out")
		}
	case reflect.Float32, reflect.Float64:
		if got == "a string" {
			var s string
			if json.Unmarshal(value, &s) == nil {
				if f, err := strconv.ParseFloat(strings.TrimSpace(s), typ.Bits()); err == nil && isJSONNumber(strings.TrimSpace(s)) {
					return taken([]byte(strconv.FormatFloat(f, 'g', -1, typ.Bits())), "read as "+strconv.FormatFloat(f, 'g', -1, typ.Bits()))
				}
				return taken([]byte("null"), "not a number, left out")
			}
		}
	case reflect.Bool:
		switch got {
		case "a string":
			var s string
			if json.Unmarshal(value, &s) == nil {
				if b, err := strconv.ParseBool(strings.TrimSpace(s)); err == nil {
					return taken([]byte(strconv.FormatBool(b)), "read as "+strconv.FormatBool(b))
				}
			}
		case "a number":
			if f, err := strconv.ParseFloat(string(value), 64); err == nil || errors.Is(err, strconv.ErrRange) {
				b := f != 0
				return taken([]byte(strconv.FormatBool(b)), "read as "+strconv.FormatBool(b))
			}
		}
	}
	return taken([]byte("null"), "left out")
}

// numberText returns the number a JSON number or a string holding one
// spells.
func numberText(value []byte, got string) (string, bool) {
	switch got {
	case "a number":
		return string(value), true
	case "a string":
		var s string
		if json.Unmarshal(value, &s) != nil {
			return "", false
		}
		return strings.TrimSpace(s), true
	}
	return "", false
}

// integer reads text as an integer of typ's kind: exactly when it can,
// else as a float truncated toward zero and clamped to typ's range. It
// returns the JSON literal and what was done.
func integer(text string, typ reflect.Type) (string, string, bool) {
	signed := typ.Kind() >= reflect.Int && typ.Kind() <= reflect.Int64
	bits := typ.Bits()
	if signed {
		if n, err := strconv.ParseInt(text, 10, bits); err == nil {
			return strconv.FormatInt(n, 10), "read as " + strconv.FormatInt(n, 10), true
		}
	} else if n, err := strconv.ParseUint(text, 10, bits); err == nil {
		return strconv.FormatUint(n, 10), "read as " + strconv.FormatUint(n, 10), true
	}
	if !isJSONNumber(text) { // not "inf", "0x10", "1_000": only numbers as JSON writes them
		return "", "", false
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return "", "", false
	}
	var lo, hi float64 // hi is one past the largest value
	if signed {
		lo, hi = -math.Ldexp(1, bits-1), math.Ldexp(1, bits-1)
	} else {
		lo, hi = 0, math.Ldexp(1, bits)
	}
	var n string
	switch {
	case f >= hi && signed:
		n = strconv.FormatInt(math.MaxInt64>>(64-bits), 10)
	case f >= hi:
		n = strconv.FormatUint(math.MaxUint64>>(64-bits), 10)
	case f < lo && signed:
		n = strconv.FormatInt(math.MinInt64>>(64-bits), 10)
	case f < lo:
		n = "0"
	}
	if n != "" {
		return n, "out of range, clamped to " + n, true
	}
	t := math.Trunc(f)
	if signed {
		n = strconv.FormatInt(int64(t), 10)
	} else {
		n = strconv.FormatUint(uint64(t), 10)
	}
	if t != f {
		return n, "not an integer, truncated to " + n, true
	}
	return n, "read as " + n, true
}

// isJSONNumber reports whether s is a number as JSON spells it.
func isJSONNumber(s string) bool {
	return s != "" && (s[0] == '-' || '0' <= s[0] && s[0] <= '9') && json.Valid([]byte(s))
}

// kindOf names the JSON type of a valid JSON value.
func kindOf(value []byte) string {
	if len(value) == 0 {
		return "nothing"
	}
	switch value[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "a list"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// wanted names what a Go type takes in JSON.
func wanted(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "an integer"
	}
	return "a " + t.String()
}

func quote(s string) []byte {
	b, _ := json.Marshal(s) // a string always marshals
	return b
}
