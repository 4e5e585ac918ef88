package pylog_test

import (
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/codextel/codextel/core/pylog"
)

// Values in a message, rendered as Python's str() renders them, the way
// the Agents SDK's f-strings do.
func ExampleAppendStr() {
	var msg []byte
	for _, v := range []slog.Value{
		slog.Float64Value(1),
		slog.Float64Value(1e20),
		slog.Float64Value(1.5e-7),
		slog.Float64Value(math.NaN()),
		slog.BoolValue(true),
		slog.AnyValue(nil),
		slog.GroupValue(slog.String("k", "v"), slog.Int("n", 1)),
		slog.AnyValue([]any{1, "a", nil}),
		slog.DurationValue(26*time.Hour + 1500*time.Millisecond),
		slog.TimeValue(time.Date(2025, 12, 2, 10, 52, 12, 123456000, time.UTC)),
	} {
		msg = append(pylog.AppendStr(msg, v), '\n')
	}
	fmt.Print(string(msg))
	// Output:
	// 1.0
	// 1e+20
	// 1.5e-07
	// nan
	// True
	// None
	// {'k': 'v', 'n': 1}
	// [1, 'a', None]
	// 1 day, 2:00:01.500000
	// 2025-12-02 10:52:12.123456+00:00
}

// repr() quotes strings the way Python chooses its quotes.
func ExampleAppendRepr() {
	for _, s := range []string{"plain", "it's", `say "hi"`, "tab\t\u00e9\u2028"} {
		fmt.Println(string(pylog.AppendRepr(nil, slog.StringValue(s))))
	}
	// Output:
	// 'plain'
	// "it's"
	// 'say "hi"'
	// 'tab\té\u2028'
}

// json.dumps as CPython writes it: ", " and ": " separators, floats as
// repr, non-ASCII escaped.
func ExampleAppendJSON() {
	v := slog.GroupValue(
		slog.Float64("f", 1), slog.Float64("inf", math.Inf(1)),
		slog.String("s", "\u65e5\u672c \U0001F600"), slog.Any("l", []any{1, nil}),
	)
	fmt.Println(string(pylog.AppendJSON(nil, v, true)))
	// Output:
	// {"f": 1.0, "inf": Infinity, "s": "\u65e5\u672c \ud83d\ude00", "l": [1, null]}
}
