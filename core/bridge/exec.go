package bridge

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"
	"unicode/utf8"

	"github.com/codextel/codextel/core/eventjson"
	"github.com/codextel/codextel/core/instrument"
	"github.com/codextel/codextel/core/internal/lines"
	"github.com/codextel/codextel/core/native"
	"github.com/codextel/codextel/core/telemetry"
)

// DefaultMaxLine is the longest line the readers accept unless told
// otherwise: 16 MiB, as [eventjson.DefaultMaxLine].
const DefaultMaxLine = lines.DefaultLimit

// ErrLegacyFormat is returned for a stream in the {"id","msg"} format that
// `codex exec --json` printed before 2025-10: one whose first line (blank
// and comment lines aside) is in that format. A line in that format later in
// a stream is reported as a bad line like any other.
var ErrLegacyFormat = errors.New(`bridge: this is the legacy {"id", "msg"} event format of Codex CLIs before 2025-10; codextel reads the format of Codex 0.46 and later: upgrade the Codex CLI`)

// An Option configures a reader.
type Option interface{ apply(*config) }

type config struct {
	maxLine    int
	clock      *StreamClock
	badReports int // see WithBadLineReports; negative: all
	pricing    pricing
	native     *native.Index
	nativeHold time.Duration // 0: a recorded export, never waited for
}

// pricing is what WithPrices and WithModel set: how threads are priced and
// which model threads whose stream names none run on.
type pricing struct {
	prices func(model string) (instrument.Price, bool) // nil: no price table
	model  string                                      // for threads whose stream names none
}

// WithPrices has the readers price each thread's tokens with prices, which
// returns the price of a model and whether it has one: token usage events
// then carry cost_usd, total_cost_usd and model ([instrument.Codex.TokenUsageCost]),
// and the Summary the cost per turn and in all. A thread whose model has no
// price, or whose model is not known, gets no cost (nothing is guessed):
// Summary.Unpriced names such models.
func WithPrices(prices func(model string) (instrument.Price, bool)) Option {
	return optionFunc(func(c *config) { c.pricing.prices = prices })
}

