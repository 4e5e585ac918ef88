package telemetry

import "errors"

// otherErrorType is the error_type of a failure that does not say what kind
// it is, as OpenTelemetry's error.type spells the fallback.
const otherErrorType = "_OTHER"

// errorType is the error_type field of a span that failed with v (an error
// or a panic value), in the manner of OpenTelemetry's error.type: what the
// first error in v's chain with an ErrorType() string method says (codextel's
// bridge says tool_error, a JSON-RPC code, an HTTP status), else "_OTHER".
// Never a Go type name: that is an implementation detail, not a kind of
// failure, and it would be printed in every log line of the failure.
func errorType(v any) string {
	err, ok := v.(error)
	if !ok {
		return otherErrorType
	}
	var t interface{ ErrorType() string }
	if errors.As(err, &t) {
		if s := t.ErrorType(); s != "" {
			return s
		}
	}
	return otherErrorType
}
