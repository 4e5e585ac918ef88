package codexagents

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// vector is one line of testdata/trim-vectors.jsonl, produced by the Agents
// SDK's own trimming functions and item-event handlers.
type vector struct {
	line int
	obj  Object
}

func (v vector) get(t *testing.T, key string) any {
	t.Helper()
	x, ok := v.obj.Get(key)
	if !ok {
		t.Fatalf("trim-vectors.jsonl:%d: no %q", v.line, key)
	}
	return x
}

func (v vector) limit(t *testing.T) limit {
	t.Helper()
	switch m := v.get(t, "max_chars").(type) {
	case nil:
		return limit{none: true}
	case Number:
		n, err := strconv.Atoi(string(m))
		if err != nil {
			t.Fatalf("trim-vectors.jsonl:%d: max_chars %q: %v", v.line, m, err)
		}
		return limit{n: n}
	default:
		t.Fatalf("trim-vectors.jsonl:%d: max_chars is %T", v.line, m)
	}
	return limit{}
}

func readVectors(t testing.TB) []vector {
	t.Helper()
	f, err := os.Open("testdata/trim-vectors.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []vector
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for n := 1; sc.Scan(); n++ {
		v, err := parsePyJSON(sc.Text())
		if err != nil {
			t.Fatalf("trim-vectors.jsonl:%d: %v", n, err)
		}
		o, ok := v.(Object)
		if !ok {
			t.Fatalf("trim-vectors.jsonl:%d: not an object", n)
		}
		out = append(out, vector{line: n, obj: o})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestTrimVectors runs every vector of the SDK's three trimming functions
// and compares the compact JSON texts, so key order and number literals
// count.
func TestTrimVectors(t *testing.T) {
	counts := map[string]int{}
	for _, v := range readVectors(t) {
		fn, _ := v.get(t, "fn").(string)
		m := v.limit(t)
		var got, want any
		switch fn {
		case "truncate_span_string":
			s, ok := v.get(t, "value").(string)
			if !ok {
				t.Fatalf("line %d: value is not a string", v.line)
			}
			got, want = cutString(s, m), v.get(t, "result")
		case "truncate_span_value":
			got, want = perValue(v.get(t, "value"), m), v.get(t, "result")
		case "enforce_span_data_budget":
			d, ok := v.get(t, "data").(Object)
			if !ok {
				t.Fatalf("line %d: data is not an object", v.line)
			}
			got, want = budget(d, m), v.get(t, "result")
		default:
			continue
		}
		counts[fn]++
		if g, w := pyJSON(got), pyJSON(want); g != w {
			t.Errorf("trim-vectors.jsonl:%d %s max_chars=%v:\n got %s\nwant %s", v.line, fn, m, trunc(g), trunc(w))
		}
	}
	want := map[string]int{"truncate_span_string": 230, "truncate_span_value": 276, "enforce_span_data_budget": 630}
	for fn, n := range want {
		if counts[fn] != n {
			t.Errorf("%s: %d vectors, want %d", fn, counts[fn], n)
		}
	}
}

func trunc(s string) string {
	if len(s) > 400 {
		return s[:400] + "…(" + strconv.Itoa(len(s)) + " bytes)"
	}
	return s
}

func TestCutString(t *testing.T) {
	y := strings.Repeat("y", 100)
	tests := []struct {
		n    int
		want string
	}{
		{-1, ""},
		{0, ""},
		{20, strings.Repeat("y", 20)},
		{26, strings.Repeat("y", 26)},
		{29, "yyy... [truncated, 100 chars]"},
		{31, "yyyyy... [truncated, 100 chars]"},
		{100, y},
	}
	for _, tt := range tests {
		if got := cutString(y, limit{n: tt.n}); got != tt.want {
			t.Errorf("cutString(100×y, %d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	if got := cutString("é😀x", limit{n: 2}); got != "é😀" {
		t.Errorf("code points: got %q", got)
	}
}
