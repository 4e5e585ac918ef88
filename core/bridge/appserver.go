package bridge

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/codextel/codextel/core/instrument"
	"github.com/codextel/codextel/core/telemetry"
)

// A StreamClock tells the time a Codex stream says it is: the latest
// emittedAtMs (or startedAtMs, completedAtMs) the app-server reader has seen,
// never going backwards. Before the stream has given a time it falls back to
// the clock it was made with. Give its Now to the bus (telemetry.WithClock)
// and spans measure what the stream measured: an approval's waiting time in a
// replayed wire log is the time the client really took. Safe for concurrent
// use.
type StreamClock struct {
	fallback func() time.Time

	mu    sync.Mutex
	t     time.Time
	first time.Time // the earliest time the stream gave
	last  time.Time // the latest
}

// NewStreamClock returns a clock that reads fallback until the stream gives a
// time (time.Now when fallback is nil).
func NewStreamClock(fallback func() time.Time) *StreamClock {
	if fallback == nil {
		fallback = time.Now
	}
	return &StreamClock{fallback: fallback}
}

// Now returns the stream's latest time, or the fallback's.
func (c *StreamClock) Now() time.Time {
	c.mu.Lock()
	t := c.t
	c.mu.Unlock()
	if t.IsZero() {
		return c.fallback()
	}
	return t
}

// observe moves the clock to ms (Unix milliseconds) when that is later.
func (c *StreamClock) observe(ms int64) {
	if c == nil || ms <= 0 {
		return
	}
	t := time.UnixMilli(ms).UTC()
	c.mu.Lock()
	if t.After(c.t) {
		c.t = t
	}
	if c.first.IsZero() || t.Before(c.first) {
		c.first = t
	}
	if t.After(c.last) {
		c.last = t
	}
	c.mu.Unlock()
}

