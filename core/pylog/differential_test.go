package pylog

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"
	"unicode"
)

// edgeStrings are the strings every differential test goes through.
func edgeStrings() []string {
	var ctl strings.Builder
	for c := range 0x20 {
		ctl.WriteByte(byte(c))
	}
	ctl.WriteString("\x7f")
	var c1 strings.Builder
	for r := rune(0x80); r < 0xa0; r++ {
		c1.WriteRune(r)
	}
	return []string{
		"", "hello world", "it's", `say "hi"`, `both ' and "`, `back\slash`, "tab\there\nnew\rret",
		ctl.String(), c1.String(), "\u00a0nbsp\u00ad", "h\u00e9llo \u2713 \u65e5\u672c", "\U0001F600",
		"\u2028\u2029", "\ufeffbom", "\ufffd", "\u0378unassigned", "\ue000private", "\U0010FFFF",
		"\U0001FA75 new in 15.0", "\u0CF3", "zwj\u200d", "e\u0301", "\x80", "\xff", "\xc3", "\xe2\x82",
		"\xe2\x82A", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf0\x9f\x98", "a\xc0\xafb", "\xef\xbf\xbd\xff",
		"</script>&<>", "\x00", "x\x00y",
	}
}

// edgeFloats are the floats every differential test goes through.
var edgeFloats = []float64{
	0, math.Copysign(0, -1), 1, -1, 0.1, 0.2, 0.1 + 0.2, 1.5, 1e15, 1e16, 1e17, 1e21, 1e22, 1e20,
	1e-4, 1e-5, 1e-7, 1.5e-7, 5e-324, 2.2250738585072014e-308, 2.225073858507201e-308,
	math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, 1<<53 + 1, 1 << 53, 1 << 63,
	123456789012345678, 0.3, 2.5, 100, 1234.5, 1764672732.123456, -1764672732.123456,
	math.NaN(), math.Inf(1), math.Inf(-1), 9007199254740993, 1.7976931348623157e308 / 3, 4.35, 0.000123,
	123456.789e3, 1e100, 3.14159e-100,
}

func TestPrintableMatchesCPython(t *testing.T) {
	h := cpython(t)
	want := h.mustCall(t, map[string]any{"op": "printable"})
	i := 0
	for r := rune(0); r < unicode.MaxRune+1; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		if got := isPrintable(r); got != (want[i] == '1') {
			t.Errorf("isPrintable(%U) = %v, CPython 3.11 says %v", r, got, !got)
		}
		i++
	}
}

// compareValue checks str, repr, ascii (strings only) and both JSON forms
// of v against CPython.
func compareValue(t testing.TB, h *pyHelper, v slog.Value) {
	t.Helper()
	d := describe(v)
	checkSame(t, fmt.Sprintf("str(%v)", v), string(AppendStr(nil, v)), h.mustCall(t, map[string]any{"op": "str", "v": d}))
	checkSame(t, fmt.Sprintf("repr(%v)", v), string(AppendRepr(nil, v)), h.mustCall(t, map[string]any{"op": "repr", "v": d}))
	if v.Kind() == slog.KindString {
		checkSame(t, fmt.Sprintf("ascii(%q)", v.String()), string(appendStringRepr(nil, v.String(), true)),
			h.mustCall(t, map[string]any{"op": "ascii", "v": d}))
	}
	checkSame(t, fmt.Sprintf("json.dumps(%v)", v), string(AppendJSON(nil, v, true)),
		h.mustCall(t, map[string]any{"op": "json", "v": d, "ascii": true}))
	checkSame(t, fmt.Sprintf("json.dumps(%v, ensure_ascii=False)", v), string(AppendJSON(nil, v, false)),
		h.mustCall(t, map[string]any{"op": "json", "v": d, "ascii": false}))
}

