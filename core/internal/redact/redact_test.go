package redact

import (
	"slices"
	"strings"
	"testing"

	"github.com/codextel/codextel/core/catalog"
)

func env(kv ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     []string
		want    Policy
		wantErr string
	}{
		{"unset: redact both", nil, Policy{}, ""},
		{"python 1", []string{EnvPythonModel, "1", EnvPythonTool, "1"}, Policy{}, ""},
		{"python TRUE any case", []string{EnvPythonModel, "TRUE", EnvPythonTool, "True"}, Policy{}, ""},
		{"python 0 logs", []string{EnvPythonModel, "0"}, Policy{ModelData: true}, ""},
		{"python false logs", []string{EnvPythonTool, "false"}, Policy{ToolData: true}, ""},
		{"python empty logs", []string{EnvPythonTool, ""}, Policy{ToolData: true}, ""},
		{"python yes logs (only 1/true mean don't)", []string{EnvPythonModel, "yes"}, Policy{ModelData: true}, ""},
		{"python ' 1' logs (no trimming)", []string{EnvPythonModel, " 1"}, Policy{ModelData: true}, ""},
		{"codextel on", []string{EnvModel, "1", EnvTool, "true"}, Policy{ModelData: true, ToolData: true}, ""},
		{"codextel wins over python", []string{EnvModel, "false", EnvPythonModel, "0"}, Policy{}, ""},
		{"codextel on wins over python don't", []string{EnvTool, "1", EnvPythonTool, "1"}, Policy{ToolData: true}, ""},
		{"codextel bad value", []string{EnvTool, "sometimes", EnvPythonTool, "0"}, Policy{ToolData: true}, `CODEXTEL_LOG_TOOL_DATA="sometimes" is not a boolean`},
	}
	for _, tt := range tests {
		got, err := FromEnv(env(tt.env...))
		if got != tt.want {
			t.Errorf("%s: policy %+v, want %+v", tt.name, got, tt.want)
		}
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestDropped(t *testing.T) {
	failure, _ := catalog.Lookup("codex.tool.failure")
	message, _ := catalog.Lookup("codex.item.agent_message")
	tests := []struct {
		p     Policy
		e     *catalog.Entry
		wantD []string
	}{
		{Policy{}, failure, []string{"input", "result"}},
		{Policy{ModelData: true}, failure, []string{"input", "result"}},
		{Policy{ToolData: true}, failure, nil},
		{Policy{ToolData: true}, message, []string{"text"}},
		{Policy{ModelData: true, ToolData: true}, message, nil},
	}
	for _, tt := range tests {
		if got := tt.p.Dropped(tt.e); !slices.Equal(got, tt.wantD) {
			t.Errorf("%+v.Dropped(%s) = %v, want %v", tt.p, tt.e.Name, got, tt.wantD)
		}
	}
}
