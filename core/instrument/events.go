package instrument

import (
	"context"
	"log/slog"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/telemetry"
)

// emit sends an event timed, like spans, by the bus's clock (the stream's
// own, when the bridge drives it), which the bus reads for it when a
// handler asks (see telemetry.Event.When).
func (c Codex) emit(ctx context.Context, name string, ms []telemetry.Measurement, md ...slog.Attr) {
	c.bus().Emit(ctx, name, ms, md...)
}

// AgentMessage reports an agent message: codex.item.agent_message.
func (c Codex) AgentMessage(ctx context.Context, callID, text string) {
	c.emit(ctx, catalog.ItemAgentMessage,
		[]telemetry.Measurement{telemetry.Int("text_bytes", int64(len(text)))},
		slog.String("call_id", callID), slog.String("text", text))
}

// Reasoning reports the model's reasoning summary: codex.item.reasoning.
func (c Codex) Reasoning(ctx context.Context, callID, text string) {
	c.emit(ctx, catalog.ItemReasoning,
		[]telemetry.Measurement{telemetry.Int("text_bytes", int64(len(text)))},
		slog.String("call_id", callID), slog.String("text", text))
}

// A TodoItem is one entry of the agent's to-do list.
type TodoItem struct {
	Text      string
	Completed bool
}

// TodoList reports the agent's to-do list: codex.item.todo_list.updated.
func (c Codex) TodoList(ctx context.Context, callID string, items []TodoItem) {
	done := 0
	list := make([]any, len(items))
	for i, it := range items {
		if it.Completed {
			done++
		}
		list[i] = slog.GroupValue(slog.String("text", it.Text), slog.Bool("completed", it.Completed))
	}
	c.emit(ctx, catalog.ItemTodoListUpdated,
		[]telemetry.Measurement{telemetry.Int("total_items", int64(len(items))), telemetry.Int("completed_items", int64(done))},
		slog.String("call_id", callID), slog.Any("items", list))
}

// Warning reports a non-fatal problem Codex reported as an item:
// codex.item.warning.
func (c Codex) Warning(ctx context.Context, callID, message string) {
	c.emit(ctx, catalog.ItemWarning, nil, slog.String("call_id", callID), slog.String("warning", message))
}

// Error reports an error that does not end the turn: codex.error. willRetry
// is nil when Codex does not say.
func (c Codex) Error(ctx context.Context, message string, willRetry *bool) {
	md := []slog.Attr{slog.String("error_message", message)}
	if willRetry != nil {
		md = append(md, slog.Bool("will_retry", *willRetry))
	}
	c.emit(ctx, catalog.Error, nil, md...)
}

// Usage is a token count report, in the Codex CLI's terms.
type Usage struct {
	InputTokens           int64
	CachedInputTokens     int64
	CacheWriteInputTokens int64
	OutputTokens          int64
	ReasoningOutputTokens int64
}

// Add returns u + v, field by field.
func (u Usage) Add(v Usage) Usage {
	return Usage{
		InputTokens:           u.InputTokens + v.InputTokens,
		CachedInputTokens:     u.CachedInputTokens + v.CachedInputTokens,
		CacheWriteInputTokens: u.CacheWriteInputTokens + v.CacheWriteInputTokens,
		OutputTokens:          u.OutputTokens + v.OutputTokens,
		ReasoningOutputTokens: u.ReasoningOutputTokens + v.ReasoningOutputTokens,
	}
}

// Sub returns u - v, field by field.
func (u Usage) Sub(v Usage) Usage {
	return Usage{
		InputTokens:           u.InputTokens - v.InputTokens,
		CachedInputTokens:     u.CachedInputTokens - v.CachedInputTokens,
		CacheWriteInputTokens: u.CacheWriteInputTokens - v.CacheWriteInputTokens,
		OutputTokens:          u.OutputTokens - v.OutputTokens,
		ReasoningOutputTokens: u.ReasoningOutputTokens - v.ReasoningOutputTokens,
	}
}

// Price is what a model's tokens cost, in US dollars per million tokens.
type Price struct {
	Input       float64 // an input token that was not cached
	CachedInput float64 // a cached input token
	Output      float64 // an output token, reasoning tokens included
}

// Cost returns what u costs at p, in US dollars. Cached input tokens are
// counted among the input tokens (as Codex reports them) and priced at
// CachedInput; the rest at Input. Reasoning tokens are counted among the
// output tokens and priced with them; cache-write tokens are input tokens.
func (p Price) Cost(u Usage) float64 {
	uncached := u.InputTokens - u.CachedInputTokens
	return (float64(uncached)*p.Input + float64(u.CachedInputTokens)*p.CachedInput + float64(u.OutputTokens)*p.Output) / 1e6
}

// TokenCost is the cost of a token usage update, for [Codex.TokenUsageCost].
type TokenCost struct {
	Model string  // the model the tokens were priced for
	Last  float64 // US dollars: this update's tokens
	Total float64 // US dollars: the thread's tokens so far
}

// TokenUsageCost reports token usage like [Codex.TokenUsage] (or
// [Codex.TokenUsageReset] when reset is set) with its cost: the event
// carries cost_usd, total_cost_usd and model.
func (c Codex) TokenUsageCost(ctx context.Context, last, total Usage, contextWindow int64, reset bool, cost TokenCost) {
	c.tokenUsage(ctx, last, total, contextWindow, reset, &cost)
}