// TestValuesMatchCPython is the seed corpus of the fuzz tests, run in
// every plain go test.
func TestValuesMatchCPython(t *testing.T) {
	h := cpython(t)
	var vals []slog.Value
	for _, s := range edgeStrings() {
		vals = append(vals, slog.StringValue(s), slog.AnyValue([]byte(s)))
	}
	for _, f := range edgeFloats {
		vals = append(vals, slog.Float64Value(f))
	}
	for _, n := range []int64{0, 1, -1, 42, math.MaxInt64, math.MinInt64} {
		vals = append(vals, slog.Int64Value(n))
	}
	vals = append(vals, slog.Uint64Value(math.MaxUint64), slog.BoolValue(true), slog.BoolValue(false), slog.AnyValue(nil))
	for _, d := range []time.Duration{0, time.Nanosecond, time.Microsecond, 1500 * time.Millisecond, -time.Second,
		-1500 * time.Microsecond, 26 * time.Hour, 24 * time.Hour, -24 * time.Hour, -48*time.Hour - time.Microsecond,
		math.MaxInt64, math.MinInt64 + 1000} {
		vals = append(vals, slog.DurationValue(d))
	}
	for _, tm := range []time.Time{
		time.Date(2025, 12, 2, 10, 52, 12, 123456789, time.UTC),
		time.Date(2025, 12, 2, 10, 52, 12, 0, time.UTC),
		time.Date(2025, 12, 2, 10, 52, 0, 0, time.UTC),
		time.Date(2025, 12, 2, 10, 0, 0, 1000, time.FixedZone("X", 5*3600+1800)),
		time.Date(1999, 1, 2, 3, 4, 5, 6000, time.FixedZone("Y", -8*3600)),
		time.Date(2025, 6, 1, 0, 0, 7, 0, time.FixedZone("Z", 3600+23)),
	} {
		vals = append(vals, slog.TimeValue(tm))
	}
	vals = append(vals,
		slog.GroupValue(slog.String("k", "v"), slog.Int("n", 1)),
		slog.GroupValue(slog.String("it's", `"q"`), slog.Group("g", slog.Float64("f", 1e20), slog.Any("none", nil)),
			slog.Any("l", []any{1, "a", nil, 2.5, true, []any{}})),
		slog.GroupValue(),
		slog.AnyValue([]any{slog.Float64Value(math.NaN()).Any(), "\u2028", []byte("b'\"")}),
	)
	for _, v := range vals {
		compareValue(t, h, v)
	}
}

func FuzzStrReprMatchesCPython(f *testing.F) {
	for _, s := range edgeStrings() {
		f.Add(s, 0.0)
	}
	for _, x := range edgeFloats {
		f.Add("", x)
	}
	f.Fuzz(func(t *testing.T, s string, x float64) {
		h := cpython(t)
		for _, v := range []slog.Value{slog.StringValue(s), slog.Float64Value(x),
			slog.AnyValue([]any{s, x, []byte(s)})} {
			d := describe(v)
			checkSame(t, "str", string(AppendStr(nil, v)), h.mustCall(t, map[string]any{"op": "str", "v": d}))
			checkSame(t, "repr", string(AppendRepr(nil, v)), h.mustCall(t, map[string]any{"op": "repr", "v": d}))
		}
		checkSame(t, "ascii", string(appendStringRepr(nil, s, true)),
			h.mustCall(t, map[string]any{"op": "ascii", "v": pyStr(s)}))
	})
}

func FuzzJSONMatchesCPython(f *testing.F) {
	for i, s := range edgeStrings() {
		f.Add(s, edgeFloats[i%len(edgeFloats)], int64(i)*1e12, i%2 == 0, i%3 == 0)
	}
	f.Fuzz(func(t *testing.T, s string, x float64, n int64, b bool, ascii bool) {
		h := cpython(t)
		v := slog.GroupValue(
			slog.String("s", s), slog.Float64("f", x), slog.Int64("i", n), slog.Bool("b", b),
			slog.Any(s, []any{x, s, nil, n, []byte(s)}),
			slog.Group("g", slog.Duration("d", time.Duration(n)), slog.Time("t", time.Unix(n%(1<<35), n%1e9).UTC())),
		)
		checkSame(t, "json.dumps", string(AppendJSON(nil, v, ascii)),
			h.mustCall(t, map[string]any{"op": "json", "v": describe(v), "ascii": ascii}))
	})
}

