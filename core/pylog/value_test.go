package pylog

import (
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// The expected texts of TestAppendValue were printed by CPython 3.11.2
// with python-json-logger 2.0.1: str(v), repr(v) and
// json.dumps(v, cls=JsonEncoder) of the Python value each row stands for
// (TestValuesMatchCPython checks the same against a live interpreter).
func TestAppendValue(t *testing.T) {
	tests := []struct {
		v                    slog.Value
		str, repr, jsonASCII string
	}{
		{slog.StringValue("it's"), "it's", "\"it's\"", "\"it's\""},
		{slog.StringValue(`say "hi" it's`), "say \"hi\" it's", "'say \"hi\" it\\'s'", "\"say \\\"hi\\\" it's\""},
		{slog.StringValue("tab\there\u2028\x7f\U0001F600"), "tab\there\u2028\x7f\U0001f600", "'tab\\there\\u2028\\x7f\U0001f600'", "\"tab\\there\\u2028\\u007f\\ud83d\\ude00\""},
		{slog.StringValue("bad \xe2\x82 byte"), "bad \ufffd byte", "'bad \ufffd byte'", "\"bad \\ufffd byte\""},
		{slog.Int64Value(-42), "-42", "-42", "-42"},
		{slog.Uint64Value(18446744073709551615), "18446744073709551615", "18446744073709551615", "18446744073709551615"},
		{slog.Float64Value(1), "1.0", "1.0", "1.0"},
		{slog.Float64Value(0.1), "0.1", "0.1", "0.1"},
		{slog.Float64Value(1e20), "1e+20", "1e+20", "1e+20"},
		{slog.Float64Value(1e16), "1e+16", "1e+16", "1e+16"},
		{slog.Float64Value(1e15), "1000000000000000.0", "1000000000000000.0", "1000000000000000.0"},
		{slog.Float64Value(1.5e-7), "1.5e-07", "1.5e-07", "1.5e-07"},
		{slog.Float64Value(1e-4), "0.0001", "0.0001", "0.0001"},
		{slog.Float64Value(5e-324), "5e-324", "5e-324", "5e-324"},
		{slog.Float64Value(math.Copysign(0, -1)), "-0.0", "-0.0", "-0.0"},
		{slog.Float64Value(math.Inf(1)), "inf", "inf", "Infinity"},
		{slog.Float64Value(math.NaN()), "nan", "nan", "NaN"},
		{slog.Float64Value(pointOne + pointTwo), "0.30000000000000004", "0.30000000000000004", "0.30000000000000004"},
		{slog.BoolValue(true), "True", "True", "true"},
		{slog.AnyValue(nil), "None", "None", "null"},
		{slog.GroupValue(slog.String("k", "v"), slog.Int("n", 1)), "{'k': 'v', 'n': 1}", "{'k': 'v', 'n': 1}", "{\"k\": \"v\", \"n\": 1}"},
		{slog.AnyValue([]any{1, "a", nil}), "[1, 'a', None]", "[1, 'a', None]", "[1, \"a\", null]"},
		{slog.AnyValue(map[string]int{"b": 2, "a": 1}), "{'a': 1, 'b': 2}", "{'a': 1, 'b': 2}", "{\"a\": 1, \"b\": 2}"},
		{slog.TimeValue(time.Date(2025, 12, 2, 10, 52, 12, 123456789, time.UTC)), "2025-12-02 10:52:12.123456+00:00", "datetime.datetime(2025, 12, 2, 10, 52, 12, 123456, tzinfo=datetime.timezone.utc)", "\"2025-12-02T10:52:12.123456+00:00\""},
		{slog.TimeValue(time.Date(2025, 12, 2, 10, 52, 12, 0, time.FixedZone("CET", 3600))), "2025-12-02 10:52:12+01:00", "datetime.datetime(2025, 12, 2, 10, 52, 12, tzinfo=datetime.timezone(datetime.timedelta(seconds=3600)))", "\"2025-12-02T10:52:12+01:00\""},
		{slog.DurationValue(1500 * time.Millisecond), "0:00:01.500000", "datetime.timedelta(seconds=1, microseconds=500000)", "\"0:00:01.500000\""},
		{slog.DurationValue(26 * time.Hour), "1 day, 2:00:00", "datetime.timedelta(days=1, seconds=7200)", "\"1 day, 2:00:00\""},
		{slog.DurationValue(-time.Second), "-1 day, 23:59:59", "datetime.timedelta(days=-1, seconds=86399)", "\"-1 day, 23:59:59\""},
		{slog.DurationValue(-50 * time.Hour), "-3 days, 22:00:00", "datetime.timedelta(days=-3, seconds=79200)", "\"-3 days, 22:00:00\""},
		{slog.AnyValue([]byte("it's\x00")), "b\"it's\\x00\"", "b\"it's\\x00\"", "\"b\\\"it's\\\\x00\\\"\""},
		{slog.AnyValue(complex(1, -2)), "(1-2j)", "(1-2j)", "\"(1-2j)\""},
		{slog.AnyValue(complex(0, 1.5)), "1.5j", "1.5j", "\"1.5j\""},
	}
	for _, tt := range tests {
		if got := string(AppendStr(nil, tt.v)); got != tt.str {
			t.Errorf("AppendStr(%v) = %q, want %q", tt.v, got, tt.str)
		}
		if got := string(AppendRepr(nil, tt.v)); got != tt.repr {
			t.Errorf("AppendRepr(%v) = %q, want %q", tt.v, got, tt.repr)
		}
		if got := string(AppendJSON(nil, tt.v, true)); got != tt.jsonASCII {
			t.Errorf("AppendJSON(%v, true) = %q, want %q", tt.v, got, tt.jsonASCII)
		}
	}
}

// Variables, so that the sum is a float64 sum, not an exact constant.
var pointOne, pointTwo = 0.1, 0.2

type secret string

func (secret) LogValue() slog.Value { return slog.StringValue("[REDACTED]") }

type celsius float64

func (c celsius) String() string { return "warm" }

type panicky struct{}

func (panicky) String() string { panic("no string for you") }

type point struct {
	X, Y int
}

// TestAppendValueGo covers the Go values Python has no literal for: the
// choices the package documentation lists.
func TestAppendValueGo(t *testing.T) {
	n, _ := new(big.Int).SetString("-18446744073709551616123", 10)
	one := 1
	tests := []struct {
		name          string
		v             slog.Value
		str, repr, js string
	}{
		{"error", slog.AnyValue(errors.New("bad value")), "bad value", "'bad value'", `"bad value"`},
		{"stringer", slog.AnyValue(celsius(21.5)), "warm", "'warm'", `"warm"`},
		{"logvaluer", slog.AnyValue(secret("hunter2")), "[REDACTED]", "'[REDACTED]'", `"[REDACTED]"`},
		{"logvaluer in list", slog.AnyValue([]any{secret("x")}), "['[REDACTED]']", "['[REDACTED]']", `["[REDACTED]"]`},
		{"big.Int", slog.AnyValue(n), "-18446744073709551616123", "-18446744073709551616123", "-18446744073709551616123"},
		{"nil big.Int", slog.AnyValue((*big.Int)(nil)), "None", "None", "null"},
		{"json.Number", slog.AnyValue(json.Number("1.50e3")), "1.50e3", "1.50e3", "1.50e3"},
		{"bad json.Number", slog.AnyValue(json.Number("0x1F")), "0x1F", "'0x1F'", `"0x1F"`},
		{"pointer", slog.AnyValue(&one), "1", "1", "1"},
		{"nil pointer", slog.AnyValue((*int)(nil)), "None", "None", "null"},
		{"nil slice", slog.AnyValue([]string(nil)), "[]", "[]", "[]"},
		{"nil map", slog.AnyValue(map[string]int(nil)), "{}", "{}", "{}"},
		{"array", slog.AnyValue([2]bool{true, false}), "[True, False]", "[True, False]", "[true, false]"},
		{"float32", slog.AnyValue([]float32{0.1}), "[0.10000000149011612]", "[0.10000000149011612]", "[0.10000000149011612]"},
		{"int keys", slog.AnyValue(map[int]string{10: "b", -1: "a"}), "{-1: 'a', 10: 'b'}", "{-1: 'a', 10: 'b'}", `{"-1": "a", "10": "b"}`},
		{"float keys", slog.AnyValue(map[float64]int{1: 1, math.Inf(1): 2}), "{1.0: 1, inf: 2}", "{1.0: 1, inf: 2}", `{"1.0": 1, "Infinity": 2}`},
		{"bool keys", slog.AnyValue(map[bool]int{true: 1, false: 0}), "{False: 0, True: 1}", "{False: 0, True: 1}", `{"false": 0, "true": 1}`},
		{"struct", slog.AnyValue(point{1, 2}), "{X:1 Y:2}", "'{X:1 Y:2}'", `"{X:1 Y:2}"`},
		{"panic", slog.AnyValue(panicky{}), "!PANIC: no string for you", "'!PANIC: no string for you'", `"!PANIC: no string for you"`},
		{"attrs", slog.AnyValue([]slog.Attr{slog.Int("a", 1)}), "{'a': 1}", "{'a': 1}", `{"a": 1}`},
		{"inline group", slog.GroupValue(slog.Int("a", 1), slog.Group("", slog.Int("b", 2)), slog.Attr{}, slog.Int("c", 3)),
			"{'a': 1, 'b': 2, 'c': 3}", "{'a': 1, 'b': 2, 'c': 3}", `{"a": 1, "b": 2, "c": 3}`},
		{"repeated key", slog.GroupValue(slog.Int("a", 1), slog.Int("b", 2), slog.Int("a", 3)),
			"{'a': 3, 'b': 2}", "{'a': 3, 'b': 2}", `{"a": 3, "b": 2}`},
		{"empty group", slog.GroupValue(), "{}", "{}", "{}"},
		{"named string", slog.AnyValue([]secretless{"x"}), "['x']", "['x']", `["x"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendStr(nil, tt.v)); got != tt.str {
				t.Errorf("AppendStr = %q, want %q", got, tt.str)
			}
			if got := string(AppendRepr(nil, tt.v)); got != tt.repr {
				t.Errorf("AppendRepr = %q, want %q", got, tt.repr)
			}
			if got := string(AppendJSON(nil, tt.v, true)); got != tt.js {
				t.Errorf("AppendJSON = %q, want %q", got, tt.js)
			}
		})
	}
}

type secretless string

func TestAppendValueDepth(t *testing.T) {
	var l []any
	l = append(l, nil)
	l[0] = l // a list that holds itself
	got := string(AppendStr(nil, slog.AnyValue(l)))
	if !strings.HasSuffix(got, "'...'"+strings.Repeat("]", maxDepth)) || strings.Count(got, "[") != maxDepth {
		t.Errorf("self-holding list: %q", got)
	}
}

func TestAppendJSONEnsureASCIIFalse(t *testing.T) {
	// json.dumps(..., ensure_ascii=False) keeps non-ASCII and DEL, and
	// still escapes control characters.
	got := string(AppendJSON(nil, slog.StringValue("h\u00e9\x7f\u2028\U0001F600\x01\xff"), false))
	want := "\"h\u00e9\x7f\u2028\U0001F600\\u0001\ufffd\""
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestDecodeRuneMaximalSubpart(t *testing.T) {
	// b.decode('utf-8', 'replace') in CPython 3.11.
	tests := []struct{ in, want string }{
		{"\xe2\x82", "\ufffd"},
		{"\xe2\x82A", "\ufffdA"},
		{"\xff\xfe", "\ufffd\ufffd"},
		{"\xf0\x9f\x98", "\ufffd"},
		{"\xed\xa0\x80", "\ufffd\ufffd\ufffd"},
		{"\xf4\x90\x80\x80", "\ufffd\ufffd\ufffd\ufffd"},
		{"\xc0\xaf", "\ufffd\ufffd"},
		{"\xe0\x80\x80", "\ufffd\ufffd\ufffd"},
		{"\xe0\xa0", "\ufffd"},
		{"a\xc3", "a\ufffd"},
		{"\xef\xbf\xbd", "\ufffd"},
	}
	for _, tt := range tests {
		if got := string(appendValidUTF8(nil, tt.in)); got != tt.want {
			t.Errorf("appendValidUTF8(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got, want := runeCount(tt.in), len([]rune(tt.want)); got != want {
			t.Errorf("runeCount(%q) = %d, want %d", tt.in, got, want)
		}
	}
}

// TestPlainWord checks the eight-bytes-at-once test against the table it
// stands for, with every byte value in every position.
func TestPlainWord(t *testing.T) {
	base := []byte("abcdefgh")
	for pos := range 8 {
		for c := range 256 {
			w := append([]byte(nil), base...)
			w[pos] = byte(c)
			want := true
			for _, b := range w {
				if b >= 0x80 || !jsonSafe[b] {
					want = false
				}
			}
			if got := plainWord(string(w)); got != want {
				t.Errorf("plainWord(%q) = %v, want %v", w, got, want)
			}
		}
	}
}

// TestShortASCII checks the word-at-a-time ASCII test against a byte loop,
// for every length from 0 to 40 with no byte, and with each byte in turn,
// set to each value from 0x7f up, so that every word and the overlapping
// last one are seen to be read.
func TestShortASCII(t *testing.T) {
	for n := range 41 {
		s := []byte(strings.Repeat("a", n))
		if got, want := isShortASCII(string(s)), n <= 32; got != want {
			t.Errorf("isShortASCII(%d ASCII bytes) = %v, want %v", n, got, want)
		}
		for pos := range n {
			for c := 0x7f; c < 256; c++ {
				s[pos] = byte(c)
				want := n <= 32 && c < 0x80
				if got := isShortASCII(string(s)); got != want {
					t.Errorf("isShortASCII(%q) = %v, want %v", s, got, want)
				}
			}
			s[pos] = 'a'
		}
	}
}

// TestFloatReprFastPath checks appendFloatRepr's strconv shortcut against
// the digit-by-digit layout it stands in for, on random bit patterns and
// on the neighbours of the range limits.
func TestFloatReprFastPath(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	check := func(f float64) {
		if got, want := string(appendFloatRepr(nil, f)), string(appendFloatShort(nil, f, true)); got != want {
			t.Errorf("appendFloatRepr(%v) = %q, layout gives %q", f, got, want)
		}
	}
	for range 200000 {
		check(math.Float64frombits(rng.Uint64()))
		check(rng.Float64() * math.Pow(10, float64(rng.IntN(40)-20)))
	}
	for _, limit := range []float64{1e-4, 1e16, 1e-5, 1e15, 0, math.MaxFloat64, math.SmallestNonzeroFloat64} {
		for _, f := range []float64{limit, math.Nextafter(limit, 0), math.Nextafter(limit, math.Inf(1))} {
			check(f)
			check(-f)
		}
	}
}
