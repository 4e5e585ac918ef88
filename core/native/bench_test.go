package native

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkReceiverLive is codextel's part of a live exec run's native
// export, as codex 0.169 posts it for the cmd_sleep run: a receiver on
// loopback with a live store, the run's four bodies (two log bodies,
// 0.8 MB of traces, 0.5 MB of metrics) posted over HTTP, the receiver
// closed. live is what exec does by default (trace and metric bodies only
// checked as JSON); keep_spans is --native-spans (trace bodies decoded,
// every span kept).
func BenchmarkReceiverLive(b *testing.B) {
	dir := filepath.Join(captures, "cmd_sleep", "native")
	type post struct {
		sig  Signal
		body []byte
	}
	var posts []post
	var total int64
	for _, name := range []string{"001_v1_logs.json", "002_v1_traces.json", "003_v1_metrics.json", "004_v1_logs.json"} {
		body, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		sig, err := SignalOf(body)
		if err != nil {
			b.Fatal(err)
		}
		posts = append(posts, post{sig, body})
		total += int64(len(body))
	}
	client := &http.Client{Timeout: 10 * time.Second}
	for _, bc := range []struct {
		name   string
		limits Limits
	}{
		{"live", Limits{Live: true}},
		{"keep_spans", Limits{Live: true, KeepSpans: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(total)
			b.ReportAllocs()
			for b.Loop() {
				r, err := Listen(NewStore(bc.limits))
				if err != nil {
					b.Fatal(err)
				}
				for _, p := range posts {
					resp, err := client.Post(r.Endpoint(p.sig), "application/json", bytes.NewReader(p.body))
					if err != nil {
						b.Fatal(err)
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						b.Fatalf("POST %s: %s", p.sig, resp.Status)
					}
				}
				if err := r.Close(time.Second); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAddTraces decodes cmd_sleep's trace body (462 spans, 0.8 MB)
// into a store: join keeps the 14 spans with a join key, as a replay
// does; keep_spans keeps every span as Codex exported it, as
// --native-spans does.
func BenchmarkAddTraces(b *testing.B) {
	body, err := os.ReadFile(filepath.Join(captures, "cmd_sleep", "native", "002_v1_traces.json"))
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name   string
		limits Limits
	}{
		{"join", Limits{}},
		{"keep_spans", Limits{KeepSpans: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if err := NewStore(bc.limits).Add(Traces, "", body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
