package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/codextel/codextel/core/bridge"
)

// The end-to-end leak test (issue 10, "Done means"): the shared secret corpus
// of core/scrub is planted in a replayed exec stream, an app-server wire log
// and raw events for render, and every adapter × format × data-logging
// setting is run in process. Not one secret may come out: not on stdout, not
// on stderr, not in any OTLP request body a local sink receives. The clean
// corpus, logged with tool and model data on, must come out intact.

// The corpus files, shared with core/scrub's own tests.
const (
	secretCorpusPath = "../../core/scrub/testdata/secrets.jsonl"
	cleanCorpusPath  = "../../core/scrub/testdata/clean.jsonl"
)

// A secretCase is one line of secrets.jsonl: text holding secrets, the
// secrets themselves (the parts that must never be output) and the context
// that scrubbing must keep.
type secretCase struct {
	Category string   `json:"category"`
	Name     string   `json:"name"`
	Text     string   `json:"text"`
	Secrets  []string `json:"secrets"`
	Keep     []string `json:"keep"`

	line int // in secrets.jsonl
}

// A cleanCase is one line of clean.jsonl: text with no secret, which
// scrubbing must leave byte for byte.
type cleanCase struct {
	Category string `json:"category"`
	Name     string `json:"name"`
	Text     string `json:"text"`

	line int
}

func (c secretCase) text() string { return c.Text }
func (c cleanCase) text() string  { return c.Text }

// readJSONL decodes one T per non-blank line of path, rejecting unknown
// members; check validates each and names the field at fault.
func readJSONL[T any](path string, check func(*T, int) error) ([]T, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []T
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		var v T
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n, err)
		}
		if dec.More() {
			return nil, fmt.Errorf("%s:%d: more than one JSON value on the line", path, n)
		}
		if err := check(&v, n); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no cases", path)
	}
	return out, nil
}

// secretByte reports whether b may appear in a corpus secret: the bytes that
// every output encoding (JSON, Python repr, protobuf) writes as they are.
func secretByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' ||
		b == '_' || b == '.' || b == '+' || b == '/' || b == '=' || b == '-'
}

// loadSecretCorpus reads secrets.jsonl, checking each secret has the shape
// the corpus format promises (8 bytes or more of [A-Za-z0-9_.+/=-]).
func loadSecretCorpus(path string) ([]secretCase, error) {
	return readJSONL(path, func(c *secretCase, n int) error {
		c.line = n
		switch {
		case c.Name == "":
			return fmt.Errorf(`field "name" is empty`)
		case c.Text == "":
			return fmt.Errorf(`case %q: field "text" is empty`, c.Name)
		case len(c.Secrets) == 0:
			return fmt.Errorf(`case %q: field "secrets" is empty`, c.Name)
		}
		for i, s := range c.Secrets {
			if len(s) < 8 {
				return fmt.Errorf(`case %q: "secrets"[%d] %q is shorter than 8 bytes`, c.Name, i, s)
			}
			for j := 0; j < len(s); j++ {
				if !secretByte(s[j]) {
					return fmt.Errorf(`case %q: "secrets"[%d] has byte %q at offset %d (want only [A-Za-z0-9_.+/=-])`, c.Name, i, s[j], j)
				}
			}
		}
		return nil
	})
}

// loadCleanCorpus reads clean.jsonl.
func loadCleanCorpus(path string) ([]cleanCase, error) {
	return readJSONL(path, func(c *cleanCase, n int) error {
		c.line = n
		if c.Name == "" || c.Text == "" {
			return fmt.Errorf(`field "name" or "text" is empty`)
		}
		return nil
	})
}

// obj is a JSON object with its keys in the order given, so that generated
// lines read like Codex's.
type obj []any

func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i := 0; i+1 < len(o); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(o[i])
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(o[i+1])
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// jsonText is v as JSON text.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("leak test: cannot encode %T: %v", v, err)) // only the generators' own values reach here
	}
	return string(b)
}

// rawJSON is text as a JSON value when it is a JSON object or array (the
// structured cases: an MCP tool's JSON returned as a value), else nil.
func rawJSON(text string) json.RawMessage {
	t := strings.TrimSpace(text)
	if t == "" || (t[0] != '{' && t[0] != '[') || !json.Valid([]byte(t)) {
		return nil
	}
	return json.RawMessage(t)
}

// A stream collects generated lines. A malformed line holds a text as a
// truncated JSON line would: JSON-escaped, since a line cannot hold a raw
// newline.
type stream struct{ bytes.Buffer }

// json adds v as one JSON line.
func (s *stream) json(v any) {
	s.WriteString(jsonText(v))
	s.WriteByte('\n')
}

// raw adds line as it is.
func (s *stream) raw(line string) {
	s.WriteString(line)
	s.WriteByte('\n')
}

// threadID is the thread of the i-th text in every generated input: the
// coverage check counts it.
func threadID(i int) string { return fmt.Sprintf("leak-thread-%04d", i) }

// mcpArgs and mcpResult put text in an MCP call's arguments and result as
// JSON values, at depth.
func mcpArgs(text string) obj {
	return obj{"text", text, "nested", obj{"list", []any{obj{"deep", text}}}}
}

func mcpResult(text string) obj {
	return obj{"content", []any{obj{"type", "text", "text", text}}, "structured_content", obj{"more", []any{[]any{text}}}}
}

