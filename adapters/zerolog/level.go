package codexzerolog

import (
	"github.com/rs/zerolog"

	"github.com/codextel/codextel/core/pylog"
)

// Level returns the zerolog level an event at the Python level l is written
// at, and the named zerolog level that decides whether it is written at all
// (the logger's level and zerolog's global level are compared with it):
//
//	Python            written as                   filtered as
//	DEBUG (10)        zerolog.DebugLevel           debug
//	INFO (20)         zerolog.InfoLevel            info
//	WARNING (30)      zerolog.WarnLevel            warn
//	ERROR (40)        zerolog.ErrorLevel           error
//	CRITICAL (50)     zerolog.FatalLevel           fatal, never exiting
//	8..127, unnamed   zerolog.Level(n): "15"       the named level below it
//	1..7, 0, < 0      zerolog.TraceLevel           trace
//	above 127         zerolog.FatalLevel           fatal
//
// CRITICAL is written with Logger.WithLevel(zerolog.FatalLevel), which, unlike
// Logger.Fatal, neither exits nor closes the writer: "fatal" is what zerolog
// prints, the name Python itself accepts for CRITICAL (logging.FATAL). An
// unnamed Python level keeps its number as a custom zerolog level, which zerolog
// prints as the number; levels 1 to 7 would collide with zerolog's own
// constants and 128 and above do not fit its int8, so they take the nearest
// named level and lose their number. No level is ever written as
// zerolog.PanicLevel.
func Level(l pylog.Level) (level, filter zerolog.Level) {
	switch {
	case l >= pylog.Critical:
		filter = zerolog.FatalLevel
	case l >= pylog.Error:
		filter = zerolog.ErrorLevel
	case l >= pylog.Warning:
		filter = zerolog.WarnLevel
	case l >= pylog.Info:
		filter = zerolog.InfoLevel
	case l >= pylog.Debug:
		filter = zerolog.DebugLevel
	default:
		filter = zerolog.TraceLevel
	}
	if l%10 != 0 || l > pylog.Critical {
		if l >= 8 && l <= 127 {
			return zerolog.Level(l), filter
		}
	}
	return filter, filter
}

// PythonLevel is the inverse of [Level], used for the lines an application
// writes itself through a [NewPythonLogger] logger: debug, info, warn and
// error are DEBUG, INFO, WARNING and ERROR; fatal and panic are CRITICAL;
// trace and the custom levels below it are 5 ("Level 5", the number Python
// libraries commonly give TRACE); a custom level from 8 to 127 is that
// number; zerolog.NoLevel (Logger.Log) is NOTSET (0).
func PythonLevel(l zerolog.Level) pylog.Level {
	switch l {
	case zerolog.DebugLevel:
		return pylog.Debug
	case zerolog.InfoLevel:
		return pylog.Info
	case zerolog.WarnLevel:
		return pylog.Warning
	case zerolog.ErrorLevel:
		return pylog.Error
	case zerolog.FatalLevel, zerolog.PanicLevel:
		return pylog.Critical
	case zerolog.NoLevel, zerolog.Disabled:
		return pylog.NotSet
	}
	if l >= 8 {
		return pylog.Level(l)
	}
	return 5
}
