package main

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// correlationIDs returns the correlation ids out names, in order.
func correlationIDs(out string) []string {
	re := regexp.MustCompile(`correlation_id"?[:=] ?"?([0-9a-f]{32})`)
	var ids []string
	for _, m := range re.FindAllStringSubmatch(out, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// TestReproducibleIDs replays the sample twice with the same --clock (or
// --seed) in every adapter's JSON and native formats: the outputs are the
// same bytes, ids included; another seed gives other ids.
func TestReproducibleIDs(t *testing.T) {
	t.Setenv("TZ", "UTC")
	clock := []string{"--clock", "2025-12-02T10:52:12Z"}
	for _, adapter := range []string{"slog", "zap", "zerolog", "logrus"} {
		for _, format := range []string{"json", "native"} {
			t.Run(adapter+"/"+format, func(t *testing.T) {
				args := []string{"--adapter", adapter, "--format", format, "--level", "DEBUG", "--quiet"}
				replay := func(extra ...string) string {
					t.Helper()
					code, out, errOut := runWith(t, "", append(slices.Clone(args), extra...)...)
					if code != 0 || errOut != "" {
						t.Fatalf("exit %d, stderr %q", code, errOut)
					}
					if len(correlationIDs(out)) == 0 {
						t.Fatalf("no correlation id in:\n%s", out)
					}
					return out
				}
				first, second := replay(clock...), replay(clock...)
				if first != second {
					t.Errorf("two replays with --clock differ:\n%s\n---\n%s", first, second)
				}
				if seeded := replay(append([]string{"--seed", "0"}, clock...)...); seeded != first {
					t.Errorf("--clock and --clock --seed 0 differ")
				}
				seven := replay(append([]string{"--seed", "7"}, clock...)...)
				if again := replay(append([]string{"--seed", "7"}, clock...)...); again != seven {
					t.Errorf("two replays with --seed 7 differ")
				}
				if correlationIDs(seven)[0] == correlationIDs(first)[0] {
					t.Errorf("--seed 7 and --seed 0 name the same correlation id %s", correlationIDs(seven)[0])
				}
				a, b := correlationIDs(replay()), correlationIDs(replay())
				if a[0] == b[0] {
					t.Errorf("without --clock or --seed two replays name the same correlation id %s", a[0])
				}
			})
		}
	}
}

func TestBadSeed(t *testing.T) {
	for _, seed := range []string{"x", "-1", "18446744073709551616", ""} {
		code, _, errOut := runWith(t, "", "--seed", seed)
		if code != 2 || !strings.Contains(errOut, `invalid value "`+seed+`" for flag -seed: want a number from 0 to 18446744073709551615`) {
			t.Errorf("--seed %q: exit %d, stderr %q", seed, code, errOut)
		}
	}
}