// testRecord is the record the formatter differential tests share.
func testRecord() *Record {
	return &Record{
		Time:    time.Date(2025, 12, 2, 10, 52, 12, 123456789, time.UTC),
		Level:   Warning,
		Logger:  "openai.agents",
		Message: "hello world",
	}
}

var diffStart = time.Date(2025, 12, 2, 10, 52, 11, 900000000, time.UTC)

func TestFormatterMatchesCPython(t *testing.T) {
	h := cpython(t)
	percent := []string{
		"%(levelname)s:%(name)s:%(message)s", "%(asctime)s %(levelname)s %(name)s: %(message)s",
		"%(asctime)s - %(name)s - %(levelname)s - %(message)s", "[%(levelname)-8s] %(message)s",
		"%(levelname)8s|%(levelname).4s|%(levelname)-10.3s|%(levelname)5.1s", "%(msecs)03d %(msecs)d %(msecs)s %(msecs)r %(msecs)f",
		"%(created)f %(created)s %(created).3f %(created)e %(created)g %(created)G %(created)E %(created)d %(created)i %(created)u",
		"%(relativeCreated)d %(relativeCreated)s %(relativeCreated).1f %(relativeCreated)10.2f|%(relativeCreated)-10.2f|",
		"%(lineno)04d %(lineno)d %(lineno)x %(lineno)#x %(lineno)#X %(lineno)o %(lineno)#o %(lineno)+d %(lineno) d %(lineno)-5d|%(lineno)s",
		"%(levelno)d %(levelno)05d %(levelno)-05d| %(levelno).3d %(levelno)08.3d %(levelno)#010x %(levelno)e %(levelno)f %(levelno).1s %(levelno)r",
		"%(process)d %(processName)s %(thread)d %(threadName)s", "%(pathname)s %(filename)s %(module)s %(funcName)s %(lineno)d",
		"%(message)r %(message)a %(message)20r|%(name)ls %(levelname)hs %(created)Lf", "100%% %(message)s %%",
		"%(asctime)s", "%(asctime)25s|%(asctime)-25s|%(asctime).10s", "%(created)#.0f %(created)#g %(created)+.2e %(created) f %(created)020.3f",
		"%(msecs)#.0e %(msecs).0g %(msecs)#.3g %(msecs)010.1f %(msecs)-10.1f|",
		"%(message)s",
	}
	brace := []string{
		"{asctime} {levelname:<8} {message}", "{levelname:>10}|{levelname:^10}|{levelname:*^11}|{levelname:.3}|{levelname:010}|",
		"{levelno} {levelno:05} {levelno:<05} {levelno:+} {levelno: } {levelno:x} {levelno:#x} {levelno:#b} {levelno:o} {levelno:X} {levelno:n} {levelno:e} {levelno:.2f} {levelno:%}",
		"{created} {created:f} {created:.3f} {created:.3} {created:.12} {created:e} {created:g} {created:,.2f} {created:_} {created:,}",
		"{msecs} {msecs:03.0f} {msecs:.0f} {msecs:10} {msecs:<10}| {msecs:=+10.2f} {msecs:.2%} {msecs:#.0f} {msecs:n}",
		"{relativeCreated:.1f} {relativeCreated:10.3e}", "{message!r} {message!a} {message!s:>15} {levelno!r:>4} {created!s:.5}",
		"{lineno:,} {process:,} {process:_} {process:010,} {process:08,} {process:07,} {process:_x} {process:012_b} {thread:=+12}",
		"{{literal}} {message} }}{{", "{name:\u00e9^20}", "{asctime:>30}",
	}
	dollar := []string{"$levelname:$name:$message", "${asctime} $$ ${message}x $message.", "${levelno}${created}$msecs"}
	records := []*Record{testRecord()}
	r2 := testRecord()
	r2.Level, r2.Logger, r2.Message = 15, "h\u00e9llo.\u65e5\u672c", "caf\u00e9 it's \"x\" \U0001F600 \x01\xff"
	r2.Time = time.Date(2025, 1, 3, 0, 7, 9, 999999999, time.UTC)
	r2.File, r2.Line, r2.Function = "/src/app/main.tar.gz", 54, "handle"
	r2.Err = errors.New("bad value\n")
	records = append(records, r2)
	r3 := testRecord()
	r3.Level, r3.Time = Critical, time.Date(2025, 7, 14, 23, 59, 59, 5e8, time.UTC)
	r3.Message = "ends in newline\n"
	r3.Err = errors.New("boom")
	r3.File = ".hidden"
	records = append(records, r3)
	r4 := testRecord()
	r4.Level, r4.Time = 0, time.Date(2025, 7, 14, 23, 59, 59, 1000, time.UTC)
	r4.File = "/x/..a"
	records = append(records, r4)
	run := func(style rune, formats []string) {
		for _, format := range formats {
			for i, r := range records {
				f, err := NewFormatter(format, WithStyle(style), WithLocation(time.UTC), WithStartTime(diffStart),
					WithProcess(4242, "MainProcess"), WithThread(140000000000001, "MainThread"))
				if err != nil {
					t.Errorf("NewFormatter(%q): %v", format, err)
					continue
				}
				want := h.mustCall(t, map[string]any{"op": "format", "fmt": pyStr(format), "style": string(style),
					"record": describeRecord(r, diffStart, 4242, 140000000000001)})
				checkSame(t, fmt.Sprintf("format %q, record %d", format, i), string(f.Append(nil, r)), want)
			}
		}
	}
	run('%', percent)
	run('{', brace)
	run('$', dollar)
}

