package pylog

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// sampleTime is created=1764672732.123456, the spec's sample record.
var (
	sampleTime  = time.Date(2025, 12, 2, 10, 52, 12, 123456000, time.UTC)
	sampleStart = time.Date(2025, 12, 2, 10, 52, 11, 900000000, time.UTC)
)

func sampleRecord() *Record {
	return &Record{Time: sampleTime, Level: Warning, Logger: "openai.agents", Message: "hello world"}
}

func sampleOptions(style rune, datefmt string) []Option {
	return []Option{WithStyle(style), WithDateFormat(datefmt), WithLocation(time.UTC), WithStartTime(sampleStart),
		WithProcess(4242, "MainProcess"), WithThread(7, "MainThread")}
}

// The expected lines were printed by CPython 3.11.2 (TZ=UTC) formatting a
// LogRecord with created=1764672732.123456, relativeCreated from
// 1764672731.9, process 4242 and thread 7, through
// logging.Formatter(format, datefmt, style=style).format(record).
func TestFormatter(t *testing.T) {
	tests := []struct {
		style, format, datefmt, want string
	}{
		{"%", "%(levelname)s:%(name)s:%(message)s", "", "WARNING:openai.agents:hello world"},
		{"%", "%(asctime)s %(levelname)s %(name)s: %(message)s", "", "2025-12-02 10:52:12,123 WARNING openai.agents: hello world"},
		{"%", "%(asctime)s - %(name)s - %(levelname)s - %(message)s", "", "2025-12-02 10:52:12,123 - openai.agents - WARNING - hello world"},
		{"%", "[%(levelname)-8s] %(message)s", "", "[WARNING ] hello world"},
		{"%", "%(asctime)s %(message)s", "%Y-%m-%dT%H:%M:%S%z", "2025-12-02T10:52:12+0000 hello world"},
		{"%", "%(levelname)8s|%(levelname).4s|%(msecs)03d|%(created)f|%(lineno)04d|%%", "", " WARNING|WARN|123|1764672732.123456|0000|%"},
		{"%", "%(relativeCreated)d %(relativeCreated).3f %(process)d %(processName)s %(thread)d %(threadName)s", "", "223 223.456 4242 MainProcess 7 MainThread"},
		{"%", "%(pathname)s %(filename)s %(module)s %(funcName)s:%(lineno)d", "", "(unknown file) (unknown file) (unknown file) (unknown function):0"},
		{"%", "%(message)r %(message)a %(created)s %(created)e %(levelno)+05d %(levelno)#x", "", "'hello world' 'hello world' 1764672732.123456 1.764673e+09 +0030 0x1e"},
		{"%", "", "", "hello world"},
		{"{", "{asctime} {levelname:<8} {message}", "", "2025-12-02 10:52:12,123 WARNING  hello world"},
		{"{", "{levelname:*^11}|{levelname:.3}|{levelno:03}|{created:.2f}|{msecs:>6.1f}|{process:,}|{message!r}", "", "**WARNING**|WAR|030|1764672732.12| 123.0|4,242|'hello world'"},
		{"{", "{asctime} {message}", "%H:%M", "10:52 hello world"},
		{"$", "$levelname:${name}:$message $$", "", "WARNING:openai.agents:hello world $"},
	}
	for _, tt := range tests {
		f, err := NewFormatter(tt.format, sampleOptions(rune(tt.style[0]), tt.datefmt)...)
		if err != nil {
			t.Errorf("NewFormatter(%q): %v", tt.format, err)
			continue
		}
		if got := string(f.Append(nil, sampleRecord())); got != tt.want {
			t.Errorf("format %q:\n got %q\nwant %q", tt.format, got, tt.want)
		}
	}
}

func TestFormatterLevels(t *testing.T) {
	f, err := NewFormatter("%(levelname)s %(levelno)d")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		l    Level
		want string
	}{{Debug, "DEBUG 10"}, {Info, "INFO 20"}, {Warning, "WARNING 30"}, {Error, "ERROR 40"}, {Critical, "CRITICAL 50"},
		{NotSet, "NOTSET 0"}, {15, "Level 15 15"}, {5, "Level 5 5"}} {
		r := sampleRecord()
		r.Level = tt.l
		if got := string(f.Append(nil, r)); got != tt.want {
			t.Errorf("level %d: got %q, want %q", int(tt.l), got, tt.want)
		}
	}
}

