package codexslog

import (
	"log/slog"
	"math"
	"testing"

	"github.com/codextel/codextel/core/pylog"
)

func TestLevel(t *testing.T) {
	for _, tc := range []struct {
		py   pylog.Level
		slog slog.Level
	}{
		{pylog.Debug, slog.LevelDebug},
		{pylog.Info, slog.LevelInfo},
		{pylog.Warning, slog.LevelWarn},
		{pylog.Error, slog.LevelError},
		{pylog.Critical, slog.Level(12)},
		{pylog.NotSet, -8},
		{5, -6},
		{15, -2},
		{25, 2},
		{22, 1},
		{23, 1},
		{24, 2},
		{21, 0},
		{60, 16},
		{-10, -12},
		{math.MaxInt, slog.Level((levelLimit - 20) * 2 / 5)},
		{math.MinInt, slog.Level((-levelLimit - 20) * 2 / 5)},
	} {
		if got := Level(tc.py); got != tc.slog {
			t.Errorf("Level(%d) = %d, want %d", tc.py, got, tc.slog)
		}
	}
}

func TestPythonLevel(t *testing.T) {
	for _, tc := range []struct {
		slog slog.Level
		py   pylog.Level
	}{
		{slog.LevelDebug, pylog.Debug},
		{slog.LevelInfo, pylog.Info},
		{slog.LevelWarn, pylog.Warning},
		{slog.LevelError, pylog.Error},
		{12, pylog.Critical},
		{1, 22},
		{2, 25},
		{-1, 17},
		{-3, 12},
		{-8, 0},
		{16, 60},
	} {
		if got := PythonLevel(tc.slog); got != tc.py {
			t.Errorf("PythonLevel(%d) = %d, want %d", tc.slog, got, tc.py)
		}
	}
	if got := PythonLevel(slog.Level(12)).String(); got != "CRITICAL" {
		t.Errorf("slog.Level(12) prints as %s", got)
	}
	for l := slog.Level(-1000); l <= 1000; l++ {
		if got := Level(PythonLevel(l)); got != l {
			t.Fatalf("Level(PythonLevel(%d)) = %d", l, got)
		}
	}
	for _, l := range []slog.Level{math.MaxInt, math.MinInt} {
		_ = Level(PythonLevel(l)) // no overflow panic; clamped
	}
}