func TestDateFormatMatchesCPython(t *testing.T) {
	h := cpython(t)
	formats := []string{
		"%Y-%m-%dT%H:%M:%S%z", "%a %A %b %B %h %c", "%C %d %D %e %F %g %G %H %I %j %k %l %m %M %n %p %P %r %R %s %S %t %T %u %U %V %w %W %x %X %y %Y %Z %%",
		"%f %Q %", "%-d %_d %0e %^a %#Z %4Y %2Y %_3d %-3d %^10a %#a %#p %^p %#P %010a %5j %-j %-e %-H %_H %^B %#B %3Z %10Y",
		"%Ec %EY %Oy %Ex %OY %Ey %Od %E", "%-m/%-d/%Y %l:%M %p", "[%d/%b/%Y:%H:%M:%S %z]", "%_5S|%-5S|%05S", "caf\u00e9 %Y",
	}
	zones := []struct {
		tz  string
		loc *time.Location
	}{
		{"UTC", time.UTC},
		{"XYZ-05:30", time.FixedZone("XYZ", 5*3600+1800)},
		{"ABC+08", time.FixedZone("ABC", -8*3600)},
	}
	if loc, err := time.LoadLocation("Europe/Berlin"); err == nil {
		if _, err := os.Stat("/usr/share/zoneinfo/Europe/Berlin"); err == nil {
			zones = append(zones, struct {
				tz  string
				loc *time.Location
			}{"Europe/Berlin", loc})
		}
	}
	times := []int64{0, 1764672732, 1735862829, 1720915199, 946684800, 1609459200, 1230768000, 1262217600}
	for _, format := range formats {
		ops, err := compileDateFormat(format)
		if err != nil {
			t.Errorf("compileDateFormat(%q): %v", format, err)
			continue
		}
		for _, z := range zones {
			for _, secs := range times {
				want := h.mustCall(t, map[string]any{"op": "strftime", "fmt": pyStr(format), "secs": secs, "tz": z.tz})
				got := string(appendStrftime(nil, time.Unix(secs, 0).In(z.loc), ops))
				checkSame(t, fmt.Sprintf("strftime(%q) at %d in %s", format, secs, z.tz), got, want)
			}
		}
	}
	// asctime itself, default and with a datefmt, in a zone with an offset.
	for _, z := range zones {
		for _, datefmt := range []string{"", "%d.%m.%Y %H:%M:%S %Z"} {
			f, err := NewFormatter("%(asctime)s|%(message)s", WithLocation(z.loc), WithDateFormat(datefmt), WithStartTime(diffStart))
			if err != nil {
				t.Fatal(err)
			}
			r := testRecord()
			req := map[string]any{"op": "format", "fmt": pyStr("%(asctime)s|%(message)s"), "tz": z.tz,
				"record": describeRecord(r, diffStart, 1, 1)}
			if datefmt != "" {
				req["datefmt"] = datefmt
			}
			checkSame(t, fmt.Sprintf("asctime in %s with datefmt %q", z.tz, datefmt), string(f.Append(nil, r)), h.mustCall(t, req))
		}
	}
}