// execStream is a `codex exec --json` stream with one thread per text, each
// text placed everywhere Codex puts text: commands and their output, MCP
// arguments and results (JSON values and JSON text), file changes, web
// searches, collab prompts, plans, messages, reasoning, error items, error
// lines and the failed turn; and in lines the reader must reject, where it
// lands in the excerpt the reader reports.
func execStream(texts []string) []byte {
	var s stream
	for i, text := range texts {
		id := fmt.Sprintf("leak%04d", i)
		s.json(obj{"type", "thread.started", "thread_id", threadID(i)})
		s.json(obj{"type", "turn.started"})
		item := func(kind string, it obj) { s.json(obj{"type", kind, "item", it}) }
		// An item completed without an item.started is started then, with
		// the same events: only the first command and MCP call have one, to
		// keep the stream short.
		// A command that fails and one that succeeds.
		item("item.started", obj{"id", id + "-cmd1", "type", "command_execution", "command", text, "aggregated_output", "", "exit_code", nil, "status", "in_progress"})
		item("item.completed", obj{"id", id + "-cmd1", "type", "command_execution", "command", text, "aggregated_output", text, "exit_code", 1, "status", "failed"})
		item("item.completed", obj{"id", id + "-cmd2", "type", "command_execution", "command", text, "aggregated_output", text, "exit_code", 0, "status", "completed"})
		// MCP calls: JSON values, JSON text, the text as JSON when it is, an
		// error message, a failed result.
		mcp := func(n string, args, result any, errMsg any, status string) {
			if n == "-mcp1" {
				item("item.started", obj{"id", id + n, "type", "mcp_tool_call", "server", "demo", "tool", "echo", "arguments", args, "result", nil, "error", nil, "status", "in_progress"})
			}
			item("item.completed", obj{"id", id + n, "type", "mcp_tool_call", "server", "demo", "tool", "echo", "arguments", args, "result", result, "error", errMsg, "status", status})
		}
		mcp("-mcp1", mcpArgs(text), mcpResult(text), nil, "completed")
		mcp("-mcp2", jsonText(mcpArgs(text)), jsonText(mcpResult(text)), nil, "completed")
		if raw := rawJSON(text); raw != nil {
			mcp("-mcp3", raw, raw, nil, "completed")
		}
		mcp("-mcp4", obj{"q", text}, nil, obj{"message", text}, "failed")
		mcp("-mcp5", obj{"q", text}, mcpResult(text), nil, "failed")
		item("item.completed", obj{"id", id + "-fc", "type", "file_change", "changes", []any{obj{"path", text, "kind", "add"}}, "status", "completed"})
		item("item.completed", obj{"id", id + "-ws", "type", "web_search", "query", text, "action", obj{"type", "search", "query", text}})
		item("item.completed", obj{"id", id + "-collab", "type", "collab_tool_call", "tool", "spawn_agent", "sender_thread_id", threadID(i), "receiver_thread_ids", []any{id + "-child"}, "prompt", text, "agents_states", obj{}, "status", "completed"})
		item("item.completed", obj{"id", id + "-todo", "type", "todo_list", "items", []any{obj{"text", text, "completed", true}}})
		item("item.completed", obj{"id", id + "-rs", "type", "reasoning", "text", text})
		item("item.completed", obj{"id", id + "-msg", "type", "agent_message", "text", text})
		item("item.completed", obj{"id", id + "-err", "type", "error", "message", text})
		// A non-fatal error line (reported when the next line comes), then
		// lines the reader rejects, then the fatal error and the failed turn.
		s.json(obj{"type", "error", "message", "Reconnecting... 1/5 " + text})
		q := jsonText(text)
		s.raw("not json: " + q[1:len(q)-1])
		s.raw(`{"item":` + q + `,"type":"item.completed"}`)
		s.raw(`{"thread_id":[` + q + `],"type":"thread.started"}`)
		s.raw(`{"type":"item.completed","item":{"id":` + q + `,"type":7}}`)
		s.json(obj{"type", "error", "message", text})
		s.json(obj{"type", "turn.failed", "error", obj{"message", text}})
	}
	return s.Bytes()
}

