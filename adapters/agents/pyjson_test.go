package codexagents

import (
	"strings"
	"testing"
)

func TestPyFloatRepr(t *testing.T) {
	tests := []struct {
		lit  Number
		want string
	}{
		{"3.0", "3.0"}, {"2.5", "2.5"}, {"1e-07", "1e-07"}, {"1E5", "100000.0"}, {"1e16", "1e+16"},
		{"9999999999999998.0", "9999999999999998.0"}, {"0.0001", "0.0001"}, {"0.00001", "1e-05"},
		{"-0.0", "-0.0"}, {"1.5e300", "1.5e+300"}, {"1e400", "Infinity"}, {"-1e400", "-Infinity"},
		{"0.1", "0.1"}, {"123456789.125", "123456789.125"}, {"-0", "0"}, {"12345678901234567890123", "12345678901234567890123"},
		{"NaN", "NaN"}, {"Infinity", "Infinity"}, {"-Infinity", "-Infinity"},
	}
	for _, tt := range tests {
		if got := pyJSON(tt.lit); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.lit, got, tt.want)
		}
	}
}

func TestPyStringEscapes(t *testing.T) {
	in := "a\"\\\n\r\t\b\f\x01\x7fé漢😀/<>&'"
	want := `"a\"\\\n\r\t\b\f\u0001\u007f\u00e9\u6f22\ud83d\ude00/<>&'"`
	if got := pyJSON(in); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if pySize(in) != len(want) {
		t.Errorf("pySize %d, want %d", pySize(in), len(want))
	}
	if got := pyJSONDefault(Object{{"a", []any{1, nil}}, {"b", Object{}}}); got != `{"a": [1, null], "b": {}}` {
		t.Errorf("default separators: %s", got)
	}
}

func TestParsePyJSON(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{in: `{"a":1,"b":2,"a":3}`, want: `{"a":3,"b":2}`},
		{in: ` [1.50, "\u00e9\ud83d\ude00\/"] `, want: `[1.5,"\u00e9\ud83d\ude00/"]`},
		{in: `{"a":NaN}`, want: `{"a":NaN}`},
		{in: `"\ud800"`, want: `"\ufffd"`},
		{in: "", err: "byte 0: expecting value"},
		{in: `{"a" 1}`, err: "byte 5: expecting ':' delimiter"},
		{in: `{"a":1,}`, err: "byte 7: expecting property name"},
		{in: `[1 2]`, err: "byte 3: expecting ',' delimiter"},
		{in: `1.`, err: "byte 1: extra data"},
		{in: "\"a\tb\"", err: "byte 2: invalid control character"},
		{in: `"\x"`, err: "byte 2: invalid \\escape"},
		{in: `"\u12g4"`, err: "invalid \\uXXXX escape"},
		{in: `"abc`, err: "unterminated string"},
		{in: `tru`, err: "expecting value"},
		{in: strings.Repeat("[", 10002), err: "nesting too deep"},
	}
	for _, tt := range tests {
		v, err := parsePyJSON(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%.20q: error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if got := pyJSON(v); got != tt.want {
			t.Errorf("%q: got %s, want %s", tt.in, got, tt.want)
		}
	}
}
