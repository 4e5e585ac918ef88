package codexagents

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/codextel/codextel/core/pylog"
)

// CodexCommandSpanName is the name of the custom span the Codex tool opens
// for each started command_execution item.
const CodexCommandSpanName = "Codex command execution"

// CodexTool traces calls of the Agents SDK's Codex tool
// (agents.extensions.experimental.codex, v0.22.0): a function span named
// after the tool, and under it one "Codex command execution" custom span
// per command the stream starts. Make one with [NewCodexTool].
type CodexTool struct {
	p         *Provider
	name      string
	max       limit
	sensitive bool
}

// ToolOption configures a [CodexTool].
type ToolOption func(*CodexTool)

// WithToolName sets the tool's name, which names the function span
// (default "codex").
func WithToolName(name string) ToolOption {
	return func(c *CodexTool) { c.name = name }
}

// WithSpanDataMaxChars sets span_data_max_chars: the budget, in
// characters of compact JSON, of each command span's data (default
// [DefaultSpanDataMaxChars]; 0 or less keeps no data).
func WithSpanDataMaxChars(n int) ToolOption {
	return func(c *CodexTool) { c.max = limit{n: n} }
}

// WithoutSpanDataLimit is span_data_max_chars=None: no trimming.
func WithoutSpanDataLimit() ToolOption {
	return func(c *CodexTool) { c.max = limit{none: true} }
}

// WithIncludeSensitiveData sets trace_include_sensitive_data: whether the
// function span records the call's arguments and result and the failure
// text. Without it OPENAI_AGENTS_TRACE_INCLUDE_SENSITIVE_DATA decides as
// in the SDK: unset, or "1", "true", "yes", "on" (any case, spaces
// trimmed) mean yes.
func WithIncludeSensitiveData(include bool) ToolOption {
	return func(c *CodexTool) { c.sensitive = include }
}

// NewCodexTool returns a Codex tool tracing into p (nil: a disabled
// provider, so Run only computes the result).
func NewCodexTool(p *Provider, opts ...ToolOption) *CodexTool {
	if p == nil {
		p = NewProvider(WithDisabled(true))
	}
	c := &CodexTool{p: p, name: "codex", max: limit{n: DefaultSpanDataMaxChars}, sensitive: true}
	if v, ok := os.LookupEnv("OPENAI_AGENTS_TRACE_INCLUDE_SENSITIVE_DATA"); ok {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "1", "true", "yes", "on":
		default:
			c.sensitive = false
		}
	}
	for _, o := range opts {
		o(c)
	}
	c.name = p.scrubText(c.name)
	return c
}

// ToolResult is the outcome of one traced Codex tool call.
type ToolResult struct {
	// Output is the text the model receives: the CodexToolResult JSON
	// ({"thread_id", "response", "usage"}, written as Python's json.dumps
	// writes it) or the SDK's "An error occurred while running the tool.
	// Please try again. Error: <message>". A successful result is the
	// tool's answer to the model and is returned as Codex gave it; the
	// function span records it scrubbed.
	Output string
	// Failure is the message the call failed with ("Codex stream error:
	// …", "Codex turn failed…", "Failed to parse event: …", "Codex exec
	// exited with code …: …"), scrubbed by the provider's scrubber (see
	// [WithScrubber]), as is the Output that carries it; "" when it
	// succeeded.
	Failure string
	// Usage is the last turn.completed usage, {"input_tokens",
	// "cached_input_tokens", "output_tokens"} with the values as given;
	// nil when the stream had none.
	Usage Object
}

// Exit is how the codex process ended, for [CodexTool.Run].
type Exit struct {
	// Code is the exit status; a signal is a negative status (-15).
	Code int
	// Stderr is everything codex wrote to stderr.
	Stderr string
}

