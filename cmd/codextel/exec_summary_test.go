//go:build unix

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestExecSummary: a live run's summary gives session time, and prices the
// tokens by the model named in codex's own arguments.
func TestExecSummary(t *testing.T) {
	t.Setenv(envFakeCodex, "ok")
	prices := filepath.Join("testdata", "prices.json")
	tests := []struct {
		name string
		args []string
		want string // a regexp of the headline
	}{
		{"codex's -m", []string{"--prices", prices, "--", "-m", "gpt-test", "the prompt"}, `tokens 11 in / 7 out, \$0\.000081, [0-9.]+(ns|µs|ms|s) of session time`},
		{"--model wins", []string{"--prices", prices, "--model", "gpt-test", "--", "-m", "gpt-9", "the prompt"}, `tokens 11 in / 7 out, \$0\.000081, [0-9.]+(ns|µs|ms|s) of session time`},
		{"no prices", []string{"--", "-m", "gpt-test", "the prompt"}, `tokens 11 in / 7 out, [0-9.]+(ns|µs|ms|s) of session time`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runWith(t, "", append([]string{"exec", "--codex", os.Args[0]}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			head := regexp.MustCompile(`(?m)^codextel: 1 thread, 1 turn \(0 failed\), 0 tool calls \(0 failed\), 0 approvals, ` + tt.want + `$`)
			if !head.MatchString(errOut) {
				t.Errorf("stderr %q: no headline matching %s", errOut, head)
			}
		})
	}
}
