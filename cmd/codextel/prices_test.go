package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParsePricesErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"not JSON", "prices", "bad --prices file p.json:1: invalid character 'p' looking for beginning of value"},
		{"not an object", "[1]", `bad --prices file p.json:1: want a JSON object with "models", got [`},
		{"empty", "", "bad --prices file p.json:1: the file ends early"},
		{"no models", `{"date": "2026-12-04"}`, "bad --prices file p.json:1: models: no model is priced"},
		{"empty models", `{"models": {}}`, "bad --prices file p.json:1: models: no model is priced"},
		{"models not an object", `{"models": [1]}`, "bad --prices file p.json:1: models: want an object of model names, got ["},
		{"unknown member", "{\n\"modles\": {}}", `bad --prices file p.json:2: modles: unknown member (want models, date, source, note or currency)`},
		{"other currency", `{"currency": "EUR", "models": {}}`, `bad --prices file p.json:1: currency: "EUR": prices must be in USD`},
		{"date not a string", `{"date": 2026}`, "bad --prices file p.json:1: date: want a string"},
		{"missing output", "{\"models\": {\n  \"gpt-5\": {\"input\": 1, \"cached_input\": 0.1}\n}}", `bad --prices file p.json:2: models."gpt-5".output: missing (US dollars per million tokens)`},
		{"misspelt price", "{\"models\": {\n\n  \"gpt-5\": {\"input\": 1, \"cached_input\": 0.1, \"output\": 8, \"ouput\": 8}}}", `bad --prices file p.json:3: models."gpt-5".ouput: unknown member (want input, cached_input and output)`},
		{"negative", `{"models": {"gpt-5": {"input": -1, "cached_input": 0.1, "output": 8}}}`, `bad --prices file p.json:1: models."gpt-5".input: -1: want a number of US dollars per million tokens, 0 or more`},
		{"a string price", `{"models": {"gpt-5": {"input": "1.25", "cached_input": 0.1, "output": 8}}}`, `models."gpt-5".input: "1.25": want a number`},
		{"model not an object", `{"models": {"gpt-5": 1.25}}`, `bad --prices file p.json:1: models."gpt-5": want an object of input, cached_input and output`},
		{"priced twice", "{\"models\": {\"gpt-5\": {\"input\": 1, \"cached_input\": 0.1, \"output\": 8},\n\"gpt-5\": {\"input\": 1, \"cached_input\": 0.1, \"output\": 8}}}", `bad --prices file p.json:2: models."gpt-5": priced twice`},
		{"empty model name", `{"models": {"": {"input": 1, "cached_input": 0.1, "output": 8}}}`, `models."": an empty model name`},
		{"truncated", "{\"models\": {\"gpt-5\": {\"input\": 1,\n", "bad --prices file p.json:"},
		{"trailing data", `{"models": {"m": {"input": 1, "cached_input": 0.1, "output": 8}}} {}`, "bad --prices file p.json:1: more after the object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parsePrices("p.json", []byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestParsePrices(t *testing.T) {
	in := `{"date": "2026-12-04", "source": "test", "note": "n", "currency": "USD", "models": {
		"a": {"input": 1.25, "cached_input": 0.125, "output": 10},
		"b": {"output": 0, "input": 0, "cached_input": 0}}}`
	table, err := parsePrices("p.json", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := table.lookup("a"); !ok || p.Input != 1.25 || p.CachedInput != 0.125 || p.Output != 10 {
		t.Errorf("a: %+v, %v", p, ok)
	}
	if _, ok := table.lookup("b"); !ok {
		t.Errorf("b is free, not unpriced")
	}
	if _, ok := table.lookup("A"); ok {
		t.Errorf("a lookup is not exact")
	}
	if table.date != "2026-12-04" {
		t.Errorf("date %q", table.date)
	}
}

// TestPricesFlag: a bad or missing price file is a usage error naming it.
func TestPricesFlag(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte("{\n  \"models\": {\"m\": {\"input\": 1}}\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ file, want string }{
		{bad, "codextel: bad --prices file " + bad + `:2: models."m".cached_input: missing`},
		{"no-such.json", "codextel: bad --prices file no-such.json: cannot read it: no such file or directory"},
	} {
		code, out, errOut := runWith(t, "", "--prices", tt.file)
		if code != 2 || out != "" || !strings.HasPrefix(errOut, tt.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("--prices %s: exit %d, stderr %q; want 2 and %q", tt.file, code, errOut, tt.want)
		}
	}
}

// FuzzParsePrices: no input panics the parser; what it accepts has a
// finite, non-negative price for every model it names.
func FuzzParsePrices(f *testing.F) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "prices.example.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Add([]byte(`{"models": {"m": {"input": 1, "cached_input": 0.1, "output": 8}}}`))
	f.Add([]byte(`{"models": {"m": {"input": 1e400, "cached_input": 0.1, "output": 8}}}`))
	f.Add([]byte("{\"models\": {\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		table, err := parsePrices("f.json", in)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "bad --prices file f.json") {
				t.Errorf("error %q does not name the file", err)
			}
			return
		}
		if len(table.models) == 0 {
			t.Errorf("accepted with no model")
		}
		for m, p := range table.models {
			for _, v := range []float64{p.Input, p.CachedInput, p.Output} {
				if !(v >= 0) || v > 1e308 {
					t.Errorf("model %q: price %v", m, v)
				}
			}
		}
	})
}
