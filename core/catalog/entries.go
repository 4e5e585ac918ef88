package catalog

import (
	"slices"

	"github.com/codextel/codextel/core/pylog"
)

// The fields the bus's span helper adds (see telemetry.Bus.StartSpan); the
// telemetry package's tests check that the bus emits exactly these.
var (
	spanStart = []Field{
		{Key: "system_time", Type: Int, Doc: "Unix time of the start, in nanoseconds."},
		{Key: "monotonic_time", Type: Int, Doc: "The start on the bus's monotonic clock, in nanoseconds."},
	}
	spanEnd = []Field{
		{Key: "duration", Type: Duration, Doc: "Time from the span's start to this event."},
		{Key: "duration_ms", Type: Float, Doc: "The duration in milliseconds."},
	}
	spanFailure = []Field{
		{Key: "kind", Type: String, Kind: Enum, Values: []string{"error", "panic"}, Doc: `"error" for a returned error, "panic" for a Go panic.`},
		{Key: "reason", Type: String, Doc: "The error's message or the panic value."},
		{Key: "error_type", Type: String, Doc: `The kind of failure, as OpenTelemetry's error.type: "tool_error" for an MCP tool result with isError, the JSON-RPC error code of an MCP protocol error ("-32602"), the HTTP status of a failed model request when the stream gives it ("429", "500"), what an error's ErrorType() string method says, else "_OTHER". Never a Go type name.`},
		{Key: "stacktrace", Type: String, Optional: true, Doc: "The goroutine's stack, for a panic."},
	}
)

// builtinTools are the names Codex gives its own tools: the values of a
// tool event's tool field that need no scan for secrets. A function tool's
// name is the app's to choose, and is scanned.
var builtinTools = []string{"shell", "apply_patch", "web_search", "spawn_agent", "send_input", "wait", "close_agent", "resume_agent"}

// How the string fields are kinded (see [FieldKind]): a field is an Enum or
// an ID only when its values are defined by Codex's protocol or by codextel,
// never written by a user, a model or a tool; the bus skips the secret scan
// only for a listed word or an id-shaped value, so an unexpected value is
// still scanned. source, tool_kind, approval_kind, status and kind are set by
// codextel from the protocol's item and request types; decision is the
// protocol's decision word; tool lists Codex's built-in tools only (a
// function or MCP tool's name is the app's or the server's and stays text);
// call_id and request_id are Codex's item ids (item_N, UUIDs) and JSON-RPC
// ids. Models, paths, reasons, messages, MCP server and tool names, handler
// ids and event names are text.

// fields joins field lists into one new slice.
func fields(lists ...[]Field) []Field { return slices.Concat(lists...) }

