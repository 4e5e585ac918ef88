package bridge

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/codextel/codextel/core/native"
	"github.com/codextel/codextel/core/telemetry"
)

// syntheticPair builds an exec stream of one turn of n command calls and
// the OTLP/JSON logs body Codex would export for it: the conversation's
// start and prompt, then per call a model request, its usage, the
// decision and the result (output bytes of output each).
func syntheticPair(n, output int) (stream, body []byte) {
	const thread = "01a24274-0000-7000-8000-000000000000"
	type kv struct {
		Key   string            `json:"key"`
		Value map[string]string `json:"value"`
	}
	type rec struct {
		Observed   string `json:"observedTimeUnixNano"`
		Attributes []kv   `json:"attributes"`
	}
	t0 := int64(1796411275000000000)
	var recs []rec
	add := func(ms int64, event string, attrs ...string) {
		a := []kv{{"event.name", map[string]string{"stringValue": event}},
			{"conversation.id", map[string]string{"stringValue": thread}},
			{"model", map[string]string{"stringValue": "gpt-5.5"}}}
		for i := 0; i < len(attrs); i += 2 {
			a = append(a, kv{attrs[i], map[string]string{"stringValue": attrs[i+1]}})
		}
		recs = append(recs, rec{strconv.FormatInt(t0+ms*int64(time.Millisecond), 10), a})
	}
	var s strings.Builder
	fmt.Fprintf(&s, `{"type":"thread.started","thread_id":%q}`+"\n"+`{"type":"turn.started"}`+"\n", thread)
	add(1, native.EventConversationStarts)
	add(2, native.EventUserPrompt)
	out := strings.Repeat("x", output)
	for i := range n {
		ms := int64(10 + 100*i)
		cmd := fmt.Sprintf("echo %d", i)
		call := fmt.Sprintf("call_%d", i)
		add(ms, native.EventAPIRequest, "duration_ms", "20", "http.response.status_code", "200", "attempt", "0")
		add(ms+1, native.EventSSE, "event.kind", "response.completed", "input_token_count", "100", "output_token_count", "10")
		add(ms+2, native.EventToolDecision, "call_id", call, "tool_name", "exec_command", "decision", "approved", "source", "Config")
		add(ms+50, native.EventToolResult, "call_id", call, "tool_name", "exec_command", "tool_namespace", "functions",
			"duration_ms", "47", "success", "true", "arguments", fmt.Sprintf(`{"cmd": %q}`, cmd), "output", out)
		item := fmt.Sprintf(`{"id":"item_%d","type":"command_execution","command":"/bin/bash -lc '%s'"`, i, cmd)
		fmt.Fprintf(&s, `{"type":"item.started","item":%s,"aggregated_output":"","exit_code":null,"status":"in_progress"}}`+"\n", item)
		fmt.Fprintf(&s, `{"type":"item.completed","item":%s,"aggregated_output":"%d\n","exit_code":0,"status":"completed"}}`+"\n", item, i)
	}
	s.WriteString(`{"type":"turn.completed","usage":{"input_tokens":100,"cached_input_tokens":0,"output_tokens":10}}` + "\n")
	b, _ := json.Marshal(map[string]any{"resourceLogs": []any{map[string]any{"scopeLogs": []any{map[string]any{"logRecords": recs}}}}})
	return []byte(s.String()), b
}

// BenchmarkNativeJoin compares replaying a 1,000-call session without
// Codex's export (plain), with its export decoded once outside the loop
// (join: the index and the join), and with the decoding of the export in
// the loop (decode_join: what the receiver and the join add together).
// The bus has one handler that takes every event, doing nothing.
func BenchmarkNativeJoin(b *testing.B) {
	stream, body := syntheticPair(1000, 200)
	store := native.NewStore(native.Limits{})
	if err := store.Add(native.Logs, "", body); err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B, opts func() []Option) {
		b.ReportAllocs()
		for b.Loop() {
			clock := NewStreamClock(time.Now)
			bus := telemetry.New(telemetry.WithClock(clock.Now), telemetry.WithThrottle(nil))
			bus.Attach("sink", telemetry.HandlerFunc(func(context.Context, telemetry.Event) {}), "codex.*")
			if _, err := ReadExec(context.Background(), bytes.NewReader(stream), bus, append(opts(), WithStreamClock(clock))...); err != nil {
				b.Fatal(err)
			}
			bus.Close()
		}
	}
	b.Run("plain", func(b *testing.B) { run(b, func() []Option { return nil }) })
	b.Run("join", func(b *testing.B) { run(b, func() []Option { return []Option{WithNative(store.Index())} }) })
	b.Run("decode_join", func(b *testing.B) {
		run(b, func() []Option {
			s := native.NewStore(native.Limits{})
			if err := s.Add(native.Logs, "", body); err != nil {
				b.Fatal(err)
			}
			return []Option{WithNative(s.Index())}
		})
	})
}

// TestNativeMemoryBounded: a 10,000-call session whose every call printed
// 8 KiB costs the store about 2.5 KB a call (its four records), not the
// 80 MB Codex exported.
func TestNativeMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes 80 MB")
	}
	if raceEnabled {
		t.Skip("heap measurements under the race detector are meaningless")
	}
	before := heapInUse()
	store := native.NewStore(native.Limits{})
	for range 10 {
		_, body := syntheticPair(1000, 8<<10)
		if err := store.Add(native.Logs, "", body); err != nil {
			t.Fatal(err)
		}
	}
	grown := int64(heapInUse()) - int64(before)
	if st := store.Stats(); st.Records != 10*(2+4*1000) {
		t.Fatalf("stats %+v", st)
	}
	t.Logf("10,000 calls of 8 KiB output: the store holds %.1f MB", float64(grown)/(1<<20))
	if grown > 40<<20 {
		t.Errorf("the store grew by %d bytes", grown)
	}
	store.Records() // keep it alive to here
}