func TestFormatterCaller(t *testing.T) {
	f, err := NewFormatter("%(pathname)s %(filename)s %(module)s %(funcName)s:%(lineno)d")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		file, want string
	}{
		{"/src/app/main.py", "/src/app/main.py main.py main handle:54"},
		{"main.go", "main.go main.go main handle:54"},
		{"/x/.hidden", "/x/.hidden .hidden .hidden handle:54"},
		{"/x/..a", "/x/..a ..a ..a handle:54"},
		{"/x/.a.b", "/x/.a.b .a.b .a handle:54"},
		{"/x/archive.tar.gz", "/x/archive.tar.gz archive.tar.gz archive.tar handle:54"},
	} {
		r := sampleRecord()
		r.File, r.Line, r.Function = tt.file, 54, "handle"
		if got := string(f.Append(nil, r)); got != tt.want {
			t.Errorf("file %q: got %q, want %q", tt.file, got, tt.want)
		}
	}
}

// Python joins the exception text with one "\n", none when the formatted
// text already ends in one (CPython 3.11.2, format "%(levelname)s:%(message)s").
func TestFormatterError(t *testing.T) {
	f, err := NewFormatter("%(levelname)s:%(message)s")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		msg  string
		err  error
		want string
	}{
		{"hello", errors.New("Traceback: boom"), "ERROR:hello\nTraceback: boom"},
		{"ends\n", errors.New("Traceback: boom"), "ERROR:ends\nTraceback: boom"},
		{"", errors.New("Traceback: boom"), "ERROR:\nTraceback: boom"},
		{"hello", errors.New("one trailing newline goes\n\n"), "ERROR:hello\none trailing newline goes\n"},
		{"hello", errors.New(""), "ERROR:hello\n*errors.errorString"},
		{"hello", nil, "ERROR:hello"},
	} {
		r := sampleRecord()
		r.Level, r.Message, r.Err = Error, tt.msg, tt.err
		if got := string(f.Append(nil, r)); got != tt.want {
			t.Errorf("message %q, error %v: got %q, want %q", tt.msg, tt.err, got, tt.want)
		}
	}
	// Only what Append wrote counts, not what dst held before.
	r := sampleRecord()
	r.Err = errors.New("boom")
	m, _ := NewFormatter("%(message)s")
	r.Message = ""
	if got := string(m.Append([]byte("prev\n"), r)); got != "prev\n\nboom" {
		t.Errorf("empty message after a line: got %q", got)
	}
}

func TestFormatterAppendsToDst(t *testing.T) {
	f, err := NewFormatter("%(levelname)s:%(message)s")
	if err != nil {
		t.Fatal(err)
	}
	got := string(f.Append([]byte("> "), sampleRecord()))
	if got != "> WARNING:hello world" {
		t.Errorf("got %q", got)
	}
}

