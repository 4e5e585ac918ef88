package telemetry

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

type typed struct{ typ string }

func (e typed) Error() string     { return "typed " + e.typ }
func (e typed) ErrorType() string { return e.typ }

func TestErrorType(t *testing.T) {
	for _, c := range []struct {
		name string
		v    any
		want string
	}{
		{"plain", errors.New("x"), "_OTHER"},
		{"go type", &fs.PathError{Op: "open", Path: "x", Err: fs.ErrNotExist}, "_OTHER"},
		{"typed", typed{"tool_error"}, "tool_error"},
		{"wrapped", fmt.Errorf("call: %w", typed{"-32602"}), "-32602"},
		{"joined", errors.Join(errors.New("a"), typed{"429"}), "429"},
		{"empty", typed{""}, "_OTHER"},
		{"panic value", "kaboom", "_OTHER"},
		{"panic error", typed{"500"}, "500"},
		{"nil", nil, "_OTHER"},
	} {
		if got := errorType(c.v); got != c.want {
			t.Errorf("%s: errorType(%#v) = %q, want %q", c.name, c.v, got, c.want)
		}
	}
}