// appServerLog is an app-server wire log ({"dir","msg"} lines) with one
// thread per text, the text placed where the server and the client put
// text: the turn's input, commands and their output (deltas too), approval
// requests (command as a string and as argv, reason, cwd), MCP calls, file
// changes and their diffs, messages, reasoning, web searches, error
// notifications, config warnings and the failed turn; and in lines the
// reader must reject, where it lands in the excerpt or the reason reported.
func appServerLog(texts []string) []byte {
	var s stream
	rpcID := 1000
	for i, text := range texts {
		tid, turn := threadID(i), fmt.Sprintf("leak-turn-%04d", i)
		id := fmt.Sprintf("leak%04d", i)
		ms := int64(1795582109000 + i*10000)
		at := func() int64 { ms++; return ms }
		s2c := func(method string, params obj) {
			s.json(obj{"dir", "s2c", "msg", obj{"method", method, "params", params, "emittedAtMs", at()}})
		}
		request := func(method string, params obj) int {
			rpcID++
			s.json(obj{"dir", "s2c", "msg", obj{"method", method, "id", rpcID, "params", params}})
			return rpcID
		}
		reply := func(id int, decision string) {
			s.json(obj{"dir", "c2s", "msg", obj{"jsonrpc", "2.0", "id", id, "result", obj{"decision", decision}}})
			s2c("serverRequest/resolved", obj{"threadId", tid, "requestId", id})
		}
		itemEvent := func(method string, it obj) {
			s2c(method, obj{"item", it, "threadId", tid, "turnId", turn})
		}
		rpcID++
		s.json(obj{"dir", "c2s", "msg", obj{"jsonrpc", "2.0", "id", rpcID, "method", "turn/start", "params", obj{"threadId", tid, "input", []any{obj{"type", "text", "text", text, "text_elements", []any{}}}}}})
		s2c("thread/started", obj{"thread", obj{"id", tid, "model", "gpt-5.5", "cwd", "/work"}})
		s2c("turn/started", obj{"threadId", tid, "turn", obj{"id", turn, "items", []any{}, "status", "inProgress", "error", nil}})
		// A command approved (command as text), one declined (as argv).
		cmd := func(n, decision, status string, command any) {
			itemEvent("item/started", obj{"type", "commandExecution", "id", id + n, "command", text, "cwd", "/work", "status", "inProgress", "commandActions", []any{obj{"type", "unknown", "command", text}}, "aggregatedOutput", nil, "exitCode", nil})
			req := request("item/commandExecution/requestApproval", obj{"kind", "command", "threadId", tid, "turnId", turn, "itemId", id + n, "startedAtMs", at(), "reason", text, "command", command, "cwd", text})
			reply(req, decision)
			s2c("item/commandExecution/outputDelta", obj{"threadId", tid, "turnId", turn, "itemId", id + n, "delta", text})
			itemEvent("item/completed", obj{"type", "commandExecution", "id", id + n, "command", text, "cwd", "/work", "status", status, "aggregatedOutput", text, "exitCode", 1})
		}
		cmd("-cmd1", "accept", "failed", text)
		cmd("-cmd2", "decline", "declined", []any{"/bin/bash", "-lc", text})
		mcp := func(n string, args, result, errMsg any, status string) {
			if n == "-mcp1" { // the others start at their completion, with the same events
				itemEvent("item/started", obj{"type", "mcpToolCall", "id", id + n, "server", "demo", "tool", "echo", "status", "inProgress", "arguments", args, "result", nil, "error", nil})
			}
			itemEvent("item/completed", obj{"type", "mcpToolCall", "id", id + n, "server", "demo", "tool", "echo", "status", status, "arguments", args, "result", result, "error", errMsg})
		}
		mcp("-mcp1", mcpArgs(text), mcpResult(text), nil, "completed")
		mcp("-mcp2", jsonText(mcpArgs(text)), jsonText(mcpResult(text)), nil, "completed")
		if raw := rawJSON(text); raw != nil {
			mcp("-mcp3", raw, raw, nil, "completed")
		}
		mcp("-mcp4", obj{"q", text}, nil, obj{"message", text}, "failed")
		changes := []any{obj{"path", text, "kind", obj{"type", "add"}, "diff", text}}
		itemEvent("item/started", obj{"type", "fileChange", "id", id + "-fc", "changes", changes, "status", "inProgress"})
		req := request("item/fileChange/requestApproval", obj{"threadId", tid, "turnId", turn, "itemId", id + "-fc", "reason", text, "grantRoot", text})
		reply(req, "accept")
		itemEvent("item/completed", obj{"type", "fileChange", "id", id + "-fc", "changes", changes, "status", "completed"})
		s2c("turn/diff/updated", obj{"threadId", tid, "turnId", turn, "diff", text})
		itemEvent("item/completed", obj{"type", "webSearch", "id", id + "-ws", "query", text, "action", obj{"type", "search", "query", text}})
		s2c("item/reasoning/summaryTextDelta", obj{"threadId", tid, "turnId", turn, "itemId", id + "-rs", "delta", text})
		s2c("item/reasoning/textDelta", obj{"threadId", tid, "turnId", turn, "itemId", id + "-rs", "delta", text})
		itemEvent("item/completed", obj{"type", "reasoning", "id", id + "-rs", "summary", []any{text}, "content", []any{text}})
		itemEvent("item/started", obj{"type", "agentMessage", "id", id + "-msg", "text", ""})
		s2c("item/agentMessage/delta", obj{"threadId", tid, "turnId", turn, "itemId", id + "-msg", "delta", text})
		itemEvent("item/completed", obj{"type", "agentMessage", "id", id + "-msg", "text", text})
		s2c("error", obj{"threadId", tid, "turnId", turn, "error", obj{"message", text, "codexErrorInfo", nil}, "willRetry", true})
		s2c("configWarning", obj{"summary", text, "details", text})
		q := jsonText(text)
		s.raw(`{"dir":"s2c","msg":not json ` + q[1:len(q)-1])
		s.raw(`{"msg":{"params":{"item":` + q + `},"method":"item/started"},"dir":"s2c"}`)
		s.raw(`{"dir":` + q + `,"msg":{"method":"turn/started","params":{}}}`)
		s.raw(`{"dir":"s2c","msg":{"method":` + q + `,"params":7}}`)
		s.raw(`{"dir":"s2c","msg":{"method":"item/started","params":{"item":{"type":"commandExecution","id":` + q + `,"exitCode":"x"}}}}`)
		s2c("turn/completed", obj{"threadId", tid, "turn", obj{"id", turn, "items", []any{}, "status", "failed", "error", obj{"message", text}}})
	}
	return s.Bytes()
}

// rawEvents is input for `codextel render`: per text, events with the text
// in metadata values at depth (objects in objects, arrays in arrays), as a
// metadata key at the top and nested, in a custom event; and in lines the
// decoder must reject, where it lands in the error or excerpt reported.
func rawEvents(texts []string) []byte {
	var s stream
	for i, text := range texts {
		ids := obj{"thread_id", threadID(i)}
		callID := fmt.Sprintf("leak%04d-call", i)
		ev := func(name string, md obj) { s.json(obj{"event", name, "metadata", md, "ids", ids}) }
		ev("codex.thread.start", obj{"source", "sdk", "input", text})
		ev("codex.tool.start", obj{"tool", "shell", "call_id", callID, "input", obj{"argv", []any{"bash", "-lc", text}, "env", obj{"deep", obj{"deeper", []any{text, obj{"x", []any{[]any{text}}}}}}}})
		ev("codex.tool.failure", obj{"tool", "shell", "call_id", callID, "status", "failed", "input", text, "reason", text, "error_type", "exit", "result", obj{"stdout", text}})
		ev("codex.mcp.tool_call.start", obj{"server", "demo", "tool", "echo", "call_id", callID + "-mcp", "arguments", mcpArgs(text)})
		ev("codex.mcp.tool_call.success", obj{"server", "demo", "tool", "echo", "call_id", callID + "-mcp", "result", mcpResult(text)})
		ev("codex.error", obj{"error_message", text, "context", obj{"cmd", text, "list", []any{obj{"k", text}}}})
		ev("codex.item.warning", obj{"warning", text})
		ev("app.custom.event", obj{"note", text, "nested", obj{"a", obj{"b", obj{"c", []any{text}}}}})
		ev("codex.tool.start", obj{text, "value", "tool", "shell", "call_id", callID + "-keys", "input", obj{"env", obj{text, "1"}, "list", []any{obj{text, []any{"x"}}}}})
		q := jsonText(text)
		s.raw("not json " + q[1:len(q)-1])
		s.raw(`{"metadata":{"k":` + q + `},"event":5}`)
		s.raw(`{"event":` + q + `,"metadata":{}}`)
		s.raw(`{"measurements":{"duration":` + q + `},"event":"codex.tool.success"}`)
		s.raw(`{"measurements":{` + q + `:"x"},"event":"codex.tool.success"}`)
		s.raw(`{"time":` + q + `,"event":"codex.error"}`)
		s.raw(`{"ids":{"thread_id":7,"k":` + q + `},"event":"codex.error"}`)
		ev("codex.thread.stop", obj{"source", "sdk"})
	}
	return s.Bytes()
}

