package codexagents

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/codextel/codextel/core/pylog"
)

// DefaultEndpoint is the OpenAI traces ingest endpoint the SDK's backend
// exporter posts to.
const DefaultEndpoint = "https://api.openai.com/v1/traces/ingest"

// Item is what a processor queues and an exporter sends: a [*Trace] or a
// [*Span].
type Item interface {
	// Export returns the item's JSON object.
	Export() Object
}

// Exporter sends batches of items, as the SDK's TracingExporter. An error
// means the exporter itself failed ("raised"); the [BatchProcessor] logs
// it and drops the batch.
type Exporter interface {
	// Export sends items; ctx ends when a shutdown deadline passes.
	Export(ctx context.Context, items []Item) error
}

// BackendExporter posts batches to the traces ingest endpoint as the SDK's
// BackendSpanExporter does: body {"data": [...]}, for the default endpoint
// only with each item sanitised as the SDK sanitises it (a span's
// span_data input or output over 100,000 bytes of JSON shortened with
// "... [truncated]", a top-level span_data usage removed except on
// generation spans; processors still see the original), its headers, up to 3
// attempts with exponential back-off and jitter on 5xx, 3xx and transport
// errors, none on 4xx, and the SDK's log messages. It handles and logs
// every failure itself, so its Export always returns nil. The API key
// never appears in a log record or error: any occurrence of it in a
// response or transport error is replaced with "<api key>".
type BackendExporter struct {
	p        *Provider
	endpoint string
	org      string
	project  string
	client   *http.Client
	base     time.Duration
	maxDelay time.Duration

	keyMu  sync.Mutex
	key    string
	keySet bool
}

// ExporterOption configures a [BackendExporter].
type ExporterOption func(*BackendExporter)

// WithEndpoint sets the ingest URL (default [DefaultEndpoint]).
func WithEndpoint(url string) ExporterOption {
	return func(e *BackendExporter) { e.endpoint = url }
}

// WithAPIKey sets the API key, as set_tracing_export_api_key; without it
// OPENAI_API_KEY is read at the first export and kept.
func WithAPIKey(key string) ExporterOption {
	return func(e *BackendExporter) { e.key, e.keySet = key, true }
}

// WithOrganization sets the OpenAI-Organization header (default
// OPENAI_ORG_ID).
func WithOrganization(org string) ExporterOption {
	return func(e *BackendExporter) { e.org = org }
}

// WithProject sets the OpenAI-Project header (default OPENAI_PROJECT_ID).
func WithProject(project string) ExporterOption {
	return func(e *BackendExporter) { e.project = project }
}

// WithHTTPClient replaces the HTTP client (default: 60 s timeout, 5 s to
// connect).
func WithHTTPClient(c *http.Client) ExporterOption {
	return func(e *BackendExporter) { e.client = c }
}

// withBackoff shortens the retry delays (tests).
func withBackoff(base, max time.Duration) ExporterOption {
	return func(e *BackendExporter) { e.base, e.maxDelay = base, max }
}

// NewBackendExporter returns an exporter logging through p.
func NewBackendExporter(p *Provider, opts ...ExporterOption) *BackendExporter {
	e := &BackendExporter{
		p:        p,
		endpoint: DefaultEndpoint,
		org:      os.Getenv("OPENAI_ORG_ID"),
		project:  os.Getenv("OPENAI_PROJECT_ID"),
		client: &http.Client{
			Timeout:   60 * time.Second,
			Transport: &http.Transport{Proxy: http.ProxyFromEnvironment, DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext},
		},
		base:     time.Second,
		maxDelay: 30 * time.Second,
	}
	for _, o := range opts {
		o(e)
	}
	return e
}

func (e *BackendExporter) apiKey() string {
	e.keyMu.Lock()
	defer e.keyMu.Unlock()
	if !e.keySet {
		e.key, e.keySet = os.Getenv("OPENAI_API_KEY"), true
	}
	return e.key
}

// scrub replaces the API keys in s.
func (e *BackendExporter) scrub(s string, key string) string {
	for _, k := range []string{key, e.apiKey()} {
		if k != "" {
			s = strings.ReplaceAll(s, k, "<api key>")
		}
	}
	return s
}

// tracingKey is the key of an item's trace ("" for none).
func tracingKey(it Item) string {
	switch x := it.(type) {
	case *Trace:
		return x.tracingAPIKey()
	case *Span:
		return x.trace.tracingAPIKey()
	}
	return ""
}

// Export posts items, grouped by their trace's own key (see
// [Trace.SetTracingAPIKey]) in first-seen order, one request per group
// with its retries; items without one use the exporter's key. See
// [BackendExporter].
func (e *BackendExporter) Export(ctx context.Context, items []Item) error {
	var keys []string
	groups := map[string][]Item{}
	for _, it := range items {
		k := tracingKey(it)
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], it)
	}
	for _, k := range keys {
		e.exportGroup(ctx, k, groups[k])
	}
	return nil
}

