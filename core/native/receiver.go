package native

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// A Receiver is a loopback OTLP/HTTP receiver for what Codex posts: JSON
// bodies on /v1/logs, /v1/traces and /v1/metrics, gzip-compressed or not,
// added to a [Store]. It listens on 127.0.0.1 on a port the system picks.
//
// It answers 200 with an empty JSON object for a body it read, 400 for a
// malformed body, 413 for one over [Limits].MaxBody, 415 for protobuf (Codex
// is told protocol="json") and any other content type, 404 for another path
// and 405 for another method. A bad body is counted and reported (see
// [Receiver.Errors]); nothing stops the receiver but [Receiver.Close].
type Receiver struct {
	store *Store
	ln    net.Listener
	srv   *http.Server
	done  chan struct{}

	mu     sync.Mutex
	errs   []error
	nerrs  int
	posted map[Signal]int
}

// maxErrors is how many bad-body errors a receiver keeps; all are counted.
const maxErrors = 20

// Listen starts a receiver that adds what it receives to store.
func Listen(store *Store) (*Receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("native: receiver: %w", err)
	}
	r := &Receiver{store: store, ln: ln, done: make(chan struct{}), posted: map[Signal]int{}}
	mux := http.NewServeMux()
	for _, sig := range []Signal{Logs, Traces, Metrics} {
		mux.HandleFunc("/v1/"+string(sig), func(w http.ResponseWriter, req *http.Request) { r.handle(w, req, sig) })
	}
	r.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute}
	go func() {
		defer close(r.done)
		r.srv.Serve(ln) // returns http.ErrServerClosed after Close
	}()
	return r, nil
}

// Endpoint returns the URL Codex is to post sig to:
// http://127.0.0.1:PORT/v1/logs and the like.
func (r *Receiver) Endpoint(sig Signal) string {
	return "http://" + r.ln.Addr().String() + "/v1/" + string(sig)
}

// Store returns the store the receiver adds to.
func (r *Receiver) Store() *Store { return r.store }

// Posted returns how many bodies of sig were posted, read or not.
func (r *Receiver) Posted(sig Signal) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.posted[sig]
}

// Errors returns the number of bodies refused and the first 20 reasons.
func (r *Receiver) Errors() (int, []error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.nerrs, append([]error(nil), r.errs...)
}

// Close stops the receiver, letting posts under way finish for up to
// timeout.
func (r *Receiver) Close(timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := r.srv.Shutdown(ctx)
	if err != nil {
		r.srv.Close()
	}
	<-r.done
	return err
}

func (r *Receiver) fail(w http.ResponseWriter, code int, err error) {
	r.mu.Lock()
	r.nerrs++
	if len(r.errs) < maxErrors {
		r.errs = append(r.errs, err)
	}
	r.mu.Unlock()
	http.Error(w, err.Error(), code)
}

func (r *Receiver) handle(w http.ResponseWriter, req *http.Request, sig Signal) {
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	r.mu.Lock()
	r.posted[sig]++
	name := fmt.Sprintf("%s body %d", sig, r.posted[sig])
	r.mu.Unlock()
	if ct, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type")); ct != "application/json" {
		r.store.reject(nil)
		r.fail(w, http.StatusUnsupportedMediaType, fmt.Errorf("native: %s: content type %q: this receiver reads OTLP/JSON only (codex: protocol=\"json\")", name, ct))
		return
	}
	var body io.Reader = http.MaxBytesReader(w, req.Body, r.store.limits.MaxBody)
	switch enc := strings.ToLower(req.Header.Get("Content-Encoding")); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(body)
		if err != nil {
			r.store.reject(nil)
			r.fail(w, http.StatusBadRequest, fmt.Errorf("native: %s: bad gzip body: %w", name, err))
			return
		}
		body = io.LimitReader(zr, r.store.limits.MaxBody+1)
	default:
		r.store.reject(nil)
		r.fail(w, http.StatusUnsupportedMediaType, fmt.Errorf("native: %s: content encoding %q not supported", name, enc))
		return
	}
	data, err := readBody(body, req.ContentLength, r.store.limits.MaxBody)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || int64(len(data)) > r.store.limits.MaxBody {
		r.store.reject(nil)
		r.fail(w, http.StatusRequestEntityTooLarge, fmt.Errorf("native: %s: over the limit of %d bytes", name, r.store.limits.MaxBody))
		return
	}
	if err != nil {
		r.store.reject(nil)
		r.fail(w, http.StatusBadRequest, fmt.Errorf("native: %s: reading the body: %w", name, err))
		return
	}
	if err := r.store.Add(sig, name, data); err != nil {
		r.fail(w, http.StatusBadRequest, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, "{}")
}

// readBody reads a body whole. A body that says its length (Codex's do),
// within max, is read into a buffer of that size, not one grown by
// doubling from 512 bytes (about 2.5 times the body copied and allocated,
// for Codex's 1 MB trace bodies).
func readBody(body io.Reader, length, max int64) ([]byte, error) {
	if length <= 0 || length > max {
		return io.ReadAll(body)
	}
	var b bytes.Buffer
	b.Grow(int(length) + bytes.MinRead) // ReadFrom wants MinRead free to read on to EOF
	_, err := b.ReadFrom(body)
	return b.Bytes(), err
}