func TestFormatterInvalidUTF8(t *testing.T) {
	f, err := NewFormatter("%(message)s|%(message).3s|%(message)-6s|%(name)r")
	if err != nil {
		t.Fatal(err)
	}
	r := sampleRecord()
	r.Message, r.Logger = "a\xffb", "\xe2\x82"
	want := "a\ufffdb|a\ufffdb|a\ufffdb   |'\ufffd'"
	if got := string(f.Append(nil, r)); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestNewFormatterErrors(t *testing.T) {
	tests := []struct {
		format string
		style  rune
		opts   []Option
		want   string // a part of the error
	}{
		{"%(nosuch)s", '%', nil, `unknown attribute "nosuch" at position 0`},
		{"x %(message)", '%', nil, "incomplete format at position 2"},
		{"%(message", '%', nil, "incomplete format key at position 0"},
		{"%(message)s %", '%', nil, "incomplete format at position 12"},
		{"%s", '%', nil, "has no (name)"},
		{"%(message)d", '%', nil, "needs a number"},
		{"%(created)x", '%', nil, "needs an int"},
		{"%(message)*s", '%', nil, "'*'"},
		{"%(message)q", '%', nil, `unsupported format character 'q' at position 10`},
		{"%(message)c", '%', nil, "%c"},
		{"hello", '%', nil, "no %(name) field"},
		{"%(message)ls", '%', nil, "no %(name) field"},
		{"{message", '{', nil, "expected '}'"},
		{"{message}}x}", '{', nil, "single '}' at position 9"},
		{"{}", '{', nil, "positional field"},
		{"{nosuch}", '{', nil, `unknown attribute "nosuch"`},
		{"{message:d}", '{', nil, "unknown format code 'd' for a str"},
		{"{message:+}", '{', nil, "sign not allowed"},
		{"{message:=5}", '{', nil, "'=' alignment not allowed"},
		{"{levelno:.2}", '{', nil, "precision not allowed"},
		{"{levelno:,x}", '{', nil, "cannot specify"},
		{"{created:d}", '{', nil, "unknown format code 'd' for a float"},
		{"{message!x}", '{', nil, "expected r, s or a"},
		{"{message:{width}}", '{', nil, "nested"},
		{"{message:z}", '{', nil, "unknown format code 'z'"},
		{"{levelno:c}", '{', nil, "'c'"},
		{"text", '{', nil, "no {name} field"},
		{"$", '$', nil, "bare '$' at position 0"},
		{"${message", '$', nil, "bare '$'"},
		{"$nosuch", '$', nil, `unknown attribute "nosuch"`},
		{"%(message)s", '#', nil, "style must be"},
		{"%(message)s", '%', []Option{WithEnsureASCII(false)}, "NewJSONFormatter only"},
		{"%(message)s", '%', []Option{WithTimestamp("ts")}, "NewJSONFormatter only"},
		{"%(asctime)s", '%', []Option{WithDateFormat("%5z")}, "flags or width on %z"},
	}
	for _, tt := range tests {
		_, err := NewFormatter(tt.format, append([]Option{WithStyle(tt.style)}, tt.opts...)...)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "pylog: ") {
			t.Errorf("NewFormatter(%q, style %q) error = %v, want one containing %q", tt.format, tt.style, err, tt.want)
		}
	}
}

func TestFormatterDefaults(t *testing.T) {
	// Process and thread default to the process id, names to Python's.
	f, err := NewFormatter("%(processName)s %(threadName)s")
	if err != nil {
		t.Fatal(err)
	}
	if got := string(f.Append(nil, sampleRecord())); got != "MainProcess MainThread" {
		t.Errorf("got %q", got)
	}
	// asctime is written in time.Local unless WithLocation says otherwise.
	loc := time.FixedZone("X", 3*3600)
	f, err = NewFormatter("%(asctime)s", WithLocation(loc))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(f.Append(nil, sampleRecord())); got != "2025-12-02 13:52:12,123" {
		t.Errorf("asctime in UTC+3: got %q", got)
	}
}

// msecs are truncated, never rounded, from the float created: a time
// .9999999 seconds past rounds up to the next second as a float, as in
// CPython.
func TestAsctimeTruncates(t *testing.T) {
	f, err := NewFormatter("%(asctime)s %(msecs)d", WithLocation(time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		ns   int
		want string
	}{
		{999_000_000, "2025-12-02 10:52:12,999 999"},
		{999_999_000, "2025-12-02 10:52:12,999 999"},
		{999_999_999, "2025-12-02 10:52:13,000 0"},
		{1_000_000, "2025-12-02 10:52:12,000 0"},
	} {
		r := sampleRecord()
		r.Time = time.Date(2025, 12, 2, 10, 52, 12, tt.ns, time.UTC)
		if got := string(f.Append(nil, r)); got != tt.want {
			t.Errorf("%d ns: got %q, want %q", tt.ns, got, tt.want)
		}
	}
}