func (e *BackendExporter) exportGroup(ctx context.Context, key string, items []Item) {
	if key == "" {
		key = e.apiKey()
	}
	if key == "" {
		e.p.log(pylog.Warning, "OPENAI_API_KEY is not set, skipping trace export", nil)
		return
	}
	// The SDK sanitises items for the default endpoint only.
	sanitize := strings.TrimRight(e.endpoint, "/") == strings.TrimRight(DefaultEndpoint, "/")
	body := []byte(`{"data":[`)
	n := 0
	for _, it := range items {
		o := it.Export()
		if o == nil {
			continue
		}
		if sanitize {
			o = sanitizeForIngest(o)
		}
		if n > 0 {
			body = append(body, ',')
		}
		body = appendPyJSON(body, o, true)
		n++
	}
	body = append(body, "]}"...)
	if n == 0 {
		return
	}
	full := e.p.fullLogs()
	delay := e.base
	for attempt := 1; ; attempt++ {
		if ctx.Err() != nil {
			e.p.log(pylog.Warning, "[non-fatal] Tracing: export deadline reached, giving up on this batch.", nil)
			return
		}
		status, respBody, err := e.post(ctx, key, body)
		switch {
		case err == nil && status < 300:
			e.p.log(pylog.Debug, "Exported "+strconv.Itoa(n)+" items", nil)
			return
		case err == nil && status >= 400 && status < 500:
			if full {
				e.p.log(pylog.Error, "[non-fatal] Tracing client error "+strconv.Itoa(status)+": "+e.scrub(respBody, key), nil)
			} else {
				e.p.log(pylog.Error, "[non-fatal] Tracing client error "+strconv.Itoa(status)+". Response data is redacted.", nil)
			}
			return
		case err == nil:
			e.p.log(pylog.Warning, "[non-fatal] Tracing: server error "+strconv.Itoa(status)+", retrying.", nil)
		default:
			if full {
				msg := e.scrub(err.Error(), key)
				e.p.log(pylog.Warning, "[non-fatal] Tracing request failed: "+msg, errors.New(msg))
			} else {
				e.p.log(pylog.Warning, "[non-fatal] Tracing request failed", nil)
			}
		}
		if attempt >= 3 {
			e.p.log(pylog.Error, "[non-fatal] Tracing: max retries reached, giving up on this batch.", nil)
			return
		}
		sleep := delay + time.Duration(rand.Float64()*0.1*float64(delay))
		t := time.NewTimer(sleep)
		select {
		case <-ctx.Done():
			t.Stop()
			e.p.log(pylog.Warning, "[non-fatal] Tracing: shutdown requested during retry backoff, giving up.", nil)
			return
		case <-t.C:
		}
		delay = min(delay*2, e.maxDelay)
	}
}

// post sends one attempt; err is a transport error.
func (e *BackendExporter) post(ctx context.Context, key string, body []byte) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("OpenAI-Beta", "traces=v1")
	if e.org != "" {
		req.Header.Set("OpenAI-Organization", e.org)
	}
	if e.project != "" {
		req.Header.Set("OpenAI-Project", e.project)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, string(b), nil
}

// BatchProcessor queues ended spans and started traces and hands them to
// an [Exporter] in batches, as the SDK's BatchTraceProcessor: a queue of
// 8192 items (a full queue drops with "Queue is full, dropping span."),
// batches of at most 128, an export every 5 s or as soon as 70% of the
// queue is filled, ForceFlush to export now, and Shutdown to drain. Its
// worker goroutine starts with the first queued item.
type BatchProcessor struct {
	p        *Provider
	exp      Exporter
	maxQueue int
	maxBatch int
	delay    time.Duration
	trigger  int

	mu      sync.Mutex
	queue   []Item
	running bool
	stopped bool
	next    time.Time

	exportMu sync.Mutex
	wake     chan struct{}
	stop     chan struct{}
	done     chan struct{}
	wctx     context.Context
	cancel   context.CancelFunc
}

// BatchOption configures a [BatchProcessor].
type BatchOption func(*BatchProcessor)

// WithMaxQueueSize sets the queue's capacity (default 8192).
func WithMaxQueueSize(n int) BatchOption { return func(b *BatchProcessor) { b.maxQueue = n } }

// WithMaxBatchSize sets the largest batch (default 128).
func WithMaxBatchSize(n int) BatchOption { return func(b *BatchProcessor) { b.maxBatch = n } }

// WithScheduleDelay sets the time between scheduled exports (default 5 s).
func WithScheduleDelay(d time.Duration) BatchOption { return func(b *BatchProcessor) { b.delay = d } }