// WithModel names the model the session runs on, for the streams that do
// not say (codex exec --json never does): the threads the reader starts
// carry it (the model field of codex.thread.start, gen_ai.request.model on
// the otel adapter's thread and turn spans), and [WithPrices] prices their
// tokens by it. A model the stream names (an app-server thread's) takes
// precedence. Pass what codex exec was told (-m, --model, -c model=...).
func WithModel(model string) Option {
	return optionFunc(func(c *config) { c.pricing.model = model })
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithMaxLine sets the longest line accepted; longer ones are reported and
// skipped. The default is [DefaultMaxLine].
func WithMaxLine(n int) Option {
	return optionFunc(func(c *config) {
		if n > 0 {
			c.maxLine = n
		}
	})
}

// WithBadLineReports caps the codex.bridge.invalid_line events of a stream
// at n: further bad lines are counted (Summary.BadLinesUnreported) and, at
// the end of the stream, reported together in one
// codex.bridge.invalid_lines.unreported event, so that random bytes or a
// binary give a few warnings rather than one a line. The default reports
// every bad line; a negative n restores it.
func WithBadLineReports(n int) Option {
	return optionFunc(func(c *config) { c.badReports = n })
}

func newConfig(opts []Option) config {
	c := config{maxLine: DefaultMaxLine, badReports: -1}
	for _, o := range opts {
		o.apply(&c)
	}
	return c
}

// Summary counts what a stream held.
type Summary struct {
	Lines       int // lines read, blank and comment lines included
	Records     int // lines that were not blank or # comments; less BadLines, those read as Codex messages
	BadLines    int // lines that could not be read, each reported as codex.bridge.invalid_line unless WithBadLineReports capped them
	BadFields   int // members read leniently and reported as codex.bridge.invalid_field
	Threads     int
	Turns       int
	TurnsFailed int
	Tools       int // tool and MCP tool calls started
	ToolsFailed int // of which failed, declined or abandoned
	Approvals   int
	Usage       instrument.Usage // the last cumulative usage reported
	Duration    time.Duration    // from the first line to the end of the stream, on the bus's clock; with a StreamClock, from its first time to its last

	// BadLinesUnreported are the bad lines beyond the cap of
	// [WithBadLineReports], reported together at the end of the stream.
	BadLinesUnreported int
	// TotalUsage is the usage of all the stream's threads, added up (Usage
	// is the last thread's): the sum of ThreadUsage.
	TotalUsage instrument.Usage
	// TurnUsage is the token usage of each turn that reported any, in the
	// order of its first report: the first MaxTurnUsage of them, so that a
	// long stream's summary stays small; TurnsUnlisted counts the others,
	// whose usage is in ThreadUsage and TotalUsage.
	TurnUsage     []TurnUsage
	TurnsUnlisted int
	// ThreadUsage is the token usage of each thread that reported any, in
	// the order of its first report; its Turn is the number of its turns
	// that reported usage.
	ThreadUsage []TurnUsage
	// Cost is what the priced turns of TurnUsage cost, in US dollars;
	// Priced says whether any turn was priced (see [WithPrices]).
	Cost   float64
	Priced bool
	// Unpriced names the models without a price in the table of
	// [WithPrices], in the order first met; "" stands for threads whose
	// model is not known.
	Unpriced []string
	// StreamTimes says that Duration and the spans' durations are the
	// session's own times, read from the stream's timestamps (an app-server
	// log with a StreamClock); otherwise they are the times codextel took
	// to read the stream, unless it was read live.
	StreamTimes bool
}

// MaxTurnUsage is how many turns Summary.TurnUsage lists at most.
const MaxTurnUsage = 1000

// TurnUsage is the token usage of one turn (or, in Summary.ThreadUsage, of
// one thread).
type TurnUsage struct {
	ThreadID string // "" when the stream did not name the thread
	Thread   int    // the thread's number in the stream, from 1
	Turn     int    // the turn's number in its thread, from 1; 0 for usage reported before any turn
	Usage    instrument.Usage
	Model    string  // the model it was priced for
	Cost     float64 // US dollars, when Priced
	Priced   bool
}

// ReadExec reads a `codex exec --json` stream from r to its end and turns
// it into telemetry on bus ([telemetry.Default] when bus is nil), through
// package instrument. It returns what the stream held and an error only when
// r fails or the stream is in the legacy format; bad lines are reported as
// events, counted, and skipped.
func ReadExec(ctx context.Context, r io.Reader, bus *telemetry.Bus, opts ...Option) (sum Summary, err error) {
	cfg := newConfig(opts)
	x := &execReader{session: newSession(codexOn(bus), ctx, &sum), badCap: lineCap{limit: cfg.badReports}}
	x.pricing = cfg.pricing
	x.nat = newNativeJoin(cfg, x.session)
	start := x.now()
	defer func() {
		sum.Duration = x.now().Sub(start)
		if d, ok := x.nat.elapsed(); ok {
			sum.Duration = d // Codex's times: from the first to the last
			sum.StreamTimes = true
		}
	}()
	err = readLines(r, cfg.maxLine, &sum, x.line, x.bad, x.end)
	return sum, err
}

// codexOn returns the instrumentation of bus, the default bus when it is nil.
func codexOn(bus *telemetry.Bus) instrument.Codex {
	if bus == nil {
		bus = telemetry.Default()
	}
	return instrument.Codex{Bus: bus}
}

// readLines is the read loop of both readers: it hands each line of r to
// line with its number, a line over maxLine to bad (counted as a record),
// and calls end once when the stream ends, fails, or line returns an error,
// which it returns; a failing r is an error naming the line. It sets
// sum.Lines.
func readLines(r io.Reader, maxLine int, sum *Summary, line func(n int, raw []byte) error, bad func(n int, reason string, text []byte), end func()) error {
	lr := lines.NewReader(r, maxLine)
	for {
		raw, err := lr.Next()
		var tooLong *lines.TooLongError
		switch {
		case errors.Is(err, io.EOF):
			err = nil
		case errors.As(err, &tooLong):
			sum.Records++
			bad(tooLong.Line, tooLong.Error(), tooLong.Head)
			continue
		case err != nil:
			err = fmt.Errorf("bridge: reading line %d: %w", lr.Line()+1, err)
		default:
			err = line(lr.Line(), raw)
			if err == nil {
				continue
			}
		}
		end()
		sum.Lines = lr.Line()
		return err
	}
}

// execLine is one line of codex exec --json; Item is decoded in the same pass.
type execLine struct {
	Type     string     `json:"type"`
	ThreadID string     `json:"thread_id"`
	Usage    *execUsage `json:"usage"`
	Error    *struct {
		Message string `json:"message"`
	} `json:"error"`
	Message string    `json:"message"`
	Item    *execItem `json:"item"`

	// The legacy format's members.
	ID  json.RawMessage `json:"id"`
	Msg json.RawMessage `json:"msg"`
}

type execUsage struct {
	InputTokens           int64 `json:"input_tokens"`
	CachedInputTokens     int64 `json:"cached_input_tokens"`
	CacheWriteInputTokens int64 `json:"cache_write_input_tokens"`
	OutputTokens          int64 `json:"output_tokens"`
	ReasoningOutputTokens int64 `json:"reasoning_output_tokens"`
}

type execItem struct {
	ID               string          `json:"id"`
	Type             string          `json:"type"`
	Text             string          `json:"text"`
	Message          string          `json:"message"`
	Status           string          `json:"status"`
	Command          string          `json:"command"`
	AggregatedOutput string          `json:"aggregated_output"`
	ExitCode         *int            `json:"exit_code"`
	Changes          []fileChange    `json:"changes"`
	Server           string          `json:"server"`
	Tool             string          `json:"tool"`
	Arguments        json.RawMessage `json:"arguments"`
	Result           json.RawMessage `json:"result"`
	Error            *struct {
		Message string `json:"message"`
	} `json:"error"`
	Query  string          `json:"query"`
	Action json.RawMessage `json:"action"`
	Items  []struct {
		Text      string `json:"text"`
		Completed bool   `json:"completed"`
	} `json:"items"`
	Prompt            *string  `json:"prompt"`
	ReceiverThreadIDs []string `json:"receiver_thread_ids"`
}

type fileChange struct {
	Path string `json:"path"`
	Kind string `json:"kind"`
}

// execReader is the state of one exec stream: one thread at a time.
type execReader struct {
	*session
	pending string // a top-level error line held until the next line
	hasPend bool
	seen    bool        // a line other than a blank or comment line has been read
	nat     *nativeJoin // nil without WithNative
	badCap  lineCap
}

func (x *execReader) bad(line int, reason string, text []byte) {
	badLine(x.codex, x.ctx(), x.sum, &x.badCap, line, reason, text)
}

// line handles one line; it returns an error only for the legacy format.
func (x *execReader) line(n int, raw []byte) error {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || trimmed[0] == '#' {
		return nil
	}
	x.sum.Records++
	first := !x.seen
	x.seen = true
	if !utf8.Valid(trimmed) {
		x.bad(n, "invalid UTF-8", trimmed)
		return nil
	}
	var l execLine
	repairs, err := decodeLenient(trimmed, &l)
	if err != nil {
		x.bad(n, decodeProblem(err, "a JSON object"), trimmed)
		return nil
	}
	if l.Type == "" {
		switch {
		case l.ID != nil && l.Msg != nil && first:
			return fmt.Errorf("line %d: %w", n, ErrLegacyFormat)
		case l.ID != nil && l.Msg != nil:
			x.bad(n, `a line in the legacy {"id", "msg"} format, in a stream of the current format`, trimmed)
		default:
			x.bad(n, `no "type" member`, trimmed)
		}
		return nil
	}
	invalidFields(x.codex, x.ctx(), x.sum, n, "", repairs)
	if l.Type != "error" && l.Type != "turn.failed" {
		x.flushError()
	}
	switch l.Type {
	case "thread.started":
		x.nat.flush(false)
		x.finish()
		x.startThread(x.nat.startThread(instrument.ThreadInfo{ID: l.ThreadID, Source: instrument.SourceExec, Model: x.pricing.model}))
	case "turn.started":
		x.startTurn(instrument.SourceExec, x.nat.turn(instrument.TurnInfo{}))
	case "turn.completed":
		x.ensureTurn(instrument.SourceExec)
		x.nat.turnEnd()
		if u := l.Usage; u != nil {
			x.cumulativeUsage(instrument.Usage{
				InputTokens:           u.InputTokens,
				CachedInputTokens:     u.CachedInputTokens,
				CacheWriteInputTokens: u.CacheWriteInputTokens,
				OutputTokens:          u.OutputTokens,
				ReasoningOutputTokens: u.ReasoningOutputTokens,
			}, 0)
		}
		x.endTurn(nil)
	case "turn.failed":
		msg := ""
		if l.Error != nil {
			msg = l.Error.Message
		}
		if x.hasPend && x.pending != msg {
			x.flushError()
		}
		x.hasPend = false
		x.ensureTurn(instrument.SourceExec)
		x.nat.turnEnd()
		x.endTurn(modelError(msg, nil))
	case "error":
		x.flushError()
		x.pending, x.hasPend = l.Message, true
	case "item.started", "item.updated", "item.completed":
		if l.Item == nil {
			x.bad(n, fmt.Sprintf(`%s without an "item"`, l.Type), trimmed)
			return nil
		}
		if l.Item.Type == "web_search" {
			l.Item.ID = firstItemID(trimmed, l.Item.ID)
		}
		x.item(l.Type, l.Item)
	}
	return nil
}

// decodeProblem says why a line could not be decoded as what it should be.
func decodeProblem(err error, what string) string {
	if errors.Is(err, errTooManyRepairs) {
		return err.Error()
	}
	return "not " + what + ": " + jsonError(err)
}

// jsonError shortens encoding/json's messages to what a reader needs.
func jsonError(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v (at byte %d)", se, se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("member %q has the wrong type (%s)", te.Field, te.Value)
	}
	return err.Error()
}

