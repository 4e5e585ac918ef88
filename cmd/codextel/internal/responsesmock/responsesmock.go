// Package responsesmock is a scripted OpenAI Responses API server for
// end-to-end tests of codextel against the real Codex CLI.
//
// A [Server] listens on 127.0.0.1 and answers each POST /v1/responses with the
// next [Reply] of its script: a stream of Server-Sent Events (the way
// openai/codex's own tests script their mock server: one "event: TYPE" line
// and one "data: JSON" line per event) or an HTTP error. It records every
// request, so a test can check what Codex sent back (a command's output, for
// instance), and reports anything it did not expect through [Server.Err].
//
// The Codex CLI is pointed at it as a custom model provider:
//
//	codex exec -c model_provider='"mock"' -c model_providers.mock.name='"mock"' \
//	  -c model_providers.mock.base_url='"'$URL'"' -c model_providers.mock.wire_api='"responses"' ...
package responsesmock

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
)

// A Reply is the answer to one request: SSE events, or when Status is set,
// an HTTP error with Status, Header and Body.
type Reply struct {
	Events []Event
	Status int
	Header http.Header // optional, for an HTTP error: such as Retry-After
	Body   string
}

// Stream is a reply of Server-Sent Events.
func Stream(events ...Event) Reply { return Reply{Events: events} }

// HTTPError is a reply of a plain HTTP error: the status and a JSON body in
// the API's error shape ({"error": {"message", "type", "code"}}).
func HTTPError(status int, message string) Reply {
	body, _ := json.Marshal(map[string]any{"error": map[string]any{
		"message": message, "type": "server_error", "code": nil,
	}})
	return Reply{Status: status, Body: string(body)}
}

// RateLimited is a 429 reply in the API's shape for a rate limit (error
// type and code rate_limit_exceeded), asking for a retry after retryAfter
// seconds (the Retry-After header).
func RateLimited(message string, retryAfter int) Reply {
	body, _ := json.Marshal(map[string]any{"error": map[string]any{
		"message": message, "type": "rate_limit_exceeded", "code": "rate_limit_exceeded",
	}})
	return Reply{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {strconv.Itoa(retryAfter)}}, Body: string(body)}
}

// A Request is one request the server received.
type Request struct {
	Method, Path string
	Body         []byte
}

// JSON decodes the request body.
func (r Request) JSON() (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		return nil, fmt.Errorf("responsesmock: %s %s: body is not a JSON object: %w", r.Method, r.Path, err)
	}
	return m, nil
}

// Input returns the items of the request's "input" array.
func (r Request) Input() ([]map[string]any, error) {
	m, err := r.JSON()
	if err != nil {
		return nil, err
	}
	raw, ok := m["input"].([]any)
	if !ok {
		return nil, fmt.Errorf("responsesmock: %s %s: no input array", r.Method, r.Path)
	}
	items := make([]map[string]any, 0, len(raw))
	for _, it := range raw {
		if obj, ok := it.(map[string]any); ok {
			items = append(items, obj)
		}
	}
	return items, nil
}

// ToolNames returns the names of the tools the request offers the model.
func (r Request) ToolNames() ([]string, error) {
	m, err := r.JSON()
	if err != nil {
		return nil, err
	}
	tools, _ := m["tools"].([]any)
	var names []string
	for _, t := range tools {
		obj, _ := t.(map[string]any)
		if name, ok := obj["name"].(string); ok {
			names = append(names, name)
		} else if typ, ok := obj["type"].(string); ok {
			names = append(names, typ)
		}
	}
	return names, nil
}

// A Server is a running mock. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL to give Codex as the provider's base_url:
	// http://127.0.0.1:PORT/v1.
	URL string

	srv *httptest.Server

	mu       sync.Mutex
	script   []Reply
	requests []Request
	errs     []error
}

// Start starts a server on 127.0.0.1 that answers the n-th POST /v1/responses
// with script[n]. Close it when done.
func Start(script ...Reply) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("responsesmock: %w", err)
	}
	s := &Server{script: script}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Listener.Close()
	s.srv.Listener = ln
	s.srv.Start()
	s.URL = s.srv.URL + "/v1"
	return s, nil
}

// Close shuts the server down, waiting for requests in flight.
func (s *Server) Close() { s.srv.Close() }

// Requests returns the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ResponsesRequests returns the POST /v1/responses requests received so far.
func (s *Server) ResponsesRequests() []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Method == http.MethodPost && r.Path == "/v1/responses" {
			out = append(out, r)
		}
	}
	return out
}

// Err reports what the server did not expect: a request to another path
// (POST /v1/analytics/... excepted: it is answered {} and recorded),
// more requests than the script has replies, or replies left unused.
func (s *Server) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	errs := append([]error(nil), s.errs...)
	if n := len(s.script) - s.served(); n > 0 {
		errs = append(errs, fmt.Errorf("responsesmock: %d of %d scripted replies never requested", n, len(s.script)))
	}
	return errors.Join(errs...)
}

// served counts the POST /v1/responses requests answered; s.mu is held.
func (s *Server) served() int {
	n := 0
	for _, r := range s.requests {
		if r.Method == http.MethodPost && r.Path == "/v1/responses" {
			n++
		}
	}
	return n
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	s.mu.Lock()
	if err != nil {
		s.errs = append(s.errs, fmt.Errorf("responsesmock: reading %s %s: %w", r.Method, r.URL.Path, err))
	}
	if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/v1/analytics/") {
		// Codex reports a turn's costs here when its own telemetry export is
		// on (POST /v1/analytics/codex/turn-costs): recorded, acknowledged.
		s.requests = append(s.requests, Request{r.Method, r.URL.Path, body})
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "{}")
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/v1/responses" {
		s.requests = append(s.requests, Request{r.Method, r.URL.Path, body})
		s.errs = append(s.errs, fmt.Errorf("responsesmock: unexpected request %s %s", r.Method, r.URL.Path))
		s.mu.Unlock()
		http.NotFound(w, r)
		return
	}
	n := s.served()
	s.requests = append(s.requests, Request{r.Method, r.URL.Path, body})
	if n >= len(s.script) {
		s.errs = append(s.errs, fmt.Errorf("responsesmock: request %d to /v1/responses, but the script has %d replies", n+1, len(s.script)))
		s.mu.Unlock()
		http.Error(w, `{"error":{"message":"responsesmock: script exhausted","type":"invalid_request_error"}}`, http.StatusBadRequest)
		return
	}
	reply := s.script[n]
	s.mu.Unlock()

	if reply.Status != 0 {
		for k, v := range reply.Header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(reply.Status)
		io.WriteString(w, reply.Body)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	for _, e := range reply.Events {
		if _, err := w.Write(e.AppendSSE(nil)); err != nil {
			return // Codex hung up; nothing left to tell it
		}
		if flusher != nil {
			flusher.Flush()
		}
	}
}

// Lines returns the body of an SSE reply as the server writes it; for tests
// of the mock itself.
func (r Reply) Lines() string {
	var b strings.Builder
	for _, e := range r.Events {
		b.Write(e.AppendSSE(nil))
	}
	return b.String()
}