// otlpSink is a local OTLP/HTTP receiver: it keeps every request body,
// gunzipped, by path.
type otlpSink struct {
	srv *httptest.Server

	mu     sync.Mutex
	bodies map[string]*bytes.Buffer
	errs   []string
}

// newOTLPSink starts a sink, closed when the test ends.
func newOTLPSink(t *testing.T) *otlpSink {
	k := &otlpSink{bodies: map[string]*bytes.Buffer{}}
	k.srv = httptest.NewServer(http.HandlerFunc(k.serve))
	t.Cleanup(k.srv.Close)
	return k
}

// serve keeps the body of an export request and answers it with success.
func (k *otlpSink) serve(w http.ResponseWriter, r *http.Request) {
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			k.fail("%s: bad gzip body: %v", r.URL.Path, err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		defer zr.Close()
		body = zr
	}
	data, err := io.ReadAll(body)
	if err != nil {
		k.fail("%s: reading the body: %v", r.URL.Path, err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	switch r.URL.Path {
	case "/v1/logs", "/v1/traces", "/v1/metrics":
	default:
		k.fail("unexpected OTLP path %s", r.URL.Path)
		http.NotFound(w, r)
		return
	}
	k.mu.Lock()
	b := k.bodies[r.URL.Path]
	if b == nil {
		b = new(bytes.Buffer)
		k.bodies[r.URL.Path] = b
	}
	b.Write(data)
	b.WriteByte('\n') // no secret spans two requests
	k.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.WriteHeader(http.StatusOK) // an empty Export*ServiceResponse
}

// fail records a request the sink could not take.
func (k *otlpSink) fail(format string, args ...any) {
	k.mu.Lock()
	k.errs = append(k.errs, fmt.Sprintf(format, args...))
	k.mu.Unlock()
}

// take returns the bodies received since the last call, and the sink's
// errors, and forgets them.
func (k *otlpSink) take() (map[string][]byte, []string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := map[string][]byte{}
	for p, b := range k.bodies {
		out[p] = bytes.Clone(b.Bytes())
	}
	errs := k.errs
	k.bodies, k.errs = map[string]*bytes.Buffer{}, nil
	return out, errs
}

// A secretRef is one secret of the corpus.
type secretRef struct {
	value string
	cas   int // index of its case
	index int // in the case's secrets
}

// minPartial is the shortest start of a secret counted as a leak when the
// whole secret is not there (an excerpt cut it).
const minPartial = 16

// A finder finds every corpus secret in a text in one pass: the first two
// bytes of a position filter, then its first eight select the candidates.
type finder struct {
	refs  []secretRef
	first [1 << 16 / 64]uint64
	byKey map[uint64][]int
}

// newFinder indexes every secret of cases.
func newFinder(cases []secretCase) *finder {
	f := &finder{byKey: map[uint64][]int{}}
	for ci, c := range cases {
		for si, s := range c.Secrets {
			r := len(f.refs)
			f.refs = append(f.refs, secretRef{value: s, cas: ci, index: si})
			k := binary.LittleEndian.Uint64([]byte(s[:8]))
			f.byKey[k] = append(f.byKey[k], r)
			k16 := uint16(k)
			f.first[k16/64] |= 1 << (k16 % 64)
		}
	}
	return f
}

// A hit is a secret found in an output: whole, or its first n bytes.
type hit struct {
	ref     int
	pos, n  int
	partial bool
}

// find returns every hit in out, in order of position.
func (f *finder) find(out []byte) []hit {
	var hits []hit
	for i := 0; i+8 <= len(out); i++ {
		k16 := uint16(out[i]) | uint16(out[i+1])<<8
		if f.first[k16/64]&(1<<(k16%64)) == 0 {
			continue
		}
		// Some corpus secrets share their first bytes: a start shared with a
		// secret found whole here is not a leak of its own, and of the starts
		// found here only the longest is.
		at, whole := len(hits), false
		for _, r := range f.byKey[binary.LittleEndian.Uint64(out[i:])] {
			s := f.refs[r].value
			n := 8
			for n < len(s) && i+n < len(out) && out[i+n] == s[n] {
				n++
			}
			switch {
			case n == len(s):
				hits, whole = append(hits, hit{ref: r, pos: i, n: n}), true
			case n >= minPartial:
				hits = append(hits, hit{ref: r, pos: i, n: n, partial: true})
			}
		}
		if whole {
			hits = append(hits[:at], slices.DeleteFunc(hits[at:], func(h hit) bool { return h.partial })...)
		} else if len(hits)-at > 1 { // the longest start is the secret cut here
			hits = append(hits[:at], slices.MaxFunc(hits[at:], func(a, b hit) int { return a.n - b.n }))
		}
	}
	return hits
}

// A leak is a secret found in one output of one run.
type leak struct {
	cas, secret                   int
	source, adapter, format, data string
	where                         string // stdout, stderr or an OTLP path
	partial                       bool
	n                             int // bytes of the secret found
	hits                          int
	context                       string
	// placements counts the hits by the line they are on, for the runs
	// whose lines say where a text went (placement).
	placements map[string]int
}

// leakRun is one invocation of the matrix.
type leakRun struct {
	source, adapter, format string
	data                    bool
}

func (r leakRun) dataName() string {
	if r.data {
		return "data"
	}
	return "default"
}

func (r leakRun) String() string {
	return fmt.Sprintf("%s --adapter %s --format %s (%s)", r.source, r.adapter, r.format, r.dataName())
}

// scrubbedContext is out around a hit, with every secret in it named
// instead of shown.
func (f *finder) scrubbedContext(cases []secretCase, out []byte, h hit) string {
	from, to := max(0, h.pos-100), min(len(out), h.pos+h.n+100)
	for from > 0 && secretByte(out[from-1]) && from > h.pos-200 {
		from-- // do not start inside a secret
	}
	for to < len(out) && secretByte(out[to]) && to < h.pos+h.n+200 {
		to++
	}
	window := out[from:to]
	hits := f.find(window)
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].pos != hits[j].pos {
			return hits[i].pos < hits[j].pos
		}
		return hits[i].n > hits[j].n
	})
	var b strings.Builder
	done := 0
	for _, x := range hits {
		if x.pos < done {
			continue // inside a secret already named
		}
		b.Write(window[done:x.pos])
		r := f.refs[x.ref]
		if x.partial {
			fmt.Fprintf(&b, "<SECRET:%s#%d, first %d of %d bytes>", cases[r.cas].Name, r.index, x.n, len(r.value))
		} else {
			fmt.Fprintf(&b, "<SECRET:%s#%d>", cases[r.cas].Name, r.index)
		}
		done = x.pos + x.n
	}
	b.Write(window[done:])
	return b.String()
}