func TestJSONFormatterMatchesCPython(t *testing.T) {
	h := cpython(t)
	type tc struct {
		format    string
		style     rune
		ascii     bool
		timestamp string
		datefmt   string
	}
	cases := []tc{
		{format: "%(asctime)s %(levelname)s %(name)s %(message)s", ascii: true},
		{format: "%(message)s", ascii: true, timestamp: "timestamp"},
		{format: "%(message)s", ascii: false, timestamp: "ts"},
		{format: "%(message)s %(trace_id)s %(levelname)s %(nope)s %(message)s", ascii: true},
		{format: "%(message)s %(exc_info)s %(msg)s %(args)s %(exc_text)s %(stack_info)s (weird) %(_private)s", ascii: true},
		{format: "%(created)s %(msecs)s %(relativeCreated)s %(levelno)s %(process)s %(thread)s %(lineno)s %(funcName)s %(pathname)s %(filename)s %(module)s %(processName)s %(threadName)s", ascii: true},
		{format: "{message} {levelname}", style: '{', ascii: true},
		{format: "$message", style: '$', ascii: true},
		{format: "%(asctime)s %(message)s", ascii: true, datefmt: "%Y-%m-%dT%H:%M:%S%z caf\u00e9 \"q\""},
		{format: "%(asctime)s %(message)s", ascii: false, datefmt: "caf\u00e9 %Y"},
		{format: "%(message)s %(span_id)s", ascii: true, timestamp: "span_id"},
		{format: "%(message)s", ascii: true, timestamp: "exc_info"},
		{format: "%(exc_info)s %(message)s", ascii: true, timestamp: "exc_info"},
		{format: "%(message)s %(levelname)s", ascii: true, timestamp: "message"},
		{format: "%(levelname)s", ascii: true, timestamp: "message"},
		{format: "%(message)s", ascii: true, timestamp: "zeta"},
		{format: "", ascii: true},
	}
	r1 := testRecord()
	r1.Attrs = []slog.Attr{
		slog.String("trace_id", "trace_abc"), slog.Any("span_id", nil), slog.Float64("f1", 1), slog.Float64("f2", 0.1),
		slog.Float64("f3", 1e20), slog.Float64("f4", 1.5e-7), slog.Int("i", 42), slog.Bool("t", true),
		slog.String("s", "h\u00e9llo \u2713 \u65e5\u672c"), slog.String("emoji", "\U0001F600"),
		slog.Any("lst", []any{1, "a", nil}), slog.Group("d", slog.Int("b", 2), slog.Int("a", 1)),
		slog.Float64("nan", math.NaN()), slog.Float64("inf", math.Inf(-1)), slog.String("zeta", "z"),
		slog.Any("_private", 1), slog.Duration("dur", 1500*time.Millisecond), slog.Time("when", time.Date(2025, 12, 2, 10, 52, 12, 0, time.UTC)),
		slog.String("i", "repeated key keeps its place"), slog.String("ctl", "\x00\x1f\x7f\u2028"),
	}
	r2 := testRecord()
	r2.Level, r2.Message = Error, "Tool get_weather failed"
	r2.Err = errors.New("Traceback (most recent call last):\n  File \"x.py\", line 54, in f\n    raise ValueError(\"bad value\")\nValueError: bad value\n")
	r2.Attrs = []slog.Attr{slog.String("tool", "get_weather")}
	r2.Time = time.Date(2025, 12, 2, 10, 52, 12, 0, time.UTC)
	r3 := testRecord()
	r3.Time = time.Date(2025, 12, 2, 10, 52, 12, 999999600, time.UTC)
	r3.File, r3.Line, r3.Function = "/a/b/tool.py", 7, "run"
	for _, c := range cases {
		for i, r := range []*Record{r1, r2, r3} {
			opts := []Option{WithLocation(time.UTC), WithStartTime(diffStart), WithProcess(4242, "MainProcess"),
				WithThread(7, "MainThread"), WithEnsureASCII(c.ascii), WithDateFormat(c.datefmt)}
			style := c.style
			if style == 0 {
				style = '%'
			}
			opts = append(opts, WithStyle(style))
			req := map[string]any{"op": "jsonformat", "fmt": pyStr(c.format), "style": string(style), "ascii": c.ascii,
				"record": describeRecord(r, diffStart, 4242, 7)}
			if c.timestamp != "" {
				opts = append(opts, WithTimestamp(c.timestamp))
				req["timestamp"] = c.timestamp
			}
			if c.datefmt != "" {
				req["datefmt"] = c.datefmt
			}
			j, err := NewJSONFormatter(c.format, opts...)
			if err != nil {
				t.Errorf("NewJSONFormatter(%q): %v", c.format, err)
				continue
			}
			checkSame(t, fmt.Sprintf("JSON format %+v, record %d", c, i), string(j.Append(nil, r)), h.mustCall(t, req))
		}
	}
}

