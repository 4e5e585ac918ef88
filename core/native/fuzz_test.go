package native

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzAdd feeds arbitrary bodies to every signal's decoder: none may
// panic, and a body is either read or rejected with an error, never both.
func FuzzAdd(f *testing.F) {
	for _, name := range []string{"001_v1_logs.json", "004_v1_logs.json"} {
		if b, err := os.ReadFile(filepath.Join(captures, "cmd_sleep", "native", name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"codex.exec","startTimeUnixNano":"1","endTimeUnixNano":2,"attributes":[{"key":"turn.id","value":{"intValue":"x"}}]}]}]}]}`))
	f.Add([]byte(`{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"codex_exec"}}],"droppedAttributesCount":"x"},"scopeSpans":[{"scope":{"name":"codex_exec"},"spans":[{"name":"s","flags":769,"status":{"code":"STATUS_CODE_ERROR","message":"m"},"events":[{"timeUnixNano":"9","name":"e","attributes":[{"key":"k","value":{"doubleValue":"NaN"}}]}],"droppedEventsCount":-1}]}]}]}`))
	f.Add([]byte(`{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","histogram":{"dataPoints":[{"count":"1e3","asInt":-1}]}}]}]}]}`))
	f.Add([]byte(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"observedTimeUnixNano":"-5","attributes":[{"key":"event.name","value":{"stringValue":"codex.sse_event"}},{"key":"event.kind","value":{"stringValue":"response.completed"}},{"key":"input_token_count","value":{"doubleValue":1.5}}]}]}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		// Each signal by a replay's store and a live one; traces also with
		// KeepSpans, by both.
		for i, sig := range []Signal{Logs, Traces, Metrics, Logs, Traces, Metrics, Traces, Traces} {
			s := NewStore(Limits{MaxRecords: 10, MaxSpans: 10, MaxText: 8, Live: i >= 3 && i != 6, KeepSpans: i >= 6})
			err := s.Add(sig, "", body)
			st := s.Stats()
			if (err != nil) != (st.BadBodies == 1) || (err == nil) != (st.Bodies == 1) {
				t.Fatalf("%s: err %v, stats %+v", sig, err, st)
			}
			if st.Records > 10 || st.Spans > 10 {
				t.Fatalf("%s: over the limits: %+v", sig, st)
			}
			for _, r := range s.Records() {
				if len(r.Arguments) > 8 || len(r.Output) > 8 {
					t.Fatalf("text over MaxText: %q %q", r.Arguments, r.Output)
				}
			}
			s.Index()
		}
		SignalOf(body)
	})
}