// elapsed returns the time from the first to the latest time the stream
// gave, and false when it gave none.
func (c *StreamClock) elapsed() (time.Duration, bool) {
	if c == nil {
		return 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last.Sub(c.first), !c.first.IsZero()
}

// WithStreamClock has the app-server reader advance c from the stream's
// timestamps.
func WithStreamClock(c *StreamClock) Option {
	return optionFunc(func(cfg *config) { cfg.clock = c })
}

// wireLine is one line of a wire log, or a bare JSON-RPC message.
type wireLine struct {
	Dir string          `json:"dir"`
	Msg json.RawMessage `json:"msg"`
}

// rpcMessage is a JSON-RPC message: a request, a notification or a response.
type rpcMessage struct {
	ID          json.RawMessage `json:"id"`
	Method      string          `json:"method"`
	Params      json.RawMessage `json:"params"`
	Result      json.RawMessage `json:"result"`
	Error       *rpcError       `json:"error"`
	EmittedAtMs int64           `json:"emittedAtMs"`
}

type rpcError struct {
	Message        string          `json:"message"`
	CodexErrorInfo json.RawMessage `json:"codexErrorInfo"` // a turn's error: what kind, with the HTTP status
}

// ReadAppServer reads `codex app-server` JSON-RPC traffic from r to its end and
// turns it into telemetry on bus ([telemetry.Default] when bus is nil): one
// {"dir": "s2c"|"c2s", "msg": ...} line per message (the wire logs), or bare
// messages, taken as sent by the server. Like [ReadExec] it returns an error
// only when r fails; bad lines are reported, counted and skipped.
func ReadAppServer(ctx context.Context, r io.Reader, bus *telemetry.Bus, opts ...Option) (sum Summary, err error) {
	cfg := newConfig(opts)
	codex := codexOn(bus)
	a := &appServerReader{codex: codex, root: ctx, sum: &sum, clock: cfg.clock, badCap: lineCap{limit: cfg.badReports},
		threads: map[string]*session{}, pending: map[string]pendingApproval{}, pricing: cfg.pricing}
	start := codex.Bus.Now()
	defer func() {
		// With a stream clock, the session's own times: the bus's clock
		// reads the machine's until the first timestamp, the stream's after,
		// and the two do not subtract.
		if d, ok := cfg.clock.elapsed(); ok {
			sum.Duration, sum.StreamTimes = d, true
			return
		}
		sum.Duration = codex.Bus.Now().Sub(start)
	}()
	line := func(n int, raw []byte) error { a.line(n, raw); return nil }
	err = readLines(r, cfg.maxLine, &sum, line, a.bad, a.end)
	return sum, err
}

// appServerReader is the state of one app-server connection: its threads by
// id, and the approval requests awaiting the client's reply.
type appServerReader struct {
	codex   instrument.Codex
	root    context.Context
	sum     *Summary
	clock   *StreamClock
	threads map[string]*session
	order   []string // thread ids in start order
	pending map[string]pendingApproval
	decided []decided         // replies not yet applied, see reply
	inputs  map[string]string // the text of the last turn/start request per thread
	badCap  lineCap
	pricing pricing
}

// decided is a client's decision, applied at the next server message so
// that the approval span ends at a time the stream gives (the server's
// serverRequest/resolved follows the reply).
type decided struct {
	approval *instrument.Approval
	decision string
}

type pendingApproval struct {
	threadID string
	itemID   string
}

func (a *appServerReader) bad(n int, reason string, text []byte) {
	badLine(a.codex, a.root, a.sum, &a.badCap, n, reason, text)
}

// fields reports the members of line n that were read leniently.
func (a *appServerReader) fields(n int, repairs []repair) {
	invalidFields(a.codex, a.root, a.sum, n, "", repairs)
}

// session returns the thread's session, making one for a thread the stream
// did not announce.
func (a *appServerReader) session(threadID string) *session {
	s, ok := a.threads[threadID]
	if !ok {
		s = newSession(a.codex, a.root, a.sum)
		s.pricing = a.pricing
		a.threads[threadID] = s
		a.order = append(a.order, threadID)
	}
	if s.thread == nil {
		s.startThread(instrument.ThreadInfo{ID: threadID, Source: instrument.SourceAppServer, Model: a.pricing.model})
	}
	return s
}

// applyDecisions closes the approvals the client has answered.
func (a *appServerReader) applyDecisions() {
	for _, d := range a.decided {
		d.approval.Resolve(d.decision)
	}
	a.decided = a.decided[:0]
}

func (a *appServerReader) end() {
	a.applyDecisions()
	a.badCap.flush(a.codex, a.root, a.sum)
	for _, id := range a.order {
		a.threads[id].finish()
	}
}

func (a *appServerReader) line(n int, raw []byte) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || trimmed[0] == '#' {
		return
	}
	a.sum.Records++
	if !utf8.Valid(trimmed) {
		a.bad(n, "invalid UTF-8", trimmed)
		return
	}
	var w wireLine
	repairs, err := decodeLenient(trimmed, &w)
	if err != nil {
		a.bad(n, decodeProblem(err, "a JSON object"), trimmed)
		return
	}
	msgBytes := []byte(w.Msg)
	dir, prefix := w.Dir, "msg."
	if w.Msg == nil { // a bare message, as the server sends it
		msgBytes, dir, prefix, repairs = trimmed, "s2c", "", nil
	}
	var m rpcMessage
	msgRepairs, err := decodeLenient(msgBytes, &m)
	if err != nil {
		a.bad(n, decodeProblem(err, "a JSON-RPC message"), trimmed)
		return
	}
	repairs = append(repairs, prefixed(prefix, msgRepairs)...)
	if dir != "s2c" && dir != "c2s" {
		a.bad(n, fmt.Sprintf(`"dir" is %q, want "s2c" or "c2s"`, dir), trimmed)
		return
	}
	a.clock.observe(m.EmittedAtMs)
	if dir == "s2c" {
		a.applyDecisions()
	}
	switch {
	case dir == "c2s" && m.Method == "" && m.ID != nil:
		a.fields(n, repairs)
		a.reply(m)
	case dir == "c2s" && m.Method == "turn/start":
		a.rememberInput(n, prefix, m.Params, repairs)
	case dir == "s2c" && m.Method != "":
		if err := a.serverMessage(n, prefix, m, repairs); err != nil {
			a.bad(n, fmt.Sprintf("%s: %v", m.Method, err), trimmed)
		}
	default:
		a.fields(n, repairs)
	}
}

// prefixed puts prefix before the paths of repairs.
func prefixed(prefix string, repairs []repair) []repair {
	for i := range repairs {
		repairs[i].path = prefix + repairs[i].path
	}
	return repairs
}