// flushError reports a held error line as non-fatal.
func (x *execReader) flushError() {
	if !x.hasPend {
		return
	}
	x.hasPend = false
	x.codex.Error(x.ctx(), x.pending, nil)
}

// end finishes the stream: a held error, then the thread.
func (x *execReader) end() {
	x.flushError()
	x.nat.flush(true)
	x.badCap.flush(x.codex, x.root, x.sum)
	x.finish()
}

// item handles item.started, item.updated and item.completed.
func (x *execReader) item(kind string, it *execItem) {
	x.ensureThread(instrument.SourceExec)
	ctx := x.ctx()
	completed := kind == "item.completed"
	switch it.Type {
	case "agent_message":
		if completed {
			x.nat.answered()
			x.codex.AgentMessage(ctx, it.ID, it.Text)
		}
	case "reasoning":
		if completed {
			x.codex.Reasoning(ctx, it.ID, it.Text)
		}
	case "error":
		if completed {
			x.codex.Warning(ctx, it.ID, it.Message)
		}
	case "todo_list":
		items := make([]instrument.TodoItem, len(it.Items))
		for i, t := range it.Items {
			items[i] = instrument.TodoItem{Text: t.Text, Completed: t.Completed}
		}
		x.codex.TodoList(ctx, it.ID, items)
	case "command_execution", "file_change", "web_search", "collab_tool_call", "mcp_tool_call":
		x.toolItem(ctx, kind, it)
	}
}