// Shared metadata of the span families, in emission order.
var (
	threadStart = []Field{
		{Key: "source", Type: String, Kind: Enum, Values: []string{"exec", "app-server", "sdk"}, Doc: `Where the events come from: "exec" (a codex exec --json stream), "app-server", or "sdk" (a Go client instrumenting itself).`},
		{Key: "model", Type: String, Optional: true, Doc: "The model the thread runs on, when known."},
		{Key: "input", Type: String, Optional: true, Data: ModelData, Doc: "The prompt the thread started with."},
	}
	turnStart = []Field{
		{Key: "turn_index", Type: Int, Doc: "The turn's number within this run of the thread, from 1."},
		{Key: "input", Type: String, Optional: true, Data: ModelData, Doc: "The user input of the turn."},
		{Key: "model", Type: String, Optional: true, Doc: "The model the turn runs on, when known (on the exec path, from Codex's own export)."},
	}
	toolStart = []Field{
		{Key: "tool", Type: String, Kind: Enum, Values: builtinTools, Doc: `The tool's name: "shell" for a command, "apply_patch" for a file change, "web_search", a collab tool ("spawn_agent", "wait", ...) or a function tool's name.`},
		{Key: "tool_kind", Type: String, Kind: Enum, Values: []string{"command_execution", "file_change", "web_search", "collab_tool_call", "function"}, Doc: "The Codex item type: command_execution, file_change, web_search, collab_tool_call or function."},
		{Key: "call_id", Type: String, Kind: ID, Doc: "The Codex item id of the call (item_N)."},
		{Key: "input", Type: Any, Optional: true, Data: ToolData, Doc: "The tool's input: the command line, the file changes, the search query or action, the collab prompt."},
		{Key: "model", Type: String, Optional: true, Doc: "The model that called the tool, when known (on the exec path, from Codex's own export)."},
	}
	mcpStart = []Field{
		{Key: "server", Type: String, Doc: "The MCP server's name."},
		{Key: "tool", Type: String, Doc: "The MCP tool's name."},
		{Key: "call_id", Type: String, Kind: ID, Doc: "The Codex item id of the call."},
		{Key: "arguments", Type: Any, Optional: true, Data: ToolData, Doc: "The arguments the tool was called with."},
		{Key: "model", Type: String, Optional: true, Doc: "The model that called the tool, when known (on the exec path, from Codex's own export)."},
	}
	approvalStart = []Field{
		{Key: "approval_kind", Type: String, Kind: Enum, Values: []string{"command_execution", "file_change"}, Doc: "What needs approving: command_execution or file_change."},
		{Key: "call_id", Type: String, Kind: ID, Doc: "The Codex item id the approval is for."},
		{Key: "request_id", Type: String, Kind: ID, Optional: true, Doc: "The JSON-RPC request id of the approval request."},
		{Key: "approval_reason", Type: String, Optional: true, Doc: "Why Codex asks, when it says."},
		{Key: "command", Type: String, Optional: true, Data: ToolData, Doc: "The command to approve, for a command execution."},
		{Key: "cwd", Type: String, Optional: true, Doc: "The working directory of the command."},
	}
	decision = []Field{
		{Key: "decision", Type: String, Kind: Enum, Values: []string{"accept", "acceptForSession", "decline", "cancel", "approved", "approved_for_session", "denied", "timed_out", "abort"}, Doc: "The decision as the protocol spells it (accept, acceptForSession, decline, cancel, approved, denied, timed_out, abort, ...)."},
		{Key: "decision_source", Type: String, Kind: Enum, Values: []string{"Config", "User"}, Optional: true, Doc: "Who decided, when Codex says (its export's codex.tool_decision source: Config for a decision the approval policy made, User for one the user made)."},
	}
	tokenUsage = []Field{
		{Key: "input_tokens", Type: Int, Doc: "Input tokens of this update: the turn's, or the request's on app-server."},
		{Key: "cached_input_tokens", Type: Int, Doc: "Cached input tokens of this update."},
		{Key: "cache_write_input_tokens", Type: Int, Doc: "Input tokens written to the cache in this update (0 when the CLI does not report it)."},
		{Key: "output_tokens", Type: Int, Doc: "Output tokens of this update."},
		{Key: "reasoning_output_tokens", Type: Int, Doc: "Reasoning output tokens of this update (0 when the CLI does not report it)."},
		{Key: "total_input_tokens", Type: Int, Doc: "Input tokens of the whole thread so far."},
		{Key: "total_cached_input_tokens", Type: Int, Doc: "Cached input tokens of the whole thread so far."},
		{Key: "total_cache_write_input_tokens", Type: Int, Doc: "Cache-write input tokens of the whole thread so far."},
		{Key: "total_output_tokens", Type: Int, Doc: "Output tokens of the whole thread so far."},
		{Key: "total_reasoning_output_tokens", Type: Int, Doc: "Reasoning output tokens of the whole thread so far."},
		{Key: "model_context_window", Type: Int, Optional: true, Doc: "The model's context window, when the app-server reports it."},
		{Key: "cost_usd", Type: Float, Optional: true, Doc: "What this update's tokens cost in US dollars, from a price table (codextel --prices) that prices the thread's model; absent without one: the cost is never guessed."},
		{Key: "total_cost_usd", Type: Float, Optional: true, Doc: "What the whole thread's tokens so far cost in US dollars, when cost_usd is present."},
	}
	delta = func(what string, data DataClass) []Field {
		return []Field{
			{Key: "call_id", Type: String, Kind: ID, Doc: "The Codex item id the delta belongs to."},
			{Key: "delta", Type: String, Data: data, Doc: "The " + what + " text of this delta."},
		}
	}
	deltaBytes = []Field{{Key: "delta_bytes", Type: Int, Doc: "The length of the delta in bytes."}}

	modelRequest = []Field{
		{Key: "duration", Type: Duration, Doc: "How long the request took, as Codex measured it."},
		{Key: "duration_ms", Type: Float, Doc: "The same in milliseconds."},
		{Key: "attempt", Type: Int, Doc: "Codex's attempt number for the request, from 0: a retry has a higher one."},
		{Key: "status_code", Type: Int, Doc: "The HTTP status of the answer (0 when none came)."},
	}
	modelRequestMetadata = []Field{
		{Key: "endpoint", Type: String, Optional: true, Doc: "The API endpoint (/responses)."},
		{Key: "model", Type: String, Optional: true, Doc: "The model asked."},
	}
)

