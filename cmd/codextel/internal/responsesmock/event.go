package responsesmock

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// An Event is one Server-Sent Event of a Responses API stream. Its data is
// a JSON object whose "type" is also the SSE event name.
type Event struct {
	Type string
	Data map[string]any // without "type", which AppendSSE adds first
}

// AppendSSE appends the event as Codex's own test server writes it:
//
//	event: response.created
//	data: {"type":"response.created","response":{"id":"resp_1"}}
//
// followed by a blank line.
func (e Event) AppendSSE(dst []byte) []byte {
	dst = append(dst, "event: "...)
	dst = append(dst, e.Type...)
	dst = append(dst, "\ndata: {\"type\":"...)
	t, _ := json.Marshal(e.Type)
	dst = append(dst, t...)
	for _, k := range slices.Sorted(maps.Keys(e.Data)) {
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(e.Data[k])
		if err != nil {
			panic(fmt.Sprintf("responsesmock: event %s field %s: %v", e.Type, k, err))
		}
		dst = append(dst, ',')
		dst = append(dst, kb...)
		dst = append(dst, ':')
		dst = append(dst, vb...)
	}
	return append(dst, "}\n\n"...)
}

// Usage is the token usage a response reports in response.completed.
type Usage struct {
	InputTokens, CachedInputTokens, OutputTokens, ReasoningOutputTokens int64
}

// Created is response.created.
func Created(id string) Event {
	return Event{"response.created", map[string]any{"response": map[string]any{"id": id}}}
}

// MessageAdded is response.output_item.added for an assistant message whose
// text is still to come.
func MessageAdded(id string) Event {
	return Event{"response.output_item.added", map[string]any{"item": message(id, "")}}
}

// TextDelta is response.output_text.delta: a piece of the message's text.
func TextDelta(id, delta string) Event {
	return Event{"response.output_text.delta", map[string]any{
		"item_id": id, "output_index": 0, "content_index": 0, "delta": delta,
	}}
}

// MessageDone is response.output_item.done for an assistant message.
func MessageDone(id, text string) Event {
	return Event{"response.output_item.done", map[string]any{"item": message(id, text)}}
}

func message(id, text string) map[string]any {
	content := []any{}
	if text != "" {
		content = append(content, map[string]any{"type": "output_text", "text": text, "annotations": []any{}})
	}
	return map[string]any{"type": "message", "role": "assistant", "id": id, "status": "completed", "content": content}
}

// FunctionCall is response.output_item.done for a call of the function tool
// name; arguments is the JSON text of its arguments.
func FunctionCall(callID, name, arguments string) Event {
	return Event{"response.output_item.done", map[string]any{"item": map[string]any{
		"type": "function_call", "id": "fc_" + callID, "call_id": callID, "name": name, "arguments": arguments, "status": "completed",
	}}}
}

// Completed is response.completed with the response's token usage.
func Completed(id string, u Usage) Event {
	return Event{"response.completed", map[string]any{"response": map[string]any{
		"id": id,
		"usage": map[string]any{
			"input_tokens":          u.InputTokens,
			"input_tokens_details":  map[string]any{"cached_tokens": u.CachedInputTokens},
			"output_tokens":         u.OutputTokens,
			"output_tokens_details": map[string]any{"reasoning_tokens": u.ReasoningOutputTokens},
			"total_tokens":          u.InputTokens + u.OutputTokens,
		},
	}}}
}

// Failed is response.failed: the model side gave up on the response.
func Failed(id, code, message string) Event {
	return Event{"response.failed", map[string]any{"response": map[string]any{
		"id": id, "error": map[string]any{"code": code, "message": message},
	}}}
}
