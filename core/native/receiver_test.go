package native

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestReceiver(t *testing.T) {
	logs, err := os.ReadFile(filepath.Join(captures, "cmd_sleep", "native", "001_v1_logs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write(logs)
	zw.Close()

	r, err := Listen(NewStore(Limits{MaxBody: 1 << 20}))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(time.Second)
	if ep := r.Endpoint(Logs); !strings.HasPrefix(ep, "http://127.0.0.1:") || !strings.HasSuffix(ep, "/v1/logs") {
		t.Fatalf("endpoint %q", ep)
	}
	tests := []struct {
		name, method, path, ctype, encoding string
		body                                []byte
		code                                int
	}{
		{"logs", "POST", "/v1/logs", "application/json", "", logs, 200},
		{"gzip logs", "POST", "/v1/logs", "application/json; charset=utf-8", "gzip", zipped.Bytes(), 200},
		{"malformed", "POST", "/v1/traces", "application/json", "", []byte(`{"resourceSpans": [`), 400},
		{"protobuf", "POST", "/v1/metrics", "application/x-protobuf", "", []byte{1, 2}, 415},
		{"bad gzip", "POST", "/v1/logs", "application/json", "gzip", []byte("nope"), 400},
		{"brotli", "POST", "/v1/logs", "application/json", "br", []byte("{}"), 415},
		{"too large", "POST", "/v1/logs", "application/json", "", bytes.Repeat([]byte(" "), 2<<20), 413},
		{"get", "GET", "/v1/logs", "", "", nil, 405},
		{"other path", "POST", "/v1/profiles", "application/json", "", []byte("{}"), 404},
	}
	base := strings.TrimSuffix(r.Endpoint(Logs), "/v1/logs")
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, base+tt.path, bytes.NewReader(tt.body))
		if tt.ctype != "" {
			req.Header.Set("Content-Type", tt.ctype)
		}
		if tt.encoding != "" {
			req.Header.Set("Content-Encoding", tt.encoding)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.code {
			t.Errorf("%s: status %d (%s), want %d", tt.name, resp.StatusCode, b, tt.code)
		}
		if tt.code == 200 && string(b) != "{}" {
			t.Errorf("%s: body %q", tt.name, b)
		}
	}
	st := r.Store().Stats()
	if st.Bodies != 2 || st.BadBodies != 5 || st.Records != 12 {
		t.Errorf("stats = %+v", st)
	}
	n, errs := r.Errors()
	if n != 5 || len(errs) != 5 || !strings.Contains(errs[0].Error(), "traces body 1: not an OTLP/JSON body") {
		t.Errorf("errors = %d %v", n, errs)
	}
	if r.Posted(Logs) != 5 || r.Posted(Traces) != 1 || r.Posted(Metrics) != 1 {
		t.Errorf("posted %d %d %d", r.Posted(Logs), r.Posted(Traces), r.Posted(Metrics))
	}
}

func TestReceiverCloseStopsServing(t *testing.T) {
	r, err := Listen(NewStore(Limits{}))
	if err != nil {
		t.Fatal(err)
	}
	ep := r.Endpoint(Logs)
	if err := r.Close(time.Second); err != nil {
		t.Fatal(err)
	}
	if resp, err := http.Post(ep, "application/json", strings.NewReader("{}")); err == nil {
		resp.Body.Close()
		t.Error("a closed receiver answered")
	}
}

// TestReadBody: a body is read whole whatever length it claims (none, its
// own, too short, too long, over the limit).
func TestReadBody(t *testing.T) {
	const body = `{"resourceLogs": []}`
	for _, length := range []int64{-1, 0, int64(len(body)), 3, 1000, 1 << 40} {
		got, err := readBody(strings.NewReader(body), length, 1<<20)
		if err != nil || string(got) != body {
			t.Errorf("length %d: %q, %v", length, got, err)
		}
	}
}
