package codexotel

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/codextel/codextel/core/bridge"
	codexinst "github.com/codextel/codextel/core/instrument"
	"github.com/codextel/codextel/core/telemetry"
)

// contentRig is a bus with the model data logging on or off and a Handler making
// spans into a recorder.
func contentRig(t *testing.T, modelData bool) (*telemetry.Bus, *tracetest.SpanRecorder, *Handler) {
	t.Helper()
	bus := telemetry.New(telemetry.WithThrottle(nil), telemetry.WithModelData(modelData))
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec), sdktrace.WithIDGenerator(NewIDGenerator()))
	h, err := NewHandler(WithTracerProvider(tp))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bus.Attach("otel", h, "*"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	return bus, rec, h
}

// turnSpan returns the attributes of the one invoke_agent span.
func turnSpan(t *testing.T, rec *tracetest.SpanRecorder) map[string]any {
	t.Helper()
	var out []map[string]any
	for _, s := range rec.Ended() {
		if s.Name() == "invoke_agent codex" {
			out = append(out, attrMap(s.Attributes()))
		}
	}
	if len(out) != 1 {
		t.Fatalf("%d turn spans, want 1", len(out))
	}
	return out[0]
}

// TestContentMessages: with model data logging on, a turn span carries its
// output (the recorded Codex 0.169 session's reasoning and agent message)
// as gen_ai.output.messages, in the GenAI conventions' JSON shape; off (the
// default), neither content attribute is set.
func TestContentMessages(t *testing.T) {
	for _, c := range []struct {
		name      string
		modelData bool
		want      string // gen_ai.output.messages; "" for none
	}{
		{"model-data", true,
			`[{"role":"assistant","parts":[{"type":"reasoning","content":"**Considering the greeting**\n\nThe user wants a short hello."},` +
				`{"type":"text","content":"Hello! How can I help today?"}],"finish_reason":"stop"}]`},
		{"redacted", false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := os.Open("testdata/exec_reasoning_then_message.jsonl")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			bus, rec, _ := contentRig(t, c.modelData)
			if _, err := bridge.ReadExec(context.Background(), f, bus); err != nil {
				t.Fatal(err)
			}
			attrs := turnSpan(t, rec)
			got, ok := attrs[keyOutputMsgs].(string)
			if c.want == "" {
				if ok || attrs[keyInputMsgs] != nil {
					t.Errorf("content attributes set with model data off: %v", attrs)
				}
				return
			}
			var gotJSON, wantJSON any
			if err := json.Unmarshal([]byte(got), &gotJSON); err != nil {
				t.Fatalf("gen_ai.output.messages %q: %v", got, err)
			}
			_ = json.Unmarshal([]byte(c.want), &wantJSON)
			if !reflect.DeepEqual(gotJSON, wantJSON) {
				t.Errorf("gen_ai.output.messages\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

// TestContentMessagesInputScrubbed: a turn's input becomes
// gen_ai.input.messages, a failed turn's output ends for "error", and a
// secret in either is scrubbed by the bus before the span sees it.
func TestContentMessagesInputScrubbed(t *testing.T) {
	const secret = "sk-proj-abcdefghij0123456789KLMNOP"
	bus, rec, _ := contentRig(t, true)
	codex := codexinst.Codex{Bus: bus}
	ctx, th := codex.StartThread(context.Background(), codexinst.ThreadInfo{ID: "t", Source: codexinst.SourceAppServer})
	tctx, turn := th.StartTurn(ctx, codexinst.TurnInfo{ID: "turn-1", Input: "deploy with key " + secret})
	codex.AgentMessage(tctx, "m1", "used "+secret+", done")
	turn.Fail(errTest("stream disconnected"))
	th.End()
	attrs := turnSpan(t, rec)
	in, _ := attrs[keyInputMsgs].(string)
	out, _ := attrs[keyOutputMsgs].(string)
	var msgs []genAIMessage
	if err := json.Unmarshal([]byte(in), &msgs); err != nil || len(msgs) != 1 || msgs[0].Role != "user" ||
		len(msgs[0].Parts) != 1 || !strings.HasPrefix(msgs[0].Parts[0].Content, "deploy with key ") {
		t.Errorf("gen_ai.input.messages %q (%v)", in, err)
	}
	if err := json.Unmarshal([]byte(out), &msgs); err != nil || len(msgs) != 1 || msgs[0].FinishReason != "error" ||
		len(msgs[0].Parts) != 1 || msgs[0].Parts[0].Type != "text" {
		t.Errorf("gen_ai.output.messages %q (%v)", out, err)
	}
	if strings.Contains(in+out, secret) || strings.Contains(in+out, "0123456789KLMNOP") {
		t.Errorf("a secret reached the span: %s %s", in, out)
	}
	if _, ok := attrs["codex.input"]; ok {
		t.Errorf("the turn's input is also codex.input: %v", attrs)
	}
}

type errTest string

func (e errTest) Error() string { return string(e) }
