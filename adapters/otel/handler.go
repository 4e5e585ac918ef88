package codexotel

import (
	"context"
	"sync"
	"time"

	"go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/trace"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/telemetry"
)

// DefaultID is the id [Attach] and codexotlp.Start attach their Handler
// under. To attach under another id, or to fewer events, give
// [NewHandler]'s Handler to [telemetry.Bus.Attach].
const DefaultID = "codexotel"

// Attach attaches to bus (nil: [telemetry.Default]) a [Handler] built from
// opts (see [NewHandler]), under [DefaultID], for every event ("*": spans
// and metrics need the span and usage events, and logs take every record).
// detach detaches it and ends the spans it still has open (see
// [Handler.Close]); shut the providers down after it. Calling detach a
// second time returns an error wrapping [telemetry.ErrUnknownHandler].
func Attach(bus *telemetry.Bus, opts ...Option) (detach func() error, err error) {
	if bus == nil {
		bus = telemetry.Default()
	}
	h, err := NewHandler(opts...)
	if err != nil {
		return nil, err
	}
	busDetach, err := bus.Attach(DefaultID, h, "*")
	if err != nil {
		return nil, err
	}
	return func() error {
		if err := busDetach(); err != nil {
			return err
		}
		h.Close()
		return nil
	}, nil
}

// A Handler writes telemetry events to OpenTelemetry: each event as a log
// record, the bus's spans as spans (when a TracerProvider is given), and the
// metrics defined over events. Attach it to a bus for every event:
//
//	h, err := codexotel.NewHandler(codexotel.WithLoggerProvider(lp), codexotel.WithMeterProvider(mp))
//	...
//	detach, err := bus.Attach("otel", h, "*")
//
// or use [Attach], or let codexotlp.Start build the providers from the environment
// and attach it.
// A Handler is safe for concurrent use. It never blocks on export: that is
// the providers' processors' business (see codexotlp.Start for bounded queues).
type Handler struct {
	//lint:ignore U1000 a zero-size func array keeps Handler not comparable, so fields can be added
	noCmp [0]func()

	logs    *logWriter
	spans   *spanTracker
	metrics *metricSet

	known map[string]*route // routes of the catalog's events
	more  sync.Map          // string -> *route, routes of other events
	nmore int               // routes in more, at most maxRoutes; guarded by mu
	mu    sync.Mutex        // guards nmore
}

var _ telemetry.Handler = (*Handler)(nil)

// maxRoutes bounds the routes cached for events outside the catalog, for
// programs that make event names at run time.
const maxRoutes = 4096

// route is what the handler does with the events of one name, worked out
// once per name.
type route struct {
	logger  log.Logger // the logs' logger of the name's Python logger; nil without logs
	fam     *family
	role    role
	usage   bool
	content bool // an agent message or reasoning: a turn's output (model data)
	metrics []*binding
}

// NewHandler returns a Handler writing through the providers the options
// give; with none it writes nothing. It returns an error, and no Handler,
// when a metric definition is invalid (an unknown unit conversion, one name
// defined with two kinds).
func NewHandler(opts ...Option) (*Handler, error) {
	c := newConfig(opts)
	h := &Handler{known: map[string]*route{}}
	if c.loggers != nil {
		h.logs = newLogWriter(c.loggers, c.level)
	}
	if c.tracers != nil {
		h.spans = newSpanTracker(c.tracers, c.maxSpans)
	}
	if c.meters != nil && len(c.metrics) > 0 {
		ms, err := newMetricSet(c.meters, c.metrics)
		if err != nil {
			return nil, err
		}
		h.metrics = ms
	}
	for _, e := range catalog.All() {
		h.known[e.Name] = h.newRoute(e.Name)
	}
	return h, nil
}

func (h *Handler) newRoute(name string) *route {
	r := &route{}
	if h.logs != nil {
		r.logger = h.logs.forName(name)
	}
	if h.spans != nil {
		r.fam, r.role = spanRole(name)
		r.usage = name == catalog.ThreadTokenUsageUpdated
		r.content = name == catalog.ItemAgentMessage || name == catalog.ItemReasoning
	}
	if h.metrics != nil {
		r.metrics = h.metrics.forEvent(name)
	}
	return r
}

func (h *Handler) route(name string) *route {
	if r, ok := h.known[name]; ok {
		return r
	}
	if r, ok := h.more.Load(name); ok {
		return r.(*route)
	}
	r := h.newRoute(name)
	h.mu.Lock()
	if h.nmore < maxRoutes {
		if _, loaded := h.more.LoadOrStore(name, r); !loaded {
			h.nmore++
		}
	}
	h.mu.Unlock()
	return r
}

var _ telemetry.StaticEnabledHandler = (*Handler)(nil)

// EnabledIsStatic tells the bus that h's answer for a name never changes:
// its providers, metrics and level are fixed when it is made.
func (h *Handler) EnabledIsStatic() {}

// Enabled reports whether h does anything with an event named name: open or
// close a span, add to a turn span (token usage, output content), record a
// metric, or write a log record at a level the handler writes (see
// [WithLevel]).
func (h *Handler) Enabled(_ context.Context, entry *catalog.Entry, name string) bool {
	r := h.route(name)
	if h.spans != nil && (r.role != roleNone || r.usage || r.content) || len(r.metrics) > 0 {
		return true
	}
	return h.logs != nil && h.logs.enabled(entry)
}

// Handle writes e: its log record (carrying the trace and span ids of its
// span), then its metrics, then what it does to its span. The span an event
// opens is open before its log record is written, and the span an event
// closes is closed after, so both records carry the span's ids.
func (h *Handler) Handle(ctx context.Context, e telemetry.Event) {
	r := h.route(e.Name)
	if h.logs == nil && r.role == roleNone && !r.usage && !r.content && len(r.metrics) == 0 {
		return // nothing to do with this event: spans off, no metric over it
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ids := e.IDs()
	if h.spans != nil && r.role == roleOpen {
		h.spans.handle(&e, &ids, r.fam, r.role)
	}
	if h.logs != nil {
		var sc trace.SpanContext
		found := false
		if h.spans != nil {
			sc, found = h.spans.spanContext(ids.Span)
		}
		if !found {
			sc = idsSpanContext(&ids)
		}
		if !sc.IsValid() {
			sc = trace.SpanContextFromContext(ctx)
		}
		h.logs.emit(ctx, &e, &ids, sc, r.logger)
	}
	if len(r.metrics) > 0 {
		record(r.metrics, &e)
	}
	if h.spans != nil {
		switch {
		case r.usage:
			h.spans.usage(&e, &ids)
		case r.content:
			h.spans.content(&e, &ids)
		case r.role == roleClose || r.role == roleFail:
			h.spans.handle(&e, &ids, r.fam, r.role)
		}
	}
}

// Close ends the spans still open (a tool call whose end never came, a
// thread still running) at the current time, marked with the attribute
// codex.incomplete, so that shutting the TracerProvider down exports them.
// Call it after detaching the handler from its bus. Logs and metrics need no
// closing.
func (h *Handler) Close() {
	if h.spans != nil {
		h.spans.closeAll(time.Now())
	}
}

// UntracedSpans returns how many spans were not traced because
// WithMaxOpenSpans spans were open already.
func (h *Handler) UntracedSpans() uint64 {
	if h.spans == nil {
		return 0
	}
	return h.spans.untraced.Load()
}
