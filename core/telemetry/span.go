package telemetry

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/codextel/codextel/core/correlation"
)

// The suffixes of the three events a span emits, after the span's name.
const (
	SpanStart     = "start"     // <name>.start: measurements system_time, monotonic_time
	SpanStop      = "stop"      // <name>.stop: measurements duration, duration_ms
	SpanException = "exception" // <name>.exception: duration, duration_ms; metadata kind, reason, error_type[, stacktrace]
)

// Span emits <name>.start, runs fn inside the span, then emits <name>.stop
// when fn returns nil or <name>.exception when it returns an error, and returns
// fn's error. A panic in fn is reported as <name>.exception with kind "panic"
// and then re-panicked.
//
// The context fn receives carries the span's correlation ids: a new span id,
// with the enclosing span's id as parent, so spans opened inside fn nest under
// this one. metadata goes on all three events; see [Bus.StartSpan] for the
// measurements and the metadata the bus adds.
func (b *Bus) Span(ctx context.Context, name string, metadata []slog.Attr, fn func(context.Context) error) (err error) {
	ctx, sp := b.StartSpan(ctx, name, metadata...)
	if sp == nil {
		return fn(ctx)
	}
	defer func() {
		if r := recover(); r != nil {
			sp.end(SpanException, "panic", fmt.Sprint(r), errorType(r), stack(), nil)
			panic(r)
		}
	}()
	if err = fn(ctx); err != nil {
		sp.Fail(err)
	} else {
		sp.End()
	}
	return err
}

// StartSpan opens a span for code that cannot wrap a closure; end it with
// [Span.End] or [Span.Fail], from any goroutine. It emits <name>.start, with
// measurements system_time (Unix time in nanoseconds) and monotonic_time
// (nanoseconds on the bus's monotonic clock), and the given metadata.
//
// The returned context carries the span's ids (see [correlation.IDs]): pass
// it to the work the span covers. A span opened under a context without a
// correlation id starts a new one (see [correlation.NewCorrelationID]). The ids are made even when nobody listens to
// the span's events, so that events emitted inside it still correlate. When the
// bus is disabled, StartSpan returns ctx unchanged and a nil *Span, whose
// methods do nothing.
func (b *Bus) StartSpan(ctx context.Context, name string, metadata ...slog.Attr) (context.Context, *Span) {
	return b.StartSpanAs(ctx, name, SpanStart, metadata...)
}

// StartSpanAs is [Bus.StartSpan] for spans whose first event is not called
// "start": it emits <name>.<suffix>. The catalog's approval spans open with
// codex.approval.requested, for example.
func (b *Bus) StartSpanAs(ctx context.Context, name, suffix string, metadata ...slog.Attr) (context.Context, *Span) {
	if b.off.Load() {
		return ctx, nil
	}
	if ctx == nil {
		ctx = context.Background()
	}
	// One allocation holds the span, its context, its ids and their text.
	sp := new(Span)
	sp.ctx.Context = ctx
	if parent := correlation.From(ctx); parent != nil {
		sp.ctx.IDs = *parent
	}
	ids := &sp.ctx.IDs
	if ids.Correlation == "" {
		if b.seeded != nil {
			ids.Correlation = b.newCorrelationID()
		} else {
			ids.Correlation = hexID(sp.text[16:48], true)
		}
	}
	ids.ParentSpan = ids.Span
	switch {
	case ids.NextSpan != "":
		ids.Span, ids.NextSpan = ids.NextSpan, "" // reserved by the caller
	case b.seeded != nil:
		ids.Span = b.newSpanID() // WithSeed: ids from the seed's stream
	default:
		ids.Span = hexID(sp.text[:16], false)
	}

	names := b.spanNames(name)
	sp.names = names
	if !names.listens {
		sp.ended.Store(true) // nobody listens: skip the clock and the events
		return &sp.ctx, sp
	}
	if len(metadata) > 0 {
		md := slices.Clone(metadata)
		sp.metadata, sp.nMetadata = &md[0], int32(len(md))
	}
	start, mono := b.spanClock()
	sp.mono = mono
	ms := [...]Measurement{
		Int("system_time", start.UnixNano()),
		Int("monotonic_time", int64(mono)),
	}
	b.deliver(&sp.ctx, names.event(suffix), start, ids, ms[:], sp.startMetadata(), nil, nil)
	return &sp.ctx, sp
}

