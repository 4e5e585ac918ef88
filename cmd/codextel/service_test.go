package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// TestOtelServiceName: the command's service.name is "codextel" unless
// OTEL_SERVICE_NAME says otherwise; checked over http/json, which the
// receiver reads with encoding/json.
func TestOtelServiceName(t *testing.T) {
	for _, c := range []struct{ env, want string }{{"", "codextel"}, {"my-agent", "my-agent"}} {
		var mu sync.Mutex
		var names []string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			var req struct {
				ResourceLogs []struct {
					Resource struct {
						Attributes []struct {
							Key   string `json:"key"`
							Value struct {
								StringValue string `json:"stringValue"`
							} `json:"value"`
						} `json:"attributes"`
					} `json:"resource"`
				} `json:"resourceLogs"`
			}
			if r.URL.Path == "/v1/logs" && r.Header.Get("Content-Type") == "application/json" && json.Unmarshal(b, &req) == nil {
				mu.Lock()
				for _, rl := range req.ResourceLogs {
					for _, a := range rl.Resource.Attributes {
						if a.Key == "service.name" {
							names = append(names, a.Value.StringValue)
						}
					}
				}
				mu.Unlock()
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, "{}")
		}))
		t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")
		t.Setenv("OTEL_METRICS_EXPORTER", "none")
		t.Setenv("OTEL_SERVICE_NAME", c.env)
		code, _, errOut := runWith(t, "", "render", "--adapter", "otel", "--otlp-endpoint", srv.URL, renderInput(t, 3))
		srv.Close()
		mu.Lock()
		if code != 0 || len(names) == 0 {
			t.Errorf("OTEL_SERVICE_NAME=%q: exit %d, stderr %q, service names %q", c.env, code, errOut, names)
		}
		for _, n := range names {
			if n != c.want {
				t.Errorf("OTEL_SERVICE_NAME=%q: service.name %q, want %q", c.env, n, c.want)
			}
		}
		mu.Unlock()
	}
}
