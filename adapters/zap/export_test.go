package codexzap

import (
	"time"

	"go.uber.org/zap"

	"github.com/codextel/codextel/core/telemetry"
)

// NewClocked is New with the clock for events that carry no time, for tests
// that attach under patterns of their own and compare times.
func NewClocked(logger *zap.Logger, now func() time.Time, opts ...Option) telemetry.Handler {
	return newHandler(logger, now, newConfig(opts))
}
