package telemetry

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/codextel/codextel/core/catalog"
)

// HandlerFailure is the name of the event a [Bus] emits after a handler
// panicked. The handler has been detached from all its events by then. The
// event has no measurements and this metadata, in order:
//
//   - handler_id (string): the id the handler was attached under
//   - event (string): the name of the event it was handling
//   - kind (string): "panic"
//   - reason (string): the panic value, formatted with %v
//   - stacktrace (string): the goroutine's stack at the panic
//
// When no handler takes the failure event, the bus writes one line to its
// error output (see [WithErrorOutput]) instead, so the failure is never lost.
const HandlerFailure = catalog.TelemetryHandlerFailure

func stack() string { return string(debug.Stack()) }

// handlerFailed detaches the panicking handler and reports the failure.
func (b *Bus) handlerFailed(ctx context.Context, en *entry, event string, r any, trace string) {
	b.detachEntry(en)
	reason := fmt.Sprint(r)
	e := NewEvent(HandlerFailure, b.now())
	e.AddMetadata(
		slog.String("handler_id", en.id),
		slog.String("event", event),
		slog.String("kind", "panic"),
		slog.String("reason", reason),
		slog.String("stacktrace", trace),
	)
	if b.emitEvent(ctx, &e) > 0 {
		return
	}
	b.errMu.Lock()
	defer b.errMu.Unlock()
	fmt.Fprintf(b.errOut, "telemetry: handler %q panicked on event %q and was detached: %s\n", en.id, event, reason)
}
