package codexzap_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"testing"

	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	codexzap "github.com/codextel/codextel/adapters/zap"
)

// writes records every Write it is given, whole.
type writes struct {
	mu     sync.Mutex
	chunks [][]byte
}

func (w *writes) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.chunks = append(w.chunks, bytes.Clone(p))
	return len(p), nil
}

// TestConcurrent: 16 goroutines emit at once (run it with -race); each
// event is one Write of one whole line, and each goroutine's events come
// out in the order it emitted them, with the Python JSON encoder and with
// zap's own JSON encoder.
func TestConcurrent(t *testing.T) {
	const goroutines, perGoroutine = 16, 200
	pyJSON, err := pylog.NewJSONFormatter(codexzap.JSONFormat)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		logger func(w *writes) *zap.Logger
	}{
		{"python-json", func(w *writes) *zap.Logger { return codexzap.NewPythonLogger(w, pyJSON, nil) }},
		{"zap-json", func(w *writes) *zap.Logger {
			enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
			return zap.New(zapcore.NewCore(enc, zapcore.Lock(zapcore.AddSync(w)), zapcore.DebugLevel))
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := new(writes)
			bus := newBus(t)
			attachAll(t, bus, c.logger(w))
			var wg sync.WaitGroup
			for g := range goroutines {
				wg.Go(func() {
					ctx := correlation.With(context.Background(), correlation.IDs{Thread: fmt.Sprint("thr_", g)})
					for i := range perGoroutine {
						bus.Emit(ctx, "app.work.step", []telemetry.Measurement{telemetry.Int("seq", int64(i))},
							slog.Int("goroutine", g), slog.String("payload", "a longer value, so that a torn write would show"))
					}
				})
			}
			wg.Wait()
			if len(w.chunks) != goroutines*perGoroutine {
				t.Fatalf("%d writes for %d events", len(w.chunks), goroutines*perGoroutine)
			}
			next := make(map[float64]float64)
			for _, chunk := range w.chunks {
				if bytes.IndexByte(chunk, '\n') != len(chunk)-1 {
					t.Fatalf("a write is not one line: %q", chunk)
				}
				var m map[string]any
				if err := json.Unmarshal(chunk, &m); err != nil {
					t.Fatalf("%v: %q", err, chunk)
				}
				g, seq := m["goroutine"].(float64), m["seq"].(float64)
				if m["thread_id"] != fmt.Sprint("thr_", g) {
					t.Fatalf("goroutine %v's event has thread %v", g, m["thread_id"])
				}
				if seq != next[g] {
					t.Fatalf("goroutine %v: event %v after %v", g, seq, next[g]-1)
				}
				next[g] = seq + 1
			}
		})
	}
}
