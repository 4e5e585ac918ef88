package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/codextel/codextel/core/instrument"
)

// priceTable is a --prices file read: the price of each model it names.
// Models are looked up by their exact name: a model the table does not
// name has no price (a prefix or a family is never guessed).
type priceTable struct {
	file   string
	date   string
	models map[string]instrument.Price
}

// lookup returns the price of model, and whether the table has one.
func (t *priceTable) lookup(model string) (instrument.Price, bool) {
	p, ok := t.models[model]
	return p, ok
}

// priceError is a bad price file: it names the file, the line and the
// field when known.
type priceError struct {
	file  string
	line  int    // 0 when unknown
	field string // "" when the whole file is at fault
	msg   string
}

func (e *priceError) Error() string {
	var b strings.Builder
	b.WriteString("bad --prices file " + e.file)
	if e.line > 0 {
		fmt.Fprintf(&b, ":%d", e.line)
	}
	if e.field != "" {
		b.WriteString(": " + e.field)
	}
	return b.String() + ": " + e.msg
}

// readPrices reads a price file: JSON, an object with "models" (each model
// an object of "input", "cached_input" and "output", US dollars per million
// tokens, all three required, finite and not negative) and optionally
// "date" (when the prices were taken), "source", "note" and "currency"
// (which must be "USD"). Any other member is an error, so that a misspelt
// price is not silently missing.
func readPrices(path string) (*priceTable, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &priceError{file: path, msg: fmt.Sprintf("cannot read it: %v", err)}
	}
	return parsePrices(path, raw)
}

// parsePrices reads a price file's contents; file names it in errors.
func parsePrices(file string, raw []byte) (*priceTable, error) {
	t := &priceTable{file: file, models: map[string]instrument.Price{}}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	fail := func(offset int64, field, format string, args ...any) error {
		return &priceError{file: file, line: lineAt(raw, offset), field: field, msg: fmt.Sprintf(format, args...)}
	}
	// syntax turns a decoding error into one with the line it is on.
	syntax := func(err error, field string) error {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fail(se.Offset, field, "%v", se)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fail(int64(len(raw)), field, "the file ends early")
		}
		return fail(dec.InputOffset(), field, "%v", err)
	}
	if tok, err := dec.Token(); err != nil {
		return nil, syntax(err, "")
	} else if tok != json.Delim('{') {
		return nil, fail(dec.InputOffset(), "", "want a JSON object with \"models\", got %v", tok)
	}
	sawModels := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntax(err, "")
		}
		key, _ := tok.(string)
		at := dec.InputOffset()
		switch key {
		case "date", "source", "note", "currency":
			var s string
			if err := dec.Decode(&s); err != nil {
				return nil, fail(at, key, "want a string")
			}
			if key == "currency" && s != "USD" {
				return nil, fail(at, key, "%q: prices must be in USD", s)
			}
			if key == "date" {
				t.date = s
			}
		case "models":
			sawModels = true
			if err := parseModels(dec, raw, t, fail, syntax); err != nil {
				return nil, err
			}
		default:
			return nil, fail(at, key, "unknown member (want models, date, source, note or currency)")
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, syntax(err, "")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fail(dec.InputOffset(), "", "more after the object")
	}
	if !sawModels || len(t.models) == 0 {
		return nil, fail(0, "models", "no model is priced")
	}
	return t, nil
}

// parseModels reads the "models" object into t.
func parseModels(dec *json.Decoder, raw []byte, t *priceTable, fail func(int64, string, string, ...any) error, syntax func(error, string) error) error {
	if tok, err := dec.Token(); err != nil {
		return syntax(err, "models")
	} else if tok != json.Delim('{') {
		return fail(dec.InputOffset(), "models", "want an object of model names, got %v", tok)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return syntax(err, "models")
		}
		model, _ := tok.(string)
		at := dec.InputOffset()
		field := fmt.Sprintf("models.%q", model)
		if model == "" {
			return fail(at, field, "an empty model name")
		}
		if _, dup := t.models[model]; dup {
			return fail(at, field, "priced twice")
		}
		var m map[string]json.RawMessage
		if err := dec.Decode(&m); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				return fail(at, field, "want an object of input, cached_input and output")
			}
			return syntax(err, field)
		}
		var p instrument.Price
		for _, f := range []struct {
			key string
			to  *float64
		}{{"input", &p.Input}, {"cached_input", &p.CachedInput}, {"output", &p.Output}} {
			v, ok := m[f.key]
			if !ok {
				return fail(at, field+"."+f.key, "missing (US dollars per million tokens)")
			}
			delete(m, f.key)
			var n float64
			if err := json.Unmarshal(v, &n); err != nil || math.IsInf(n, 0) || math.IsNaN(n) || n < 0 {
				return fail(at, field+"."+f.key, "%s: want a number of US dollars per million tokens, 0 or more", v)
			}
			*f.to = n
		}
		if len(m) > 0 {
			k := slices.Sorted(maps.Keys(m))[0]
			return fail(at, field+"."+k, "unknown member (want input, cached_input and output)")
		}
		t.models[model] = p
	}
	_, err := dec.Token() // the closing brace
	if err != nil {
		return syntax(err, "models")
	}
	return nil
}

// lineAt is the 1-based line of raw that offset is on.
func lineAt(raw []byte, offset int64) int {
	offset = min(max(offset, 0), int64(len(raw)))
	return 1 + bytes.Count(raw[:offset], []byte("\n"))
}
