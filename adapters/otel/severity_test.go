package codexotel

import (
	"testing"

	"go.opentelemetry.io/otel/log"

	"github.com/codextel/codextel/core/pylog"
)

// pythonSeverity is opentelemetry-python's _STD_TO_OTEL table
// (opentelemetry/_logs/severity), written out so that the arithmetic in
// severity is checked against the table it replaces.
var pythonSeverity = map[int]log.Severity{
	10: 5, 11: 6, 12: 7, 13: 8, 14: 8, 15: 8, 16: 8, 17: 8, 18: 8, 19: 8,
	20: 9, 21: 10, 22: 11, 23: 12, 24: 12, 25: 12, 26: 12, 27: 12, 28: 12, 29: 12,
	30: 13, 31: 14, 32: 15, 33: 16, 34: 16, 35: 16, 36: 16, 37: 16, 38: 16, 39: 16,
	40: 17, 41: 18, 42: 19, 43: 20, 44: 20, 45: 20, 46: 20, 47: 20, 48: 20, 49: 20,
	50: 21, 51: 22, 52: 23, 53: 24,
}

func TestSeverity(t *testing.T) {
	for l := -5; l <= 120; l++ {
		want, ok := pythonSeverity[l]
		switch {
		case ok:
		case l < 10:
			want = log.SeverityUndefined
		default: // above 53
			want = log.SeverityFatal4
		}
		if got := severity(pylog.Level(l)); got != want {
			t.Errorf("severity(%d) = %d, want %d", l, got, want)
		}
	}
	// The named ones, as the issue lists them.
	for l, want := range map[pylog.Level]log.Severity{
		pylog.Debug: log.SeverityDebug, pylog.Info: log.SeverityInfo, pylog.Warning: log.SeverityWarn,
		pylog.Error: log.SeverityError, pylog.Critical: log.SeverityFatal,
	} {
		if got := severity(l); got != want {
			t.Errorf("severity(%s) = %d, want %d", l, got, want)
		}
	}
}

func TestSeverityText(t *testing.T) {
	for l, want := range map[pylog.Level]string{
		pylog.NotSet: "NOTSET", pylog.Debug: "DEBUG", pylog.Info: "INFO", pylog.Warning: "WARN",
		pylog.Error: "ERROR", pylog.Critical: "CRITICAL", 25: "Level 25", 5: "Level 5",
	} {
		if got := severityText(l); got != want {
			t.Errorf("severityText(%d) = %q, want %q", l, got, want)
		}
	}
}
