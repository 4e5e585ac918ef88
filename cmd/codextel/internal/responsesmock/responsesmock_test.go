package responsesmock

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestAppendSSE(t *testing.T) {
	tests := []struct {
		e    Event
		want string
	}{
		{Created("resp_1"), "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\"}}\n\n"},
		{TextDelta("msg_1", "Hi \"you\""), "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"content_index\":0,\"delta\":\"Hi \\\"you\\\"\",\"item_id\":\"msg_1\",\"output_index\":0}\n\n"},
		{FunctionCall("call_1", "exec_command", `{"cmd":"true"}`), "event: response.output_item.done\ndata: {\"type\":\"response.output_item.done\",\"item\":{\"arguments\":\"{\\\"cmd\\\":\\\"true\\\"}\",\"call_id\":\"call_1\",\"id\":\"fc_call_1\",\"name\":\"exec_command\",\"status\":\"completed\",\"type\":\"function_call\"}}\n\n"},
	}
	for _, tt := range tests {
		if got := string(tt.e.AppendSSE(nil)); got != tt.want {
			t.Errorf("AppendSSE(%s):\n got %q\nwant %q", tt.e.Type, got, tt.want)
		}
	}
}

// TestEventShapes checks the data of each event against the Responses API
// fields the Codex CLI reads.
func TestEventShapes(t *testing.T) {
	data := func(e Event) map[string]any {
		t.Helper()
		line := strings.TrimSuffix(strings.SplitN(string(e.AppendSSE(nil)), "\n", 3)[1], "\n")
		var m map[string]any
		if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &m); err != nil {
			t.Fatalf("%s: %v", e.Type, err)
		}
		if m["type"] != e.Type {
			t.Fatalf("%s: data type %v", e.Type, m["type"])
		}
		return m
	}
	usage := data(Completed("resp_9", Usage{InputTokens: 300, CachedInputTokens: 100, OutputTokens: 30, ReasoningOutputTokens: 5}))["response"].(map[string]any)["usage"].(map[string]any)
	for path, want := range map[string]float64{
		"input_tokens": 300, "input_tokens_details.cached_tokens": 100,
		"output_tokens": 30, "output_tokens_details.reasoning_tokens": 5, "total_tokens": 330,
	} {
		var v any = usage
		for _, k := range strings.Split(path, ".") {
			v = v.(map[string]any)[k]
		}
		if v != want {
			t.Errorf("usage %s = %v, want %v", path, v, want)
		}
	}
	msg := data(MessageDone("msg_1", "Hello."))["item"].(map[string]any)
	content := msg["content"].([]any)[0].(map[string]any)
	if msg["type"] != "message" || msg["role"] != "assistant" || content["type"] != "output_text" || content["text"] != "Hello." {
		t.Errorf("message item: %v", msg)
	}
	if added := data(MessageAdded("msg_1"))["item"].(map[string]any); len(added["content"].([]any)) != 0 {
		t.Errorf("an added message has content: %v", added)
	}
	failed := data(Failed("resp_1", "rate_limit_exceeded", "slow down"))["response"].(map[string]any)["error"].(map[string]any)
	if failed["code"] != "rate_limit_exceeded" || failed["message"] != "slow down" {
		t.Errorf("response.failed error: %v", failed)
	}
}

