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
	"unsafe"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/internal/redact"
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

	now          func() time.Time
	defaultClock bool      // now is time.Now: spans read the monotonic clock
	epoch        time.Time // start of the monotonic_time measurement
	errOut       io.Writer
	errMu        sync.Mutex
	namesMu      sync.Mutex                         // serialises writers of names
	names        atomic.Pointer[map[nameKey]string] // span event names, see eventName

	// The safeguards (pipeline.go), fixed at New.
	policy      redact.Policy
	scrubber    *scrub.Scrubber
	throttle    *throttle.Throttle
	throttleKey string
	rules       map[string]*rule // catalog event name -> what to do to it

	spare atomic.Pointer[record] // a record ready for the next emission

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

// WithClock makes the bus read time from now instead of [time.Now]: the
// time of events emitted without one (see [Event.When]), and spans' start
// and stop times and durations. It is the one clock of every handler.
func WithClock(now func() time.Time) Option {
	return optionFunc(func(b *Bus) {
		if now != nil {
			b.now, b.defaultClock = now, false
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
// otherwise (see pipeline.go's [WithModelData], [WithToolData], [WithScrubber],
// [WithThrottle]).
func New(opts ...Option) *Bus {
	b := &Bus{
		enabled:      true,
		now:          time.Now,
		defaultClock: true,
		errOut:       os.Stderr,
		scrubber:     scrub.New(),
		throttle:     throttle.New(),
		throttleKey:  DefaultThrottleKey,
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
	model, tool, err := DataFromEnv(os.LookupEnv)
	b := New(WithModelData(model), WithToolData(tool))
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
// redaction policy from the environment ([DataFromEnv]: the Python client's
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
//
// detach detaches this one attachment. It is bound to it, not to id: once the
// handler is gone (detach called before, [Bus.Detach], or the bus detached a
// handler that panicked) it does nothing and returns an error wrapping
// [ErrUnknownHandler], and it never removes a handler attached later under
// the same id.
func (b *Bus) Attach(id string, h Handler, patterns ...string) (detach func() error, err error) {
	if id == "" {
		return nil, errors.New("telemetry: attach: empty handler id")
	}
	if h == nil {
		return nil, fmt.Errorf("telemetry: attach %q: nil handler", id)
	}
	if len(patterns) == 0 {
		return nil, fmt.Errorf("telemetry: attach %q: %w: no event patterns", id, ErrBadName)
	}
	en := &entry{id: id, handler: h, texts: slices.Clone(patterns), bus: b}
	en.enabler, _ = h.(EnabledHandler)
	_, en.static = h.(StaticEnabledHandler)
	for _, p := range patterns {
		pat, err := parsePattern(p)
		if err != nil {
			return nil, fmt.Errorf("telemetry: attach %q: %w", id, err)
		}
		en.patterns = append(en.patterns, pat)
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	for _, other := range b.attached.entries {
		if other.id == id {
			return nil, fmt.Errorf("%w: %q", ErrDuplicateHandler, id)
		}
	}
	b.publish(newSnapshot(append(slices.Clip(b.attached.entries), en), b.rules))
	return func() error {
		if !b.detachEntry(en) {
			return fmt.Errorf("%w: %q is detached already", ErrUnknownHandler, id)
		}
		return nil
	}, nil
}

// Detach detaches the handler attached under id from all its events. It
// returns an error wrapping [ErrUnknownHandler] when there is none. The
// detach function [Bus.Attach] returns is the safer way: it cannot remove
// another handler that took the id since.
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
// or its id reused, since the emission or the detach function that names it
// was made) and reports whether it was.
func (b *Bus) detachEntry(en *entry) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	i := slices.Index(b.attached.entries, en)
	if i < 0 {
		return false
	}
	b.publish(newSnapshot(slices.Delete(slices.Clone(b.attached.entries), i, i+1), b.rules))
	return true
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

// Enabled reports whether an event named name would reach any handler,
// asking the handlers that implement [EnabledHandler]. Callers can use it to
// skip building costly metadata.
func (b *Bus) Enabled(name string) bool {
	s := b.live.Load()
	if s == nil {
		return false
	}
	rt := s.firstProbe(name)
	if rt == nil {
		rt = s.routeAgain(name)
	}
	if rt.only != nil { // takers, inlined as in Emit
		return rt.only.Enabled(context.Background(), rt.asked, name)
	}
	_, n := takersLoop(context.Background(), rt, name)
	return n > 0
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
// event carries the correlation ids found in ctx, its catalog entry, and the
// time of the bus's clock, read once and only when a handler asks (see
// [Event.When]). Emit copies measurements and metadata, so the caller may
// reuse them. Emit never fails and never panics because of a handler.
func (b *Bus) Emit(ctx context.Context, name string, measurements []Measurement, metadata ...slog.Attr) {
	s := b.live.Load()
	if s == nil {
		return
	}
	// The route and the handlers' Enabled here, before deliver's frame
	// and arguments: an event nobody takes costs nothing else.
	rt := s.firstProbe(name)
	if rt == nil {
		rt = s.routeAgain(name)
	}
	if len(rt.handlers) == 0 {
		return
	}
	if ctx == nil {
		ctx = context.Background()
	}
	// takers, inlined (a function asking an interface is too costly for
	// the compiler to inline).
	var take uint64
	var n int
	if rt.only != nil {
		if !rt.only.Enabled(ctx, rt.asked, name) {
			return
		}
		take, n = 1, 1
	} else if take, n = takersLoop(ctx, rt, name); n == 0 {
		return
	}
	b.prepare(ctx, rt, take, n, name, time.Time{}, nil, measurements, metadata, nil, nil)
}

// EmitEvent sends a prepared event (see [NewEvent]) like [Bus.Emit]. The
// correlation ids in ctx, when it has any, replace those the event carries.
// An event without a time gets the bus's, as with Emit. EmitEvent copies
// what it needs of e, which stays the caller's.
func (b *Bus) EmitEvent(ctx context.Context, e Event) {
	b.emitEvent(ctx, &e)
}

// emitEvent delivers e and returns the number of handlers called.
func (b *Bus) emitEvent(ctx context.Context, e *Event) int {
	ms, md := e.fields()
	return b.deliver(ctx, e.Name, e.Time, e.ids(), ms, md, nil, nil)
}

// deliver is every emission's path: it finds the handlers that take the
// event named name, applies the safeguards, and hands the handlers one
// record holding measurements ms and metadata md1, md2 and md3 in that
// order, at time t (the bus's clock, read at most once, when t is zero),
// with the correlation ids of ctx (ids when ctx has none). It copies what
// it is given, which stays the caller's, and returns how many handlers it
// called.
func (b *Bus) deliver(ctx context.Context, name string, t time.Time, ids *correlation.IDs, ms []Measurement, md1, md2, md3 []slog.Attr) int {
	s := b.live.Load()
	if s == nil {
		return 0
	}
	rt := s.route(name)
	if len(rt.handlers) == 0 {
		return 0
	}
	if ctx == nil {
		ctx = context.Background()
	}
	take, n := takers(ctx, rt, name)
	if n == 0 {
		return 0
	}
	return b.prepare(ctx, rt, take, n, name, t, ids, ms, md1, md2, md3)
}

// prepare is deliver once the n handlers of rt that take the event are
// known (bit i of take: see takers): it applies the safeguards and calls
// them.
func (b *Bus) prepare(ctx context.Context, rt *route, take uint64, n int, name string, t time.Time, ids *correlation.IDs, ms []Measurement, md1, md2, md3 []slog.Attr) int {
	if c := correlation.From(ctx); c != nil {
		ids = c
	}
	r := rt.rule
	if b.throttles(r) {
		v, found := lookupAttr(md1, b.throttleKey)
		if !found {
			v, found = lookupAttr(md2, b.throttleKey)
		}
		if !found {
			v, found = lookupAttr(md3, b.throttleKey)
		}
		if !b.allow(name, v, found, ids) {
			return 0
		}
	}
	rec := b.getRecord(b.now)
	rec.measurements = append(rec.measurements, ms...)
	rec.metadata = b.clean(rec.metadata, r, md1)
	if len(md2)+len(md3) > 0 {
		rec.metadata = b.clean(rec.metadata, r, md2)
		rec.metadata = b.clean(rec.metadata, r, md3)
	}
	rec.ids, rec.entry = ids, rt.entry
	// The event's fields are set one by one: a composite literal is built
	// in a temporary and copied, with wide loads of narrow stores just made.
	var e Event
	e.Name, e.Time, e.rec = name, t, rec
	if n > 1 && t.IsZero() {
		rec.setTime(b.now()) // one time for every handler, read once
	}
	n = b.dispatch(ctx, rt, take, &e)
	b.putRecord(rec)
	return n
}

// lookupAttr returns the value of the first attribute of md named key.
func lookupAttr(md []slog.Attr, key string) (slog.Value, bool) {
	for i := range md {
		if md[i].Key == key {
			return md[i].Value, true
		}
	}
	return slog.Value{}, false
}

// takers returns which of rt's handlers take an event named name: bit i of
// take is set when handlers[i] does (for the first 64; dispatch asks the
// others itself), and n counts them all. It asks the handlers that implement
// [EnabledHandler].
func takers(ctx context.Context, rt *route, name string) (take uint64, n int) {
	if rt.only != nil {
		// One handler, which decides per emission (a logger's level):
		// asked without the loop.
		if rt.only.Enabled(ctx, rt.asked, name) {
			return 1, 1
		}
		return 0, 0
	}
	return takersLoop(ctx, rt, name)
}

// takersLoop is takers for every other route.
func takersLoop(ctx context.Context, rt *route, name string) (take uint64, n int) {
	entry := rt.asked
	for i, en := range rt.handlers {
		if rt.filtered && !en.matches(name) {
			continue
		}
		if en.enabler != nil && !(en.static && !rt.filtered) && !en.enabler.Enabled(ctx, entry, name) {
			continue
		}
		if i < 64 {
			take |= 1 << i
		}
		n++
	}
	return take, n
}

// dispatch calls the handlers of rt that take e (bit i of take, or asked
// again past the first 64) and returns how many it called.
func (b *Bus) dispatch(ctx context.Context, rt *route, take uint64, e *Event) (n int) {
	for i, en := range rt.handlers {
		if i < 64 {
			if take&(1<<i) == 0 {
				continue
			}
		} else if rt.filtered && !en.matches(e.Name) || !en.enabled(ctx, rt, e) {
			continue
		}
		n++
		// Field by field: copying *e whole takes 16-byte loads of the
		// 8-byte stores that just built it, which stall.
		en.call(ctx, Event{Name: e.Name, Time: e.Time, rec: e.rec})
	}
	return n
}

// call hands e to en's handler. A panic in it is recovered, reported and
// the handler detached (see recovered); the caller carries on with the
// next handler. The receiver, ctx and e fill the nine registers of a call:
// the event reaches Handle without a copy through memory.
func (en *entry) call(ctx context.Context, e Event) {
	defer en.recovered(ctx, e.Name)
	en.handler.Handle(ctx, e)
}

// recovered, deferred by call, recovers a panic of en's handler on the
// event named name and reports it.
func (en *entry) recovered(ctx context.Context, name string) {
	if r := recover(); r != nil {
		en.bus.handlerFailed(ctx, en, name, r, stack())
	}
}

// entry is one attached handler.
type entry struct {
	bus      *Bus // the bus it is attached to
	id       string
	handler  Handler
	enabler  EnabledHandler // handler, when it implements EnabledHandler
	static   bool           // handler is a StaticEnabledHandler
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

// enabled asks en, if it implements EnabledHandler and rt does not hold
// its answer, whether it takes e.
func (en *entry) enabled(ctx context.Context, rt *route, e *Event) bool {
	return en.enabler == nil || en.static && !rt.filtered || en.enabler.Enabled(ctx, e.Entry(), e.Name)
}

// snapshot is an immutable set of attached handlers, indexed for dispatch.
type snapshot struct {
	entries []*entry // attach order

	// A route for every catalog name and every name some handler is
	// attached to exactly. A name is mostly a catalog constant, which
	// shares its bytes with the route's name (the linker keeps one copy of
	// a string constant): byAddr finds those by the address of their bytes,
	// with a multiplication and a probe or two, comparing no bytes. Other
	// names are found by length (a few string comparisons beat hashing the
	// name), or in index when some length has many names.
	byAddr []addrSlot // open addressing, a power of two long
	shift  uint       // 64 - log2(len(byAddr))
	byLen  [][]*route
	index  map[string]*route

	// wild serves every other name: the handlers attached by prefix, in
	// attach order, which dispatch filters by name.
	wild route

	spans atomic.Pointer[spanCache] // by span name, filled as spans open (span.go)
}

// A route is what an emission of one name needs: the name's catalog entry
// and the bus's rule for it (both looked up once, here, for every emission),
// and the handlers that take it.
type route struct {
	name     string
	entry    *catalog.Entry // noEntry outside the catalog
	asked    *catalog.Entry // what EnabledHandler.Enabled is given: entry, nil outside the catalog
	only     EnabledHandler // the route's one handler, when it is exact and asked on every emission
	rule     *rule          // nil: nothing to redact or plan, not throttled
	handlers []*entry       // attach order, less the static handlers that decline the name
	filtered bool           // handlers must still be matched by name (wild)
}

// scanLimit is how many names of one length route compares before the
// snapshot uses a map instead.
const scanLimit = 8

func newSnapshot(entries []*entry, rules map[string]*rule) *snapshot {
	s := &snapshot{entries: entries, wild: route{entry: noEntry, filtered: true}}
	for _, en := range entries {
		for _, p := range en.patterns {
			if !p.exact {
				s.wild.handlers = append(s.wild.handlers, en)
				break
			}
		}
	}
	var names []string
	for _, e := range catalog.All() {
		names = append(names, e.Name)
	}
	for _, en := range entries {
		for _, p := range en.patterns {
			if p.exact && !slices.Contains(names, p.text) {
				names = append(names, p.text)
			}
		}
	}
	long := false
	for _, name := range names {
		rt := &route{name: name, entry: lookupEntry(name), rule: rules[name]}
		entry := rt.entry
		if entry == noEntry {
			entry = nil
		}
		for _, en := range entries {
			// A static handler's no is kept by leaving it out of the route.
			if en.matches(name) && (!en.static || en.enabler.Enabled(context.Background(), entry, name)) {
				rt.handlers = append(rt.handlers, en)
			}
		}
		for len(s.byLen) <= len(name) {
			s.byLen = append(s.byLen, nil)
		}
		rt.asked = entry
		if len(rt.handlers) == 1 && rt.handlers[0].enabler != nil && !rt.handlers[0].static {
			rt.only = rt.handlers[0].enabler
		}
		s.byLen[len(name)] = append(s.byLen[len(name)], rt)
		long = long || len(s.byLen[len(name)]) > scanLimit
	}
	s.fillByAddr(addrSpread)
	if long {
		s.index = make(map[string]*route, len(names))
		for _, rts := range s.byLen {
			for _, rt := range rts {
				s.index[rt.name] = rt
			}
		}
		s.byLen = nil
	}
	return s
}

// An addrSlot of snapshot.byAddr holds a route and where its name's bytes
// are; an empty one holds the wild route and no bytes.
type addrSlot struct {
	p  *byte
	n  int
	rt *route
}

// addrHash spreads the address of a name's bytes over the table's bits
// (Fibonacci hashing).
func addrHash(name string, shift uint) uintptr {
	return uintptr(unsafe.Pointer(unsafe.StringData(name))) * 0x9E3779B97F4A7C15 >> shift
}

// addrSpread is how many slots byAddr has per name, at least: sparse, so
// that a name mostly finds its route at its first probe.
const addrSpread = 8

// fillByAddr indexes every route of s by the address of its name's bytes,
// in a table of at least spread (≥ 2: a slot stays empty) slots per name.
func (s *snapshot) fillByAddr(spread int) {
	n := 0
	for _, rts := range s.byLen {
		n += len(rts)
	}
	size, bits := 4, uint(2)
	for size < spread*n {
		size, bits = size*2, bits+1
	}
	s.byAddr, s.shift = make([]addrSlot, size), 64-bits
	for i := range s.byAddr {
		s.byAddr[i].rt = &s.wild
	}
	mask := uintptr(size - 1)
	for _, rts := range s.byLen {
		for _, rt := range rts {
			if rt.name == "" {
				continue
			}
			i := addrHash(rt.name, s.shift)
			for s.byAddr[i].p != nil {
				i = (i + 1) & mask
			}
			s.byAddr[i] = addrSlot{p: unsafe.StringData(rt.name), n: len(rt.name), rt: rt}
		}
	}
}

// route returns the route of name: its own, or the wild one. A catalog
// constant mostly finds its route at the first probe. (An empty slot
// matches only a name of no bytes, which has no route of its own: its
// route is the wild one.)
func (s *snapshot) route(name string) *route {
	if rt := s.firstProbe(name); rt != nil {
		return rt
	}
	return s.routeAgain(name)
}

// firstProbe returns the route in name's first slot when it is name's, else
// nil: route's common case, small enough for the compiler to inline where
// route, which calls routeAgain, is not (Emit and Enabled, whose disabled
// path is a few nanoseconds, call it first).
func (s *snapshot) firstProbe(name string) *route {
	if sl := &s.byAddr[addrHash(name, s.shift)]; sl.p == unsafe.StringData(name) && sl.n == len(name) {
		return sl.rt
	}
	return nil
}

// routeAgain is route past the first probe.
func (s *snapshot) routeAgain(name string) *route {
	mask := uintptr(len(s.byAddr) - 1)
	for i := addrHash(name, s.shift); s.byAddr[i].p != nil; i = (i + 1) & mask {
		if sl := &s.byAddr[i]; sl.p == unsafe.StringData(name) && sl.n == len(name) {
			return sl.rt
		}
	}
	if s.index != nil {
		if rt, ok := s.index[name]; ok {
			return rt
		}
		return &s.wild
	}
	if len(name) < len(s.byLen) {
		for _, rt := range s.byLen[len(name)] {
			if rt.name == name {
				return rt
			}
		}
	}
	return &s.wild
}