// NewBatchProcessor returns a batch processor exporting with exp and
// logging through p. Register it with [Provider.AddTraceProcessor].
func NewBatchProcessor(p *Provider, exp Exporter, opts ...BatchOption) *BatchProcessor {
	b := &BatchProcessor{p: p, exp: exp, maxQueue: 8192, maxBatch: 128, delay: 5 * time.Second,
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	for _, o := range opts {
		o(b)
	}
	b.maxQueue, b.maxBatch = max(b.maxQueue, 1), max(b.maxBatch, 1)
	b.trigger = max(1, int(float64(b.maxQueue)*0.7))
	b.next = time.Now().Add(b.delay)
	b.wctx, b.cancel = context.WithCancel(context.Background())
	return b
}

func (b *BatchProcessor) enqueue(it Item, what string) {
	b.mu.Lock()
	if len(b.queue) >= b.maxQueue {
		b.mu.Unlock()
		b.p.log(pylog.Warning, "Queue is full, dropping "+what+".", nil)
		return
	}
	b.queue = append(b.queue, it)
	full := len(b.queue) >= b.trigger
	start := !b.running && !b.stopped
	b.running = b.running || start
	b.mu.Unlock()
	if start {
		go b.work()
	}
	if full {
		select {
		case b.wake <- struct{}{}:
		default:
		}
	}
}

// OnTraceStart queues the trace.
func (b *BatchProcessor) OnTraceStart(t *Trace) error { b.enqueue(t, "trace"); return nil }

// OnTraceEnd does nothing.
func (b *BatchProcessor) OnTraceEnd(*Trace) error { return nil }

// OnSpanStart does nothing.
func (b *BatchProcessor) OnSpanStart(*Span) error { return nil }

// OnSpanEnd queues the span.
func (b *BatchProcessor) OnSpanEnd(s *Span) error { b.enqueue(s, "span"); return nil }

// ForceFlush exports everything queued now, in batches.
func (b *BatchProcessor) ForceFlush() error {
	b.drain(context.Background())
	return nil
}

// Shutdown stops the worker, which exports what is queued before ctx ends;
// what is left then is dropped with the SDK's warning.
func (b *BatchProcessor) Shutdown(ctx context.Context) error {
	b.mu.Lock()
	if b.stopped {
		b.mu.Unlock()
		return nil
	}
	b.stopped = true
	running := b.running
	b.mu.Unlock()
	stopCancel := context.AfterFunc(ctx, b.cancel)
	defer stopCancel()
	if !running {
		b.drain(b.wctx)
		return nil
	}
	close(b.stop)
	select {
	case <-b.done:
	case <-ctx.Done():
		b.cancel() // cut the worker's export short now
		b.p.log(pylog.Warning, "[non-fatal] Tracing: shutdown timeout reached; dropping queued traces.", nil)
	}
	return nil
}

func (b *BatchProcessor) work() {
	defer close(b.done)
	for {
		b.mu.Lock()
		wait := time.Until(b.next)
		b.mu.Unlock()
		t := time.NewTimer(max(wait, 0))
		select {
		case <-b.stop:
			t.Stop()
			b.drain(b.wctx)
			return
		case <-b.wake:
			t.Stop()
		case <-t.C:
		}
		b.mu.Lock()
		due := !time.Now().Before(b.next) || len(b.queue) >= b.trigger
		b.mu.Unlock()
		if due {
			b.drain(b.wctx)
			b.mu.Lock()
			b.next = time.Now().Add(b.delay)
			b.mu.Unlock()
		}
	}
}

// drain exports the queue in batches until it is empty; when ctx ends
// between batches the rest is dropped.
func (b *BatchProcessor) drain(ctx context.Context) {
	b.exportMu.Lock()
	defer b.exportMu.Unlock()
	for {
		b.mu.Lock()
		n := min(len(b.queue), b.maxBatch)
		if n == 0 {
			b.mu.Unlock()
			return
		}
		if ctx.Err() != nil {
			b.queue = nil
			b.mu.Unlock()
			b.p.log(pylog.Warning, "[non-fatal] Tracing: export deadline reached; dropping queued traces.", nil)
			return
		}
		batch := append([]Item(nil), b.queue[:n]...)
		b.queue = append(b.queue[:0:0], b.queue[n:]...)
		b.mu.Unlock()
		if err := b.export(ctx, batch); err != nil {
			msg := "[non-fatal] Tracing exporter failed; dropping batch of " + strconv.Itoa(len(batch)) + " items"
			if b.p.fullLogs() {
				msg += ": " + err.Error()
			} else {
				err = nil
			}
			b.p.log(pylog.Error, msg, err)
		}
	}
}

// export calls the exporter, turning a panic into an error.
func (b *BatchProcessor) export(ctx context.Context, batch []Item) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("panic: " + strings.TrimSpace(stringOf(r)))
		}
	}()
	return b.exp.Export(ctx, batch)
}

func stringOf(v any) string {
	if e, ok := v.(error); ok {
		return e.Error()
	}
	if s, ok := v.(string); ok {
		return s
	}
	return pyJSON(v)
}