func TestServer(t *testing.T) {
	stream := Stream(Created("resp_1"), MessageDone("msg_1", "Hello."), Completed("resp_1", Usage{InputTokens: 1}))
	s, err := Start(stream, HTTPError(http.StatusInternalServerError, "boom"), Stream(Created("resp_3")))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	u, err := url.Parse(s.URL)
	if err != nil || u.Hostname() != "127.0.0.1" || u.Path != "/v1" {
		t.Fatalf("URL %q: want http://127.0.0.1:PORT/v1", s.URL)
	}

	post := func(body string) (*http.Response, string) {
		t.Helper()
		resp, err := http.Post(s.URL+"/responses", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, string(b)
	}

	// The first reply: the events, as an event stream.
	resp, body := post(`{"model":"m","input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"hi"}]}],"tools":[{"type":"function","name":"exec_command"},{"type":"web_search"}]}`)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("first reply: %s, Content-Type %q", resp.Status, resp.Header.Get("Content-Type"))
	}
	if body != stream.Lines() {
		t.Errorf("first reply body:\n%s\nwant:\n%s", body, stream.Lines())
	}
	var types []string
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		if typ, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
			types = append(types, typ)
		}
	}
	if got := strings.Join(types, " "); got != "response.created response.output_item.done response.completed" {
		t.Errorf("event names: %s", got)
	}

	// The second: the HTTP error, with the API's error body.
	resp, body = post(`{"input":[]}`)
	var apiErr struct {
		Error struct{ Message string } `json:"error"`
	}
	if resp.StatusCode != http.StatusInternalServerError || json.Unmarshal([]byte(body), &apiErr) != nil || apiErr.Error.Message != "boom" {
		t.Errorf("second reply: %s %q; want 500 with message boom", resp.Status, body)
	}

	// A request elsewhere is refused and reported.
	resp, err = http.Get(s.URL + "/models")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /v1/models: %s, want 404", resp.Status)
	}
	if err := s.Err(); err == nil || !strings.Contains(err.Error(), "unexpected request GET /v1/models") || !strings.Contains(err.Error(), "1 of 3 scripted replies never requested") {
		t.Errorf("Err() = %v; want the GET reported and one reply unused", err)
	}

	reqs := s.ResponsesRequests()
	if len(reqs) != 2 || len(s.Requests()) != 3 {
		t.Fatalf("%d responses requests of %d, want 2 of 3", len(reqs), len(s.Requests()))
	}
	input, err := reqs[0].Input()
	if err != nil || len(input) != 1 || input[0]["role"] != "user" {
		t.Errorf("first request input: %v, %v", input, err)
	}
	if names, err := reqs[0].ToolNames(); err != nil || strings.Join(names, ",") != "exec_command,web_search" {
		t.Errorf("tool names: %v, %v", names, err)
	}

	// The third uses the last reply; a fourth is more than the script has.
	post(`{"input":[]}`)
	resp, _ = post(`{"input":[]}`)
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a request past the script: %s, want 400", resp.Status)
	}
	if err := s.Err(); err == nil || !strings.Contains(err.Error(), "request 4 to /v1/responses, but the script has 3 replies") || strings.Contains(err.Error(), "never requested") {
		t.Errorf("Err() = %v; want the fourth request reported and no reply unused", err)
	}
}

func TestRequestJSONError(t *testing.T) {
	r := Request{Method: "POST", Path: "/v1/responses", Body: []byte("not json")}
	if _, err := r.Input(); err == nil || !strings.Contains(err.Error(), "not a JSON object") {
		t.Errorf("Input() of a non-JSON body: %v", err)
	}
	r.Body = []byte(`{"model":"m"}`)
	if _, err := r.Input(); err == nil || !strings.Contains(err.Error(), "no input array") {
		t.Errorf("Input() with no input: %v", err)
	}
}

// TestRateLimitedAndAnalytics: a RateLimited reply is a 429 with
// Retry-After and the rate limit's error shape, and a POST to
// /v1/analytics/ is acknowledged and recorded without being an error or
// using a reply.
func TestRateLimitedAndAnalytics(t *testing.T) {
	s, err := Start(RateLimited("slow down", 2))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, tc := range []struct {
		path, retryAfter string
		status           int
		body             string
	}{
		{"/analytics/codex/turn-costs", "", http.StatusOK, "{}"},
		{"/responses", "2", http.StatusTooManyRequests, `{"error":{"code":"rate_limit_exceeded","message":"slow down","type":"rate_limit_exceeded"}}`},
	} {
		resp, err := http.Post(s.URL+tc.path, "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != tc.status || resp.Header.Get("Retry-After") != tc.retryAfter || string(b) != tc.body {
			t.Errorf("POST %s: %s, Retry-After %q, body %s; want %d, %q, %s", tc.path, resp.Status, resp.Header.Get("Retry-After"), b, tc.status, tc.retryAfter, tc.body)
		}
	}
	if err := s.Err(); err != nil {
		t.Errorf("Err() = %v, want nil", err)
	}
	if n, m := len(s.ResponsesRequests()), len(s.Requests()); n != 1 || m != 2 {
		t.Errorf("%d responses requests of %d, want 1 of 2", n, m)
	}
}
