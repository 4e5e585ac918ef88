package codexagents

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// TestTruncateForIngest checks the SDK's _truncate_string_for_json_limit
// on hand-computed cases, the loop that cuts a share of the excess at a
// time included.
func TestTruncateForIngest(t *testing.T) {
	x := func(n int) string { return strings.Repeat("x", n) }
	e := func(n int) string { return strings.Repeat("é", n) }
	const sfx = ingestTruncSuffix
	tests := []struct {
		name  string
		in    string
		limit int
		want  string
	}{
		{"fits", x(48), 50, x(48)},
		{"ascii: one guess", x(100), 50, x(32) + sfx},                                   // int(100*33/102) = 32: 2+32+15 = 49
		{"two-byte characters", e(40), 50, e(16) + sfx},                                 // int(40*33/82) = 16: 2+32+15 = 49
		{"loop of shares", e(10) + x(90), 50, e(10) + x(13) + sfx},                      // 29, then 25, 24, 23 characters
		{"escapes count", strings.Repeat("\n", 30), 40, strings.Repeat("\n", 11) + sfx}, // int(30*23/62) = 11: 2+22+15 = 39
		{"controls count six", strings.Repeat("\x01", 10), 40, strings.Repeat("\x01", 3) + sfx},
		{"only the suffix fits", x(100), 17, sfx},
		{"not even the suffix", x(100), 16, ""},
		{"non-ASCII is raw UTF-8", e(24), 50, e(24)}, // 2+48 = 50: fits, where ensure_ascii would not
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := truncateForIngest(tt.in, tt.limit)
			if got != tt.want {
				t.Errorf("truncateForIngest(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
			}
			if jsonUTF8Size(got) > tt.limit {
				t.Errorf("result takes %d bytes, over %d", jsonUTF8Size(got), tt.limit)
			}
		})
	}
}

// TestSanitizeForIngest checks which items the sanitising changes, and
// that it never changes the item it is given.
func TestSanitizeForIngest(t *testing.T) {
	big := strings.Repeat("a", ingestMaxFieldBytes+5000)
	fn := func(in, out any) Object {
		return Object{{"object", "trace.span"}, {"span_data", Object{{"type", "function"}, {"name", "codex"}, {"input", in}, {"output", out}, {"mcp_data", nil}}}}
	}
	t.Run("big input", func(t *testing.T) {
		item := fn(big, "ok")
		before := pyJSON(item)
		got := sanitizeForIngest(item)
		if pyJSON(item) != before {
			t.Fatal("the original item was changed")
		}
		sd, _ := got.Get("span_data")
		in, _ := sd.(Object).Get("input")
		s, _ := in.(string)
		if !strings.HasSuffix(s, ingestTruncSuffix) || jsonUTF8Size(s) > ingestMaxFieldBytes {
			t.Errorf("input not cut to the limit: %d bytes, suffix %v", jsonUTF8Size(s), strings.HasSuffix(s, ingestTruncSuffix))
		}
		if out, _ := sd.(Object).Get("output"); out != "ok" {
			t.Errorf("output changed: %v", out)
		}
		if keys := keysOf(sd.(Object)); keys != "type,name,input,output,mcp_data" {
			t.Errorf("key order %s", keys)
		}
	})
	t.Run("at the limit", func(t *testing.T) {
		s := strings.Repeat("a", ingestMaxFieldBytes-2)
		item := fn(nil, s)
		if got := sanitizeForIngest(item); pyJSON(got) != pyJSON(item) {
			t.Error("a field of exactly 100,000 bytes was changed")
		}
	})
	t.Run("custom data untouched", func(t *testing.T) {
		item := Object{{"object", "trace.span"}, {"span_data", Object{{"type", "custom"}, {"name", "Codex command execution"}, {"data", Object{{"output", big}}}}}}
		if got := sanitizeForIngest(item); pyJSON(got) != pyJSON(item) {
			t.Error("a custom span's data was changed")
		}
	})
	t.Run("usage", func(t *testing.T) {
		usage := Object{{"input_tokens", 1}, {"output_tokens", 2}}
		item := Object{{"span_data", Object{{"type", "response"}, {"usage", usage}}}}
		if got := pyJSON(sanitizeForIngest(item)); got != `{"span_data":{"type":"response"}}` {
			t.Errorf("usage on a response span: %s", got)
		}
		gen := Object{{"span_data", Object{{"type", "generation"}, {"usage", usage}}}}
		if got := sanitizeForIngest(gen); pyJSON(got) != pyJSON(gen) {
			t.Errorf("usage on a generation span changed: %s", pyJSON(got))
		}
	})
	t.Run("trace", func(t *testing.T) {
		item := Object{{"object", "trace"}, {"id", "trace_1"}, {"metadata", Object{{"usage", 1}}}}
		if got := sanitizeForIngest(item); pyJSON(got) != pyJSON(item) {
			t.Error("a trace was changed")
		}
	})
}

func keysOf(o Object) string {
	var k []string
	for _, m := range o {
		k = append(k, m.Key)
	}
	return strings.Join(k, ",")
}

// captureTransport answers every request itself, so a test can give the
// exporter the default endpoint without anything leaving the process.
type captureTransport struct {
	mu     sync.Mutex
	hosts  []string
	bodies []string
}

func (c *captureTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	b, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.hosts = append(c.hosts, r.URL.Host)
	c.bodies = append(c.bodies, string(b))
	c.mu.Unlock()
	return &http.Response{StatusCode: 200, Body: io.NopCloser(bytes.NewReader(nil)), Header: http.Header{}, Request: r}, nil
}

// TestExporterSanitisesForDefaultEndpoint sends one function span with
// a 150,000-character input to the default endpoint (answered by a
// transport in the test) and to another: only the first is cut, and the
// processor saw the original.
func TestExporterSanitisesForDefaultEndpoint(t *testing.T) {
	big := strings.Repeat("b", 150_000)
	for _, tt := range []struct {
		endpoint string
		cut      bool
	}{
		{DefaultEndpoint, true},
		{DefaultEndpoint + "/", true},
		{"https://collector.example/v1/traces/ingest", false},
	} {
		t.Run(tt.endpoint, func(t *testing.T) {
			ct := &captureTransport{}
			p := NewProvider(WithDisabled(false))
			rec := &recorder{}
			p.AddTraceProcessor(rec)
			exp := NewBackendExporter(p, WithEndpoint(tt.endpoint), WithAPIKey(testKey), WithHTTPClient(&http.Client{Transport: ct}))
			tr := p.NewTrace("w", "", nil)
			tr.Start()
			s := p.NewSpan(tr, nil, &FunctionSpanData{Name: "codex", Input: &big})
			s.Start()
			s.Finish()
			tr.Finish()
			if err := exp.Export(context.Background(), []Item{tr, s}); err != nil {
				t.Fatal(err)
			}
			if len(ct.bodies) != 1 {
				t.Fatalf("%d requests, want 1", len(ct.bodies))
			}
			body := ct.bodies[0]
			hasFull := strings.Contains(body, big)
			if tt.cut == hasFull {
				t.Errorf("full input sent: %v, want %v (body %d bytes)", hasFull, !tt.cut, len(body))
			}
			if tt.cut && !strings.Contains(body, ingestTruncSuffix+`"`) {
				t.Error("no truncation suffix in the body")
			}
			if in := s.Data().(*FunctionSpanData).Input; in == nil || *in != big {
				t.Error("the span itself was changed")
			}
		})
	}
}