// unsetEnv unsets the variables for the rest of the test.
func unsetEnv(t *testing.T, names ...string) {
	for _, n := range names {
		t.Setenv(n, "")
		os.Unsetenv(n)
	}
}

// leakEnv is the environment of the matrix: the redaction defaults, spans
// on, OTLP queues that drop nothing, no exporter configured but the sink.
func leakEnv(t *testing.T) {
	unsetEnv(t, "OPENAI_AGENTS_DONT_LOG_MODEL_DATA", "OPENAI_AGENTS_DONT_LOG_TOOL_DATA",
		"CODEXTEL_LOG_MODEL_DATA", "CODEXTEL_LOG_TOOL_DATA", "CODEX_OTLP_HEADERS",
		"CODEX_OTLP_CERTFILE", "CODEX_OTLP_KEYFILE", "CODEX_OTLP_CACERTFILE", "OTEL_SDK_DISABLED",
		"OTEL_LOGS_EXPORTER", "OTEL_TRACES_EXPORTER", "OTEL_METRICS_EXPORTER")
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "OTEL_EXPORTER_OTLP_") {
			unsetEnv(t, name)
		}
	}
	t.Setenv("TZ", "UTC")
	t.Setenv("CODEX_OTLP_ENABLE", "true")
	t.Setenv("CODEX_OTLP_ENDPOINT", "")
	os.Unsetenv("CODEX_OTLP_ENDPOINT")
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
}

// otelQueues sizes the OTLP exporters' queues for input so that a replay,
// which runs as fast as it reads, drops no record: a drop would hide a leak.
// (The queues are rings allocated whole, so they are not simply made huge.)
func otelQueues(t *testing.T, input []byte) {
	n := strconv.Itoa(2*bytes.Count(input, []byte("\n")) + 1024)
	t.Setenv("OTEL_BLRP_MAX_QUEUE_SIZE", n)
	t.Setenv("OTEL_BSP_MAX_QUEUE_SIZE", n)
}

var (
	leakSources  = []string{"replay", "appserver", "render"}
	leakAdapters = []string{"slog", "zap", "zerolog", "logrus", "otel"}
	leakFormats  = []string{"plain", "json", "native"}
)

// leakArgs are the command-line arguments of a run of the matrix, without
// the subcommand and the input.
func leakArgs(sink *otlpSink, r leakRun) []string {
	args := []string{"--adapter", r.adapter, "--format", r.format, "--level", "DEBUG", "--otlp-endpoint", sink.srv.URL}
	if r.data {
		args = append(args, "--log-tool-data", "--log-model-data")
	}
	return args
}

// runCLI runs codextel on input as r says, through its command line, and
// returns its outputs by name: stdout, stderr and the OTLP bodies.
func runCLI(t *testing.T, sink *otlpSink, r leakRun, input []byte, extra ...string) map[string][]byte {
	t.Helper()
	args := append([]string{r.source}, leakArgs(sink, r)...)
	args = append(append(args, extra...), "-")
	var stdout, stderr bytes.Buffer
	if code := run(args, bytes.NewReader(input), &stdout, &stderr); code != 0 {
		t.Errorf("%s: exit %d, stderr %.300q", r, code, stderr.Bytes())
	}
	outs := map[string][]byte{"stdout": stdout.Bytes(), "stderr": stderr.Bytes()}
	bodies, errs := sink.take()
	for p, b := range bodies {
		outs["otlp "+p] = b
	}
	for _, e := range errs {
		t.Errorf("%s: OTLP sink: %s", r, e)
	}
	return outs
}

// runFanOut reads input once for cells of the matrix of one source and data
// setting, with different adapters (an adapter attaches to a bus once): every
// cell's adapter is attached, as codextel attaches it (the same flags, newBus
// and attach), to one bus, each writing to its own buffer. Reading a stream
// costs more than writing it, so this is what keeps the matrix fast; runCLI
// covers the command's own path (its stderr above all) once per source and
// data setting.
func runFanOut(t *testing.T, sink *otlpSink, cells []leakRun, input []byte) map[leakRun]map[string][]byte {
	t.Helper()
	source, data := cells[0].source, cells[0].data
	type attached struct {
		r   leakRun
		buf *bytes.Buffer
		out output
	}
	opts := func(r leakRun) (*options, error) {
		fs := flag.NewFlagSet("codextel "+r.source, flag.ContinueOnError)
		var o options
		o.register(fs)
		if err := fs.Parse(leakArgs(sink, r)); err != nil {
			return nil, err
		}
		return &o, o.check()
	}
	base, err := opts(cells[0])
	if err != nil {
		t.Errorf("%s: %v", cells[0], err)
		return nil
	}
	streamClock := bridge.NewStreamClock(time.Now)
	bus, err := newBus(base, streamClock.Now)
	if err != nil {
		t.Errorf("%s: %v", cells[0], err)
		return nil
	}
	var all []attached
	for _, r := range cells {
		o, err := opts(r)
		if err == nil && (r.source != source || r.data != data) {
			err = fmt.Errorf("fan-out of %s with %s", cells[0], r)
		}
		a := attached{r: r, buf: new(bytes.Buffer)}
		if err == nil {
			a.out, err = attach(o, bus, a.buf)
		}
		if err != nil {
			t.Errorf("%s: %v", r, err)
			bus.Close()
			for _, a := range all {
				a.out.close()
			}
			return nil
		}
		all = append(all, a)
	}
	var stderr bytes.Buffer
	in := bytes.NewReader(input)
	switch source {
	case "replay":
		_, err = bridge.ReadExec(context.Background(), in, bus, bridge.WithMaxLine(base.maxLine))
	case "appserver":
		_, err = bridge.ReadAppServer(context.Background(), in, bus, bridge.WithMaxLine(base.maxLine), bridge.WithStreamClock(streamClock))
	case "render":
		_, err = render(base, bus, in, &stderr)
	}
	if err != nil {
		t.Errorf("%s: %v", cells[0], err)
	}
	bus.Close()
	outs := map[leakRun]map[string][]byte{}
	for _, a := range all {
		if err := a.out.close(); err != nil {
			t.Errorf("%s: closing the adapter: %v", a.r, err)
		}
		outs[a.r] = map[string][]byte{"stdout": a.buf.Bytes()}
	}
	bodies, errs := sink.take()
	for _, r := range cells {
		if r.adapter == "otel" {
			for p, b := range bodies {
				outs[r]["otlp "+p] = b
			}
		}
	}
	for _, e := range errs {
		t.Errorf("%s: OTLP sink: %s", cells[0], e)
	}
	return outs
}

