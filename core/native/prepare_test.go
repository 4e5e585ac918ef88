package native

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPrepare(t *testing.T) {
	cmd := exec.Command("codex", "exec", "--json", "-m", "gpt-5.5", "--", "hi")
	cmd.Env = []string{"PATH=/usr/bin", "TRACEPARENT=00-old-old-01"}
	r, err := Prepare(cmd, PrepareOptions{TraceParent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(time.Second)
	want := []string{"codex", "exec", "--json",
		"-c", `otel.exporter={otlp-http={endpoint="` + r.Endpoint(Logs) + `",protocol="json"}}`,
		"-c", `otel.trace_exporter="none"`,
		"-c", `otel.metrics_exporter="none"`,
		"-c", "otel.log_user_prompt=false",
		"-m", "gpt-5.5", "--", "hi"}
	if !slices.Equal(cmd.Args, want) {
		t.Errorf("args\n%q\nwant\n%q", cmd.Args, want)
	}

	// Keeping spans asks for the traces too.
	keep := exec.Command("codex", "exec", "hi")
	rs, err := Prepare(keep, PrepareOptions{Limits: Limits{KeepSpans: true}})
	if err != nil {
		t.Fatal(err)
	}
	rs.Close(time.Second)
	want = []string{"codex", "exec",
		"-c", `otel.exporter={otlp-http={endpoint="` + rs.Endpoint(Logs) + `",protocol="json"}}`,
		"-c", `otel.trace_exporter={otlp-http={endpoint="` + rs.Endpoint(Traces) + `",protocol="json"}}`,
		"-c", `otel.metrics_exporter="none"`,
		"-c", "otel.log_user_prompt=false", "hi"}
	if !slices.Equal(keep.Args, want) {
		t.Errorf("KeepSpans: args\n%q\nwant\n%q", keep.Args, want)
	}
	wantEnv := []string{"PATH=/usr/bin", "TRACEPARENT=00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "OTEL_BLRP_SCHEDULE_DELAY=100"}
	if !slices.Equal(cmd.Env, wantEnv) {
		t.Errorf("env %q, want %q", cmd.Env, wantEnv)
	}

	cmd = exec.Command("codex", "exec")
	cmd.Env = []string{"OTEL_BLRP_SCHEDULE_DELAY=500"}
	r2, err := Prepare(cmd, PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r2.Close(time.Second)
	if !slices.Equal(cmd.Env, []string{"OTEL_BLRP_SCHEDULE_DELAY=500"}) {
		t.Errorf("a user's schedule delay was changed: %q", cmd.Env)
	}
	if _, err := Prepare(exec.Command("codex", "--json"), PrepareOptions{}); err == nil || !strings.Contains(err.Error(), `no "exec" argument`) {
		t.Errorf("Prepare without exec: %v", err)
	}
}

func TestUserConfigHasOTel(t *testing.T) {
	tests := []struct {
		config string
		want   bool
	}{
		{"model = \"o3\"\n[otel]\nenvironment = \"prod\"\n", true},
		{"[otel.exporter.otlp-http]\nendpoint = \"x\"\n", true},
		{"otel.environment = \"prod\"\n", true},
		{"model = \"o3\"\n[profiles.otel]\nx = 1\n", false},
		{"[tui]\notel = 1\n", false},
		{"", false},
	}
	for _, tt := range tests {
		home := t.TempDir()
		if err := os.WriteFile(filepath.Join(home, "config.toml"), []byte(tt.config), 0o644); err != nil {
			t.Fatal(err)
		}
		path, got := UserConfigHasOTel([]string{"CODEX_HOME=" + home})
		if got != tt.want || path != filepath.Join(home, "config.toml") {
			t.Errorf("config %q: %v %s, want %v", tt.config, got, path, tt.want)
		}
	}
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, ".codex"), 0o755)
	os.WriteFile(filepath.Join(home, ".codex", "config.toml"), []byte("[otel]\n"), 0o644)
	if _, ok := UserConfigHasOTel([]string{"HOME=" + home}); !ok {
		t.Error("~/.codex/config.toml not read")
	}
	if _, ok := UserConfigHasOTel(nil); ok {
		t.Error("a config found without HOME or CODEX_HOME")
	}
}
