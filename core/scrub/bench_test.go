package scrub_test

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/codextel/codextel/core/scrub"
)

// sink keeps the compiler from discarding the benchmarked work.
var sink int

// fiveFields are the metadata of a typical tool event: a tool name, a
// command, a Codex item id, an exit code and a flag.
func fiveFields(command string) []slog.Attr {
	return []slog.Attr{
		slog.String("tool", "shell"),
		slog.String("command", command),
		slog.String("call_id", "item_3"),
		slog.Int("exit_code", 1),
		slog.Bool("sandboxed", true),
	}
}

const cleanCommand = "/bin/bash -lc 'cat does-not-exist.txt'"

var secretCommand = "/bin/bash -lc 'OPENAI_API_KEY=" + join("sk-", "proj-", "FAKEproj0123456789abcdefghijklmnopqrstuvwxyz_ABCDEFGH") + " codex exec ls'"

// scrubAll scrubs attrs in place, as the bus does with an event's metadata.
func scrubAll(s *scrub.Scrubber, attrs []slog.Attr) int {
	n := 0
	for i := range attrs {
		if a, ok := s.Attr(attrs[i]); ok {
			attrs[i] = a
			n++
		}
	}
	return n
}

func BenchmarkScrub(b *testing.B) {
	s := scrub.New()
	b.Run("clean_5_fields", func(b *testing.B) {
		attrs := fiveFields(cleanCommand)
		b.ReportAllocs()
		for b.Loop() {
			sink += scrubAll(s, attrs)
		}
	})
	b.Run("one_secret", func(b *testing.B) {
		orig := fiveFields(secretCommand)
		attrs := make([]slog.Attr, len(orig))
		b.ReportAllocs()
		for b.Loop() {
			copy(attrs, orig)
			sink += scrubAll(s, attrs)
		}
	})
	b.Run("clean_struct", func(b *testing.B) {
		a := slog.Any("call", newCall(cleanCommand))
		b.ReportAllocs()
		for b.Loop() {
			_, ok := s.Attr(a)
			sink += len(a.Key)
			if ok {
				sink++
			}
		}
	})
	b.Run("clean_map", func(b *testing.B) {
		a := slog.Any("args", map[string]any{"cmd": cleanCommand, "cwd": "/home/user/project", "timeout_ms": 10000})
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := s.Attr(a); ok {
				sink++
			}
		}
	})
}

// logText is 1 KiB of ordinary tool output: paths, flags, hyphens,
// underscores, colons and the letters b and B, which all make the scanner
// look twice.
var logText = func() string {
	line := "exec /bin/bash -lc 'cat does-not-exist.txt' in /home/user/project (item_3): " +
		"cat: does-not-exist.txt: No such file or directory; Build took 1.2s, see https://example.com/build-log\n"
	return strings.Repeat(line, 1024/len(line)+1)[:1024]
}()

// jsonText and proseText are 1 KiB of other everyday text: Codex JSON events
// and English.
var (
	jsonText = repeatTo(1024, `{"type":"item.completed","thread_id":"0199a213-81c0-7800-8aa1-bbab2a035a53","item":{"id":"item_3",`+
		`"type":"command_execution","command":"bash -lc 'rg -n TODO src/'","aggregated_output":"src/main.go:12: // TODO: handle errors\n",`+
		`"exit_code":0,"status":"completed"}}`+"\n")
	proseText = repeatTo(1024, "The quick brown fox jumps over the lazy dog while reading files in the home directory, "+
		"and nobody notices the build breaking. ")
)

func repeatTo(n int, s string) string { return strings.Repeat(s, n/len(s)+1)[:n] }

var secretText = logText[:500] + " " + join("sk-", "proj-", "FAKEproj0123456789abcdefghijklmnopqrstuvwxyz_ABCDEFGH") + " " + logText[500+len("sk-proj-FAKEproj0123456789abcdefghijklmnopqrstuvwxyz_ABCDEFGH")+2:]

func BenchmarkScrubString(b *testing.B) {
	s := scrub.New()
	for _, bc := range []struct {
		name string
		text string
	}{
		{"clean_38B", cleanCommand},
		{"clean_1KiB", logText},
		{"clean_1KiB_json", jsonText},
		{"clean_1KiB_prose", proseText},
		{"secret_1KiB", secretText},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.text)))
			b.ReportAllocs()
			for b.Loop() {
				out, _ := s.String(bc.text)
				sink += len(out)
			}
		})
	}
}

func BenchmarkSecretKey(b *testing.B) {
	s := scrub.New()
	keys := []string{"tool", "command", "call_id", "input_tokens", "Authorization"}
	b.ReportAllocs()
	for b.Loop() {
		for _, k := range keys {
			if s.SecretKey(k) {
				sink++
			}
		}
	}
}