// TestLeakCorpus is the end-to-end leak test: 0 secrets out of any adapter,
// format, exporter or stderr. For each source (an exec stream replayed, an
// app-server wire log, raw events rendered) and data setting (the defaults;
// --log-tool-data --log-model-data), every adapter × format is run at
// --level DEBUG: slog in the plain format through codextel's command line,
// stdout and stderr, the others attached as codextel attaches them to a bus
// per format that reads the input once (runFanOut). The otel adapter ignores
// --format, so it runs once, with spans on, into a local OTLP sink. With
// -short, a sample of the corpus runs through the whole matrix (shortCorpus).
func TestLeakCorpus(t *testing.T) {
	cases, err := loadSecretCorpus(secretCorpusPath)
	if err != nil {
		t.Fatalf("the secret corpus: %v", err)
	}
	if testing.Short() {
		cases = shortCorpus(cases)
	}
	leakEnv(t)
	f := newFinder(cases)
	inputs := leakInputs(t, cases)
	// The jobs: per source and data setting, slog plain through the command
	// line, and a bus per format for the other adapters (an adapter attaches
	// once per bus). They run on as many goroutines as there are CPUs, each
	// with its own OTLP sink; their leaks are reported in job order.
	type job struct {
		cli   bool
		cells []leakRun
	}
	var jobs []job
	for _, source := range leakSources {
		for _, data := range []bool{false, true} {
			cli := leakRun{source, "slog", "plain", data}
			jobs = append(jobs, job{cli: true, cells: []leakRun{cli}})
			for _, format := range leakFormats {
				var cells []leakRun
				for _, adapter := range leakAdapters {
					r := leakRun{source, adapter, format, data}
					if r != cli && (adapter != "otel" || format == "plain") {
						cells = append(cells, r)
					}
				}
				jobs = append(jobs, job{cells: cells})
			}
		}
	}
	found := make([][]leak, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				j, sink := jobs[i], newOTLPSink(t)
				var outs map[leakRun]map[string][]byte
				if j.cli {
					outs = map[leakRun]map[string][]byte{j.cells[0]: runCLI(t, sink, j.cells[0], inputs[j.cells[0].source])}
				} else {
					outs = runFanOut(t, sink, j.cells, inputs[j.cells[0].source])
				}
				for _, r := range j.cells {
					if outs[r] != nil {
						checkCoverage(t, r, outs[r], len(cases))
						found[i] = append(found[i], findLeaks(f, cases, r, outs[r])...)
					}
				}
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	leaks := slices.Concat(found...)
	if len(leaks) > 0 {
		reportLeaks(t, cases, leaks)
	}
}

// shortCorpus is what -short runs of the corpus: one case in 8 and the
// first of each category, through the whole matrix. make test runs it all.
func shortCorpus(cases []secretCase) []secretCase {
	var out []secretCase
	seen := map[string]bool{}
	for i, c := range cases {
		if i%8 == 0 || !seen[c.Category] {
			out = append(out, c)
			seen[c.Category] = true
		}
	}
	return out
}

// checkCoverage fails unless every case's thread started and ended in the
// output the adapter writes: a matrix that logged nothing would find no
// leak.
func checkCoverage(t *testing.T, r leakRun, outs map[string][]byte, n int) {
	t.Helper()
	out := outs["stdout"]
	if r.adapter == "otel" {
		out = outs["otlp /v1/logs"]
		// Raw events open no span: render exports no traces.
		if (r.source != "render" && len(outs["otlp /v1/traces"]) == 0) || len(outs["otlp /v1/metrics"]) == 0 {
			t.Errorf("%s: the sink got no traces or no metrics (%d and %d bytes)", r, len(outs["otlp /v1/traces"]), len(outs["otlp /v1/metrics"]))
		}
	}
	seen := make([]int, n)
	prefix := []byte(threadID(0)[:len(threadID(0))-4])
	for rest := out; ; {
		i := bytes.Index(rest, prefix)
		if i < 0 {
			break
		}
		rest = rest[i+len(prefix):]
		if len(rest) >= 4 {
			if k, err := strconv.Atoi(string(rest[:4])); err == nil && k < n {
				seen[k]++
			}
		}
	}
	var missing []string
	for i, c := range seen {
		if c < 2 {
			missing = append(missing, fmt.Sprintf("%s (%d times)", threadID(i), c))
		}
	}
	if len(missing) > 0 {
		t.Errorf("%s: %d of %d threads not logged both at their start and at their end, such as %s",
			r, len(missing), n, strings.Join(missing[:min(3, len(missing))], ", "))
	}
}

// findLeaks finds the secrets in the outputs of r: one leak per secret and
// output, counting its hits, with the context of the first.
func findLeaks(f *finder, cases []secretCase, r leakRun, outs map[string][]byte) []leak {
	type key struct {
		ref     int
		where   string
		partial bool
	}
	found := map[key]*leak{}
	var order []key
	for _, where := range slices.Sorted(func(yield func(string) bool) {
		for w := range outs {
			if !yield(w) {
				return
			}
		}
	}) {
		out := outs[where]
		for _, h := range f.find(out) {
			k := key{h.ref, where, h.partial}
			l := found[k]
			if l == nil {
				ref := f.refs[h.ref]
				l = &leak{cas: ref.cas, secret: ref.index, source: r.source, adapter: r.adapter,
					format: r.format, data: r.dataName(), where: where, partial: h.partial, n: h.n,
					context: f.scrubbedContext(cases, out, h), placements: map[string]int{}}
				found[k] = l
				order = append(order, k)
			}
			l.hits++
			if p := placement(r, where, out, h.pos, cases[l.cas].Text); p != "" {
				l.placements[p]++
			}
		}
	}
	leaks := make([]leak, len(order))
	for i, k := range order {
		leaks[i] = *found[k]
	}
	return leaks
}

// placement names where in the output of r the hit at pos is, for stderr
// and for the Python plain format of slog: the start of its line up to the
// case's text ("DEBUG:codex.tool:Invoking tool shell with input "), digits
// as N; else "".
func placement(r leakRun, where string, out []byte, pos int, text string) string {
	if where != "stderr" && (where != "stdout" || r.adapter != "slog" || r.format != "plain") {
		return ""
	}
	start := bytes.LastIndexByte(out[:pos], '\n') + 1
	line := string(out[start:pos])
	cut := len(line)
	q := jsonText(text)
	for _, start := range []string{text, q[1:], q} { // the text, JSON-escaped, quoted
		if i := strings.Index(line, start[:min(len(start), 6)]); i >= 0 && i < cut {
			cut = i
		}
	}
	line = line[:cut]
	if len(line) > 80 {
		line = line[:80] + "..."
	}
	p := strings.Map(func(r rune) rune {
		if '0' <= r && r <= '9' {
			return 'N'
		}
		return r
	}, line)
	if !strings.HasPrefix(p, "codextel:") && !strings.Contains(p, ":codex") {
		p = "(a continuation line of a multi-line message)"
	}
	return where + " " + p
}

// reportLeaks fails the test with the counts of leaks by run and by case,
// and the first leaks in full; LEAK_REPORT=FILE writes every leak there.
func reportLeaks(t *testing.T, cases []secretCase, leaks []leak) {
	t.Helper()
	var b strings.Builder
	count := func(title string, key func(leak) string) {
		m := map[string]int{}
		for _, l := range leaks {
			m[key(l)] += l.hits
		}
		fmt.Fprintf(&b, "\nleaks (occurrences) by %s:\n", title)
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range m {
				if !yield(k) {
					return
				}
			}
		}) {
			fmt.Fprintf(&b, "  %6d  %s\n", m[k], k)
		}
	}
	kind := func(l leak) string {
		if l.partial {
			return "partial"
		}
		return "whole"
	}
	fmt.Fprintf(&b, "%d leaks (secret × run × output), %d occurrences\n", len(leaks), sum(leaks))
	count("source, output, kind", func(l leak) string { return l.source + " " + stripOTLP(l.where) + " " + kind(l) })
	count("source, adapter, format, data", func(l leak) string {
		return fmt.Sprintf("%-9s %-7s %-6s %s", l.source, l.adapter, l.format, l.data)
	})
	placements := map[string]int{}
	for _, l := range leaks {
		for p, n := range l.placements {
			placements[fmt.Sprintf("%-9s %-7s %s", l.source, l.data, p)] += n
		}
	}
	fmt.Fprintf(&b, "\nleaks (occurrences) by source, data and the line they are on (slog plain stdout, stderr):\n")
	for _, k := range slices.Sorted(maps.Keys(placements)) {
		fmt.Fprintf(&b, "  %6d  %s\n", placements[k], k)
	}
	count("case", func(l leak) string {
		c := cases[l.cas]
		return fmt.Sprintf("%s (%s, line %d)", c.Name, c.Category, c.line)
	})
	full := b.String()
	var details strings.Builder
	for _, l := range leaks {
		c := cases[l.cas]
		what := "secret"
		if l.partial {
			what = fmt.Sprintf("first %d bytes of secret", l.n)
		}
		fmt.Fprintf(&details, "\n%s %d of case %q (%s, line %d) in %s of %s --adapter %s --format %s (%s), %d times: %q",
			what, l.secret, c.Name, c.Category, c.line, l.where, l.source, l.adapter, l.format, l.data, l.hits, l.context)
	}
	if path := os.Getenv("LEAK_REPORT"); path != "" {
		if err := os.WriteFile(path, []byte(full+"\nevery leak:"+details.String()+"\n"), 0o644); err != nil {
			t.Errorf("LEAK_REPORT: %v", err)
		}
	}
	d := details.String()
	if len(d) > 20000 {
		d = d[:20000] + "\n... (set LEAK_REPORT=FILE for all of them)"
	}
	t.Errorf("%s\nthe first leaks:%s", full, d)
}

