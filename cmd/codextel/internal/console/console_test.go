package console

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/codextel/codextel/core/pylog"
)

func TestAppend(t *testing.T) {
	at := time.Date(2025, 12, 2, 10, 52, 12, 345678901, time.UTC)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	base := pylog.Record{Time: at, Level: pylog.Info, Logger: "codex.thread", Message: "Thread t1 started"}
	with := func(f func(*pylog.Record)) pylog.Record {
		r := base
		f(&r)
		return r
	}
	for _, tc := range []struct {
		name string
		f    Formatter
		r    pylog.Record
		want string
	}{
		{"bare", Formatter{}, base, "10:52:12.345 INFO     codex.thread  Thread t1 started"},
		{"location", Formatter{Location: paris}, base, "11:52:12.345 INFO     codex.thread  Thread t1 started"},
		{"fields", Formatter{}, with(func(r *pylog.Record) {
			r.Attrs = []slog.Attr{slog.String("source", "exec"), slog.Int("turn_index", 2), slog.Float64("duration_ms", 16.5),
				slog.Bool("ok", true), slog.Uint64("n", 7), slog.Duration("d", 1500*time.Millisecond)}
		}), "10:52:12.345 INFO     codex.thread  Thread t1 started source=exec turn_index=2 duration_ms=16.5 ok=true n=7 d=1.5s"},
		{"ids and times hidden", Formatter{}, with(func(r *pylog.Record) {
			r.Attrs = []slog.Attr{slog.Int64("system_time", 1), slog.String("model", "gpt-5.5"), slog.Int64("monotonic_time", 2),
				slog.String("correlation_id", "c"), slog.String("thread_id", "t"), slog.String("turn_id", "u"),
				slog.String("span_id", "s"), slog.String("parent_span_id", "p")}
		}), "10:52:12.345 INFO     codex.thread  Thread t1 started model=gpt-5.5"},
		{"quoted", Formatter{}, with(func(r *pylog.Record) {
			r.Attrs = []slog.Attr{slog.String("a", ""), slog.String("b", "two words"), slog.String("c", "k=v"),
				slog.String("d", `say "x"`), slog.String("e", "line\nbreak"), slog.String("f", "\x1b[31m")}
		}), `10:52:12.345 INFO     codex.thread  Thread t1 started a="" b="two words" c="k=v" d="say \"x\"" e="line\nbreak" f="\x1b[31m"`},
		{"multi-line message", Formatter{}, with(func(r *pylog.Record) {
			r.Level, r.Logger, r.Message = pylog.Error, "codex.mcp", "Error invoking MCP tool crash\n\nCaused by:\n    boom"
		}), "10:52:12.345 ERROR    codex.mcp  Error invoking MCP tool crash\n    \n    Caused by:\n        boom"},
		{"control characters in the message", Formatter{}, with(func(r *pylog.Record) { r.Message = "red \x1b[31m\tbell\a\r\x7f" }),
			`10:52:12.345 INFO     codex.thread  red \x1b[31m` + "\t" + `bell\x07\x0d\x7f`},
		{"error", Formatter{}, with(func(r *pylog.Record) { r.Err = errors.New("it broke") }),
			`10:52:12.345 INFO     codex.thread  Thread t1 started error="it broke"`},
		{"colour", Formatter{Color: true}, with(func(r *pylog.Record) {
			r.Level = pylog.Warning
			r.Attrs = []slog.Attr{slog.String("k", "v")}
		}), "10:52:12.345 \x1b[33mWARNING\x1b[0m  codex.thread  Thread t1 started \x1b[2mk=\x1b[0mv"},
		{"colour of each level", Formatter{Color: true}, with(func(r *pylog.Record) { r.Level = pylog.Critical }),
			"10:52:12.345 \x1b[1;31mCRITICAL\x1b[0m codex.thread  Thread t1 started"},
		{"a level with no colour", Formatter{Color: true}, with(func(r *pylog.Record) { r.Level = 25 }),
			"10:52:12.345 Level 25 codex.thread  Thread t1 started"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(tc.f.Append([]byte("prefix|"), &tc.r))
			if want := "prefix|" + tc.want; got != want {
				t.Errorf("got\n%q\nwant\n%q", got, want)
			}
		})
	}
}

// TestLevelColours: every Python level has its own colour.
func TestLevelColours(t *testing.T) {
	seen := map[string]pylog.Level{}
	for _, l := range []pylog.Level{pylog.Debug, pylog.Info, pylog.Warning, pylog.Error, pylog.Critical} {
		c, ok := levelColors[l.String()]
		if !ok {
			t.Errorf("%s has no colour", l)
			continue
		}
		if other, dup := seen[c]; dup {
			t.Errorf("%s and %s share colour %q", l, other, c)
		}
		seen[c] = l
	}
}

// FuzzAppend: whatever the message and values, a record is one line plus
// its message's indented continuation lines, and no value writes a control
// character of its own (an escape sequence in a tool's output must not
// reach the terminal).
func FuzzAppend(f *testing.F) {
	f.Add("Thread started", "exec", "k")
	f.Add("a\nb", "\x1b[2J", "x=y")
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, msg, value, key string) {
		if strings.ContainsFunc(key, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			t.Skip() // keys are catalog names
		}
		r := pylog.Record{Time: time.Unix(0, 0), Level: pylog.Info, Logger: "codex.x", Message: msg,
			Attrs: []slog.Attr{slog.String(key, value)}}
		for _, colour := range []bool{false, true} {
			out := string((&Formatter{Color: colour}).Append(nil, &r))
			lines := strings.Split(out, "\n")
			if want := strings.Count(msg, "\n") + 1; len(lines) != want {
				t.Fatalf("%d lines, want %d: %q", len(lines), want, out)
			}
			for _, l := range lines[1:] {
				if !strings.HasPrefix(l, "    ") {
					t.Fatalf("continuation line %q not indented in %q", l, out)
				}
			}
			if strings.ContainsFunc(out, func(r rune) bool { return r < ' ' && r != '\n' && r != '\t' || r == 0x7f }) && !colour {
				t.Fatalf("control character written: %q", out)
			}
			if !colour && strings.Contains(out, "\x1b") {
				t.Fatalf("escape character written without colour: %q", out)
			}
		}
	})
}
