package main

import (
	"os"
	"strings"
	"testing"
)

func TestExecModel(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"say hi"}, ""},
		{[]string{"-m", "gpt-5.5", "say hi"}, "gpt-5.5"},
		{[]string{"-mgpt-5.5", "say hi"}, "gpt-5.5"},
		{[]string{"--model", "o3", "say hi"}, "o3"},
		{[]string{"--model=o3", "say hi"}, "o3"},
		{[]string{"-c", `model="gpt-5.5-codex"`, "say hi"}, "gpt-5.5-codex"},
		{[]string{"-c", "model='o4-mini'", "say hi"}, "o4-mini"},
		{[]string{"--config", "model=o3", "say hi"}, "o3"},
		{[]string{"-c=model=o3", "say hi"}, "o3"},
		{[]string{"-c", "model_reasoning_effort=high", "say hi"}, ""},
		{[]string{"-c", " model = \"spaced\" ", "x"}, "spaced"},
		{[]string{"-m", "flag", "-c", "model=config"}, "flag"},
		{[]string{"-c", "model=config", "-m", "flag"}, "flag"},
		{[]string{"-m", "a", "--model", "b"}, "b"},
		{[]string{"--", "-m", "in-the-prompt"}, ""},
		{[]string{"-m"}, ""},
		{[]string{"-c"}, ""},
		{[]string{"-c", "model="}, ""},
	} {
		if got := execModel(c.args); got != c.want {
			t.Errorf("execModel(%q) = %q, want %q", c.args, got, c.want)
		}
	}
}

func FuzzExecModel(f *testing.F) {
	f.Add("-m", "gpt-5.5", "-c", "model=x")
	f.Add("--model=o3", "--", "-c", "model='y'")
	f.Fuzz(func(t *testing.T, a, b, c, d string) {
		args := []string{a, b, c, d}
		got := execModel(args)
		if got == "" {
			return
		}
		for _, arg := range args {
			if strings.Contains(arg, got) {
				return
			}
		}
		t.Errorf("execModel(%q) = %q, which no argument holds", args, got)
	})
}

// TestExecPassesModel: the model codex exec is told (-m) is the model of
// the thread codextel reports, since the stream never names it.
func TestExecPassesModel(t *testing.T) {
	t.Setenv(envFakeCodex, "ok")
	for _, c := range []struct {
		codexArgs []string
		want      string
	}{
		{[]string{"-m", "gpt-5.5", "the prompt"}, `"model": "gpt-5.5"`},
		{[]string{"-c", `model="o3"`, "the prompt"}, `"model": "o3"`},
	} {
		args := append([]string{"exec", "--codex", os.Args[0], "--format", "json", "--"}, c.codexArgs...)
		code, stdout, stderr := runWith(t, "", args...)
		if code != 0 || !strings.Contains(stdout, c.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want %s", c.codexArgs, code, stdout, stderr, c.want)
		}
	}
}