// stripOTLP names an OTLP output by its path.
func stripOTLP(where string) string { return strings.TrimPrefix(where, "otlp ") }

// sum is the number of hits of leaks.
func sum(leaks []leak) int {
	n := 0
	for _, l := range leaks {
		n += l.hits
	}
	return n
}

// leakInputs generates the three sources from the texts of cases, one stream
// each, and sizes the otel queues for the longest.
func leakInputs[C interface{ text() string }](t *testing.T, cases []C) map[string][]byte {
	texts := make([]string, len(cases))
	for i, c := range cases {
		texts[i] = c.text()
	}
	inputs := map[string][]byte{
		"replay":    execStream(texts),
		"appserver": appServerLog(texts),
		"render":    rawEvents(texts),
	}
	otelQueues(t, slices.MaxFunc(slices.Collect(maps.Values(inputs)), func(a, b []byte) int { return len(a) - len(b) }))
	return inputs
}

// TestLeakCleanCorpus logs the clean corpus with tool and model data on:
// every text must come out as it went in, through every adapter, in the
// Python plain format (which renders a command with str()) and in the OTLP
// log bodies (protobuf strings are the bytes themselves).
func TestLeakCleanCorpus(t *testing.T) {
	cases, err := loadCleanCorpus(cleanCorpusPath)
	if err != nil {
		t.Fatalf("the clean corpus: %v", err)
	}
	leakEnv(t)
	sink := newOTLPSink(t)
	inputs := leakInputs(t, cases)
	for _, source := range leakSources {
		// Every adapter attached to one bus, as codextel attaches it.
		var cells []leakRun
		for _, adapter := range leakAdapters {
			cells = append(cells, leakRun{source, adapter, "plain", true})
		}
		all := runFanOut(t, sink, cells, inputs[source])
		for _, r := range cells {
			outs := all[r]
			if outs == nil {
				continue
			}
			checkCoverage(t, r, outs, len(cases))
			out := outs["stdout"]
			if r.adapter == "otel" {
				out = outs["otlp /v1/logs"]
			}
			for _, c := range cases {
				// The command of the tool start: "Invoking tool shell with input TEXT".
				want := "shell with input " + c.Text
				if source == "render" {
					want = c.Text // the thread's input: "Thread ... started with input TEXT"
				}
				if r.adapter == "otel" {
					want = c.Text
				}
				if !bytes.Contains(out, []byte(want)) {
					t.Errorf("%s: clean case %q (%s, %s line %d) destroyed: %q not in the output", r, c.Name, c.Category, filepath.Base(cleanCorpusPath), c.line, want)
				}
			}
		}
	}
}