// Run traces one Codex tool call as the SDK does. arguments is the tool
// call's arguments string as the model sent it; stdout is codex exec's
// JSONL output. Run reads it as the SDK reads it: every line must parse
// (the first that does not fails the call), every top-level error event
// and turn.failed fails it, and reading stops at the first failure. Only
// when the stream ends without one does Run call wait (nil: exit status 0)
// for the exit status; after a failure the caller stops codex itself.
//
// The function span is a child of parent (nil: a root span of t). It
// starts before the first line is read and ends after the command spans,
// which are finished, in the order they were opened, when the stream
// stops.
//
// Every value the spans record (arguments, commands, outputs, statuses,
// the result, error texts) is scrubbed by the provider's scrubber (see
// [WithScrubber]) before it is set, and before it is trimmed to
// span_data_max_chars, so processors see only scrubbed data.
func (c *CodexTool) Run(t *Trace, parent *Span, arguments string, stdout io.Reader, wait func() Exit) *ToolResult {
	fd := &FunctionSpanData{Name: c.name}
	fn := c.p.newSpan(t, parent, fd, true)
	fn.Start()
	if c.sensitive {
		args := c.p.scrubText(arguments)
		fn.update(func() { fd.Input = &args })
	}
	r := &codexRun{c: c, t: t, fn: fn}
	r.parseArguments(arguments)
	failure := r.read(stdout)
	if failure == "" {
		exit := Exit{}
		if wait != nil {
			exit = wait()
		}
		if exit.Code != 0 {
			failure = "Codex exec exited with code " + strconv.Itoa(exit.Code) + ": " + exit.Stderr
		}
	}
	for _, e := range r.table {
		e.span.Finish()
	}
	r.table = nil
	failure = c.p.scrubText(failure)
	res := &ToolResult{Failure: failure}
	spanOut := ""
	if failure == "" {
		res.Usage = r.usage
		resp := r.response
		if s, ok := resp.(string); !r.hasResponse || (ok && s == "") || resp == nil {
			resp = "Codex task completed with no inputs."
			if r.hasInputs {
				resp = "Codex task completed with inputs."
			}
		}
		var usage any
		if r.usage != nil {
			usage = r.usage
		}
		res.Output = pyJSONDefault(Object{{"thread_id", r.threadID}, {"response", resp}, {"usage", usage}})
		spanOut = res.Output
		if c.sensitive {
			// The response is scrubbed as a value before it is written
			// as JSON, then the JSON text as a whole: a secret is found
			// whether or not escaping hides its shape.
			tid, tch := c.p.scrubValue("", r.threadID)
			sr, rch := c.p.scrubValue("", resp)
			if tch || rch {
				spanOut = pyJSONDefault(Object{{"thread_id", tid}, {"response", sr}, {"usage", usage}})
			}
			spanOut = c.p.scrubText(spanOut)
		}
	} else {
		if c.p.logTool {
			c.p.log(pylog.Error, "Codex tool failed: "+failure, errors.New(failure))
		} else {
			c.p.log(pylog.Debug, "Codex tool failed", nil)
		}
		detail := failure
		if !c.sensitive {
			detail = "Tool execution failed. Error details are redacted."
		}
		fn.setCleanError(&SpanError{
			Message: "Error running Codex tool (non-fatal)",
			Data:    Object{{"tool_name", c.name}, {"error", detail}},
		})
		res.Output = "An error occurred while running the tool. Please try again. Error: " + failure
		spanOut = res.Output
	}
	if c.sensitive {
		fn.update(func() { fd.Output = &spanOut })
	}
	fn.Finish()
	return res
}

// codexRun is the state of one tool call: the SDK's table of open command
// spans (keyed by item id, in insertion order) and what the result needs.
type codexRun struct {
	c           *CodexTool
	t           *Trace
	fn          *Span
	table       []openSpan
	threadID    any
	response    any
	hasResponse bool
	usage       Object
	hasInputs   bool
}

type openSpan struct {
	key  string
	span *Span
	data *CustomSpanData
}

// parseArguments reads what the result needs from the arguments: whether
// there are inputs (for the default response) and a resumed thread_id.
// Arguments that do not parse are only recorded.
func (r *codexRun) parseArguments(arguments string) {
	v, err := parsePyJSON(arguments)
	if err != nil {
		return
	}
	o, _ := v.(Object)
	if in, ok := o.Get("inputs"); ok {
		if l, ok := in.([]any); ok && len(l) > 0 {
			r.hasInputs = true
		}
	}
	if tid, ok := o.Get("thread_id"); ok {
		if s, ok := tid.(string); ok && s != "" {
			r.threadID = s
		}
	}
}

