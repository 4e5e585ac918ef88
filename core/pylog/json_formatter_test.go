package pylog

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// The expected objects were printed by CPython 3.11.2 (TZ=UTC) with
// python-json-logger 2.0.1: JsonFormatter(format, **options).format(record)
// for a LogRecord with created=1764672732.123456 and the same extras set
// on it in the same order (formatException returning the error's text).
func TestJSONFormatter(t *testing.T) {
	traceback := "Traceback (most recent call last):\n  File \"x.py\", line 54, in f\n    raise ValueError(\"bad value\")\nValueError: bad value"
	tests := []struct {
		name   string
		format string
		opts   []Option
		edit   func(*Record)
		want   string
	}{
		{
			name: "fields then extras", format: "%(asctime)s %(levelname)s %(name)s %(message)s",
			edit: func(r *Record) {
				r.Message = "Queue is full, dropping span."
				r.Attrs = []slog.Attr{slog.String("trace_id", "trace_abc"), slog.Any("span_id", nil)}
			},
			want: `{"asctime": "2025-12-02 10:52:12,123", "levelname": "WARNING", "name": "openai.agents", "message": "Queue is full, dropping span.", "trace_id": "trace_abc", "span_id": null}`,
		},
		{
			name: "value kinds", format: "%(message)s", edit: func(r *Record) { r.Message = "Running agent Assistant (turn 1)"; r.Attrs = kindsAttrs() },
			want: `{"message": "Running agent Assistant (turn 1)", "f1": 1.0, "f2": 0.1, "f3": 1e+20, "f4": 1.5e-07, "i": 42, "none": null, "t": true, "s": "h\u00e9llo \u2713 \u65e5\u672c", "emoji": "\ud83d\ude00", "lst": [1, "a", null], "d": {"b": 2, "a": 1}}`,
		},
		{
			name: "ensure_ascii false", format: "%(message)s", opts: []Option{WithEnsureASCII(false)},
			edit: func(r *Record) { r.Message = "Running agent Assistant (turn 1)"; r.Attrs = kindsAttrs() },
			want: "{\"message\": \"Running agent Assistant (turn 1)\", \"f1\": 1.0, \"f2\": 0.1, \"f3\": 1e+20, \"f4\": 1.5e-07, \"i\": 42, \"none\": null, \"t\": true, \"s\": \"h\u00e9llo \u2713 \u65e5\u672c\", \"emoji\": \"\U0001F600\", \"lst\": [1, \"a\", null], \"d\": {\"b\": 2, \"a\": 1}}",
		},
		{
			name: "exc_info before extras", format: "%(levelname)s %(message)s",
			edit: func(r *Record) {
				r.Level, r.Message, r.Err = Error, "Tool get_weather failed", errors.New(traceback)
				r.Attrs = []slog.Attr{slog.String("tool", "get_weather")}
			},
			want: `{"levelname": "ERROR", "message": "Tool get_weather failed", "exc_info": "Traceback (most recent call last):\n  File \"x.py\", line 54, in f\n    raise ValueError(\"bad value\")\nValueError: bad value", "tool": "get_weather"}`,
		},
		{
			name: "timestamp", format: "%(levelname)s %(message)s", opts: []Option{WithTimestamp("timestamp")},
			edit: func(r *Record) { r.Level, r.Message = Info, "ts" },
			want: `{"levelname": "INFO", "message": "ts", "timestamp": "2025-12-02T10:52:12.123456+00:00"}`,
		},
		{
			name: "timestamp without fraction", format: "%(levelname)s %(message)s", opts: []Option{WithTimestamp("timestamp")},
			edit: func(r *Record) {
				r.Level, r.Message, r.Time = Info, "ts", time.Date(2025, 12, 2, 10, 52, 12, 0, time.UTC)
			},
			want: `{"levelname": "INFO", "message": "ts", "timestamp": "2025-12-02T10:52:12+00:00"}`,
		},
		{
			name: "extra named in the format", format: "%(message)s %(trace_id)s %(levelname)s",
			edit: func(r *Record) { r.Message = "msg"; r.Attrs = collisionAttrs() },
			want: `{"message": "msg", "trace_id": "T", "levelname": "WARNING", "zeta": 1, "timestamp": "x"}`,
		},
		{
			name:   "names that are not fields",
			format: "%(message)s %(nope)s %(exc_info)s %(msg)s %(args)s %(exc_text)s %(stack_info)s (weird) %(message)s",
			opts:   []Option{WithTimestamp("timestamp")},
			edit:   func(r *Record) { r.Message = "msg"; r.Attrs = collisionAttrs() },
			want:   `{"message": "msg", "nope": null, "exc_info": null, "msg": "msg", "args": [], "exc_text": null, "stack_info": null, "weird": null, "trace_id": "T", "zeta": 1, "timestamp": "2025-12-02T10:52:12.123456+00:00"}`,
		},
		{
			name:   "numbers",
			format: "%(created)s %(msecs)s %(relativeCreated)s %(levelno)s %(process)s %(thread)s %(lineno)s %(funcName)s %(filename)s",
			want:   `{"created": 1764672732.123456, "msecs": 123.0, "relativeCreated": 223.45590591430664, "levelno": 30, "process": 4242, "thread": 7, "lineno": 0, "funcName": "(unknown function)", "filename": "(unknown file)"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j, err := NewJSONFormatter(tt.format, append(sampleOptions('%', ""), tt.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			r := sampleRecord()
			if tt.edit != nil {
				tt.edit(r)
			}
			if got := string(j.Append(nil, r)); got != tt.want {
				t.Errorf("\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func kindsAttrs() []slog.Attr {
	return []slog.Attr{
		slog.Float64("f1", 1), slog.Float64("f2", 0.1), slog.Float64("f3", 1e20), slog.Float64("f4", 1.5e-7),
		slog.Int("i", 42), slog.Any("none", nil), slog.Bool("t", true), slog.String("s", "h\u00e9llo \u2713 \u65e5\u672c"),
		slog.String("emoji", "\U0001F600"), slog.Any("lst", []any{1, "a", nil}), slog.Group("d", slog.Int("b", 2), slog.Int("a", 1)),
	}
}

func collisionAttrs() []slog.Attr {
	return []slog.Attr{slog.String("trace_id", "T"), slog.Int("zeta", 1), slog.Int("_hidden", 2), slog.String("timestamp", "x")}
}

// TestJSONFormatterGoRules covers the records Python cannot make: an extra
// named like a LogRecord attribute (Python's makeRecord raises KeyError),
// repeated keys, and slog's empty-key groups.
func TestJSONFormatterGoRules(t *testing.T) {
	j, err := NewJSONFormatter("%(levelname)s %(message)s", sampleOptions('%', "")...)
	if err != nil {
		t.Fatal(err)
	}
	r := sampleRecord()
	r.Attrs = []slog.Attr{
		slog.String("name", "shadow"), slog.String("message", "shadow"), slog.String("exc_info", "shadow"),
		slog.Int("a", 1), slog.Group("", slog.Int("b", 2), slog.Int("a", 3)), {}, slog.Group("g"),
	}
	want := `{"levelname": "WARNING", "message": "hello world", "a": 3, "b": 2, "g": {}}`
	if got := string(j.Append(nil, r)); got != want {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
	// The timestamp key takes an extra's place and value.
	j, err = NewJSONFormatter("%(message)s", append(sampleOptions('%', ""), WithTimestamp("ts"))...)
	if err != nil {
		t.Fatal(err)
	}
	r.Attrs = []slog.Attr{slog.String("ts", "mine"), slog.Int("z", 1)}
	want = `{"message": "hello world", "ts": "2025-12-02T10:52:12.123456+00:00", "z": 1}`
	if got := string(j.Append(nil, r)); got != want {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
}

func TestNewJSONFormatterErrors(t *testing.T) {
	for _, tt := range []struct {
		format string
		opts   []Option
		want   string
	}{
		{"hello", nil, "no %(name) field"},
		{"%(message)", nil, "no %(name) field"},
		{"{message", []Option{WithStyle('{')}, "expected '}'"},
		{"text", []Option{WithStyle('{')}, "no {name} field"},
		{"text", []Option{WithStyle('$')}, "no $name field"},
		{"%(message)s", []Option{WithStyle('!')}, "style must be"},
		{"%(asctime)s", []Option{WithDateFormat("%10c")}, "flags or width on %c"},
	} {
		_, err := NewJSONFormatter(tt.format, tt.opts...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewJSONFormatter(%q) error = %v, want one containing %q", tt.format, err, tt.want)
		}
	}
	// An empty format is '%(message)s', as in Python.
	j, err := NewJSONFormatter("")
	if err != nil {
		t.Fatal(err)
	}
	if got := string(j.Append(nil, sampleRecord())); got != `{"message": "hello world"}` {
		t.Errorf("empty format: got %s", got)
	}
}
