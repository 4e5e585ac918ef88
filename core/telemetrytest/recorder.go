package telemetrytest

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/codextel/codextel/core/telemetry"
)

// A Recorder keeps the events it captured, in arrival order. It is safe for
// concurrent use.
type Recorder struct {
	t      testing.TB
	scoped bool

	mu     sync.Mutex
	events []telemetry.Event
}

type scopeKey struct{}

var recorderIDs atomic.Uint64

// Record attaches a new recorder to bus for the events matching patterns
// (every event when there are none; patterns are as [telemetry.Bus.Attach]
// takes them) and detaches it when the test ends.
func Record(t testing.TB, bus *telemetry.Bus, patterns ...string) *Recorder {
	t.Helper()
	r := &Recorder{t: t}
	r.attach(bus, patterns)
	return r
}

// RecordContext is [Record] for a bus shared with other tests: the recorder
// keeps only the events emitted under the returned context or one derived from
// it. The context is t.Context() when t is a *testing.T or *testing.B.
func RecordContext(t testing.TB, bus *telemetry.Bus, patterns ...string) (context.Context, *Recorder) {
	t.Helper()
	r := &Recorder{t: t, scoped: true}
	r.attach(bus, patterns)
	ctx := context.Background()
	if c, ok := t.(interface{ Context() context.Context }); ok {
		ctx = c.Context()
	}
	return context.WithValue(ctx, scopeKey{}, r), r
}

func (r *Recorder) attach(bus *telemetry.Bus, patterns []string) {
	r.t.Helper()
	if len(patterns) == 0 {
		patterns = []string{"*"}
	}
	id := fmt.Sprintf("telemetrytest/%s/%d", r.t.Name(), recorderIDs.Add(1))
	detach, err := bus.Attach(id, r, patterns...)
	if err != nil {
		r.t.Fatalf("telemetrytest: %v", err)
	}
	r.t.Cleanup(func() { _ = detach() })
}

// Handle records e; it makes the Recorder a [telemetry.Handler].
func (r *Recorder) Handle(ctx context.Context, e telemetry.Event) {
	if r.scoped && ctx.Value(scopeKey{}) != r {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e.Clone())
}

var _ telemetry.Handler = (*Recorder)(nil)

// Events returns a copy of the events recorded so far.
func (r *Recorder) Events() []telemetry.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]telemetry.Event(nil), r.events...)
}

// Names returns the names of the events recorded so far, in order.
func (r *Recorder) Names() []string {
	var out []string
	for _, e := range r.Events() {
		out = append(out, e.Name)
	}
	return out
}

// Find returns the first recorded event named name.
func (r *Recorder) Find(name string) (telemetry.Event, bool) {
	for _, e := range r.Events() {
		if e.Name == name {
			return e, true
		}
	}
	return telemetry.Event{}, false
}

// Reset forgets the events recorded so far.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = nil
}

// WantNames reports an error, with a diff, unless the recorded event names are
// exactly want, in order.
func (r *Recorder) WantNames(want ...string) {
	r.t.Helper()
	if d := Diff(want, r.Names()); d != "" {
		r.t.Errorf("telemetrytest: event names differ (-want +got):\n%s", d)
	}
}

// WantShapes reports an error, with a diff, unless the recorded events have
// exactly the shapes want, in order (see [Shape]).
func (r *Recorder) WantShapes(want ...string) {
	r.t.Helper()
	var got []string
	for _, e := range r.Events() {
		got = append(got, Shape(e))
	}
	if d := Diff(want, got); d != "" {
		r.t.Errorf("telemetrytest: event shapes differ (-want +got):\n%s", d)
	}
}

// Shape describes an event's name, measurement keys and metadata keys with
// their kinds, leaving out the values:
//
//	codex.tool.success {duration duration_ms} [tool:String call_id:String exit_code:Int64]
//
// Nested groups show their own keys: [result:{content:Any}].
func Shape(e telemetry.Event) string {
	var b strings.Builder
	b.WriteString(e.Name)
	b.WriteString(" {")
	i := 0
	for m := range e.Measurements {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(m.Key)
		i++
	}
	b.WriteString("} [")
	i = 0
	for a := range e.Metadata {
		if i > 0 {
			b.WriteByte(' ')
		}
		writeAttrShape(&b, a)
		i++
	}
	b.WriteByte(']')
	return b.String()
}

func writeAttrShape(b *strings.Builder, a slog.Attr) {
	b.WriteString(a.Key)
	b.WriteByte(':')
	v := a.Value.Resolve()
	if v.Kind() != slog.KindGroup {
		b.WriteString(v.Kind().String())
		return
	}
	b.WriteByte('{')
	for i, g := range v.Group() {
		if i > 0 {
			b.WriteByte(' ')
		}
		writeAttrShape(b, g)
	}
	b.WriteByte('}')
}
