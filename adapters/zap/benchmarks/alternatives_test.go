package benchmarks

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/telemetry"
	"github.com/codextel/codextel/core/telemetrytest"
	slogzap "github.com/samber/slog-zap/v2"
	"go.uber.org/zap"
	"go.uber.org/zap/exp/zapslog"
	"go.uber.org/zap/zapcore"

	codexzap "github.com/codextel/codextel/adapters/zap"
)

// The line every side writes: message and five fields, by the logger
// codex.approval at INFO, with zap's production JSON encoder. The values
// are variables, as a real call's are, and every side but codextel builds
// its message from them as an app would ("Approval granted for command
// call_8f14e45f: approved"); codextel renders the catalog's template.
var (
	approvalKind = "command"
	callID       = "call_8f14e45f"
	decision     = "approved"
)

func message() string { return "Approval granted for " + approvalKind + " " + callID + ": " + decision }

var fixedNow = time.Date(2025, 12, 2, 10, 52, 12, 123456789, time.UTC)

type fixedClock struct{}

func (fixedClock) Now() time.Time                         { return fixedNow }
func (fixedClock) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(d) }

// newLogger is the app's logger: production encoder, INFO, no sampling or
// caller (codexzap writes through the core, which has neither).
func newLogger(w io.Writer, opts ...zap.Option) *zap.Logger {
	enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
	return zap.New(zapcore.NewCore(enc, zapcore.AddSync(w), zapcore.InfoLevel), opts...)
}

// A side is one way of writing the line through a logger writing to w.
type side struct {
	name string
	// setup returns the function that writes the line once.
	setup func(tb testing.TB, w io.Writer, clock bool) func()
}

func slogAttrs() []slog.Attr {
	return []slog.Attr{
		slog.String("approval_kind", approvalKind),
		slog.String("call_id", callID),
		slog.String("decision", decision),
		slog.Duration("duration", 1500*time.Millisecond),
		slog.Float64("duration_ms", 1500),
	}
}

func zapOpts(clock bool) []zap.Option {
	if clock {
		return []zap.Option{zap.WithClock(fixedClock{})}
	}
	return nil
}

var sides = []side{
	{"native", func(tb testing.TB, w io.Writer, clock bool) func() {
		l := newLogger(w, zapOpts(clock)...).Named("codex.approval")
		return func() {
			l.Info(message(),
				zap.String("approval_kind", approvalKind),
				zap.String("call_id", callID),
				zap.String("decision", decision),
				zap.Duration("duration", 1500*time.Millisecond),
				zap.Float64("duration_ms", 1500),
			)
		}
	}},
	{"codextel", func(tb testing.TB, w io.Writer, clock bool) func() {
		return codextel(tb, w, clock, nil)
	}},
	{"codextel_noscrub", func(tb testing.TB, w io.Writer, clock bool) func() {
		return codextel(tb, w, clock, []telemetry.Option{telemetry.WithScrubber(nil)})
	}},
	{"zapslog", func(tb testing.TB, w io.Writer, clock bool) func() {
		h := zapslog.NewHandler(newLogger(w).Core(), zapslog.WithName("codex.approval"))
		return slogSide(slog.New(h), clock)
	}},
	{"slog-zap", func(tb testing.TB, w io.Writer, clock bool) func() {
		h := slogzap.Option{Level: slog.LevelInfo, Logger: newLogger(w, zapOpts(clock)...).Named("codex.approval")}.NewZapHandler()
		return slogSide(slog.New(h), clock)
	}},
}

func codextel(tb testing.TB, w io.Writer, clock bool, opts []telemetry.Option) func() {
	if clock {
		opts = append(opts, telemetry.WithClock(fixedClock{}.Now))
	}
	bus := telemetry.New(append(opts, telemetry.WithThrottle(nil))...)
	tb.Cleanup(bus.Close)
	detach, err := codexzap.Attach(bus, newLogger(w))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { detach() })
	ctx := context.Background()
	return func() {
		bus.Emit(ctx, catalog.ApprovalApproved,
			[]telemetry.Measurement{
				telemetry.Duration("duration", 1500*time.Millisecond),
				telemetry.Float("duration_ms", 1500),
			},
			slog.String("approval_kind", approvalKind),
			slog.String("call_id", callID),
			slog.String("decision", decision),
		)
	}
}

// slogSide logs the line through an slog.Logger: with the clock, through a
// hand-made record, so that the time is fixed.
func slogSide(l *slog.Logger, clock bool) func() {
	ctx := context.Background()
	if clock {
		return func() {
			r := slog.NewRecord(fixedNow, slog.LevelInfo, message(), 0)
			r.AddAttrs(slogAttrs()...)
			_ = l.Handler().Handle(ctx, r)
		}
	}
	return func() {
		l.LogAttrs(ctx, slog.LevelInfo, message(),
			slog.String("approval_kind", approvalKind),
			slog.String("call_id", callID),
			slog.String("decision", decision),
			slog.Duration("duration", 1500*time.Millisecond),
			slog.Float64("duration_ms", 1500),
		)
	}
}

// TestSameLine checks that every side writes the same line, so that the
// benchmark compares like with like: byte for byte, but for slog-zap, which
// writes the same fields in an order of its own.
func TestSameLine(t *testing.T) {
	var want string
	for _, s := range sides {
		var buf bytes.Buffer
		s.setup(t, &buf, true)()
		got := buf.String()
		if want == "" {
			want = got
		}
		t.Logf("%-16s %s", s.name, got)
		if s.name == "slog-zap" {
			// The same fields, in another order: slog-zap goes through a
			// map, so its order changes from run to run.
			var g, w map[string]any
			if json.Unmarshal([]byte(got), &g) != nil || json.Unmarshal([]byte(want), &w) != nil || !reflect.DeepEqual(g, w) {
				t.Errorf("%s writes\n%s, native\n%s", s.name, got, want)
			}
			continue
		}
		if got != want {
			t.Errorf("%s writes\n%s, native\n%s", s.name, got, want)
		}
	}
}

func BenchmarkAlternatives(b *testing.B) {
	for _, s := range sides {
		b.Run(s.name, func(b *testing.B) {
			f := s.setup(b, io.Discard, false)
			telemetrytest.LoopCPU(b, func() {
				f()
			})
		})
	}
}
