package codexlogrus

import (
	"github.com/sirupsen/logrus"

	"github.com/codextel/codextel/core/pylog"
)

// LevelNameKey is the field that holds the Python level name of an event
// whose level logrus has no level for ("CRITICAL", "Level 25"); see [Level].
const LevelNameKey = "levelname"

// Level returns the logrus level an event at the Python level l is written at,
// and whether that level is l itself. When it is not, the entry also carries
// l's Python name under [LevelNameKey]:
//
//	Python                 logrus           levelname field
//	DEBUG (10)             DebugLevel       none
//	INFO (20)              InfoLevel        none
//	WARNING (30)           WarnLevel        none
//	ERROR (40)             ErrorLevel       none
//	CRITICAL (50), above   ErrorLevel       "CRITICAL", "Level 60"
//	11..49, unnamed        the named level below it   "Level 25"
//	below 10               TraceLevel       "Level 5", "NOTSET"
//
// logrus' FatalLevel and PanicLevel are never used: logrus ties them to
// exiting and panicking (Entry.Log at PanicLevel panicked up to logrus 1.9.x,
// and hooks written for those levels may exit), and CRITICAL must never stop
// the process. logrus cannot keep other numbers: an unknown logrus.Level prints
// as "unknown" and fails Level.MarshalText, so an unnamed level is written at
// the named level below it, which also decides whether it is written, and
// keeps its number in the levelname field.
func Level(l pylog.Level) (level logrus.Level, exact bool) {
	switch {
	case l >= pylog.Error:
		level = logrus.ErrorLevel
	case l >= pylog.Warning:
		level = logrus.WarnLevel
	case l >= pylog.Info:
		level = logrus.InfoLevel
	case l >= pylog.Debug:
		level = logrus.DebugLevel
	default:
		level = logrus.TraceLevel
	}
	switch l {
	case pylog.Debug, pylog.Info, pylog.Warning, pylog.Error:
		exact = true
	}
	return level, exact
}

// PythonLevel is the inverse of [Level] for entries that carry no levelname
// field, such as the lines an application writes itself through a
// [PythonFormatter]: debug, info, warning and error are DEBUG, INFO, WARNING
// and ERROR; fatal and panic are CRITICAL; trace is 5 ("Level 5", the number
// Python libraries commonly give TRACE); any other logrus.Level is NOTSET.
func PythonLevel(l logrus.Level) pylog.Level {
	switch l {
	case logrus.TraceLevel:
		return 5
	case logrus.DebugLevel:
		return pylog.Debug
	case logrus.InfoLevel:
		return pylog.Info
	case logrus.WarnLevel:
		return pylog.Warning
	case logrus.ErrorLevel:
		return pylog.Error
	case logrus.FatalLevel, logrus.PanicLevel:
		return pylog.Critical
	}
	return pylog.NotSet
}
