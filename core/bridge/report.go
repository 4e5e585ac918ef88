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

// lineCap is the state of [WithBadLineReports] for one stream.
type lineCap struct {
	limit       int // how many bad lines get an event each; negative: all
	first, last int // the first and last unreported line
}

// badLine counts a line that could not be read, and reports it unless the
// stream's cap of reports is reached.
func badLine(codex instrument.Codex, ctx context.Context, sum *Summary, c *lineCap, line int, reason string, text []byte) {
	sum.BadLines++
	if c.limit >= 0 && sum.BadLines > c.limit {
		if sum.BadLinesUnreported == 0 {
			c.first = line
		}
		sum.BadLinesUnreported++
		c.last = line
		return
	}
	codex.InvalidLine(ctx, line, reason, excerpt(codex, text))
}

// flush reports the bad lines the cap held back, at the end of the stream.
func (c *lineCap) flush(codex instrument.Codex, ctx context.Context, sum *Summary) {
	if sum.BadLinesUnreported > 0 {
		codex.InvalidLinesUnreported(ctx, sum.BadLinesUnreported, sum.BadLines, c.first, c.last)
	}
}

// invalidFields reports the members of a line that were read leniently,
// their paths after prefix, and counts them.
func invalidFields(codex instrument.Codex, ctx context.Context, sum *Summary, line int, prefix string, repairs []repair) {
	for _, r := range repairs {
		sum.BadFields++
		codex.InvalidField(ctx, line, prefix+r.path, r.reason, excerpt(codex, r.value))
	}
}