func (x *execReader) toolItem(ctx context.Context, kind string, it *execItem) {
	if kind == "item.updated" {
		return
	}
	open, started := x.open[it.ID]
	if !started {
		x.nat.itemStarted(it)
		open = x.startTool(ctx, it)
	}
	if kind != "item.completed" {
		return
	}
	x.nat.itemCompleted(it)
	delete(x.open, it.ID)
	if it.Type == "mcp_tool_call" {
		result := parsed(it.Result)
		switch {
		case it.Status == "completed":
			open.mcp.Succeed(result)
		case it.Error != nil:
			x.sum.ToolsFailed++
			open.mcp.Fail(mcpCallError(it.Error.Message), result)
		default:
			x.sum.ToolsFailed++
			open.mcp.Fail(toolReportedError(), result)
		}
		return
	}
	res := instrument.ToolResult{ExitCode: it.ExitCode, Output: toolOutput(it)}
	switch it.Status {
	case "failed", "declined":
		x.sum.ToolsFailed++
		open.tool.Fail(it.Status, toolError(it), res)
	default:
		open.tool.Succeed(res)
	}
}

func (x *execReader) startTool(ctx context.Context, it *execItem) openItem {
	var o openItem
	if it.Type == "mcp_tool_call" {
		_, o.mcp = x.codex.StartMCPToolCall(ctx, instrument.MCPCall{
			Server: it.Server, Tool: it.Tool, CallID: it.ID, Arguments: parsed(it.Arguments), Model: x.nat.model(),
		})
	} else {
		call := instrument.ToolCall{Kind: it.Type, CallID: it.ID, Model: x.nat.model()}
		switch it.Type {
		case "command_execution":
			call.Tool, call.Input = "shell", it.Command
		case "file_change":
			call.Tool, call.Input = "apply_patch", changes(it.Changes)
		case "web_search":
			call.Tool = "web_search"
			if q := parsed(it.Action); q != nil {
				call.Input = q
			} else if it.Query != "" {
				call.Input = it.Query
			}
		case "collab_tool_call":
			call.Tool = it.Tool
			if it.Prompt != nil {
				call.Input = *it.Prompt
			}
		}
		_, o.tool = x.codex.StartTool(ctx, call)
	}
	x.track(it.ID, o)
	return o
}