// read handles the stream line by line until it ends or fails, returning
// the failure message ("" at a clean end).
func (r *codexRun) read(stdout io.Reader) string {
	br := bufio.NewReaderSize(stdout, 64<<10)
	for {
		line, err := br.ReadString('\n')
		if line == "" && err != nil {
			if err == io.EOF {
				return ""
			}
			return "Codex stream read failed: " + err.Error()
		}
		if !utf8.ValidString(line) {
			// Python decodes the line, newline included, before
			// removing the newline.
			return pyUTF8Error(line)
		}
		line = strings.TrimSuffix(line, "\n")
		if f := r.handle(line); f != "" {
			return f
		}
		if err != nil {
			if err == io.EOF {
				return ""
			}
			return "Codex stream read failed: " + err.Error()
		}
	}
}

// errParse marks a line the SDK cannot turn into an event.
var errParse = errors.New("unparsable event")

// handle applies one line; it returns the failure message, "" to go on.
func (r *codexRun) handle(line string) string {
	v, err := parsePyJSON(line)
	ev, ok := v.(Object)
	if err != nil || !ok {
		return "Failed to parse event: " + line
	}
	typ, _ := ev.Get("type")
	switch typ {
	case "thread.started":
		tid, ok := ev.Get("thread_id")
		if !ok {
			return "Failed to parse event: " + line
		}
		r.threadID = tid
	case "turn.completed":
		u, ok := ev.Get("usage")
		if !ok || u == nil {
			r.usage = nil
			return ""
		}
		uo, ok := u.(Object)
		if !ok {
			return "Failed to parse event: " + line
		}
		usage := Object{}
		for _, k := range []string{"input_tokens", "cached_input_tokens", "output_tokens"} {
			x, ok := uo.Get(k)
			if !ok {
				return "Failed to parse event: " + line
			}
			usage = append(usage, Member{k, x})
		}
		r.usage = usage
	case "turn.failed":
		msg := ""
		if e, ok := ev.Get("error"); ok {
			eo, ok := e.(Object)
			if !ok {
				return "Failed to parse event: " + line
			}
			msg = messageOf(eo)
		}
		if msg == "" {
			return "Codex turn failed"
		}
		return "Codex turn failed: " + msg
	case "error":
		return "Codex stream error: " + messageOf(ev)
	case "item.started", "item.updated", "item.completed":
		it, _ := ev.Get("item")
		if it == nil {
			return "" // an unknown item
		}
		item, ok := it.(Object)
		if !ok || checkItem(item) != nil {
			return "Failed to parse event: " + line
		}
		r.item(typ.(string), item)
	}
	return ""
}

// messageOf is an error object's "message": "" when missing or null, the
// compact JSON text of a value that is not a string.
func messageOf(o Object) string {
	m, _ := o.Get("message")
	switch x := m.(type) {
	case nil:
		return ""
	case string:
		return x
	default:
		return pyJSON(x)
	}
}

// checkItem enforces the keys the SDK's event parser requires.
func checkItem(item Object) error {
	need := func(keys ...string) error {
		for _, k := range keys {
			if _, ok := item.Get(k); !ok {
				return errParse
			}
		}
		return nil
	}
	typ, _ := item.Get("type")
	switch typ {
	case "command_execution":
		return need("id", "command", "status")
	case "file_change":
		if err := need("id", "status"); err != nil {
			return err
		}
		ch, ok := item.Get("changes")
		if !ok || ch == nil {
			return nil
		}
		l, ok := ch.([]any)
		if !ok {
			return errParse
		}
		for _, c := range l {
			co, ok := c.(Object)
			if !ok {
				return errParse
			}
			for _, k := range []string{"path", "kind"} {
				if _, ok := co.Get(k); !ok {
					return errParse
				}
			}
		}
	case "mcp_tool_call":
		if err := need("id", "server", "tool", "status"); err != nil {
			return err
		}
		for _, k := range []string{"result", "error"} {
			if x, ok := item.Get(k); ok && x != nil {
				if _, ok := x.(Object); !ok {
					return errParse
				}
			}
		}
	case "agent_message", "reasoning", "web_search", "todo_list":
		return need("id")
	}
	return nil
}

