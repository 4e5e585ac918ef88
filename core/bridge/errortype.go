package bridge

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
)

// typedError is a failure the bridge read from a stream, with the kind
// OpenTelemetry's error.type gives it (telemetry reports it as error_type
// through the ErrorType method).
type typedError struct {
	msg, typ string
}

func (e *typedError) Error() string { return e.msg }

// ErrorType returns the failure's kind: "tool_error", a JSON-RPC error code,
// an HTTP status, or "_OTHER".
func (e *typedError) ErrorType() string { return e.typ }

// errorTypeTool is the error.type of an MCP tool result with isError set,
// as the GenAI conventions name it.
const errorTypeTool = "tool_error"

// toolReportedError is the failure of an MCP call whose tool answered with
// isError: the call went through and the tool said it failed.
func toolReportedError() error {
	return &typedError{msg: "the tool reported an error", typ: errorTypeTool}
}

// rpcCode finds the JSON-RPC error code in the message Codex writes for an
// MCP call that failed at the protocol level ("tool call error: ... Mcp
// error: -32602: unknown tool crash").
var rpcCode = regexp.MustCompile(`Mcp error: (-?[0-9]+)\b`)

// mcpCallError is the failure of an MCP call with an error (not a tool
// result): its error.type is the JSON-RPC code the message names, else
// "_OTHER".
func mcpCallError(msg string) error {
	typ := "_OTHER"
	if m := rpcCode.FindStringSubmatch(msg); m != nil {
		typ = m[1]
	}
	return &typedError{msg: msg, typ: typ}
}

// unexpectedStatus finds the HTTP status in Codex's message for a model
// request answered with an unexpected status ("unexpected status 503 ...").
var unexpectedStatus = regexp.MustCompile(`unexpected status ([1-5][0-9][0-9])\b`)

// modelError is the failure of a turn: its error.type is the HTTP status of
// the failed model request, when the stream says it (the app-server's
// codexErrorInfo.*.httpStatusCode) or Codex's message gives it away: its
// message for an HTTP 500 ("We're currently experiencing high demand"),
// for a 429 ("rate limit exceeded"), or "unexpected status N"; else
// "_OTHER".
func modelError(msg string, info json.RawMessage) error {
	typ := "_OTHER"
	switch low := strings.ToLower(msg); {
	case httpStatus(info) != 0:
		typ = strconv.Itoa(httpStatus(info))
	case strings.Contains(low, "currently experiencing high demand"):
		typ = "500"
	case strings.HasPrefix(low, "rate limit exceeded"):
		typ = "429"
	default:
		if m := unexpectedStatus.FindStringSubmatch(msg); m != nil {
			typ = m[1]
		}
	}
	return &typedError{msg: msg, typ: typ}
}

// httpStatus reads the HTTP status of an app-server codexErrorInfo, an
// object naming the error kind whose value may carry httpStatusCode
// ({"responseStreamDisconnected": {"httpStatusCode": 502}}); 0 when it has
// none.
func httpStatus(info json.RawMessage) int {
	if len(info) == 0 {
		return 0
	}
	var kinds map[string]json.RawMessage
	if json.Unmarshal(info, &kinds) != nil {
		return 0
	}
	for _, v := range kinds {
		var detail struct {
			HTTPStatusCode *int `json:"httpStatusCode"`
		}
		if json.Unmarshal(v, &detail) == nil && detail.HTTPStatusCode != nil &&
			*detail.HTTPStatusCode >= 100 && *detail.HTTPStatusCode <= 599 {
			return *detail.HTTPStatusCode
		}
	}
	return 0
}
