package codexzerolog

import (
	"time"

	"github.com/rs/zerolog"

	"github.com/codextel/codextel/core/telemetry"
)

// NewClocked is New with the clock for events that carry no time, for tests
// that attach under patterns of their own and compare times.
func NewClocked(logger zerolog.Logger, now func() time.Time) telemetry.Handler {
	return newHandler(logger, now)
}
