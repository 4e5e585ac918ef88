package telemetry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/redact"
	"github.com/codextel/codextel/core/scrub"
	"github.com/codextel/codextel/core/throttle"
)

// Errors returned by [Bus.Attach] and [Bus.Detach]; test for them with
// [errors.Is].
var (
	// ErrDuplicateHandler: a handler is already attached under that id.
	ErrDuplicateHandler = errors.New("telemetry: handler id already attached")
	// ErrUnknownHandler: no handler is attached under that id.
	ErrUnknownHandler = errors.New("telemetry: no handler attached under that id")
	// ErrBadName: an event name or pattern is malformed.
	ErrBadName = errors.New("telemetry: bad event name")
)

// A Bus delivers events to the handlers attached to them. It is safe for
// concurrent use. The zero Bus is not usable; make one with [New] or use
// [Default].
//
// Emission takes no lock: it reads an immutable snapshot of the attached
// handlers through an atomic pointer, and Attach and Detach publish a new
// snapshot (copy on write). So attaching never blocks emitters, and an emission
// that is under way when a handler is detached may still call it once.
type Bus struct {
	mu       sync.Mutex // serialises writers of attached, enabled and live
	attached *snapshot  // every attached handler
	enabled  bool

	// live is what emitters read: nil when the bus is disabled or has no
	// handlers, so the common "nobody listens" case is one atomic load.
	live atomic.Pointer[snapshot]
	off  atomic.Bool // SetEnabled(false); spans read it

	now     func() time.Time
	epoch   time.Time // start of the monotonic_time measurement
	errOut  io.Writer
	errMu   sync.Mutex
	namesMu sync.Mutex                         // serialises writers of names
	names   atomic.Pointer[map[nameKey]string] // span event names, see eventName

	// The safeguards (pipeline.go), fixed at New.
	policy      redact.Policy
	scrubber    *scrub.Scrubber
	throttle    *throttle.Throttle
	throttleKey string
	rules       map[string]*rule // catalog event name -> what to do to it

	tickMu   sync.Mutex // serialises starting and stopping the ticker
	ticking  atomic.Bool
	stopTick chan struct{}

	seeded *seededIDs // the id source of WithSeed; nil: random ids
}

// An Option configures a [Bus].
type Option interface {
	apply(*Bus)
}

type optionFunc func(*Bus)

func (f optionFunc) apply(b *Bus) { f(b) }

// WithClock makes the bus read time from now instead of [time.Now]. Spans use
// it for their start and stop times and durations.
func WithClock(now func() time.Time) Option {
	return optionFunc(func(b *Bus) {
		if now != nil {
			b.now = now
		}
	})
}

// WithErrorOutput sets where the bus reports a handler failure that no handler
// of [HandlerFailure] took (default [os.Stderr]). Nothing is dropped silently.
func WithErrorOutput(w io.Writer) Option {
	return optionFunc(func(b *Bus) {
		if w != nil {
			b.errOut = w
		}
	})
}

// New returns an enabled bus with no handlers. It redacts model and tool data,
// scrubs secrets and throttles high-volume events unless options say
// otherwise (see pipeline.go's [WithRedaction], [WithScrubber],
// [WithThrottle]).
func New(opts ...Option) *Bus {
	b := &Bus{
		enabled:     true,
		now:         time.Now,
		errOut:      os.Stderr,
		scrubber:    scrub.New(),
		throttle:    throttle.New(),
		throttleKey: DefaultThrottleKey,
	}
	for _, o := range opts {
		o.apply(b)
	}
	b.buildRules()
	b.attached = newSnapshot(nil, b.rules)
	b.epoch = b.now()
	return b
}

var defaultBus = sync.OnceValue(func() *Bus {
	policy, err := redact.FromEnv(os.LookupEnv)
	b := New(WithRedaction(policy))
	if err != nil {
		fmt.Fprintf(b.errOut, "telemetry: default bus: %v\n", err)
	}
	if v, ok := os.LookupEnv("CODEXTEL_DISABLED"); ok {
		if off, err := strconv.ParseBool(strings.TrimSpace(v)); err == nil && off {
			b.SetEnabled(false)
		}
	}
	return b
})