// item applies the span rules of the SDK's item handlers.
func (r *codexRun) item(event string, item Object) {
	typ, _ := item.Get("type")
	if event == "item.completed" && typ == "agent_message" {
		r.response, _ = item.Get("text")
		r.hasResponse = true
	}
	id, _ := item.Get("id")
	if id == nil || id == "" {
		return
	}
	key := pyJSON(id)
	at := -1
	for i := range r.table {
		if r.table[i].key == key {
			at = i
			break
		}
	}
	isCommand := typ == "command_execution"
	switch event {
	case "item.started":
		if !isCommand {
			return
		}
		data := &CustomSpanData{Name: CodexCommandSpanName, Data: budget(r.commandUpdate(item), r.c.max)}
		s := r.c.p.newSpan(r.t, r.fn, data, true)
		s.Start()
		e := openSpan{key: key, span: s, data: data}
		if at >= 0 {
			r.table[at] = e // the old span is never finished
		} else {
			r.table = append(r.table, e)
		}
	case "item.updated":
		if at < 0 || !isCommand {
			return
		}
		r.merge(r.table[at], item)
	case "item.completed":
		if at < 0 {
			return
		}
		e := r.table[at]
		if isCommand {
			r.merge(e, item)
			if st, _ := item.Get("status"); st == "failed" {
				ec, _ := item.Get("exit_code")
				ec, _ = r.c.p.scrubValue("", ec)
				data := Object{{"exit_code", ec}}
				if out, ok := r.output(item); ok {
					data = append(data, Member{"output", out})
				}
				e.span.setCleanError(&SpanError{Message: "Codex command execution failed.", Data: data})
			}
		}
		e.span.Finish()
		r.table = append(r.table[:at], r.table[at+1:]...)
	}
}

// output is per_value(aggregated_output), absent when that is missing,
// null or "". The output is scrubbed before it is cut.
func (r *codexRun) output(item Object) (any, bool) {
	out, _ := item.Get("aggregated_output")
	if out == nil || out == "" {
		return nil, false
	}
	out, _ = r.c.p.scrubValue("", out)
	return perValue(out, r.c.max), true
}

// commandUpdate is the update U of a command_execution item, its values
// scrubbed.
func (r *codexRun) commandUpdate(item Object) Object {
	p := r.c.p
	cmd, _ := item.Get("command")
	st, _ := item.Get("status")
	ec, _ := item.Get("exit_code")
	cmd, _ = p.scrubValue("", cmd)
	st, _ = p.scrubValue("", st)
	ec, _ = p.scrubValue("", ec)
	u := Object{{"command", cmd}, {"status", st}, {"exit_code", ec}}
	if out, ok := r.output(item); ok {
		u = append(u, Member{"output", out})
	}
	return u
}

// merge is data := budget(data ⊕ U), in place.
func (r *codexRun) merge(e openSpan, item Object) {
	u := r.commandUpdate(item)
	e.span.update(func() {
		d := e.data.Data.clone()
		for _, m := range u {
			d = d.set(m.Key, m.Value)
		}
		e.data.Data = budget(d, r.c.max)
	})
}

// pyUTF8Error is the text of CPython's UnicodeDecodeError for the first
// invalid UTF-8 sequence in s.
func pyUTF8Error(s string) string {
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r != utf8.RuneError || n > 1 {
			i += n
			continue
		}
		c := s[i]
		need, lo, hi := 0, byte(0x80), byte(0xbf)
		switch {
		case c >= 0xc2 && c <= 0xdf:
			need = 1
		case c == 0xe0:
			need, lo = 2, 0xa0
		case c == 0xed:
			need, hi = 2, 0x9f
		case c >= 0xe1 && c <= 0xef:
			need = 2
		case c == 0xf0:
			need, lo = 3, 0x90
		case c == 0xf4:
			need, hi = 3, 0x8f
		case c >= 0xf1 && c <= 0xf3:
			need = 3
		}
		if need == 0 {
			return fmt.Sprintf("'utf-8' codec can't decode byte 0x%02x in position %d: invalid start byte", c, i)
		}
		j := i + 1
		for k := 0; k < need; k++ {
			if j >= len(s) {
				return decodeErr(s, i, j, "unexpected end of data")
			}
			b := s[j]
			if k == 0 && (b < lo || b > hi) || k > 0 && (b < 0x80 || b > 0xbf) {
				return decodeErr(s, i, j, "invalid continuation byte")
			}
			j++
		}
		i = j
	}
	return ""
}

func decodeErr(s string, start, end int, reason string) string {
	if end-start == 1 {
		return fmt.Sprintf("'utf-8' codec can't decode byte 0x%02x in position %d: %s", s[start], start, reason)
	}
	return fmt.Sprintf("'utf-8' codec can't decode bytes in position %d-%d: %s", start, end-1, reason)
}
