package codexzap

import (
	"github.com/codextel/codextel/core/pylog"
	"go.uber.org/zap/zapcore"
)

// Level returns the zap level an event logged at the Python level l is
// written at: the highest of zap's Debug, Info, Warn, Error and DPanic whose
// Python counterpart (DEBUG, INFO, WARNING, ERROR, CRITICAL) is at or below l,
// and Debug below DEBUG. So an unnamed level such as 25 goes to Info, and a
// zap core whose threshold is one of those levels keeps exactly the events a
// Python handler at the matching level keeps, from DEBUG up. (Below DEBUG zap
// has no level: such events go to Debug, which a Python handler at DEBUG
// would drop.)
//
// CRITICAL is DPanicLevel, which [Attach] writes through the logger's core
// and never through [zap.Logger]'s own methods: zap's development panic and
// its panic and fatal hooks belong to those methods, so a CRITICAL event
// never panics or exits the process. Level never returns PanicLevel or
// FatalLevel.
func Level(l pylog.Level) zapcore.Level {
	switch {
	case l >= pylog.Critical:
		return zapcore.DPanicLevel
	case l >= pylog.Error:
		return zapcore.ErrorLevel
	case l >= pylog.Warning:
		return zapcore.WarnLevel
	case l >= pylog.Info:
		return zapcore.InfoLevel
	}
	return zapcore.DebugLevel
}

// PythonLevel returns the Python level a zap entry is written at by the
// Python encoders (see [NewPythonEncoder]) when it does not come from
// [Attach], whose entries keep the event's own Python level: Debug is
// DEBUG, Info INFO, Warn WARNING, Error ERROR, and DPanic, Panic and Fatal
// CRITICAL (Python's highest level, which FATAL is an alias of). A level zap
// does not name keeps its order and is never confused with a named one:
// Level(-2) is Python's Level 9 (one below DEBUG), Level(6) Level 51 (one above
// CRITICAL), and so on.
func PythonLevel(l zapcore.Level) pylog.Level {
	switch {
	case l < zapcore.DebugLevel:
		return pylog.Debug + pylog.Level(l-zapcore.DebugLevel)
	case l > zapcore.FatalLevel:
		return pylog.Critical + pylog.Level(l-zapcore.FatalLevel)
	case l >= zapcore.DPanicLevel:
		return pylog.Critical
	}
	return pylog.Level(int(l)+2) * 10
}
