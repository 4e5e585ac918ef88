package bridge

import (
	"context"

	"github.com/codextel/codextel/core/instrument"
	"github.com/codextel/codextel/core/internal/lines"
)

// excerpt returns the start of text for a report: text is scrubbed whole
// with the bus's scrubber first and cut after, so that a secret the cut
// would halve is found whole and leaks no part. The bus scrubs the excerpt
// again as it does all metadata, which changes nothing.
func excerpt(codex instrument.Codex, text []byte) string {
	return lines.Excerpt([]byte(codex.Bus.ScrubString(string(text))))
}

// badLine reports a line that could not be read and counts it.
func badLine(codex instrument.Codex, ctx context.Context, sum *Summary, line int, reason string, text []byte) {
	sum.BadLines++
	codex.InvalidLine(ctx, line, reason, excerpt(codex, text))
}

// invalidFields reports the members of a line that were read leniently,
// their paths after prefix, and counts them.
func invalidFields(codex instrument.Codex, ctx context.Context, sum *Summary, line int, prefix string, repairs []repair) {
	for _, r := range repairs {
		sum.BadFields++
		codex.InvalidField(ctx, line, prefix+r.path, r.reason, excerpt(codex, r.value))
	}
}