// TokenUsage reports token usage: last is this update's (the turn's, or the
// request's), total the thread's so far; contextWindow is 0 when unknown.
// codex.thread.token_usage.updated.
func (c Codex) TokenUsage(ctx context.Context, last, total Usage, contextWindow int64) {
	c.tokenUsage(ctx, last, total, contextWindow, false, nil)
}

// TokenUsageReset reports token usage like [Codex.TokenUsage] after the
// thread's cumulative count went down (Codex started counting anew): the
// event carries usage_reset=true, and last is normally the new total.
func (c Codex) TokenUsageReset(ctx context.Context, last, total Usage, contextWindow int64) {
	c.tokenUsage(ctx, last, total, contextWindow, true, nil)
}

func (c Codex) tokenUsage(ctx context.Context, last, total Usage, contextWindow int64, reset bool, cost *TokenCost) {
	ms := []telemetry.Measurement{
		telemetry.Int("input_tokens", last.InputTokens),
		telemetry.Int("cached_input_tokens", last.CachedInputTokens),
		telemetry.Int("cache_write_input_tokens", last.CacheWriteInputTokens),
		telemetry.Int("output_tokens", last.OutputTokens),
		telemetry.Int("reasoning_output_tokens", last.ReasoningOutputTokens),
		telemetry.Int("total_input_tokens", total.InputTokens),
		telemetry.Int("total_cached_input_tokens", total.CachedInputTokens),
		telemetry.Int("total_cache_write_input_tokens", total.CacheWriteInputTokens),
		telemetry.Int("total_output_tokens", total.OutputTokens),
		telemetry.Int("total_reasoning_output_tokens", total.ReasoningOutputTokens),
	}
	if contextWindow > 0 {
		ms = append(ms, telemetry.Int("model_context_window", contextWindow))
	}
	var md []slog.Attr
	if reset {
		md = append(md, slog.Bool("usage_reset", true))
	}
	if cost != nil {
		ms = append(ms, telemetry.Float("cost_usd", cost.Last), telemetry.Float("total_cost_usd", cost.Total))
		md = append(md, slog.String("model", cost.Model))
	}
	c.emit(ctx, catalog.ThreadTokenUsageUpdated, ms, md...)
}

// TurnDiff reports the turn's unified diff so far: codex.turn.diff.updated.
func (c Codex) TurnDiff(ctx context.Context, diff string) {
	c.emit(ctx, catalog.TurnDiffUpdated,
		[]telemetry.Measurement{telemetry.Int("diff_bytes", int64(len(diff)))},
		slog.String("diff", diff))
}

// The streams a delta belongs to, for [Codex.Delta].
const (
	AgentMessageDelta  = catalog.ItemAgentMessageDelta
	ReasoningDelta     = catalog.ItemReasoningDelta
	CommandOutputDelta = catalog.ItemCommandExecutionOutputDelta
)

// Delta reports one piece of streamed text; stream is AgentMessageDelta,
// ReasoningDelta or CommandOutputDelta. These are the high-volume events the
// bus throttles.
func (c Codex) Delta(ctx context.Context, stream, callID, delta string) {
	c.emit(ctx, stream,
		[]telemetry.Measurement{telemetry.Int("delta_bytes", int64(len(delta)))},
		slog.String("call_id", callID), slog.String("delta", delta))
}

// CompactionStarted reports that Codex started compacting the history.
func (c Codex) CompactionStarted(ctx context.Context) {
	c.emit(ctx, catalog.TurnCompactionStarted, nil)
}

// CompactionCompleted reports a finished compaction; tokenSavings is
// negative when unknown.
func (c Codex) CompactionCompleted(ctx context.Context, tokenSavings int64) {
	var ms []telemetry.Measurement
	if tokenSavings >= 0 {
		ms = append(ms, telemetry.Int("token_savings", tokenSavings))
	}
	c.emit(ctx, catalog.TurnCompactionCompleted, ms)
}

// CompactionFailed reports a failed compaction.
func (c Codex) CompactionFailed(ctx context.Context, reason string) {
	c.emit(ctx, catalog.TurnCompactionFailed, nil, slog.String("reason", reason))
}

// InvalidLine reports a line of a Codex stream that could not be read:
// codex.bridge.invalid_line.
func (c Codex) InvalidLine(ctx context.Context, line int, reason, excerpt string) {
	c.emit(ctx, catalog.BridgeInvalidLine, nil,
		slog.Int("line", line), slog.String("reason", reason), slog.String("excerpt", excerpt))
}

// InvalidLinesUnreported reports, at the end of a stream, the bad lines
// skipped without an [Codex.InvalidLine] event each: unreported of them, of
// badLines in all, the first and last at lines first and last.
// codex.bridge.invalid_lines.unreported.
func (c Codex) InvalidLinesUnreported(ctx context.Context, unreported, badLines, first, last int) {
	c.emit(ctx, catalog.BridgeInvalidLinesUnreported, nil,
		slog.Int("unreported", unreported), slog.Int("bad_lines", badLines),
		slog.Int("first_line", first), slog.Int("last_line", last))
}

// InvalidField reports a member of a line of a Codex stream that had an
// unexpected type and was read leniently: codex.bridge.invalid_field. field
// is the member's path in the line (item.exit_code); excerpt the start of its
// value, scrubbed by the caller before it was cut.
func (c Codex) InvalidField(ctx context.Context, line int, field, reason, excerpt string) {
	c.emit(ctx, catalog.BridgeInvalidField, nil,
		slog.Int("line", line), slog.String("field", field), slog.String("reason", reason), slog.String("excerpt", excerpt))
}
