package main

import "strings"

// execModel returns the model the arguments of `codex exec` ask for, or ""
// when they name none: the value of -m or --model (-m X, -mX, --model X,
// --model=X), else of the config override model (-c model=X, --config
// model=X, -c=model=X), whose TOML value may be quoted. The last of each
// wins, and -m/--model wins over -c, as in codex. Reading stops at "--":
// what follows is the prompt.
func execModel(args []string) string {
	var flag, config string
	for i := 0; i < len(args); i++ {
		a := args[i]
		next := func() (string, bool) {
			if i+1 < len(args) {
				i++
				return args[i], true
			}
			return "", false
		}
		switch {
		case a == "--":
			i = len(args)
		case a == "-m" || a == "--model":
			if v, ok := next(); ok {
				flag = v
			}
		case strings.HasPrefix(a, "--model="):
			flag = a[len("--model="):]
		case strings.HasPrefix(a, "-m") && !strings.HasPrefix(a, "--"):
			flag = strings.TrimPrefix(a[2:], "=")
		case a == "-c" || a == "--config":
			if v, ok := next(); ok {
				if m, ok := configModel(v); ok {
					config = m
				}
			}
		case strings.HasPrefix(a, "-c=") || strings.HasPrefix(a, "--config="):
			_, v, _ := strings.Cut(a, "=")
			if m, ok := configModel(v); ok {
				config = m
			}
		}
	}
	if flag != "" {
		return flag
	}
	return config
}

// configModel reads a config override key=value whose key is model; the
// value is a TOML string (quoted with " or ') or, as codex takes a value
// that is not TOML, the text itself.
func configModel(kv string) (string, bool) {
	k, v, ok := strings.Cut(kv, "=")
	if !ok || strings.TrimSpace(k) != "model" {
		return "", false
	}
	v = strings.TrimSpace(v)
	if len(v) >= 2 && (v[0] == '"' && v[len(v)-1] == '"' || v[0] == '\'' && v[len(v)-1] == '\'') {
		v = v[1 : len(v)-1]
	}
	return v, v != ""
}