// spanClock reads the time for a span's event: with the bus's own clock
// one monotonic reading, from which the wall time follows (the epoch's
// wall time plus the monotonic time since it: [time.Now] costs twice a
// monotonic read); with a clock from [WithClock], that clock. It returns
// the time and the monotonic time since the bus's epoch.
func (b *Bus) spanClock() (time.Time, time.Duration) {
	if b.defaultClock {
		d := time.Since(b.epoch)
		return b.epoch.Add(d), d
	}
	t := b.now()
	return t, t.Sub(b.epoch)
}

// hexID fills buf (16 or 32 bytes) with random lower-case hex digits, never
// all zeros, and returns it as a string sharing buf's memory, which is never
// written again. The bits come from math/rand/v2's ChaCha8 generator, per
// thread and seeded by the operating system: ids as random as correlation's
// NewSpanID and NewCorrelationID (spelled by [putHex]), without their
// allocations.
func hexID(buf []byte, long bool) string {
	for {
		hi, lo := rand.Uint64(), uint64(0)
		if long {
			lo = rand.Uint64()
		}
		if hi|lo == 0 {
			continue
		}
		putHex(buf[:16], hi)
		if long {
			putHex(buf[16:32], lo)
		}
		return unsafe.String(&buf[0], len(buf))
	}
}

// putHex writes to buf[:16] 16 lower-case hex digits that spell the 64
// bits of v in an order of their own, eight digits at a time: first the
// low nibbles of v's bytes, from the least significant byte on, then their
// high nibbles. Each v has its own text, so a random v makes uniformly
// random digits, and a v other than 0 never makes all zeros; spelling v in
// the usual order would first have to spread its nibbles one to a byte.
func putHex(buf []byte, v uint64) {
	binary.LittleEndian.PutUint64(buf[:8], hexDigits(v&0x0f0f0f0f0f0f0f0f))
	binary.LittleEndian.PutUint64(buf[8:16], hexDigits(v>>4&0x0f0f0f0f0f0f0f0f))
}

// hexDigits returns the hex digits of the nibbles in v, one to a byte (each
// byte of v below 16), in the same bytes.
func hexDigits(v uint64) uint64 {
	// A nibble of 10 or more gets bit 4 from adding 6; such a digit is a
	// letter: 'a'-'0'-10 = 39 past where '0'+nibble would put it.
	letters := (v + 0x0606060606060606) >> 4 & 0x0101010101010101
	return v + 0x3030303030303030 + letters*39
}

// A Span is an open span started by [Bus.StartSpan]. Its methods are safe to
// call from any goroutine; only the first End or Fail counts.
type Span struct {
	ctx       correlation.Context // the context the span returned, with its ids
	names     *spanNames          // its bus, its name and its events' names
	mono      time.Duration       // start on the bus's monotonic clock
	metadata  *slog.Attr          // the start metadata (a copy): nMetadata attributes from here
	nMetadata int32
	ended     atomic.Bool
	text      [48]byte // the span id's 16 hex digits, then a new correlation id's 32
}

// ID returns the span's id, or "" for a nil span.
func (s *Span) ID() string {
	if s == nil {
		return ""
	}
	return s.ctx.IDs.Span
}

// End closes the span successfully: it emits <name>.stop with measurements
// duration and duration_ms, and the start metadata followed by metadata.
func (s *Span) End(metadata ...slog.Attr) { s.EndAs(SpanStop, metadata...) }

