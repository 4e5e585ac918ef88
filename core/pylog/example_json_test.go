package pylog_test

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/codextel/codextel/core/pylog"
)

// python-json-logger's output: the format's fields, then exc_info, then
// the extras in order, then the timestamp.
func ExampleJSONFormatter() {
	j, err := pylog.NewJSONFormatter("%(asctime)s %(levelname)s %(name)s %(message)s",
		pylog.WithLocation(time.UTC), pylog.WithTimestamp("timestamp"))
	if err != nil {
		panic(err)
	}
	r := &pylog.Record{
		Time:    time.Date(2025, 12, 2, 10, 52, 12, 123456000, time.UTC),
		Level:   pylog.Error,
		Logger:  "openai.agents",
		Message: "Tool get_weather failed",
		Err:     errors.New("ValueError: bad value"),
		Attrs: []slog.Attr{
			slog.String("tool", "get_weather"),
			slog.Float64("elapsed", 1),
			slog.String("city", "Z\u00fcrich"),
			slog.Any("retry", nil),
		},
	}
	fmt.Println(string(j.Append(nil, r)))
	// Output:
	// {"asctime": "2025-12-02 10:52:12,123", "levelname": "ERROR", "name": "openai.agents", "message": "Tool get_weather failed", "exc_info": "ValueError: bad value", "tool": "get_weather", "elapsed": 1.0, "city": "Z\u00fcrich", "retry": null, "timestamp": "2025-12-02T10:52:12.123456+00:00"}
}

// Without ensure_ascii, text stays UTF-8.
func ExampleWithEnsureASCII() {
	j, err := pylog.NewJSONFormatter("%(message)s", pylog.WithEnsureASCII(false))
	if err != nil {
		panic(err)
	}
	fmt.Println(string(j.Append(nil, &pylog.Record{Message: "h\u00e9llo \U0001F600"})))
	// Output:
	// {"message": "héllo 😀"}
}
