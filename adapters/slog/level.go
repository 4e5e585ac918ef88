package codexslog

import (
	"log/slog"

	"github.com/codextel/codextel/core/pylog"
)

// levelLimit bounds the levels converted, so that the arithmetic cannot
// overflow; levels beyond it are clamped to it.
const levelLimit = 1 << 40

// Level returns the slog level of a Python level. The named levels map to
// slog's: DEBUG to [slog.LevelDebug], INFO to [slog.LevelInfo], WARNING to
// [slog.LevelWarn], ERROR to [slog.LevelError], and CRITICAL, which slog
// lacks, to slog.Level(12) (printed by slog's handlers as "ERROR+4"). slog
// puts its levels 4 apart where Python puts them 10 apart, so any other
// level maps by its offset from INFO, scaled by 4/10 and rounded to the
// nearest slog level: Python 25 is slog.Level(2), 15 is -2, 5 (below DEBUG)
// is -6, 60 is 16.
func Level(l pylog.Level) slog.Level {
	n := (max(min(int64(l), levelLimit), -levelLimit) - int64(pylog.Info)) * 2 // slog = n/5
	q, r := n/5, n%5
	switch {
	case r > 2: // 5 is odd: there are no ties
		q++
	case r < -2:
		q--
	}
	return slog.Level(q)
}

// PythonLevel returns the Python level of a slog level, the inverse of
// [Level]: slog's four levels and slog.Level(12) give DEBUG, INFO, WARNING,
// ERROR and CRITICAL, and any other level maps by its offset from
// [slog.LevelInfo], scaled by 10/4 and rounded down: slog.Level(2) (INFO+2)
// is 25, slog.Level(1) is 22, slog.Level(-1) is 17. For every slog level l,
// Level(PythonLevel(l)) == l.
func PythonLevel(l slog.Level) pylog.Level {
	n := max(min(int64(l), levelLimit), -levelLimit) * 5 // python = 20 + n/2, rounded down
	q := n / 2
	if n < 0 && n%2 != 0 {
		q--
	}
	return pylog.Info + pylog.Level(q)
}
