package pylog

import (
	"fmt"
	"strconv"
	"strings"
)

// A Level is a Python logging level: a number, named when it is one of the
// standard five. Records at or above a handler's level are written.
type Level int

// The standard levels, with CPython's numbers.
const (
	NotSet   Level = 0
	Debug    Level = 10
	Info     Level = 20
	Warning  Level = 30
	Error    Level = 40
	Critical Level = 50
)

// String returns the name Python prints for l: "DEBUG", "INFO", "WARNING",
// "ERROR", "CRITICAL", "NOTSET", or "Level N" for any other number, as
// logging.getLevelName does.
func (l Level) String() string {
	switch l {
	case NotSet:
		return "NOTSET"
	case Debug:
		return "DEBUG"
	case Info:
		return "INFO"
	case Warning:
		return "WARNING"
	case Error:
		return "ERROR"
	case Critical:
		return "CRITICAL"
	}
	return "Level " + strconv.Itoa(int(l))
}

// ParseLevel reads a level name as Python's logging accepts it: a standard
// name in any case, the aliases "WARN" and "FATAL" (which always print as
// WARNING and CRITICAL), "Level N", or a bare number.
func ParseLevel(s string) (Level, error) {
	t := strings.TrimSpace(s)
	switch strings.ToUpper(t) {
	case "NOTSET":
		return NotSet, nil
	case "DEBUG":
		return Debug, nil
	case "INFO":
		return Info, nil
	case "WARNING", "WARN":
		return Warning, nil
	case "ERROR":
		return Error, nil
	case "CRITICAL", "FATAL":
		return Critical, nil
	}
	num := t
	if rest, ok := strings.CutPrefix(t, "Level "); ok {
		num = rest
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("pylog: unknown level %q (want DEBUG, INFO, WARNING, ERROR, CRITICAL or a number)", s)
	}
	return Level(n), nil
}

// MarshalText returns the level's name.
func (l Level) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText reads a level with [ParseLevel].
func (l *Level) UnmarshalText(b []byte) error {
	v, err := ParseLevel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}
