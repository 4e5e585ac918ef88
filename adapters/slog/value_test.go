package codexslog

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/codextel/codextel/core/pylog"
)

func TestListJSON(t *testing.T) {
	big2_64, _ := new(big.Int).SetString("18446744073709551616", 10)
	l := list{
		"s\"\\\n\t\x01é\xff", int64(-1), uint64(math.MaxUint64), big2_64, 1.5, 1e21, math.NaN(), math.Inf(1), math.Inf(-1),
		true, nil, []any{1, []any{}}, slog.GroupValue(slog.String("b", "2"), slog.Int("a", 1), slog.Group("g", slog.Float64("f", math.NaN()))),
		time.Duration(1500), time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC), errors.New("boom"), list{"x"}, 7, float32(0.5),
		map[string]int{"k": 1}, struct{ A int }{1},
	}
	b, err := l.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `["s\"\\\n\t\u0001é\ufffd",-1,18446744073709551615,18446744073709551616,1.5,1e+21,"NaN","Infinity","-Infinity",true,null,[1,[]],{"b":"2","a":1,"g":{"f":"NaN"}},1500,"2025-01-02T03:04:05.000000006Z","boom",["x"],7,0.5,{"k":1},{"A":1}]`
	if string(b) != want {
		t.Errorf("MarshalJSON:\n got %s\nwant %s", b, want)
	}
	if !json.Valid(b) {
		t.Error("not valid JSON")
	}
	txt, _ := l.MarshalText()
	if string(txt) != want {
		t.Error("MarshalText differs from MarshalJSON")
	}
	// pylog renders a list as the Python list it is.
	if got := string(pylog.AppendRepr(nil, slog.AnyValue(list{1.0, "a", nil, slog.GroupValue(slog.Int("k", 1))}))); got != "[1.0, 'a', None, {'k': 1}]" {
		t.Errorf("pylog reads a list as %s", got)
	}
	deep := any("bottom")
	for range 100 {
		deep = []any{deep}
	}
	if b, _ := (list{deep}).MarshalJSON(); !json.Valid(b) || !strings.Contains(string(b), `"..."`) {
		t.Errorf("deep list: %s", b)
	}
}

func TestConvert(t *testing.T) {
	items := []any{slog.GroupValue(slog.String("text", "a"))}
	g := slog.GroupValue(slog.String("s", "x"), slog.Any("l", items))
	for _, tc := range []struct {
		name    string
		in      slog.Value
		top     bool
		changed bool
		check   func(slog.Value) bool
	}{
		{"string", slog.StringValue("x"), true, false, func(v slog.Value) bool { return v.String() == "x" }},
		{"list", slog.AnyValue(items), true, true, func(v slog.Value) bool { _, ok := v.Any().(list); return ok }},
		{"empty object at the top", slog.GroupValue(), true, true, func(v slog.Value) bool { _, ok := v.Any().(emptyObject); return ok }},
		{"empty group below", slog.GroupValue(), false, false, func(v slog.Value) bool { return v.Kind() == slog.KindGroup }},
		{"group with a list", g, true, true, func(v slog.Value) bool {
			_, ok := v.Group()[1].Value.Any().(list)
			return ok && v.Group()[0].Value.String() == "x"
		}},
		{"group without a list", slog.GroupValue(slog.Int("a", 1)), true, false, func(v slog.Value) bool { return v.Group()[0].Value.Int64() == 1 }},
	} {
		got, changed := convert(tc.in, tc.top)
		if changed != tc.changed || !tc.check(got) {
			t.Errorf("%s: convert = %v (changed %v)", tc.name, got, changed)
		}
	}
	// The original group is untouched.
	if _, ok := g.Group()[1].Value.Any().([]any); !ok {
		t.Error("convert changed its input")
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("m", "e", emptyObject{}, "l", list{1, math.NaN()})
	if !strings.Contains(buf.String(), `"e":{},"l":[1,"NaN"]`) {
		t.Errorf("slog's JSON handler writes %s", buf.String())
	}
	buf.Reset()
	slog.New(slog.NewTextHandler(&buf, nil)).Info("m", "e", emptyObject{}, "l", list{"a b"})
	if !strings.Contains(buf.String(), `e={} l="[\"a b\"]"`) {
		t.Errorf("slog's text handler writes %s", buf.String())
	}
}