// EndAs closes the span successfully like [Span.End], but emits
// <name>.<suffix>: the catalog's turn spans end in codex.turn.completed, for
// example.
func (s *Span) EndAs(suffix string, metadata ...slog.Attr) {
	if s == nil || !s.ended.CompareAndSwap(false, true) {
		return
	}
	s.emitEnd(suffix, nil, metadata)
}

// Fail closes the span with an error: it emits <name>.exception with
// measurements duration and duration_ms, and the start metadata followed by
// kind "error", reason (err's message), error_type and metadata. error_type
// is the kind of failure in the manner of OpenTelemetry's error.type: what
// the first error in err's chain with a method ErrorType() string says, else
// "_OTHER" (never a Go type name). A nil err is reported as the reason
// "<nil>".
func (s *Span) Fail(err error, metadata ...slog.Attr) { s.FailAs(SpanException, err, metadata...) }

// FailAs closes the span with an error like [Span.Fail], but emits
// <name>.<suffix>: the catalog's tool spans fail with codex.tool.failure, for
// example.
func (s *Span) FailAs(suffix string, err error, metadata ...slog.Attr) {
	if s == nil || s.ended.Load() {
		return
	}
	reason := "<nil>"
	if err != nil {
		reason = err.Error()
	}
	s.end(suffix, "error", reason, errorType(err), "", metadata)
}

func (s *Span) end(suffix, kind, reason, errType, trace string, metadata []slog.Attr) {
	if s == nil || !s.ended.CompareAndSwap(false, true) {
		return
	}
	extra := [...]slog.Attr{
		slog.String("kind", kind),
		slog.String("reason", reason),
		slog.String("error_type", errType),
		slog.String("stacktrace", trace),
	}
	n := len(extra)
	if trace == "" {
		n--
	}
	s.emitEnd(suffix, extra[:n], metadata)
}

func (s *Span) emitEnd(suffix string, extra, metadata []slog.Attr) {
	b := s.names.bus
	end, mono := b.spanClock()
	d := mono - s.mono
	ms := [...]Measurement{
		Duration("duration", d),
		Float("duration_ms", float64(d)/float64(time.Millisecond)),
	}
	b.deliver(&s.ctx, s.names.event(suffix), end, &s.ctx.IDs, ms[:], s.startMetadata(), extra, metadata)
}

// startMetadata returns the metadata the span started with. The Span holds
// it as a pointer and a 32-bit length, not as a slice, which would make it
// 16 bytes larger than its 192.
func (s *Span) startMetadata() []slog.Attr { return unsafe.Slice(s.metadata, s.nMetadata) }

// spanNames is what the spans of one name need to know of a snapshot:
// whether they emit, and their name and their events' names for the usual
// suffixes. Snapshots cache it per span name (see [Bus.spanNames]).
type spanNames struct {
	listens bool   // some handler takes an event named <name>.<something>
	bus     *Bus   // the bus of the snapshot; nil in quietSpan
	name    string // the span's name; "" in quietSpan

	// <name>.start, <name>.stop and <name>.exception, as the snapshot's
	// routes spell them (see [snapshot.routeName]); "" when not kept.
	start, stop, exception string
}

// quietSpan is the spanNames of the spans of a bus without handlers:
// such a span has ended as it starts, and never needs its bus or its name.
var quietSpan = &spanNames{}

// A spanCache is a snapshot's spanNames, by span name. It is never
// changed: a new name makes a new spanCache.
type spanCache struct {
	// The first names cached, found by comparing the pointers to their
	// bytes: span names are mostly constants, whose bytes every call
	// shares, and comparing a few pointers is cheaper than hashing.
	first  []*spanNames
	byName map[string]*spanNames // every name cached
}

// firstNames is how many names a spanCache finds by pointer.
const firstNames = 8

// lookup returns the spanNames of name, or nil.
func (c *spanCache) lookup(name string) *spanNames {
	p := unsafe.StringData(name)
	for _, sn := range c.first {
		if unsafe.StringData(sn.name) == p && len(sn.name) == len(name) {
			return sn
		}
	}
	return c.byName[name]
}