// params of the server messages the reader uses; unknown fields are ignored.
type (
	threadParams struct {
		ThreadID string `json:"threadId"`
		TurnID   string `json:"turnId"`
		Thread   *struct {
			ID    string `json:"id"`
			Model string `json:"model"`
		} `json:"thread"`
		Turn *struct {
			ID     string    `json:"id"`
			Status string    `json:"status"`
			Error  *rpcError `json:"error"`
		} `json:"turn"`
		Item       *appItem         `json:"item"`
		ItemID     string           `json:"itemId"`
		Delta      string           `json:"delta"`
		Diff       string           `json:"diff"`
		TokenUsage *appTokenUsage   `json:"tokenUsage"`
		Error      *rpcError        `json:"error"`
		WillRetry  *bool            `json:"willRetry"`
		Summary    string           `json:"summary"`
		Reason     *string          `json:"reason"`
		Command    *json.RawMessage `json:"command"`
		Cwd        *string          `json:"cwd"`
		StartedAt  int64            `json:"startedAtMs"`
		CallID     string           `json:"callId"`         // v1 approvals
		ConvID     string           `json:"conversationId"` // v1 approvals
	}
	appTokenUsage struct {
		Total              appUsage `json:"total"`
		Last               appUsage `json:"last"`
		ModelContextWindow int64    `json:"modelContextWindow"`
	}
	appUsage struct {
		InputTokens           int64 `json:"inputTokens"`
		CachedInputTokens     int64 `json:"cachedInputTokens"`
		CacheWriteInputTokens int64 `json:"cacheWriteInputTokens"`
		OutputTokens          int64 `json:"outputTokens"`
		ReasoningOutputTokens int64 `json:"reasoningOutputTokens"`
	}
	appItem struct {
		Type             string          `json:"type"`
		ID               string          `json:"id"`
		Text             string          `json:"text"`
		Summary          []string        `json:"summary"`
		Status           string          `json:"status"`
		Command          string          `json:"command"`
		AggregatedOutput *string         `json:"aggregatedOutput"`
		ExitCode         *int            `json:"exitCode"`
		Changes          json.RawMessage `json:"changes"`
		Server           string          `json:"server"`
		Tool             string          `json:"tool"`
		Arguments        json.RawMessage `json:"arguments"`
		Result           json.RawMessage `json:"result"`
		Error            *rpcError       `json:"error"`
		Query            string          `json:"query"`
		Action           json.RawMessage `json:"action"`
		StartedAtMs      int64           `json:"startedAtMs"`
		CompletedAtMs    int64           `json:"completedAtMs"`
	}
)

func (u appUsage) usage() instrument.Usage {
	return instrument.Usage{
		InputTokens:           u.InputTokens,
		CachedInputTokens:     u.CachedInputTokens,
		CacheWriteInputTokens: u.CacheWriteInputTokens,
		OutputTokens:          u.OutputTokens,
		ReasoningOutputTokens: u.ReasoningOutputTokens,
	}
}

