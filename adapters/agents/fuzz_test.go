package codexagents

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParsePyJSON checks that the parser never panics and that what it
// accepts survives an encode/parse round trip unchanged.
func FuzzParsePyJSON(f *testing.F) {
	for _, s := range []string{`{"a":1,"a":2,"b":[1.5,1e400,NaN,-Infinity]}`, `"\ud83d\ude00\u00e9"`, `[]`, `{`, `1.`, `-0`, `"\x01"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parsePyJSON(s)
		if err != nil {
			if _, ok := err.(*syntaxError); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		enc := pyJSON(v)
		if pySize(v) != len(enc) {
			t.Fatalf("pySize %d, len %d for %s", pySize(v), len(enc), enc)
		}
		v2, err := parsePyJSON(enc)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", enc, err)
		}
		if enc2 := pyJSON(v2); enc2 != enc {
			t.Fatalf("round trip: %s then %s", enc, enc2)
		}
	})
}

// FuzzBudget checks the budget on arbitrary command-shaped data: no
// panic, no "" values, keys a subset of the input's, and within the limit
// whenever the non-trim keys alone fit.
func FuzzBudget(f *testing.F) {
	f.Add("ls", "completed", "a\nb\n", 64)
	f.Add("é😀\"\\", "x", strings.Repeat("漢", 40), 31)
	f.Add("", "", "", 0)
	f.Fuzz(func(t *testing.T, cmd, status, out string, m int) {
		if !utf8.ValidString(cmd) || !utf8.ValidString(status) || !utf8.ValidString(out) {
			return
		}
		m %= 10000
		d := Object{{"command", cmd}, {"status", status}, {"exit_code", 0}, {"output", out}}
		got := budget(d, limit{n: m})
		for _, mem := range got {
			if mem.Value == "" {
				t.Fatalf("\"\" value kept: %s", got)
			}
			if _, ok := d.Get(mem.Key); !ok {
				t.Fatalf("new key %q", mem.Key)
			}
		}
		fixed := dropEmpty(Object{{"status", status}, {"exit_code", 0}})
		if m > 0 && pySize(fixed) <= m && pySize(got) > m {
			t.Fatalf("over budget %d > %d: %s", pySize(got), m, got)
		}
	})
}

// FuzzRun feeds arbitrary streams to the tool: no panic, every command
// span ends before the function span, which ends last.
func FuzzRun(f *testing.F) {
	f.Add(`{"type":"item.started","item":{"id":"c","type":"command_execution","command":"ls","status":"in_progress"}}` + "\n" + `{"type":"item.completed","item":{"id":"c","type":"command_execution","command":"ls","status":"failed","aggregated_output":{"a":[1]}}}`)
	f.Add("{\"type\":\"error\"}\n\xff")
	f.Fuzz(func(t *testing.T, stream string) {
		rec := &recorder{}
		p := NewProvider(WithDisabled(false), WithProcessors(rec))
		res := NewCodexTool(p, WithSpanDataMaxChars(50)).Run(p.NewTrace("w", "", nil), nil, referenceArgs, strings.NewReader(stream), nil)
		if res.Output == "" {
			t.Fatal("no output")
		}
		last := rec.ended[len(rec.ended)-1]
		if _, ok := last.Data().(*FunctionSpanData); !ok {
			t.Fatal("function span not last")
		}
		for _, s := range rec.ended[:len(rec.ended)-1] {
			if s.ParentID() != last.ID() {
				t.Fatal("command span not a child of the function span")
			}
			if d := s.Data().(*CustomSpanData).Data; pySize(d) > 50 && strings.Contains(d.String(), `"command"`) {
				t.Fatalf("data over budget: %s", d)
			}
		}
	})
}

// FuzzTruncateForIngest checks the ingest cut on any text and limit: no
// panic; the text unchanged when it fits; otherwise a prefix of it (whole
// code points) followed by the suffix, within the limit, or the suffix
// alone or "" when only that fits. jsonUTF8Size is checked against
// encoding the text with Go's own rules for the same escapes.
func FuzzTruncateForIngest(f *testing.F) {
	f.Add("hello\n\"world\" é 漢 😀 \x01", 30)
	f.Add(strings.Repeat("x", 200), 17)
	f.Add("\x7f\xff", 5)
	f.Fuzz(func(t *testing.T, s string, limit int) {
		limit = limit % 4096
		if limit < 0 {
			limit = -limit
		}
		got := truncateForIngest(s, limit)
		size := jsonUTF8Size(s)
		if size != refUTF8Size(s) {
			t.Fatalf("jsonUTF8Size(%q) = %d, want %d", s, size, refUTF8Size(s))
		}
		switch {
		case size <= limit:
			if got != s {
				t.Fatalf("a fitting text changed: %q → %q", s, got)
			}
		case got == "":
			if jsonUTF8Size(ingestTruncSuffix) <= limit {
				t.Fatalf("empty result though the suffix fits in %d", limit)
			}
		default:
			head, ok := strings.CutSuffix(got, ingestTruncSuffix)
			if !ok || !strings.HasPrefix(s, head) || !utf8.ValidString(head) && utf8.ValidString(s) {
				t.Fatalf("truncateForIngest(%q, %d) = %q: not a prefix and the suffix", s, limit, got)
			}
			if jsonUTF8Size(got) > limit {
				t.Fatalf("result of %d bytes over %d", jsonUTF8Size(got), limit)
			}
		}
	})
}

// refUTF8Size is json.dumps(s, ensure_ascii=False)'s UTF-8 length, by
// writing the text out: an invalid byte becomes U+FFFD.
func refUTF8Size(s string) int {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\' || r == '\n' || r == '\r' || r == '\t' || r == '\b' || r == '\f':
			b.WriteString(`\x`)
		case r < 0x20:
			b.WriteString(`\u00XX`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.Len()
}