// entries is the catalog. Keep it grouped by subject; names.go and
// docs/events.md are generated from it in this order.
var entries = []*Entry{
	// Threads: a span from the thread's start to the end of the run.
	{
		Name: "codex.thread.start", Logger: "codex.thread", Level: pylog.Info,
		Message: "Thread {thread_id} started", DataMessage: "Thread {thread_id} started with input {input}",
		Doc:          "A thread starts (codex exec: thread.started). Opens the thread span.",
		Measurements: spanStart, Metadata: threadStart,
	},
	{
		Name: "codex.thread.stop", Logger: "codex.thread", Level: pylog.Info,
		Message:      "Thread {thread_id} completed",
		Doc:          "The run of a thread ends normally: its stream ended after a terminal turn event.",
		Measurements: spanEnd, Metadata: fields(threadStart, []Field{
			{Key: "turns", Type: Int, Doc: "Turns run in this run of the thread."},
		}),
	},
	{
		Name: "codex.thread.exception", Logger: "codex.thread", Level: pylog.Error,
		Message:      "Thread {thread_id} failed: {reason}",
		Doc:          "The run of a thread ends abnormally: its last turn failed, or the stream ended without a terminal event (SIGINT, killed process, truncated file).",
		Measurements: spanEnd, Metadata: fields(threadStart, spanFailure, []Field{
			{Key: "turns", Type: Int, Doc: "Turns run in this run of the thread."},
		}),
	},

	// Turns: a span from turn.started to turn.completed or turn.failed.
	{
		Name: "codex.turn.start", Logger: "codex.turn", Level: pylog.Debug,
		Message: "Running turn {turn_index}", DataMessage: "Running turn {turn_index} with input {input}",
		Doc:          "A turn starts. Like the Agents SDK's per-turn line, logged at DEBUG.",
		Measurements: spanStart, Metadata: turnStart,
	},
	{
		Name: "codex.turn.completed", Logger: "codex.turn", Level: pylog.Info,
		Message:      "Turn {turn_index} completed",
		Doc:          "A turn completes (codex exec: turn.completed; app-server: turn/completed with status completed).",
		Measurements: spanEnd, Metadata: turnStart,
	},
	{
		Name: "codex.turn.failed", Logger: "codex.turn", Level: pylog.Error,
		Message:      "Turn {turn_index} failed: {reason}",
		Doc:          "A turn fails (codex exec: turn.failed, whose message is the fatal error line before it).",
		Measurements: spanEnd, Metadata: fields(turnStart, spanFailure),
	},
	{
		Name: "codex.thread.token_usage.updated", Logger: "codex.thread", Level: pylog.Debug, HighVolume: true,
		Message:      "Token usage: {input_tokens} input, {output_tokens} output tokens",
		Doc:          "Token usage changes: at each turn.completed (whose usage is cumulative for the thread; this event gives the turn's delta and the totals) and at each app-server thread/tokenUsage/updated.",
		Measurements: tokenUsage,
		Metadata: []Field{
			{Key: "usage_reset", Type: Bool, Optional: true, Doc: "Present and true when the thread's cumulative count went down since the last report (Codex started counting anew): the counts of this update are then the new totals, never negative."},
			{Key: "model", Type: String, Optional: true, Doc: "The model the tokens were priced for; present with the costs only."},
		},
	},
	{
		Name: "codex.turn.diff.updated", Logger: "codex.turn", Level: pylog.Debug, HighVolume: true,
		Message: "Turn diff updated ({diff_bytes} bytes)", DataMessage: "Turn diff updated:\n{diff}",
		Doc:          "The unified diff of the turn so far changes (app-server turn/diff/updated).",
		Measurements: []Field{{Key: "diff_bytes", Type: Int, Doc: "The length of the diff in bytes."}},
		Metadata:     []Field{{Key: "diff", Type: String, Data: ToolData, Doc: "The whole unified diff of the turn so far."}},
	},
	{
		Name: "codex.turn.compaction.started", Logger: "codex.turn", Level: pylog.Info,
		Message: "Compacting conversation history",
		Doc:     "Codex starts compacting the thread's history to fit the context window.",
	},
	{
		Name: "codex.turn.compaction.completed", Logger: "codex.turn", Level: pylog.Info,
		Message:      "Compacted conversation history",
		Doc:          "Compaction finished.",
		Measurements: []Field{{Key: "token_savings", Type: Int, Optional: true, Doc: "Tokens saved, when known."}},
	},
	{
		Name: "codex.turn.compaction.failed", Logger: "codex.turn", Level: pylog.Warning,
		Message:  "Compacting conversation history failed: {reason}",
		Doc:      "Compaction failed; the turn goes on.",
		Metadata: []Field{{Key: "reason", Type: String, Doc: "Why it failed."}},
	},

	// Model requests, from Codex's own export (codex.api_request,
	// codex.sse_event, codex.turn_ttft): the exec stream has none of them.
	{
		Name: "codex.model.request.completed", Logger: "codex.model", Level: pylog.Debug,
		Message:      "Model request returned HTTP {status_code} after {duration_ms} ms (attempt {attempt})",
		Doc:          "A request to the model answered (Codex's codex.api_request with a 2xx status and no error). Durations are Codex's own.",
		Measurements: modelRequest,
		Metadata:     modelRequestMetadata,
	},
	{
		Name: "codex.model.request.failed", Logger: "codex.model", Level: pylog.Warning,
		Message:      "Model request failed with HTTP {status_code} after {duration_ms} ms (attempt {attempt}): {error_message}",
		Doc:          "A request to the model failed (Codex's codex.api_request with an HTTP error status or an error message): retries and 429s show here, one event per attempt.",
		Measurements: modelRequest,
		Metadata: fields(modelRequestMetadata, []Field{
			{Key: "error_message", Type: String, Doc: "Codex's error message, or the HTTP status text when it gives none."},
		}),
	},
	{
		Name: "codex.model.token_usage", Logger: "codex.model", Level: pylog.Debug,
		Message: "Model response used {input_tokens} input, {output_tokens} output tokens",
		Doc:     "One model response's token counts (Codex's codex.sse_event for response.completed). The exec stream gives only the turn's total, at turn.completed.",
		Measurements: []Field{
			{Key: "input_tokens", Type: Int, Doc: "Input tokens of the request."},
			{Key: "cached_input_tokens", Type: Int, Doc: "Of which read from the cache."},
			{Key: "cache_write_input_tokens", Type: Int, Doc: "Input tokens written to the cache."},
			{Key: "output_tokens", Type: Int, Doc: "Output tokens of the response."},
			{Key: "reasoning_output_tokens", Type: Int, Doc: "Of which reasoning."},
		},
		Metadata: []Field{
			{Key: "model", Type: String, Optional: true, Doc: "The model that answered."},
			{Key: "reasoning_effort", Type: String, Kind: Enum, Values: []string{"none", "minimal", "low", "medium", "high", "xhigh"}, Optional: true, Doc: "The reasoning effort the request asked for."},
		},
	},
	{
		Name: "codex.turn.first_token", Logger: "codex.turn", Level: pylog.Debug,
		Message: "First token after {ttft_ms} ms",
		Doc:     "The model's first token of the turn arrived (Codex's codex.turn_ttft): the time from the turn's start, as Codex measured it.",
		Measurements: []Field{
			{Key: "ttft", Type: Duration, Doc: "Time to the first token."},
			{Key: "ttft_ms", Type: Float, Doc: "The same in milliseconds."},
		},
		Metadata: []Field{
			{Key: "model", Type: String, Optional: true, Doc: "The model of the turn."},
		},
	},

	// Tools: command executions, file changes, web searches, collab tool
	// calls and function tools, each a span under its turn.
	{
		Name: "codex.tool.start", Logger: "codex.tool", Level: pylog.Debug,
		Message: "Invoking tool {tool}", DataMessage: "Invoking tool {tool} with input {input}",
		Doc:          "A tool call starts (item.started of a tool item, or its item.completed when no start was seen). The Agents SDK's message.",
		Measurements: spanStart, Metadata: toolStart,
	},
	{
		Name: "codex.tool.success", Logger: "codex.tool", Level: pylog.Debug,
		Message: "Tool {tool} completed.", DataMessage: "Tool {tool} returned {result}",
		Doc:          "A tool call succeeds (status completed; exit code 0 for a command). The Agents SDK's message.",
		Measurements: spanEnd,
		Metadata: fields(toolStart, []Field{
			{Key: "exit_code", Type: Int, Optional: true, Doc: "The command's exit code."},
			{Key: "result", Type: Any, Optional: true, Data: ToolData, Doc: "The tool's output: the command's aggregated output, the changed files."},
		}),
	},
	{
		Name: "codex.tool.failure", Logger: "codex.tool", Level: pylog.Debug,
		Message: "Tool {tool} failed", DataMessage: "Tool {tool} failed: {input} {reason}", DataLevel: pylog.Error,
		Doc:          "A tool call fails, is declined, or is abandoned (the stream ended with it open). The Agents SDK's messages: DEBUG when tool data is redacted, ERROR with the input and error when it is not.",
		Measurements: spanEnd,
		Metadata: fields(toolStart, spanFailure, []Field{
			{Key: "status", Type: String, Kind: Enum, Values: []string{"failed", "declined", "abandoned"}, Doc: "failed, declined or abandoned."},
			{Key: "exit_code", Type: Int, Optional: true, Doc: "The command's exit code."},
			{Key: "result", Type: Any, Optional: true, Data: ToolData, Doc: "The tool's output, when it produced any."},
		}),
	},

	// MCP tool calls.
	{
		Name: "codex.mcp.tool_call.start", Logger: "codex.mcp", Level: pylog.Debug,
		Message: "Invoking MCP tool {tool}", DataMessage: "Invoking MCP tool {tool} with input {arguments}",
		Doc:          "An MCP tool call starts. The Agents SDK's message.",
		Measurements: spanStart, Metadata: mcpStart,
	},
	{
		Name: "codex.mcp.tool_call.success", Logger: "codex.mcp", Level: pylog.Debug,
		Message: "MCP tool {tool} completed.", DataMessage: "MCP tool {tool} returned {result}",
		Doc:          "An MCP tool call succeeds. The Agents SDK's message.",
		Measurements: spanEnd,
		Metadata: fields(mcpStart, []Field{
			{Key: "result", Type: Any, Optional: true, Data: ToolData, Doc: "The tool's result: content and structured content."},
		}),
	},
	{
		Name: "codex.mcp.tool_call.failure", Logger: "codex.mcp", Level: pylog.Error,
		Message:      "Error invoking MCP tool {tool}: {reason}",
		Doc:          "An MCP tool call fails: the tool reported an error (isError) or the call failed (JSON-RPC error). The Agents SDK's message.",
		Measurements: spanEnd,
		Metadata: fields(mcpStart, spanFailure, []Field{
			{Key: "result", Type: Any, Optional: true, Data: ToolData, Doc: "The result the tool returned with its error, if any."},
		}),
	},

	// Approvals: a span from the request to the decision (app-server; on the
	// exec path, from Codex's own export).
	{
		Name: "codex.approval.requested", Logger: "codex.approval", Level: pylog.Info,
		Message: "Approval requested for {approval_kind} {call_id}", DataMessage: "Approval requested for {approval_kind} {call_id}: {command}",
		Doc:          "Codex asks the client to approve a command or a file change (app-server), or decided on a tool call (exec with Codex's own export: its codex.tool_decision, requested and decided at the decision's time).",
		Measurements: spanStart, Metadata: approvalStart,
	},
	{
		Name: "codex.approval.approved", Logger: "codex.approval", Level: pylog.Info,
		Message:      "Approval granted for {approval_kind} {call_id}: {decision}",
		Doc:          "The client approved; duration is the time Codex waited.",
		Measurements: spanEnd, Metadata: fields(approvalStart, decision),
	},
	{
		Name: "codex.approval.denied", Logger: "codex.approval", Level: pylog.Warning,
		Message:      "Approval denied for {approval_kind} {call_id}: {decision}",
		Doc:          "The client declined; duration is the time Codex waited.",
		Measurements: spanEnd, Metadata: fields(approvalStart, decision),
	},
	{
		Name: "codex.approval.timeout", Logger: "codex.approval", Level: pylog.Warning,
		Message:      "Approval timed out for {approval_kind} {call_id}",
		Doc:          "No decision came in time.",
		Measurements: spanEnd, Metadata: fields(approvalStart, decision),
	},
	{
		Name: "codex.approval.cancelled", Logger: "codex.approval", Level: pylog.Warning,
		Message:      "Approval cancelled for {approval_kind} {call_id}",
		Doc:          "The request was cancelled (the turn was interrupted, or the client answered cancel/abort).",
		Measurements: spanEnd, Metadata: fields(approvalStart, decision),
	},

	// Streaming deltas (app-server only): the high-volume stream.
	{
		Name: "codex.item.agent_message.delta", Logger: "codex.item", Level: pylog.Debug, HighVolume: true,
		Message: "Agent message delta for {call_id} ({delta_bytes} bytes)", DataMessage: "Agent message delta for {call_id}: {delta}",
		Doc:          "A piece of an agent message streams in (item/agentMessage/delta).",
		Measurements: deltaBytes, Metadata: delta("message", ModelData),
	},
	{
		Name: "codex.item.reasoning.delta", Logger: "codex.item", Level: pylog.Debug, HighVolume: true,
		Message: "Reasoning delta for {call_id} ({delta_bytes} bytes)", DataMessage: "Reasoning delta for {call_id}: {delta}",
		Doc:          "A piece of a reasoning summary streams in (item/reasoning/summaryTextDelta).",
		Measurements: deltaBytes, Metadata: delta("reasoning", ModelData),
	},
	{
		Name: "codex.item.command_execution.output_delta", Logger: "codex.item", Level: pylog.Debug, HighVolume: true,
		Message: "Command output for {call_id} ({delta_bytes} bytes)", DataMessage: "Command output for {call_id}: {delta}",
		Doc:          "A piece of a running command's output streams in (item/commandExecution/outputDelta).",
		Measurements: deltaBytes, Metadata: delta("output", ToolData),
	},

	// Items that are not tool calls.
	{
		Name: "codex.item.agent_message", Logger: "codex.item", Level: pylog.Info,
		Message: "Agent message {call_id} ({text_bytes} bytes)", DataMessage: "Agent message {call_id}: {text}",
		Doc:          "The agent answers (an agent_message item completes).",
		Measurements: []Field{{Key: "text_bytes", Type: Int, Doc: "The length of the message in bytes."}},
		Metadata: []Field{
			{Key: "call_id", Type: String, Kind: ID, Doc: "The Codex item id."},
			{Key: "text", Type: String, Data: ModelData, Doc: "The message (JSON text when the run has an output schema)."},
		},
	},
	{
		Name: "codex.item.reasoning", Logger: "codex.item", Level: pylog.Debug,
		Message: "Reasoning {call_id} ({text_bytes} bytes)", DataMessage: "Reasoning {call_id}: {text}",
		Doc:          "The model's reasoning summary (a reasoning item completes).",
		Measurements: []Field{{Key: "text_bytes", Type: Int, Doc: "The length of the text in bytes."}},
		Metadata: []Field{
			{Key: "call_id", Type: String, Kind: ID, Doc: "The Codex item id."},
			{Key: "text", Type: String, Data: ModelData, Doc: "The reasoning text."},
		},
	},
	{
		Name: "codex.item.todo_list.updated", Logger: "codex.item", Level: pylog.Info,
		Message: "Plan updated: {completed_items} of {total_items} done", DataMessage: "Plan updated: {completed_items} of {total_items} done: {items}",
		Doc: "The agent's to-do list starts, changes or completes.",
		Measurements: []Field{
			{Key: "total_items", Type: Int, Doc: "Items in the list."},
			{Key: "completed_items", Type: Int, Doc: "Items marked done."},
		},
		Metadata: []Field{
			{Key: "call_id", Type: String, Kind: ID, Doc: "The Codex item id."},
			{Key: "items", Type: List, Data: ModelData, Doc: "The items, each {text, completed}."},
		},
	},
	{
		Name: "codex.item.warning", Logger: "codex.item", Level: pylog.Warning,
		Message: "{warning}",
		Doc:     "Codex reports a non-fatal problem as an item (an error item: configuration, deprecation, unknown model metadata, WebSocket fallback).",
		Metadata: []Field{
			{Key: "call_id", Type: String, Kind: ID, Doc: "The Codex item id."},
			{Key: "warning", Type: String, Doc: "Codex's message."},
		},
	},
	{
		Name: "codex.error", Logger: "codex", Level: pylog.Warning,
		Message: "{error_message}",
		Doc:     "Codex reports an error that does not end the turn (codex exec: an error line such as \"Reconnecting... 2/5\"; app-server: error with willRetry). The fatal one that precedes turn.failed is reported by codex.turn.failed instead.",
		Metadata: []Field{
			{Key: "error_message", Type: String, Doc: "Codex's message."},
			{Key: "will_retry", Type: Bool, Optional: true, Doc: "Whether Codex retries, when it says."},
		},
	},

	// codextel's own events.
	{
		Name: "codex.bridge.invalid_line", Logger: "codex.bridge", Level: pylog.Warning,
		Message: "Skipping line {line}: {reason}",
		Doc:     "The bridge could not read a line of a Codex stream (malformed JSON, invalid UTF-8, over the size limit, an unknown shape); it reports the line and reads on.",
		Metadata: []Field{
			{Key: "line", Type: Int, Doc: "The 1-based line number."},
			{Key: "reason", Type: String, Doc: "What is wrong with it."},
			{Key: "excerpt", Type: String, Doc: "The start of the line, at most 60 bytes, as valid UTF-8, cut after the whole line (or its first 64 KiB) was scrubbed of secrets."},
		},
	},
	{
		Name: "codex.bridge.invalid_lines.unreported", Logger: "codex.bridge", Level: pylog.Warning,
		Message: "Skipped {unreported} more bad lines, lines {first_line} to {last_line}, without a report each ({bad_lines} in all)",
		Doc:     "At the end of a stream with more bad lines than a reader reports one by one (bridge.WithBadLineReports; codextel reports 5): how many more it skipped, counted exactly, so that random bytes or a binary give a few warnings rather than one a line.",
		Metadata: []Field{
			{Key: "unreported", Type: Int, Doc: "The bad lines skipped without a codex.bridge.invalid_line event."},
			{Key: "bad_lines", Type: Int, Doc: "The stream's bad lines in all, reported or not."},
			{Key: "first_line", Type: Int, Doc: "The 1-based number of the first unreported line."},
			{Key: "last_line", Type: Int, Doc: "The 1-based number of the last unreported line."},
		},
	},
	{
		Name: "codex.bridge.invalid_field", Logger: "codex.bridge", Level: pylog.Warning,
		Message: "Line {line}: field {field}: {reason}",
		Doc:     "A member of a Codex stream's line has an unexpected type (a number as a string, a fraction or out-of-range number for a count, a number for an id); the bridge reads it leniently, keeps the rest of the line, and reports the member.",
		Metadata: []Field{
			{Key: "line", Type: Int, Doc: "The 1-based line number."},
			{Key: "field", Type: String, Doc: "The member's path in the line, its keys joined by dots (item.exit_code, usage.input_tokens, msg.params.threadId)."},
			{Key: "reason", Type: String, Doc: "What was expected, what came, and what the bridge took instead."},
			{Key: "excerpt", Type: String, Doc: "The start of the member's value as JSON, at most 60 bytes, as valid UTF-8, cut after the whole value was scrubbed of secrets."},
		},
	},
	{
		Name: "codex.telemetry.handler.failure", Logger: "codex.telemetry", Level: pylog.Error,
		Message: "Handler {handler_id} failed on {event}: {reason}",
		Doc:     "A telemetry handler panicked; it has been detached from all its events.",
		Metadata: []Field{
			{Key: "handler_id", Type: String, Doc: "The id the handler was attached under."},
			{Key: "event", Type: String, Doc: "The event it was handling."},
			{Key: "kind", Type: String, Kind: Enum, Values: []string{"panic"}, Doc: `Always "panic".`},
			{Key: "reason", Type: String, Doc: "The panic value."},
			{Key: "stacktrace", Type: String, Doc: "The goroutine's stack at the panic."},
		},
	},
	{
		Name: "codex.telemetry.dropped", Logger: "codex.telemetry", Level: pylog.Warning,
		Message: "Dropped {dropped} {event} events in {interval_ms} ms",
		Doc:     "The throttle dropped high-volume events: a summary per event name (and key) at the end of each interval and on flush.",
		Measurements: []Field{
			{Key: "dropped", Type: Int, Doc: "Events dropped in the interval."},
			{Key: "interval_ms", Type: Int, Doc: "The interval's length in milliseconds."},
		},
		Metadata: []Field{
			{Key: "event", Type: String, Doc: "The name of the dropped events."},
			{Key: "key", Type: String, Optional: true, Doc: `The value of the throttle's key field (the thread id by default), when it has one; "(other keys)" for the keys beyond the throttle's limit on distinct keys.`},
		},
	},
}