// serverMessage handles a notification or request from the server, line n
// of the stream, whose members are under prefix; repairs are those of the
// line's outer layers, reported with the params' own once the message is
// read.
func (a *appServerReader) serverMessage(n int, prefix string, m rpcMessage, repairs []repair) error {
	var p threadParams
	if len(m.Params) > 0 {
		rs, err := decodeLenient(m.Params, &p)
		if err != nil {
			return errors.New(decodeProblem(err, "an object of params"))
		}
		repairs = append(repairs, prefixed(prefix+"params.", rs)...)
	}
	a.fields(n, repairs)
	if p.Item != nil {
		a.clock.observe(max(p.Item.StartedAtMs, p.Item.CompletedAtMs))
	}
	threadID := p.ThreadID
	if threadID == "" && p.Thread != nil {
		threadID = p.Thread.ID
	}
	if threadID == "" {
		threadID = p.ConvID
	}
	switch m.Method {
	case "thread/started":
		s, ok := a.threads[threadID]
		if !ok || s.thread == nil {
			s = newSession(a.codex, a.root, a.sum)
			s.pricing = a.pricing
			if !ok {
				a.order = append(a.order, threadID)
			}
			a.threads[threadID] = s
			model := a.pricing.model
			if p.Thread != nil && p.Thread.Model != "" {
				model = p.Thread.Model
			}
			s.startThread(instrument.ThreadInfo{ID: threadID, Source: instrument.SourceAppServer, Model: model})
		}
	case "turn/started":
		s := a.session(threadID)
		id := ""
		if p.Turn != nil {
			id = p.Turn.ID
		}
		s.startTurn(instrument.SourceAppServer, instrument.TurnInfo{ID: id, Input: a.inputs[threadID]})
	case "turn/completed":
		s := a.session(threadID)
		s.ensureTurn(instrument.SourceAppServer)
		var err error
		if p.Turn != nil && p.Turn.Status != "" && p.Turn.Status != "completed" {
			msg := p.Turn.Status
			var info json.RawMessage
			if p.Turn.Error != nil {
				if p.Turn.Error.Message != "" {
					msg = p.Turn.Error.Message
				}
				info = p.Turn.Error.CodexErrorInfo
			}
			err = modelError(msg, info)
		}
		s.endTurn(err)
	case "item/started", "item/completed":
		if p.Item == nil {
			return errors.New(`no "item"`)
		}
		a.item(a.session(threadID), m.Method == "item/completed", p.Item)
	case "item/commandExecution/requestApproval", "execCommandApproval":
		a.requestApproval(m, p, threadID, instrument.CommandExecution)
	case "item/fileChange/requestApproval", "applyPatchApproval":
		a.requestApproval(m, p, threadID, instrument.FileChange)
	case "thread/tokenUsage/updated":
		if p.TokenUsage == nil {
			return errors.New(`no "tokenUsage"`)
		}
		s := a.session(threadID)
		total := p.TokenUsage.Total.usage()
		s.reportUsage(p.TokenUsage.Last.usage(), total, p.TokenUsage.ModelContextWindow, decreased(total, s.usage))
	case "turn/diff/updated":
		a.codex.TurnDiff(a.session(threadID).ctx(), p.Diff)
	case "item/agentMessage/delta":
		a.codex.Delta(a.session(threadID).ctx(), instrument.AgentMessageDelta, p.ItemID, p.Delta)
	case "item/reasoning/summaryTextDelta", "item/reasoning/textDelta":
		a.codex.Delta(a.session(threadID).ctx(), instrument.ReasoningDelta, p.ItemID, p.Delta)
	case "item/commandExecution/outputDelta":
		a.codex.Delta(a.session(threadID).ctx(), instrument.CommandOutputDelta, p.ItemID, p.Delta)
	case "error":
		msg := ""
		if p.Error != nil {
			msg = p.Error.Message
		}
		ctx := a.root
		if threadID != "" {
			ctx = a.session(threadID).ctx()
		}
		a.codex.Error(ctx, msg, p.WillRetry)
	case "configWarning":
		a.codex.Warning(a.root, "", p.Summary)
	}
	return nil
}