// Default returns the process-wide bus, for instrumented code that has no bus
// handed to it (as [net/http.DefaultServeMux] is for handlers). Libraries and
// tests should prefer a bus of their own from [New]. The default bus reads its
// redaction policy from the environment ([redact.FromEnv]: the Python client's
// OPENAI_AGENTS_DONT_LOG_* variables and codextel's CODEXTEL_LOG_*), and
// starts disabled when CODEXTEL_DISABLED is true (as [strconv.ParseBool]
// reads it). A malformed variable is reported on stderr once.
func Default() *Bus { return defaultBus() }

// Now reads the bus's clock (see [WithClock]).
func (b *Bus) Now() time.Time { return b.now() }

// Attach attaches h under id to every event matching one of patterns. A pattern
// is an exact event name ("codex.tool.start"), a prefix ("codex.tool.*": every
// event under codex.tool) or "*" (every event). Attach returns an error wrapping
// [ErrDuplicateHandler] when id is taken and [ErrBadName] when a pattern is
// malformed; nothing is attached then.
func (b *Bus) Attach(id string, h Handler, patterns ...string) error {
	if id == "" {
		return errors.New("telemetry: attach: empty handler id")
	}
	if h == nil {
		return fmt.Errorf("telemetry: attach %q: nil handler", id)
	}
	if len(patterns) == 0 {
		return fmt.Errorf("telemetry: attach %q: %w: no event patterns", id, ErrBadName)
	}
	en := &entry{id: id, handler: h, texts: slices.Clone(patterns)}
	for _, p := range patterns {
		pat, err := parsePattern(p)
		if err != nil {
			return fmt.Errorf("telemetry: attach %q: %w", id, err)
		}
		en.patterns = append(en.patterns, pat)
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	for _, other := range b.attached.entries {
		if other.id == id {
			return fmt.Errorf("%w: %q", ErrDuplicateHandler, id)
		}
	}
	b.publish(newSnapshot(append(slices.Clip(b.attached.entries), en), b.rules))
	return nil
}

// Detach detaches the handler attached under id from all its events. It
// returns an error wrapping [ErrUnknownHandler] when there is none.
func (b *Bus) Detach(id string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	i := slices.IndexFunc(b.attached.entries, func(e *entry) bool { return e.id == id })
	if i < 0 {
		return fmt.Errorf("%w: %q", ErrUnknownHandler, id)
	}
	b.publish(newSnapshot(slices.Delete(slices.Clone(b.attached.entries), i, i+1), b.rules))
	return nil
}

// detachEntry detaches en if it is still attached (it may have been detached,
// or its id reused, since the emission that found it started).
func (b *Bus) detachEntry(en *entry) {
	b.mu.Lock()
	defer b.mu.Unlock()
	i := slices.Index(b.attached.entries, en)
	if i >= 0 {
		b.publish(newSnapshot(slices.Delete(slices.Clone(b.attached.entries), i, i+1), b.rules))
	}
}

// publish installs s as the attached set. b.mu must be held.
func (b *Bus) publish(s *snapshot) {
	b.attached = s
	b.refreshLive()
}

func (b *Bus) refreshLive() {
	if b.enabled && len(b.attached.entries) > 0 {
		b.live.Store(b.attached)
	} else {
		b.live.Store(nil)
	}
}

// SetEnabled switches the whole bus on or off. A disabled bus keeps its
// handlers but delivers nothing: an emission costs one atomic load, and spans
// neither read the clock nor make ids.
func (b *Bus) SetEnabled(on bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.enabled = on
	b.off.Store(!on)
	b.refreshLive()
}

// Enabled reports whether an event named name would reach any handler. Callers
// can use it to skip building costly metadata.
func (b *Bus) Enabled(name string) bool {
	s := b.live.Load()
	if s == nil {
		return false
	}
	hs, filtered, _ := s.lookup(name)
	return firstMatch(hs, filtered, name) >= 0
}

// Handlers lists, in attach order, the handlers attached to some event under
// prefix: a pattern counts when an event it matches is prefix itself or has
// prefix followed by a dot at its start. The empty prefix lists every handler.
func (b *Bus) Handlers(prefix string) []HandlerInfo {
	b.mu.Lock()
	entries := b.attached.entries
	b.mu.Unlock()
	var out []HandlerInfo
	for _, en := range entries {
		if slices.ContainsFunc(en.patterns, func(p pattern) bool { return p.overlaps(prefix) }) {
			out = append(out, HandlerInfo{ID: en.id, Patterns: slices.Clone(en.texts)})
		}
	}
	return out
}

// Emit sends the event name, with the given measurements and metadata, to the
// handlers attached to it, on the caller's goroutine, in attach order. The
// event carries the correlation ids found in ctx and no time (see
// [Event.Time]). Emit copies measurements and metadata, so the caller may
// reuse them. Emit never fails and never panics because of a handler.
func (b *Bus) Emit(ctx context.Context, name string, measurements []Measurement, metadata ...slog.Attr) {
	s := b.live.Load()
	if s == nil {
		return
	}
	hs, filtered, r := s.lookup(name)
	first := firstMatch(hs, filtered, name)
	if first < 0 {
		return
	}
	if filtered {
		r = b.rules[name]
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if b.throttles(r) {
		var v slog.Value
		found := false
		for _, a := range metadata {
			if a.Key == b.throttleKey {
				v, found = a.Value, true
				break
			}
		}
		if !b.allow(name, v, found, correlation.From(ctx)) {
			return
		}
	}
	var e Event
	e.Name = name
	e.ids = correlation.From(ctx)
	e.AddMeasurements(measurements...)
	if r == nil && b.scrubber == nil {
		e.AddMetadata(metadata...)
	} else {
		// Redaction and scrubbing, written out (not b.add) so that the
		// attributes are stored straight into the event on this stack.
		var extra []slog.Attr // what does not fit inline, allocated once
		for i, a := range metadata {
			if r.drops(a.Key) {
				continue
			}
			if b.scrubber != nil {
				if clean, changed := b.scrubber.Attr(a); changed {
					a = clean
				}
			}
			if e.nMetadata < metadataInline {
				e.metadata[e.nMetadata] = a
				e.nMetadata++
				continue
			}
			if extra == nil {
				extra = make([]slog.Attr, 0, len(metadata)-i)
			}
			extra = append(extra, a)
		}
		e.setMoreMetadata(extra)
	}

	// The loop is dispatch's, written out here: handing the event to dispatch
	// by pointer would make the compiler copy it twice per handler call.
	hs = hs[first:]
	i := 0
	defer func() {
		if r := recover(); r != nil {
			b.handlerFailed(ctx, hs[i], name, r, stack())
			b.dispatch(ctx, hs[i+1:], filtered, &e)
		}
	}()
	for ; i < len(hs); i++ {
		if filtered && i > 0 && !hs[i].matches(name) {
			continue // hs[0] is known to match
		}
		hs[i].handler.Handle(ctx, e)
	}
}

// EmitEvent sends a prepared event (see [NewEvent]) like [Bus.Emit]. The
// correlation ids in ctx, when it has any, replace those the event carries.
func (b *Bus) EmitEvent(ctx context.Context, e Event) {
	b.emitEvent(ctx, &e)
}

// emitEvent delivers e and returns the number of handlers called.
func (b *Bus) emitEvent(ctx context.Context, e *Event) int {
	s := b.live.Load()
	if s == nil {
		return 0
	}
	hs, filtered, r := s.lookup(e.Name)
	first := firstMatch(hs, filtered, e.Name)
	if first < 0 {
		return 0
	}
	if filtered {
		r = b.rules[e.Name]
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if ids := correlation.From(ctx); ids != nil {
		e.ids = ids
	}
	if b.throttles(r) {
		v, found := e.Lookup(b.throttleKey)
		if !b.allow(e.Name, v, found, e.ids) {
			return 0
		}
	}
	b.clean(e, r)
	return b.dispatch(ctx, hs[first:], filtered, e)
}

// dispatch calls the handlers in hs that take e and returns how many it called.
// One deferred recover guards the whole loop: after a panic it reports the
// failure and carries on with the handlers after the one that panicked.
func (b *Bus) dispatch(ctx context.Context, hs []*entry, filtered bool, e *Event) (n int) {
	i := 0
	defer func() {
		if r := recover(); r != nil {
			b.handlerFailed(ctx, hs[i], e.Name, r, stack())
			n += b.dispatch(ctx, hs[i+1:], filtered, e)
		}
	}()
	for ; i < len(hs); i++ {
		en := hs[i]
		if filtered && !en.matches(e.Name) {
			continue
		}
		n++
		en.handler.Handle(ctx, *e)
	}
	return n
}

// entry is one attached handler.
type entry struct {
	id       string
	handler  Handler
	patterns []pattern
	texts    []string
}

func (en *entry) matches(name string) bool {
	for _, p := range en.patterns {
		if p.matches(name) {
			return true
		}
	}
	return false
}

// snapshot is an immutable set of attached handlers, indexed for dispatch.
type snapshot struct {
	entries []*entry // attach order

	// For each name some handler is attached to exactly, names[i] lists in
	// lists[i] every handler taking that name, exact or by prefix, in attach
	// order. A few names are scanned; index maps them when there are many.
	names []string
	lists [][]*entry
	rules []*rule // the bus's rule for names[i], or nil
	index map[string]int

	// wild holds, in attach order, the handlers attached by prefix; for names
	// not in names, dispatch filters it by name.
	wild []*entry
}

// scanLimit is how many exact names lookup scans before it uses a map: a
// string comparison is cheaper than a hash up to about this many.
const scanLimit = 8

func newSnapshot(entries []*entry, rules map[string]*rule) *snapshot {
	s := &snapshot{entries: entries}
	for _, en := range entries {
		for _, p := range en.patterns {
			if !p.exact {
				s.wild = append(s.wild, en)
				break
			}
		}
	}
	for _, en := range entries {
		for _, p := range en.patterns {
			if !p.exact || slices.Contains(s.names, p.text) {
				continue
			}
			var hs []*entry
			for _, other := range entries {
				if other.matches(p.text) {
					hs = append(hs, other)
				}
			}
			s.names = append(s.names, p.text)
			s.lists = append(s.lists, hs)
			s.rules = append(s.rules, rules[p.text])
		}
	}
	if len(s.names) > scanLimit {
		s.index = make(map[string]int, len(s.names))
		for i, name := range s.names {
			s.index[name] = i
		}
	}
	return s
}

// lookup returns the handlers that may take name (when filtered is true each
// must still be checked with matches) and, for a name some handler is
// attached to exactly, the bus's rule for it, cached in the snapshot. For the
// others the caller looks the rule up itself once a handler matched, so that
// a miss costs no map lookup.
func (s *snapshot) lookup(name string) (hs []*entry, filtered bool, r *rule) {
	if s.index != nil {
		if i, ok := s.index[name]; ok {
			return s.lists[i], false, s.rules[i]
		}
	} else {
		for i, n := range s.names {
			if n == name {
				return s.lists[i], false, s.rules[i]
			}
		}
	}
	return s.wild, true, nil
}

// firstMatch returns the index of the first handler in hs that takes name, or -1.
func firstMatch(hs []*entry, filtered bool, name string) int {
	if !filtered {
		if len(hs) == 0 {
			return -1
		}
		return 0
	}
	for i, en := range hs {
		if en.matches(name) {
			return i
		}
	}
	return -1
}