// event returns sn.name + "." + suffix, the name of an event of the span,
// from sn when it holds it, else from [Bus.eventName].
func (sn *spanNames) event(suffix string) string {
	var full string
	switch suffix {
	case SpanStart:
		full = sn.start
	case SpanStop:
		full = sn.stop
	case SpanException:
		full = sn.exception
	}
	if full == "" {
		full = sn.bus.eventName(sn.name, suffix)
	}
	return full
}

// spanNames returns the spanNames of spans named name under the handlers
// attached now. The live snapshot caches them, copy on write, so that a
// span looks its name up once and a new snapshot (Attach, Detach,
// SetEnabled) starts afresh.
func (b *Bus) spanNames(name string) *spanNames {
	s := b.live.Load()
	if s == nil {
		return quietSpan
	}
	if c := s.spans.Load(); c != nil {
		if sn := c.lookup(name); sn != nil {
			return sn
		}
		if len(c.byName) >= maxCachedNames {
			return s.uncachedSpanNames(b, name)
		}
	}
	v := spanNames{bus: b, name: name}
	if s.listensUnder(name) {
		v.listens = true
		v.start = s.routeName(b.eventName(name, SpanStart))
		v.stop = s.routeName(b.eventName(name, SpanStop))
		v.exception = s.routeName(b.eventName(name, SpanException))
	}
	b.namesMu.Lock()
	defer b.namesMu.Unlock()
	c := &spanCache{}
	if old := s.spans.Load(); old != nil {
		if len(old.byName) >= maxCachedNames {
			return s.uncachedSpanNames(b, name)
		}
		c.first, c.byName = old.first, maps.Clone(old.byName)
	} else {
		c.byName = make(map[string]*spanNames, 1)
	}
	sn := new(spanNames)
	*sn = v
	if len(c.first) < firstNames {
		c.first = append(slices.Clip(c.first), sn)
	}
	c.byName[name] = sn
	s.spans.Store(c)
	return sn
}

// uncachedSpanNames returns the spanNames of spans named name under s,
// for a cache that is full: quietSpan when nobody listens, else one made
// for this span, which looks its events' names up when it emits them.
func (s *snapshot) uncachedSpanNames(b *Bus, name string) *spanNames {
	if !s.listensUnder(name) {
		return quietSpan
	}
	return &spanNames{listens: true, bus: b, name: name}
}

// routeName returns s's own copy of name when s has a route of that name
// (a catalog name, or one some handler is attached to exactly), and name
// otherwise: [snapshot.route] finds its routes by pointer first.
func (s *snapshot) routeName(name string) string {
	if rt := s.route(name); rt != &s.wild {
		return rt.name
	}
	return name
}

// listensUnder reports whether some handler of s takes an event named
// <name>.<something>.
func (s *snapshot) listensUnder(name string) bool {
	for _, en := range s.entries {
		for _, p := range en.patterns {
			if p.text != name && p.overlaps(name) {
				return true
			}
		}
	}
	return false
}

type nameKey struct{ name, suffix string }

// maxCachedNames bounds the span event name cache and each snapshot's
// cache of spanNames, for programs that make span names at run time.
const maxCachedNames = 4096

// eventName returns name + "." + suffix, from a copy-on-write cache so that
// spans do not build the same strings again and again.
func (b *Bus) eventName(name, suffix string) string {
	k := nameKey{name, suffix}
	if m := b.names.Load(); m != nil {
		if s, ok := (*m)[k]; ok {
			return s
		}
	}
	full := name + "." + suffix
	b.namesMu.Lock()
	defer b.namesMu.Unlock()
	old := b.names.Load()
	if old != nil && len(*old) >= maxCachedNames {
		return full
	}
	m := make(map[nameKey]string, 1+func() int {
		if old == nil {
			return 0
		}
		return len(*old)
	}())
	if old != nil {
		maps.Copy(m, *old)
	}
	m[k] = full
	b.names.Store(&m)
	return full
}
