package codexzap

import (
	"context"
	"testing"

	"github.com/codextel/codextel/core/catalog"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// TestEnabledLevels: the adapter takes a catalog event exactly when the
// core enables the level of its message or of its data message, and an
// event outside the catalog when it enables INFO.
func TestEnabledLevels(t *testing.T) {
	ctx := context.Background()
	for _, min := range []zapcore.Level{zapcore.DebugLevel, zapcore.InfoLevel, zapcore.WarnLevel, zapcore.ErrorLevel, zapcore.FatalLevel} {
		h := newHandler(zap.New(zapcore.NewNopCore()).WithOptions(zap.IncreaseLevel(min)), newConfig(nil))
		core := h.core
		for _, e := range catalog.All() {
			want := core.Enabled(Level(e.Level)) || e.DataLevel != 0 && core.Enabled(Level(e.DataLevel))
			if got := h.Enabled(ctx, e, e.Name); got != want {
				t.Errorf("at %v, %s: Enabled %v, want %v", min, e.Name, got, want)
			}
		}
		if got, want := h.Enabled(ctx, nil, "myapp.event"), core.Enabled(zapcore.InfoLevel); got != want {
			t.Errorf("at %v, an event outside the catalog: Enabled %v, want %v", min, got, want)
		}
	}
}
