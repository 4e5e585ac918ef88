package bridge

import (
	"encoding/json"
	"testing"
)

func TestErrorTypes(t *testing.T) {
	type typer interface{ ErrorType() string }
	for _, c := range []struct {
		name string
		err  error
		msg  string
		want string
	}{
		{"isError", toolReportedError(), "the tool reported an error", "tool_error"},
		{"rpc", mcpCallError("tool call error: tool call failed for `demo/crash`\n\nCaused by:\n    Mcp error: -32602: unknown tool crash"),
			"", "-32602"},
		{"rpc-no-code", mcpCallError("tool call error: timed out"), "", "_OTHER"},
		{"http500", modelError("We’re currently experiencing high demand, which may cause temporary errors.", nil), "", "500"},
		{"http500-ascii", modelError("We're currently experiencing high demand, which may cause temporary errors.", nil), "", "500"},
		{"http429", modelError("rate limit exceeded: Rate limit reached for gpt-5.5", nil), "", "429"},
		{"unexpected", modelError("unexpected status 503 Service Unavailable: upstream", nil), "", "503"},
		{"info", modelError("stream disconnected", json.RawMessage(`{"responseStreamDisconnected":{"httpStatusCode":502}}`)), "", "502"},
		{"info-no-status", modelError("usage limit", json.RawMessage(`"usageLimitExceeded"`)), "", "_OTHER"},
		{"info-null-status", modelError("x", json.RawMessage(`{"other":{"httpStatusCode":null}}`)), "", "_OTHER"},
		{"info-bad-status", modelError("x", json.RawMessage(`{"other":{"httpStatusCode":99999}}`)), "", "_OTHER"},
		{"other", modelError("the model refused", nil), "the model refused", "_OTHER"},
	} {
		tp, ok := c.err.(typer)
		if !ok {
			t.Fatalf("%s: %T has no ErrorType", c.name, c.err)
		}
		if got := tp.ErrorType(); got != c.want {
			t.Errorf("%s: ErrorType %q, want %q", c.name, got, c.want)
		}
		if c.msg != "" && c.err.Error() != c.msg {
			t.Errorf("%s: message %q, want %q", c.name, c.err.Error(), c.msg)
		}
	}
}