// TestSpecsMatchCPython formats every field kind under thousands of
// printf conversions and format specs, drawn from a fixed seed, and holds
// the Formatter to CPython both ways: where Python writes a line the
// Formatter writes the same bytes, and where Python fails (at validation
// or when formatting) NewFormatter refuses the format.
func TestSpecsMatchCPython(t *testing.T) {
	h := cpython(t)
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(opts ...string) string { return opts[rng.IntN(len(opts))] }
	fields := []string{"levelname", "message", "levelno", "lineno", "thread", "created", "msecs", "relativeCreated"}
	r := testRecord()
	r.Message = "caf\u00e9 \U0001F600"
	r.Line = -7
	start := r.Time.Add(time.Hour) // relativeCreated < 0
	var formats []string
	var styles []rune
	for range 1500 {
		flags := ""
		for _, fl := range []string{"-", "+", " ", "#", "0"} {
			if rng.IntN(3) == 0 {
				flags += fl
			}
		}
		f := "%(" + pick(fields...) + ")" + flags + pick("", "1", "8", "25") + pick("", ".", ".0", ".3", ".12") +
			pick("", "", "", "l") + pick("s", "r", "a", "d", "i", "u", "x", "X", "o", "e", "E", "f", "F", "g", "G", "c")
		formats, styles = append(formats, "<"+f+">"), append(styles, '%')
	}
	for range 2500 {
		spec := pick("", "", "<", ">", "^", "=", "*<", "*^", "0>", "\u00e9=") + pick("", "", "+", "-", " ") + pick("", "#") +
			pick("", "", "0") + pick("", "", "1", "9", "16", "30") + pick("", "", ",", "_") + pick("", "", ".0", ".2", ".10") +
			pick("", "", "s", "d", "n", "b", "o", "x", "X", "e", "E", "f", "F", "g", "G", "%", "c")
		conv := pick("", "", "", "", "!r", "!s", "!a")
		f := "{" + pick(fields...) + conv
		if spec != "" {
			f += ":" + spec
		}
		formats, styles = append(formats, "<"+f+"}>"), append(styles, '{')
	}
	desc := describeRecord(r, start, 4242, 140000000000001)
	mismatches, written := 0, 0
	defer func() { t.Logf("%d of %d formats written by both", written, len(formats)) }()
	for i, format := range formats {
		want, pyErr := h.call(t, map[string]any{"op": "format", "fmt": pyStr(format), "style": string(styles[i]), "record": desc})
		f, err := NewFormatter(format, WithStyle(styles[i]), WithLocation(time.UTC), WithStartTime(start),
			WithProcess(4242, "MainProcess"), WithThread(140000000000001, "MainThread"))
		switch {
		case pyErr != nil && err == nil:
			t.Errorf("format %q: CPython fails (%v), NewFormatter accepts it and writes %q", format, pyErr, f.Append(nil, r))
		case pyErr == nil && err != nil:
			if !strings.Contains(err.Error(), "not supported") && !strings.Contains(err.Error(), "%c") {
				t.Errorf("format %q: CPython writes %q, NewFormatter refuses it: %v", format, want, err)
			}
		case pyErr == nil:
			written++
			if got := string(f.Append(nil, r)); got != want {
				t.Errorf("format %q:\n got %q\nwant %q (CPython)", format, got, want)
			}
		}
		if t.Failed() {
			if mismatches++; mismatches > 30 {
				t.Fatal("too many mismatches")
			}
		}
	}
}

