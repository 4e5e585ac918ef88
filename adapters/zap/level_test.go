package codexzap_test

import (
	"fmt"
	"testing"

	"github.com/codextel/codextel/core/pylog"
	"go.uber.org/zap/zapcore"

	codexzap "github.com/codextel/codextel/adapters/zap"
)

// The level table of the package documentation.
var levelTable = []struct {
	py  pylog.Level
	zap zapcore.Level
}{
	{pylog.Debug, zapcore.DebugLevel},
	{pylog.Info, zapcore.InfoLevel},
	{pylog.Warning, zapcore.WarnLevel},
	{pylog.Error, zapcore.ErrorLevel},
	{pylog.Critical, zapcore.DPanicLevel},
}

func TestLevelTable(t *testing.T) {
	for _, c := range levelTable {
		if got := codexzap.Level(c.py); got != c.zap {
			t.Errorf("Level(%v) = %v, want %v", c.py, got, c.zap)
		}
		if got := codexzap.PythonLevel(c.zap); got != c.py {
			t.Errorf("PythonLevel(%v) = %v, want %v", c.zap, got, c.py)
		}
		// The round trip, both ways.
		if got := codexzap.PythonLevel(codexzap.Level(c.py)); got != c.py {
			t.Errorf("PythonLevel(Level(%v)) = %v", c.py, got)
		}
	}
	// zap's levels that only its own methods panic or exit at are Python's
	// CRITICAL, like DPanic.
	for _, l := range []zapcore.Level{zapcore.PanicLevel, zapcore.FatalLevel} {
		if got := codexzap.PythonLevel(l); got != pylog.Critical {
			t.Errorf("PythonLevel(%v) = %v, want CRITICAL", l, got)
		}
	}
}

// TestUnnamedPythonLevels: a level Python does not name goes to the highest
// zap level whose Python counterpart is at or below it, so that a zap
// threshold keeps what the Python threshold would; never to a level zap's
// own methods panic or exit at.
func TestUnnamedPythonLevels(t *testing.T) {
	for _, c := range []struct {
		py  pylog.Level
		zap zapcore.Level
	}{
		{-5, zapcore.DebugLevel},
		{pylog.NotSet, zapcore.DebugLevel},
		{5, zapcore.DebugLevel}, // TRACE in many Python programs
		{15, zapcore.DebugLevel},
		{19, zapcore.DebugLevel},
		{21, zapcore.InfoLevel},
		{25, zapcore.InfoLevel}, // NOTICE, SUCCESS
		{35, zapcore.WarnLevel},
		{45, zapcore.ErrorLevel},
		{51, zapcore.DPanicLevel},
		{100, zapcore.DPanicLevel},
	} {
		if got := codexzap.Level(c.py); got != c.zap {
			t.Errorf("Level(%d) = %v, want %v", c.py, got, c.zap)
		}
	}
	prev := codexzap.Level(-1000)
	for l := pylog.Level(-1000); l <= 1000; l++ {
		z := codexzap.Level(l)
		if z < prev {
			t.Fatalf("Level is not monotonic: Level(%d) = %v < %v", l, z, prev)
		}
		if z < zapcore.DebugLevel || z > zapcore.DPanicLevel {
			t.Fatalf("Level(%d) = %v, outside Debug..DPanic", l, z)
		}
		// The zap threshold at a named level keeps what Python's would.
		for _, c := range levelTable {
			if pyKeeps, zapKeeps := l >= c.py, c.zap.Enabled(z); l >= pylog.Debug && pyKeeps != zapKeeps {
				t.Fatalf("level %d: a Python handler at %v keeps it: %v; a zap core at %v: %v", l, c.py, pyKeeps, c.zap, zapKeeps)
			}
		}
		prev = z
	}
}

// TestUnnamedZapLevels: a level zap does not name keeps its order among
// Python's and is never read as one of the five Python severities.
func TestUnnamedZapLevels(t *testing.T) {
	for _, c := range []struct {
		zap zapcore.Level
		py  pylog.Level
	}{
		{zapcore.Level(-2), 9},
		{zapcore.Level(-10), 1},
		{zapcore.Level(6), 51},
		{zapcore.Level(127), 172},
	} {
		if got := codexzap.PythonLevel(c.zap); got != c.py {
			t.Errorf("PythonLevel(%v) = %v, want %v", c.zap, got, c.py)
		}
	}
	prev := codexzap.PythonLevel(-128)
	for l := -127; l <= 127; l++ {
		p := codexzap.PythonLevel(zapcore.Level(l))
		if p < prev {
			t.Fatalf("PythonLevel is not monotonic at %d", l)
		}
		named := zapcore.Level(l) >= zapcore.DebugLevel && zapcore.Level(l) <= zapcore.FatalLevel
		// Python names 0 too (NOTSET), which Level(-11) reaches: not a
		// severity, so it is no level's counterpart.
		if isNamed := p != pylog.NotSet && p.String() != fmt.Sprintf("Level %d", p); !named && isNamed {
			t.Errorf("PythonLevel(%v) = %v, a named level", zapcore.Level(l), p)
		}
		prev = p
	}
}
