package main

import (
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestGarbageInput feeds every subcommand 200 KB of random bytes (the
// issue's case: 786 warnings before the cap): a few bad lines are logged,
// one event counts the rest, and stderr gives the exact count in one line.
func TestGarbageInput(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	raw := make([]byte, 200<<10)
	for i := range raw {
		raw[i] = byte(r.Uint32())
	}
	garbage := string(raw)
	// Count the bad lines as the readers do: lines neither blank nor #.
	want := 0
	for line := range strings.Lines(garbage) {
		if t := strings.TrimSpace(line); t != "" && t[0] != '#' {
			want++
		}
	}
	count := regexp.MustCompile(`^codextel: (\d+) bad lines skipped \(the first 5 reported as codex\.bridge\.invalid_line(, shown above)?, the other (\d+) counted in codex\.bridge\.invalid_lines\.unreported\)$`)
	for _, cmd := range []string{"replay", "appserver", "render"} {
		t.Run(cmd, func(t *testing.T) {
			code, out, errOut := runWith(t, garbage, cmd, "--level", "WARNING", "-")
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			skipping := strings.Count(out, "WARNING:codex.bridge:Skipping line ")
			held := regexp.MustCompile(`(?m)^WARNING:codex\.bridge:Skipped (\d+) more bad lines, lines \d+ to \d+, without a report each \((\d+) in all\)$`).FindAllStringSubmatch(out, -1)
			if skipping != maxShownLines || len(held) != 1 {
				t.Fatalf("%d invalid_line and %d unreported lines in the output, want %d and 1:\n%.2000s", skipping, len(held), maxShownLines, out)
			}
			if n, _ := strconv.Atoi(held[0][2]); n != want {
				t.Errorf("the log says %d bad lines in all, want %d", n, want)
			}
			if n, _ := strconv.Atoi(held[0][1]); n != want-maxShownLines {
				t.Errorf("the log says %d more, want %d", n, want-maxShownLines)
			}
			var m []string
			for line := range strings.Lines(errOut) {
				if mm := count.FindStringSubmatch(strings.TrimSuffix(line, "\n")); mm != nil {
					m = mm
				}
			}
			if m == nil {
				t.Fatalf("no count on stderr:\n%s", errOut)
			}
			if n, _ := strconv.Atoi(m[1]); n != want {
				t.Errorf("stderr counts %d bad lines, want %d", n, want)
			}
			if got := strings.Count(errOut, "\n"); got > maxShownLines+3 {
				t.Errorf("stderr has %d lines, want a few:\n%s", got, errOut)
			}
		})
	}
}