// toolOutput is what a finished tool item produced, for the result field.
func toolOutput(it *execItem) any {
	switch it.Type {
	case "command_execution":
		return it.AggregatedOutput
	case "file_change":
		return changes(it.Changes)
	case "web_search":
		if q := parsed(it.Action); q != nil {
			return q
		}
	case "collab_tool_call":
		if len(it.ReceiverThreadIDs) > 0 {
			ids := make([]any, len(it.ReceiverThreadIDs))
			for i, id := range it.ReceiverThreadIDs {
				ids[i] = id
			}
			return ids
		}
	}
	return nil
}

func toolError(it *execItem) error {
	switch {
	case it.Status == "declined":
		return errors.New("declined")
	case it.ExitCode != nil:
		return fmt.Errorf("exit code %d", *it.ExitCode)
	}
	return errors.New(it.Status)
}

func changes(cs []fileChange) any {
	if cs == nil {
		return nil
	}
	out := make([]any, len(cs))
	for i, c := range cs {
		out[i] = slog.GroupValue(slog.String("path", c.Path), slog.String("kind", c.Kind))
	}
	return out
}

// parsed reads raw JSON with its key order kept; nil for absent or null.
func parsed(raw json.RawMessage) any {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	v, err := eventjson.ParseValue(string(raw))
	if err != nil {
		return string(raw)
	}
	return v
}

// firstItemID returns the first "id" member of the line's item. Codex's
// web_search items have two (the item id, then the search id), and
// encoding/json keeps the last.
func firstItemID(line []byte, fallback string) string {
	// Codex writes compact JSON with the item's id first: read it directly.
	const prefix = `"item":{"id":"`
	if i := bytes.Index(line, []byte(prefix)); i >= 0 && i == bytes.Index(line, []byte(`"item":`)) {
		rest := line[i+len(prefix):]
		if j := bytes.IndexByte(rest, '"'); j >= 0 && bytes.IndexByte(rest[:j], '\\') < 0 {
			return string(rest[:j])
		}
	}
	type frame struct{ object, expectKey bool }
	dec := json.NewDecoder(bytes.NewReader(line))
	var stack []frame
	topKey := "" // the last key of the top-level object
	for {
		tok, err := dec.Token()
		if err != nil {
			return fallback
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				stack = append(stack, frame{object: d == '{', expectKey: d == '{'})
			default:
				stack = stack[:len(stack)-1]
				if len(stack) == 1 && topKey == "item" {
					return fallback // the item ended without an id
				}
				if n := len(stack); n > 0 && stack[n-1].object {
					stack[n-1].expectKey = true
				}
			}
			continue
		}
		n := len(stack)
		if n == 0 {
			return fallback
		}
		top := &stack[n-1]
		if !top.object || !top.expectKey {
			if top.object {
				top.expectKey = true
			}
			continue
		}
		key, _ := tok.(string)
		top.expectKey = false
		switch {
		case n == 1:
			topKey = key
		case n == 2 && topKey == "item" && key == "id":
			var id string
			if dec.Decode(&id) != nil {
				return fallback
			}
			return id
		}
	}
}