// TestJSONValidationMatchesCPython holds NewJSONFormatter to the checks
// logging.Formatter makes of a format, for each style: refused where
// python-json-logger's JsonFormatter cannot be built, and the same output
// where it can.
func TestJSONValidationMatchesCPython(t *testing.T) {
	h := cpython(t)
	formats := map[rune][]string{
		'%': {"%(message)s", "%(x)ls", "%(x).s", "%(x)s%(y).s", "hello", "%%(x)s", "%(a b)s", "%(\u00e9)s (trace_id)",
			"%(message)s %(", "((message))", "%(message)s\n(levelname)", "%(message)s (a\nb)", "%(x)*d", "%(message)Q"},
		'{': {"{message}", "{}", "{0}", "{a.b}", "{a[x:y]}", "{message!z}", "{message:xyz}", "{message:{w}>5}", "{{x}}",
			"{a b}", "}{", "{message!r:>5}", "{caf\u00e9}", "{message", "text", "{message!}", "{message!rx}", "{a[}", "{a{b}}",
			"{message} (levelname)", "{x:*^+#010,.3f}", "{x:=}", "{x:}", "{!r}"},
		'$': {"$message", "$$", "$", "${x}", "${ x}", "$1", "a$", "$_x", "${}", "$$message", "${message}(name)", "$caf\u00e9"},
	}
	r := testRecord()
	r.Attrs = []slog.Attr{slog.String("trace_id", "t1"), slog.String("x", "y")}
	for _, style := range []rune{'%', '{', '$'} {
		for _, format := range formats[style] {
			want, pyErr := h.call(t, map[string]any{"op": "jsonformat", "fmt": pyStr(format), "style": string(style),
				"ascii": true, "record": describeRecord(r, diffStart, 1, 1)})
			j, err := NewJSONFormatter(format, WithStyle(style), WithLocation(time.UTC), WithStartTime(diffStart),
				WithProcess(1, "MainProcess"), WithThread(1, "MainThread"))
			switch {
			case pyErr != nil && err == nil:
				t.Errorf("style %q, format %q: CPython fails (%v), NewJSONFormatter accepts it", style, format, pyErr)
			case pyErr == nil && err != nil:
				t.Errorf("style %q, format %q: CPython writes %s, NewJSONFormatter refuses it: %v", style, format, want, err)
			case pyErr == nil:
				checkSame(t, fmt.Sprintf("style %q, format %q", style, format), string(j.Append(nil, r)), want)
			}
		}
	}
}