// rememberInput keeps the text of a turn/start request, line n, for the
// turn span.
func (a *appServerReader) rememberInput(n int, prefix string, params json.RawMessage, repairs []repair) {
	var p struct {
		ThreadID string `json:"threadId"`
		Input    []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"input"`
	}
	rs, err := decodeLenient(params, &p)
	a.fields(n, append(repairs, prefixed(prefix+"params.", rs)...))
	if err != nil {
		return
	}
	var texts []string
	for _, in := range p.Input {
		if in.Type == "text" {
			texts = append(texts, in.Text)
		}
	}
	if a.inputs == nil {
		a.inputs = map[string]string{}
	}
	a.inputs[p.ThreadID] = strings.Join(texts, "\n")
}

func (a *appServerReader) item(s *session, completed bool, it *appItem) {
	ctx := s.ctx()
	switch it.Type {
	case "agentMessage":
		if completed {
			a.codex.AgentMessage(ctx, it.ID, it.Text)
		}
	case "reasoning":
		if completed {
			a.codex.Reasoning(ctx, it.ID, strings.Join(it.Summary, "\n"))
		}
	case "commandExecution", "fileChange", "webSearch", "mcpToolCall":
		open, started := s.open[it.ID]
		if !started {
			open = a.startTool(s, ctx, it)
		}
		if completed {
			delete(s.open, it.ID)
			a.finishTool(s, open, it)
		}
	}
}

func (a *appServerReader) startTool(s *session, ctx context.Context, it *appItem) openItem {
	var o openItem
	switch it.Type {
	case "mcpToolCall":
		_, o.mcp = a.codex.StartMCPToolCall(ctx, instrument.MCPCall{Server: it.Server, Tool: it.Tool, CallID: it.ID, Arguments: parsed(it.Arguments)})
	case "commandExecution":
		_, o.tool = a.codex.StartTool(ctx, instrument.ToolCall{Tool: "shell", Kind: instrument.CommandExecution, CallID: it.ID, Input: it.Command})
	case "fileChange":
		_, o.tool = a.codex.StartTool(ctx, instrument.ToolCall{Tool: "apply_patch", Kind: instrument.FileChange, CallID: it.ID, Input: parsed(it.Changes)})
	case "webSearch":
		input := parsed(it.Action)
		if input == nil && it.Query != "" {
			input = it.Query
		}
		_, o.tool = a.codex.StartTool(ctx, instrument.ToolCall{Tool: "web_search", Kind: instrument.WebSearch, CallID: it.ID, Input: input})
	}
	s.track(it.ID, o)
	return o
}

func (a *appServerReader) finishTool(s *session, o openItem, it *appItem) {
	if o.mcp != nil {
		result := parsed(it.Result)
		switch {
		case it.Status == "completed":
			o.mcp.Succeed(result)
		case it.Error != nil:
			a.sum.ToolsFailed++
			o.mcp.Fail(mcpCallError(it.Error.Message), result)
		default:
			a.sum.ToolsFailed++
			o.mcp.Fail(toolReportedError(), result)
		}
		return
	}
	var output any
	switch {
	case it.AggregatedOutput != nil:
		output = *it.AggregatedOutput
	case it.Type == "fileChange":
		output = parsed(it.Changes)
	}
	res := instrument.ToolResult{ExitCode: it.ExitCode, Output: output}
	switch it.Status {
	case "failed", "declined":
		a.sum.ToolsFailed++
		err := errors.New(it.Status)
		if it.Status == "failed" && it.ExitCode != nil {
			err = fmt.Errorf("exit code %d", *it.ExitCode)
		}
		o.tool.Fail(it.Status, err, res)
	default:
		o.tool.Succeed(res)
	}
}

// requestApproval opens an approval span for a server request; the client's
// reply with the same id closes it.
func (a *appServerReader) requestApproval(m rpcMessage, p threadParams, threadID, kind string) {
	s := a.session(threadID)
	a.clock.observe(p.StartedAt)
	itemID := p.ItemID
	if itemID == "" {
		itemID = p.CallID
	}
	req := instrument.ApprovalRequest{Kind: kind, CallID: itemID, RequestID: string(m.ID)}
	if p.Reason != nil {
		req.Reason = *p.Reason
	}
	if p.Cwd != nil {
		req.Cwd = *p.Cwd
	}
	if p.Command != nil {
		var cmd string
		if json.Unmarshal(*p.Command, &cmd) != nil {
			var argv []string
			if json.Unmarshal(*p.Command, &argv) == nil {
				cmd = strings.Join(argv, " ")
			}
		}
		req.Command = cmd
	}
	_, approval := a.codex.RequestApproval(s.ctx(), req)
	if s.approvals == nil {
		s.approvals = map[string]*instrument.Approval{}
	}
	s.approvals[string(m.ID)] = approval
	a.pending[string(m.ID)] = pendingApproval{threadID: threadID, itemID: itemID}
	a.sum.Approvals++
}

// reply handles a client response: the decision of a pending approval.
func (a *appServerReader) reply(m rpcMessage) {
	p, ok := a.pending[string(m.ID)]
	if !ok {
		return
	}
	delete(a.pending, string(m.ID))
	s := a.threads[p.threadID]
	approval, ok := s.approvals[string(m.ID)]
	if !ok { // closed already: its thread ended before the reply
		return
	}
	delete(s.approvals, string(m.ID))
	decision := "cancel"
	if m.Error == nil {
		decision = decisionOf(m.Result)
	}
	a.decided = append(a.decided, decided{approval, decision})
}

// decisionOf reads {"decision": "accept"} or {"decision": {"acceptWithExecpolicyAmendment": ...}}.
func decisionOf(result json.RawMessage) string {
	var r struct {
		Decision json.RawMessage `json:"decision"`
	}
	if json.Unmarshal(result, &r) != nil || len(r.Decision) == 0 {
		return "unknown"
	}
	var s string
	if json.Unmarshal(r.Decision, &s) == nil {
		return s
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(r.Decision, &obj) == nil {
		for k := range obj { // a one-member object names the decision
			return k
		}
	}
	return "unknown"
}
