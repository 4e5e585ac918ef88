package native

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// ScheduleDelayEnv is the variable of OpenTelemetry's batch log processor
// that sets how often Codex posts its logs, in milliseconds; its default,
// 1000, is why a live join would wait up to a second for a record.
// Measured with codex 0.169 (shared/codex-native-otel's cmd_sleep, once each
// way): with the default the conversation's first records arrived 232 ms
// after its thread.started line and the tool result 188 ms after its
// item.completed (in the exit post; a run longer than a second waits for
// the next periodic post, up to a second); with 100 they arrived 46 ms and
// 103 ms after.
const ScheduleDelayEnv = "OTEL_BLRP_SCHEDULE_DELAY"

// DefaultScheduleDelay is the value [Prepare] gives ScheduleDelayEnv when
// codex's environment does not set it: 100 ms.
const DefaultScheduleDelay = "100"

// PrepareOptions configure [Prepare].
type PrepareOptions struct {
	Limits      Limits // the receiver's store's limits; Live is set
	TraceParent string // optional: the W3C traceparent Codex continues (TRACEPARENT)
}

// Prepare makes a `codex exec` command export Codex's own telemetry to a new
// loopback receiver, and returns the receiver, whose store a reader joins
// to the stream (bridge.WithNativeLive). cmd.Args must hold the exec
// subcommand: the overrides go right after it (after its --json, when that
// follows), before the user's own arguments, and the user's own -c otel.* given after them win (codex
// takes the last of a key):
//
//	-c otel.exporter={otlp-http={endpoint="http://127.0.0.1:PORT/v1/logs",protocol="json"}}
//	-c otel.trace_exporter="none"
//	-c otel.metrics_exporter="none"
//	-c otel.log_user_prompt=false
//
// The live join uses Codex's logs only: its traces and metrics come at its
// exit, too late, and exporting them was most of what the export cost codex
// (docs/performance.md). With Limits.KeepSpans (a program that forwards
// Codex's spans) the traces are asked for too:
//
//	-c otel.trace_exporter={otlp-http={endpoint=".../v1/traces",protocol="json"}}
//
// These replace, for this run, the exporters of an [otel] section of the
// user's Codex config (see [UserConfigHasOTel]). The environment (cmd.Env,
// or the process's when nil) gains TRACEPARENT when TraceParent is set and
// OTEL_BLRP_SCHEDULE_DELAY=100 when it has none. Close the receiver once
// codex has exited and the stream is read; Seal its store when codex exits.
func Prepare(cmd *exec.Cmd, opts PrepareOptions) (*Receiver, error) {
	i := slices.Index(cmd.Args, "exec")
	if i < 1 {
		return nil, errors.New(`native: the command has no "exec" argument: Prepare is for codex exec`)
	}
	if i+1 < len(cmd.Args) && cmd.Args[i+1] == "--json" {
		i++ // exec --json stays first
	}
	limits := opts.Limits
	limits.Live = true
	r, err := Listen(NewStore(limits))
	if err != nil {
		return nil, err
	}
	override := func(key string, sig Signal) []string {
		return []string{"-c", fmt.Sprintf(`otel.%s={otlp-http={endpoint=%q,protocol="json"}}`, key, r.Endpoint(sig))}
	}
	traces := []string{"-c", `otel.trace_exporter="none"`}
	if limits.KeepSpans {
		traces = override("trace_exporter", Traces)
	}
	args := slices.Concat(override("exporter", Logs), traces,
		[]string{"-c", `otel.metrics_exporter="none"`, "-c", "otel.log_user_prompt=false"})
	cmd.Args = slices.Insert(cmd.Args, i+1, args...)
	env := cmd.Env
	if env == nil {
		env = os.Environ()
	}
	env = slices.Clone(env)
	if opts.TraceParent != "" {
		env = setEnv(env, "TRACEPARENT", opts.TraceParent)
	}
	if _, ok := lookupEnv(env, ScheduleDelayEnv); !ok {
		env = append(env, ScheduleDelayEnv+"="+DefaultScheduleDelay)
	}
	cmd.Env = env
	return r, nil
}

func lookupEnv(env []string, key string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

func setEnv(env []string, key, value string) []string {
	env = slices.DeleteFunc(env, func(kv string) bool { return strings.HasPrefix(kv, key+"=") })
	return append(env, key+"="+value)
}

// UserConfigHasOTel reports whether the Codex config that codex would read
// with environment env ($CODEX_HOME/config.toml, else ~/.codex/config.toml)
// configures an OpenTelemetry export: an [otel] table (or a table under
// it), or an otel key at the top level. It returns the config's path. A
// config that cannot be read has none.
func UserConfigHasOTel(env []string) (string, bool) {
	home, ok := lookupEnv(env, "CODEX_HOME")
	if !ok || home == "" {
		h, ok := lookupEnv(env, "HOME")
		if !ok || h == "" {
			return "", false
		}
		home = filepath.Join(h, ".codex")
	}
	path := filepath.Join(home, "config.toml")
	f, err := os.Open(path)
	if err != nil {
		return path, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	top := true
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			name := strings.Trim(line, "[] \t")
			if name == "otel" || strings.HasPrefix(name, "otel.") {
				return path, true
			}
			top = false
			continue
		}
		if top && (strings.HasPrefix(line, "otel.") || strings.HasPrefix(line, "otel ") || strings.HasPrefix(line, "otel=")) {
			return path, true
		}
	}
	return path, false
}
