package scrub_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/codextel/codextel/core/scrub"
)

// A corpusCase is one line of testdata/secrets.jsonl or testdata/clean.jsonl
// (the format is described in the package's doc.go).
type corpusCase struct {
	Category string   `json:"category"`
	Name     string   `json:"name"`
	Text     string   `json:"text"`
	Secrets  []string `json:"secrets"`
	Keep     []string `json:"keep"`

	where string // file:line
}

// secretByte reports whether c may appear in a corpus secret: the bytes that
// come out verbatim in any output encoding.
func secretByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("_.+/=-", c) >= 0
}

// loadCorpus reads a corpus file for a test, failing it on a bad line.
func loadCorpus(t testing.TB, path string, secrets bool) []corpusCase {
	t.Helper()
	cases, err := readCorpus(path, secrets)
	if err != nil {
		t.Fatal(err)
	}
	return cases
}

// readCorpus reads a corpus file, checking every line against the format:
// a problem is reported with its file, line and field.
func readCorpus(path string, secrets bool) ([]corpusCase, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var cases []corpusCase
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		where := fmt.Sprintf("%s:%d", path, n)
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		var c corpusCase
		if err := dec.Decode(&c); err != nil {
			return nil, fmt.Errorf("%s: %v", where, err)
		}
		c.where = where
		switch {
		case c.Category == "":
			return nil, fmt.Errorf("%s: field category is empty", where)
		case c.Name == "":
			return nil, fmt.Errorf("%s: field name is empty", where)
		case c.Text == "":
			return nil, fmt.Errorf("%s: field text is empty", where)
		case secrets && len(c.Secrets) == 0:
			return nil, fmt.Errorf("%s: field secrets is empty", where)
		case !secrets && (len(c.Secrets) > 0 || len(c.Keep) > 0):
			return nil, fmt.Errorf("%s: a clean case has no secrets or keep fields", where)
		}
		for i, x := range c.Secrets {
			if len(x) < 8 {
				return nil, fmt.Errorf("%s: secrets[%d] %q is shorter than 8 bytes", where, i, x)
			}
			for k := 0; k < len(x); k++ {
				if !secretByte(x[k]) {
					return nil, fmt.Errorf("%s: secrets[%d] %q holds %q at byte %d, outside [A-Za-z0-9_.+/=-]", where, i, x, x[k], k)
				}
			}
			if !strings.Contains(c.Text, x) {
				return nil, fmt.Errorf("%s: secrets[%d] %q is not in the text", where, i, x)
			}
		}
		for i, x := range c.Keep {
			if !strings.Contains(c.Text, x) {
				return nil, fmt.Errorf("%s: keep[%d] %q is not in the text", where, i, x)
			}
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return cases, nil
}

// jsonString returns s as the inside of a JSON string, as json.Marshal
// writes it (with <, > and & escaped).
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// A corpusPlace puts a corpus text into an attribute and reads back, after
// scrubbing, the text a handler would show, and the keep strings as they
// appear there.
type corpusPlace struct {
	name string
	attr func(text string) slog.Attr
	out  func(a slog.Attr) string
	keep func(k string) string
}

func same1(s string) string { return s }

var corpusPlaces = []corpusPlace{
	{"string", func(x string) slog.Attr { return slog.String("output", x) },
		func(a slog.Attr) string { return a.Value.String() }, same1},
	{"json string", func(x string) slog.Attr {
		return slog.String("result", `{"type":"text","text":"`+jsonString(x)+`"}`)
	}, func(a slog.Attr) string { return a.Value.String() }, jsonString},
	{"map key", func(x string) slog.Attr { return slog.Any("seen", map[string]any{x: 1, "other": 2}) },
		func(a slog.Attr) string {
			var keys []string
			for k := range a.Value.Any().(map[string]any) {
				keys = append(keys, k)
			}
			return strings.Join(keys, "\n")
		}, same1},
	{"map[string]string key", func(x string) slog.Attr { return slog.Any("seen", map[string]string{x: ""}) },
		func(a slog.Attr) string {
			for k := range a.Value.Any().(map[string]string) {
				return k
			}
			return ""
		}, same1},
	{"nested group", func(x string) slog.Attr {
		return slog.Group("call", slog.String("tool", "shell"), slog.Group("result", slog.String("stdout", x)))
	}, func(a slog.Attr) string { return a.Value.Group()[1].Value.Group()[0].Value.String() }, same1},
}

func TestSecretCorpus(t *testing.T) {
	s := scrub.New()
	cases := loadCorpus(t, "testdata/secrets.jsonl", true)
	if len(cases) < 300 {
		t.Fatalf("testdata/secrets.jsonl has %d cases, want 300 or more", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Category+"/"+c.Name, func(t *testing.T) {
			out, changed := s.String(c.Text)
			if !changed {
				t.Fatalf("%s: nothing scrubbed in %q", c.where, c.Text)
			}
			checkScrubbed(t, c, "String", out, same1)
			if again, changed := s.String(out); changed {
				t.Errorf("%s: not idempotent: %q became %q", c.where, out, again)
			}
			for _, p := range corpusPlaces {
				a, changed := s.Attr(p.attr(c.Text))
				if !changed {
					t.Fatalf("%s: %s: nothing scrubbed", c.where, p.name)
				}
				checkScrubbed(t, c, p.name, p.out(a), p.keep)
			}
		})
	}
}

func checkScrubbed(t *testing.T, c corpusCase, where, out string, keep func(string) string) {
	t.Helper()
	for _, x := range c.Secrets {
		if strings.Contains(out, x) {
			t.Errorf("%s: %s: secret %q survived:\n%s", c.where, where, x, out)
		}
	}
	for _, k := range c.Keep {
		if k = keep(k); !strings.Contains(out, k) {
			t.Errorf("%s: %s: context %q was lost:\n%s", c.where, where, k, out)
		}
	}
}

func TestCleanCorpus(t *testing.T) {
	s := scrub.New()
	cases := loadCorpus(t, "testdata/clean.jsonl", false)
	if len(cases) < 100 {
		t.Fatalf("testdata/clean.jsonl has %d cases, want 100 or more", len(cases))
	}
	destroyed := 0
	for _, c := range cases {
		out, changed := s.String(c.Text)
		if changed || out != c.Text {
			destroyed++
			t.Errorf("%s (%s/%s): changed:\n%s\n=>\n%s", c.where, c.Category, c.Name, c.Text, out)
			continue
		}
		for _, p := range corpusPlaces {
			if a, changed := s.Attr(p.attr(c.Text)); changed {
				destroyed++
				t.Errorf("%s (%s/%s): %s: changed to %v", c.where, c.Category, c.Name, p.name, a)
			}
		}
	}
	if destroyed > 0 {
		t.Errorf("%d of %d clean cases destroyed", destroyed, len(cases))
	}
}
