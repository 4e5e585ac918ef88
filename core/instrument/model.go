package instrument

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/telemetry"
)

// ModelRequest is one request to the model, as Codex's own export reports
// it (codex.api_request).
type ModelRequest struct {
	Attempt    int64         // Codex's attempt number, from 0
	StatusCode int           // the HTTP status; 0 when no answer came
	Duration   time.Duration // as Codex measured it
	Endpoint   string        // optional: /responses
	Model      string        // optional
	Error      string        // optional: Codex's error message
}

// Failed reports whether the request failed: an HTTP status of 400 or more,
// or an error message.
func (r ModelRequest) Failed() bool { return r.StatusCode >= 400 || r.Error != "" }

// ModelRequest reports a request to the model: codex.model.request.completed,
// or codex.model.request.failed when it failed (see [ModelRequest.Failed]),
// with Codex's message or else the status text.
func (c Codex) ModelRequest(ctx context.Context, r ModelRequest) {
	ms := []telemetry.Measurement{
		telemetry.Duration("duration", r.Duration),
		telemetry.Float("duration_ms", float64(r.Duration)/float64(time.Millisecond)),
		telemetry.Int("attempt", r.Attempt),
		telemetry.Int("status_code", int64(r.StatusCode)),
	}
	md := appendString(nil, "endpoint", r.Endpoint)
	md = appendString(md, "model", r.Model)
	if !r.Failed() {
		c.emit(ctx, catalog.ModelRequestCompleted, ms, md...)
		return
	}
	msg := r.Error
	if msg == "" {
		msg = http.StatusText(r.StatusCode)
	}
	c.emit(ctx, catalog.ModelRequestFailed, ms, append(md, slog.String("error_message", msg))...)
}

// ResponseUsage reports one model response's token counts:
// codex.model.token_usage. model and effort are optional.
func (c Codex) ResponseUsage(ctx context.Context, u Usage, model, effort string) {
	md := appendString(nil, "model", model)
	md = appendString(md, "reasoning_effort", effort)
	c.emit(ctx, catalog.ModelTokenUsage, []telemetry.Measurement{
		telemetry.Int("input_tokens", u.InputTokens),
		telemetry.Int("cached_input_tokens", u.CachedInputTokens),
		telemetry.Int("cache_write_input_tokens", u.CacheWriteInputTokens),
		telemetry.Int("output_tokens", u.OutputTokens),
		telemetry.Int("reasoning_output_tokens", u.ReasoningOutputTokens),
	}, md...)
}

// FirstToken reports the time from a turn's start to the model's first
// token: codex.turn.first_token. model is optional.
func (c Codex) FirstToken(ctx context.Context, ttft time.Duration, model string) {
	c.emit(ctx, catalog.TurnFirstToken, []telemetry.Measurement{
		telemetry.Duration("ttft", ttft),
		telemetry.Float("ttft_ms", float64(ttft)/float64(time.Millisecond)),
	}, appendString(nil, "model", model)...)
}
