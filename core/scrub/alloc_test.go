package scrub_test

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/codextel/codextel/core/scrub"
)

// wantAllocs checks that f allocates exactly want times per run. Allocation
// counts are not meaningful under the race detector.
func wantAllocs(t *testing.T, what string, want int, f func()) {
	t.Helper()
	if raceEnabled {
		t.Skip("allocation counts are not meaningful with -race")
	}
	if got := testing.AllocsPerRun(100, f); int(got) != want {
		t.Errorf("%s: %v allocs per run, want %d", what, got, want)
	}
}

func TestAllocsCleanAttrs(t *testing.T) {
	s := scrub.New()
	attrs := fiveFields(cleanCommand)
	wantAllocs(t, "clean 5-attr slice", 0, func() { sink += scrubAll(s, attrs) })
}

func TestAllocsLookalikes(t *testing.T) {
	s := scrub.New()
	for _, v := range lookalikes {
		for _, p := range places {
			in := p.wrap(v)
			wantAllocs(t, fmt.Sprintf("String(%.40q…)", in), 0, func() {
				out, _ := s.String(in)
				sink += len(out)
			})
		}
	}
}

// TestAllocsCleanValues checks the package documentation's promise: clean
// values of these shapes are checked without allocating.
func TestAllocsCleanValues(t *testing.T) {
	s := scrub.New()
	c := newCall(cleanCommand)
	for _, a := range []slog.Attr{
		slog.String("command", cleanCommand),
		slog.Int("input_tokens", 1234),
		slog.Int("token", 5),
		slog.Duration("elapsed", time.Second),
		slog.Time("at", testTime),
		slog.Group("call", slog.String("tool", "shell"), slog.Group("args", slog.String("cmd", cleanCommand))),
		slog.Any("args", map[string]any{"cmd": cleanCommand, "n": 1, "list": []any{"a", 2, map[string]any{"b": "c"}}}),
		slog.Any("env", map[string]string{"HOME": "/home/u", "SHELL": "/bin/bash"}),
		slog.Any("headers", header{"Accept": {"*/*"}, "User-Agent": {"codex"}}),
		slog.Any("argv", []any{"bash", "-lc", cleanCommand}),
		slog.Any("argv", []string{"bash", "-lc", cleanCommand}),
		slog.Any("call", c),
		slog.Any("call", &c),
		slog.Any("calls", []toolCall{c, c}),
		slog.Any("err", errors.New("exit status 1")),
		slog.Any("err", fmt.Errorf("run: %w", errors.New("exit status 1"))),
		slog.Any("body", []byte(cleanCommand)),
		slog.Any("level", slog.LevelWarn),
		slog.Any("nothing", nil),
		slog.Any("usage", map[string]int{"input_tokens": 10}),
		slog.Any("wrapped", []any{slog.StringValue(cleanCommand), slog.Int("n", 1)}),
	} {
		wantAllocs(t, a.String(), 0, func() {
			if _, ok := s.Attr(a); ok {
				sink++
			}
		})
	}
}

// TestAllocsMethods: checking an error or Stringer costs what its method
// costs, and nothing more.
func TestAllocsMethods(t *testing.T) {
	s := scrub.New()
	x := stringer(cleanCommand)
	err := &os.PathError{Op: "open", Path: "does-not-exist.txt", Err: os.ErrNotExist}
	for _, tc := range []struct {
		name   string
		value  any
		method func() string
	}{
		{"Stringer", x, x.String},
		{"error", err, err.Error},
	} {
		own := testing.AllocsPerRun(100, func() { sink += len(tc.method()) })
		if own == 0 {
			t.Fatalf("%s: the method should allocate for this test to mean something", tc.name)
		}
		wantAllocs(t, tc.name, int(own), func() {
			if _, ok := s.Attr(slog.Any("x", tc.value)); ok {
				sink++
			}
		})
	}
}

// TestAllocsOtherMaps pins the cost of walking a map type the scrubber has no
// fast path for: two scratch values per map, whatever its size.
func TestAllocsOtherMaps(t *testing.T) {
	s := scrub.New()
	c := newCall(cleanCommand)
	for _, m := range []any{
		map[string]toolCall{"item_3": c},
		map[string]toolCall{"item_3": c, "item_4": c, "item_5": c},
	} {
		wantAllocs(t, fmt.Sprintf("%T of %d", m, len(fmt.Sprint(m))), 2, func() {
			if _, ok := s.Attr(slog.Any("m", m)); ok {
				sink++
			}
		})
	}
}

func TestAllocsPatterns(t *testing.T) {
	s := scrub.New(scrub.WithPatterns(regexp.MustCompile(`cust-[0-9]{6}`), regexp.MustCompile(`(?i)pin=([0-9]{4})`)))
	wantAllocs(t, "clean text with patterns", 0, func() {
		out, _ := s.String(logText)
		sink += len(out)
	})
}

// TestLinearTime feeds texts built to make a naive scanner quadratic: many
// candidates inside one long run. Each is 1 MiB; at quadratic cost any of
// them would take hours.
func TestLinearTime(t *testing.T) {
	const n = 1 << 20
	fill := func(unit string) string { return strings.Repeat(unit, n/len(unit)) }
	s := scrub.New()
	for name, v := range map[string]string{
		"sk":          fill("sk-"),
		"slack":       fill("xoxb-"),
		"github_pat":  fill("github_pat_"),
		"jwt":         fill("eyJ-") + ".eyJ" + strings.Repeat("a", 20) + ".sig",
		"google":      fill("AIza-"),
		"aws":         fill("AKIA"),
		"pem no end":  fill("-----BEGIN PRIVATE KEY-----"),
		"pem one end": fill("-----BEGIN PRIVATE KEY-----") + "-----END PRIVATE KEY-----",
		"pem bad end": fill("-----BEGIN PRIVATE KEY-----x-----END CERTIFICATE-----"),
		"userinfo":    "https://u:" + fill("@"),
		"bearer":      fill("bearer "),
		"dashes":      fill("-"),
		"assignments": fill("password=a"),
		"colons":      fill("token:"),
		"quoted":      fill(`"password":"`),
		"flags":       fill("--password "),
		"short flags": "mysql " + fill("-p"),
		"curl":        "curl " + fill("-u a:"),
		"cookie":      fill("Cookie: "),
		"auth":        fill("Authorization: x "),
		"escapes":     `\u002d` + fill(`\`),
		"url escapes": "x:" + fill(`\/`) + "@",
		"pem body":    "-----BEGIN PRIVATE KEY-----\n" + fill("-----BEGIN PRIVATE KEY-----\nMIIE "),
		"vendors":     fill("glpat-") + fill("sk_live_1") + fill("SG.a"),
	} {
		done := make(chan struct{})
		go func() {
			defer close(done)
			s.String(v)
		}()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("%s: scrubbing 1 MiB takes more than 20s", name)
		}
	}
}