// badLines are the lines per text each generator writes that a reader may
// reject: the first is not JSON at all and is always rejected; the others
// hold a member of the wrong type, which a lenient reader may read around.
var badLines = map[string]int{"replay": 4, "appserver": 5, "render": 7}

// TestLeakGenerators checks the generated inputs are read as meant: every
// thread is logged from start to end, the lines that are not JSON are
// rejected, and no more lines than were planted bad.
func TestLeakGenerators(t *testing.T) {
	texts := []string{"plain text", `{"json": ["text", 1]}`, "two\nlines \"quoted\" <&> ünïcode"}
	skipped := regexp.MustCompile(`codextel: (\d+) bad lines? skipped`)
	for source, gen := range map[string]func([]string) []byte{"replay": execStream, "appserver": appServerLog, "render": rawEvents} {
		code, out, errOut := runWith(t, string(gen(texts)), source, "--level", "DEBUG", "-")
		if code != 0 {
			t.Errorf("%s: exit %d, stderr %q", source, code, errOut)
			continue
		}
		checkCoverage(t, leakRun{source, "slog", "plain", false}, map[string][]byte{"stdout": []byte(out)}, len(texts))
		m := skipped.FindStringSubmatch(errOut)
		if m == nil {
			t.Errorf("%s: no bad line reported: stderr %q", source, errOut)
			continue
		}
		if n, _ := strconv.Atoi(m[1]); n < len(texts) || n > badLines[source]*len(texts) {
			t.Errorf("%s: %d bad lines skipped, want %d to %d; stderr %q", source, n, len(texts), badLines[source]*len(texts), errOut)
		}
	}
}

// TestLeakFinder checks the finder: whole secrets, starts of secrets cut by
// an excerpt, and contexts that name the secret rather than show it.
func TestLeakFinder(t *testing.T) {
	cases := []secretCase{
		{Name: "a", Secrets: []string{"FAKEsecretAAAA0123456789xyz"}},
		{Name: "b", Secrets: []string{"shorter8", "FAKEsecretBBBB0123456789"}},
		{Name: "c", Secrets: []string{"FAKEsharedPrefix0123-one", "FAKEsharedPrefix0123-two"}},
	}
	f := newFinder(cases)
	tests := []struct {
		out  string
		want []string // "case#index whole|partial"
	}{
		{"nothing here", nil},
		{"x FAKEsecretAAAA0123456789xyz y", []string{"a#0 whole"}},
		{"FAKEsecretAAAA0123456789xyz", []string{"a#0 whole"}},
		{`excerpt "FAKEsecretAAAA01234"`, []string{"a#0 partial"}},
		{"FAKEsecretAAAA0", nil}, // 15 bytes: below minPartial
		{"shorter8 and shorter and FAKEsecretBBBB0123456789FAKEsecretAAAA0123456789xyz", []string{"b#0 whole", "b#1 whole", "a#0 whole"}},
		{"FAKEsharedPrefix0123-one and FAKEsharedPrefix0123-tw", []string{"c#0 whole", "c#1 partial"}},
	}
	for _, tt := range tests {
		var got []string
		for _, h := range f.find([]byte(tt.out)) {
			r := f.refs[h.ref]
			kind := "whole"
			if h.partial {
				kind = "partial"
			}
			got = append(got, fmt.Sprintf("%s#%d %s", cases[r.cas].Name, r.index, kind))
			ctx := f.scrubbedContext(cases, []byte(tt.out), h)
			for _, c := range cases {
				for _, s := range c.Secrets {
					if strings.Contains(ctx, s) || (len(s) > minPartial && strings.Contains(ctx, s[:minPartial])) {
						t.Errorf("%q: context %q shows a secret", tt.out, ctx)
					}
				}
			}
			if !strings.Contains(ctx, "<SECRET:"+cases[r.cas].Name+"#") {
				t.Errorf("%q: context %q does not name the secret", tt.out, ctx)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%q: found %q, want %q", tt.out, got, tt.want)
		}
	}
}

// TestLeakDetected plants a secret no scrubber can know (an opaque value
// with no context) and checks the matrix's machinery reports it, named.
func TestLeakDetected(t *testing.T) {
	leakEnv(t)
	sink := newOTLPSink(t)
	cases := []secretCase{{Category: "entropy", Name: "opaque", Text: "opaque value FAKEopaque0123456789abcdef here", Secrets: []string{"FAKEopaque0123456789abcdef"}}}
	f := newFinder(cases)
	for _, source := range leakSources {
		r := leakRun{source, "slog", "plain", true}
		input := map[string]func([]string) []byte{"replay": execStream, "appserver": appServerLog, "render": rawEvents}[source]([]string{cases[0].Text})
		leaks := findLeaks(f, cases, r, runCLI(t, sink, r, input))
		if len(leaks) == 0 {
			t.Errorf("%s: the opaque secret was not found in the output", r)
			continue
		}
		if l := leaks[0]; l.cas != 0 || l.secret != 0 || !strings.Contains(l.context, "<SECRET:opaque#0>") || strings.Contains(l.context, "FAKEopaque") {
			t.Errorf("%s: leak %+v", r, l)
		}
	}
}
