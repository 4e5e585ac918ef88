// Package redact decides which model and tool data reaches the logs, the way
// the OpenAI Agents SDK for Python does: by default neither is logged.
//
// Model data is prompts, agent messages and reasoning; tool data is tool
// inputs and outputs, command output and diffs. The event catalog marks each
// field that carries either. The telemetry bus removes the fields a [Policy]
// does not let through before any handler sees the event, and log adapters
// switch to the catalog's redacted message when a field their data message
// names is absent ("Tool shell completed." instead of "Tool shell returned
// ...").
//
// # Environment
//
// [FromEnv] reads the Python client's own switches with Python's parsing:
// OPENAI_AGENTS_DONT_LOG_MODEL_DATA and OPENAI_AGENTS_DONT_LOG_TOOL_DATA mean
// "don't log" when unset, or when set to "1" or to "true" in any case; any
// other value logs the data. codextel's own CODEXTEL_LOG_MODEL_DATA and
// CODEXTEL_LOG_TOOL_DATA, read with [strconv.ParseBool] ("1", "true" log the
// data; "0", "false" do not), take precedence when set.
//
// The package is internal to core: applications set the policy with the
// bus options telemetry.WithModelData and telemetry.WithToolData, and read
// the environment with telemetry.DataFromEnv.
package redact

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/codextel/codextel/core/catalog"
)

// A Policy says which classes of data are logged. The zero Policy logs
// neither, the Python client's default.
type Policy struct {
	// ModelData lets prompts, agent messages and reasoning through.
	ModelData bool
	// ToolData lets tool inputs and outputs, command output and diffs through.
	ToolData bool
}

// Allows reports whether data of class c is let through.
func (p Policy) Allows(c catalog.DataClass) bool {
	switch c {
	case catalog.ModelData:
		return p.ModelData
	case catalog.ToolData:
		return p.ToolData
	}
	return true
}

// Dropped returns the metadata keys of e that p removes, in catalog order, or
// nil when it removes none.
func (p Policy) Dropped(e *catalog.Entry) []string {
	var out []string
	for _, f := range e.Metadata {
		if !p.Allows(f.Data) {
			out = append(out, f.Key)
		}
	}
	return out
}

// The environment variables FromEnv reads.
const (
	EnvPythonModel = "OPENAI_AGENTS_DONT_LOG_MODEL_DATA"
	EnvPythonTool  = "OPENAI_AGENTS_DONT_LOG_TOOL_DATA"
	EnvModel       = "CODEXTEL_LOG_MODEL_DATA"
	EnvTool        = "CODEXTEL_LOG_TOOL_DATA"
)

// FromEnv reads the policy from the environment (see the package comment);
// lookup is [os.LookupEnv] or a stand-in. A codextel variable with a value
// ParseBool rejects is an error naming the variable; the policy returned with
// it treats that variable as unset.
func FromEnv(lookup func(string) (string, bool)) (Policy, error) {
	var errs []string
	read := func(codextelVar, pythonVar string) bool {
		if v, ok := lookup(codextelVar); ok {
			on, err := strconv.ParseBool(strings.TrimSpace(v))
			if err == nil {
				return on
			}
			errs = append(errs, fmt.Sprintf("%s=%q is not a boolean", codextelVar, v))
		}
		return !pythonDontLog(lookup, pythonVar)
	}
	p := Policy{
		ModelData: read(EnvModel, EnvPythonModel),
		ToolData:  read(EnvTool, EnvPythonTool),
	}
	if len(errs) > 0 {
		return p, fmt.Errorf("redact: %s", strings.Join(errs, "; "))
	}
	return p, nil
}

// pythonDontLog parses an OPENAI_AGENTS_DONT_LOG_* variable as the Agents SDK
// does: unset means true; set, only "1" or "true" (any case) mean true.
func pythonDontLog(lookup func(string) (string, bool), name string) bool {
	v, ok := lookup(name)
	if !ok {
		return true
	}
	return v == "1" || strings.ToLower(v) == "true"
}
