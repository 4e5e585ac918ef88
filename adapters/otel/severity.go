package codexotel

import (
	"go.opentelemetry.io/otel/log"

	"github.com/codextel/codextel/core/pylog"
)

// severity returns the OpenTelemetry severity number of a Python logging
// level, as Python's OpenTelemetry LoggingHandler maps it (std_to_otel):
// levels below DEBUG (10) are unspecified (0); DEBUG, INFO, WARNING, ERROR
// and CRITICAL are DEBUG (5), INFO (9), WARN (13), ERROR (17) and FATAL (21);
// the three levels just above each of them are its 2, 3 and 4 variants and
// the rest of the way to the next one is its 4 variant (25 is INFO4); levels
// above 53 are FATAL4 (24).
func severity(l pylog.Level) log.Severity {
	switch {
	case l < pylog.Debug:
		return log.SeverityUndefined
	case l > pylog.Critical+3:
		return log.SeverityFatal4
	}
	base := log.SeverityDebug + log.Severity(l/10-1)*4
	return base + log.Severity(min(l%10, 3))
}

// severityText returns the severity text Python's OpenTelemetry
// LoggingHandler (1.38) writes for a level: its Python name, except that
// WARNING is written WARN. Other numbers keep Python's "Level N".
func severityText(l pylog.Level) string {
	if l == pylog.Warning {
		return "WARN"
	}
	return l.String()
}
