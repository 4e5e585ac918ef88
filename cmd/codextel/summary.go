package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/codextel/codextel/core/bridge"
	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/instrument"
	"github.com/codextel/codextel/core/telemetry"
)

// maxTurnRows is how many turns the summary lists one by one; the others
// are counted in one row (the totals count them all).
const maxTurnRows = 20

// toolStats collects the tool calls of a run from the bus, for the
// summary: per tool kind, the calls, failures and durations. It reads the
// end events (not throttled, whatever the level) so it counts what the log
// shows; MCP tool calls are the kind mcp_tool_call.
type toolStats struct {
	mu    sync.Mutex
	kinds map[string]*kindStats
}

type kindStats struct {
	calls, failed int
	durations     []time.Duration
}

// attachToolStats attaches a toolStats to bus.
func attachToolStats(bus *telemetry.Bus) (*toolStats, error) {
	s := &toolStats{kinds: map[string]*kindStats{}}
	if _, err := bus.Attach("codextel.summary", s, "codex.tool.*", "codex.mcp.*"); err != nil {
		return nil, fmt.Errorf("the summary: %w", err)
	}
	return s, nil
}

// Handle counts a finished call.
func (s *toolStats) Handle(_ context.Context, e telemetry.Event) {
	kind, failed := "", false
	switch e.Name {
	case catalog.ToolSuccess, catalog.ToolFailure:
		v, _ := e.Lookup("tool_kind")
		kind, failed = v.String(), e.Name == catalog.ToolFailure
	case catalog.MCPToolCallSuccess, catalog.MCPToolCallFailure:
		kind, failed = "mcp_tool_call", e.Name == catalog.MCPToolCallFailure
	default:
		return
	}
	d, _ := e.Measurement("duration")
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.kinds[kind]
	if k == nil {
		k = &kindStats{}
		s.kinds[kind] = k
	}
	k.calls++
	if failed {
		k.failed++
	}
	k.durations = append(k.durations, d.Duration())
}

// percentile returns the p-th percentile of sorted durations, by the
// nearest-rank method: the smallest duration at least p% of them do not
// exceed.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 * n)
	return sorted[max(rank, 1)-1]
}

// timing says what the durations of a run are.
type timing int

const (
	processingTime timing = iota // how long codextel took to read the stream
	sessionTime                  // the session's own times: live, or from the stream's timestamps
	fixedTime                    // --clock: every time is the same, nothing is measured
)

// timingOf says what the durations of a run are.
func timingOf(o *options, sum bridge.Summary) timing {
	switch {
	case !o.fixed.IsZero():
		return fixedTime
	case o.live || sum.StreamTimes:
		return sessionTime
	}
	return processingTime
}

// formatDuration rounds d for a person: to the millisecond from 10ms, to
// the microsecond below.
func formatDuration(d time.Duration) string {
	if d >= 10*time.Millisecond {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(time.Microsecond).String()
}

// formatCost writes US dollars with four decimals (a hundredth of a cent),
// or as many more as two significant digits need for a smaller amount.
func formatCost(usd float64) string {
	decimals := 4
	for usd > 0 && usd < math.Pow10(1-decimals) && decimals < 20 {
		decimals++
	}
	return "$" + strconv.FormatFloat(usd, 'f', decimals, 64)
}

// writeSummary writes the end-of-run summary: a headline, then tables of
// the tool calls by kind and of the tokens by turn, then what the times
// are and which models had no price.
func writeSummary(w io.Writer, o *options, sum bridge.Summary, tools *toolStats) {
	tm := timingOf(o, sum)
	var head strings.Builder
	fmt.Fprintf(&head, "codextel: %d %s, %d %s (%d failed), %d %s (%d failed), %d %s, tokens %d in / %d out",
		sum.Threads, plural(sum.Threads, "thread", "threads"),
		sum.Turns, plural(sum.Turns, "turn", "turns"), sum.TurnsFailed,
		sum.Tools, plural(sum.Tools, "tool call", "tool calls"), sum.ToolsFailed,
		sum.Approvals, plural(sum.Approvals, "approval", "approvals"),
		sum.TotalUsage.InputTokens, sum.TotalUsage.OutputTokens)
	if sum.Priced {
		head.WriteString(", " + formatCost(sum.Cost))
		if len(sum.Unpriced) > 0 {
			head.WriteString(" (priced turns only)")
		}
	}
	switch tm {
	case sessionTime:
		fmt.Fprintf(&head, ", %s of session time", formatDuration(sum.Duration))
	case processingTime:
		fmt.Fprintf(&head, ", read in %s", formatDuration(sum.Duration))
	}
	fmt.Fprintln(w, head.String())

	if tools != nil {
		tools.mu.Lock()
		rows := [][]string{{"tool kind", "calls", "failed", "p50", "p95"}}
		for _, k := range slices.Sorted(maps.Keys(tools.kinds)) {
			ks := tools.kinds[k]
			p50, p95 := "-", "-"
			if tm != fixedTime {
				sorted := slices.Sorted(slices.Values(ks.durations))
				p50, p95 = formatDuration(percentile(sorted, 50)), formatDuration(percentile(sorted, 95))
			}
			rows = append(rows, []string{k, strconv.Itoa(ks.calls), strconv.Itoa(ks.failed), p50, p95})
		}
		tools.mu.Unlock()
		if len(rows) > 1 {
			writeTable(w, rows)
		}
	}
	if len(sum.TurnUsage) > 0 {
		head := []string{"thread", "turn", "input", "cached", "output", "reasoning"}
		if sum.Priced {
			head = append(head, "cost")
		}
		rows := [][]string{head}
		// row adds a row of usage u; usd is the cost of its priced part:
		// all of it (all), some of it (some: the rest has no price) or none.
		row := func(thread, turn string, u instrument.Usage, all, some bool, usd float64) {
			r := []string{thread, turn, strconv.FormatInt(u.InputTokens, 10), strconv.FormatInt(u.CachedInputTokens, 10),
				strconv.FormatInt(u.OutputTokens, 10), strconv.FormatInt(u.ReasoningOutputTokens, 10)}
			switch {
			case !sum.Priced:
			case all:
				r = append(r, formatCost(usd))
			case some:
				r = append(r, formatCost(usd)+" + ?")
			default:
				r = append(r, "no price")
			}
			rows = append(rows, r)
		}
		var listed instrument.Usage
		var listedUSD float64
		for _, t := range sum.TurnUsage[:min(len(sum.TurnUsage), maxTurnRows)] {
			turn := strconv.Itoa(t.Turn)
			if t.Turn == 0 {
				turn = "-"
			}
			row(strconv.Itoa(t.Thread), turn, t.Usage, t.Priced, t.Priced, t.Cost)
			listed, listedUSD = listed.Add(t.Usage), listedUSD+t.Cost
		}
		if more := len(sum.TurnUsage) - maxTurnRows + sum.TurnsUnlisted; more > 0 {
			// The rest, in one row: the total less the turns listed.
			row("", fmt.Sprintf("%d more", more), sum.TotalUsage.Sub(listed), len(sum.Unpriced) == 0, sum.Priced, sum.Cost-listedUSD)
		}
		if len(sum.ThreadUsage) > 1 {
			// Each thread's total, when there are several.
			for _, t := range sum.ThreadUsage {
				row(strconv.Itoa(t.Thread), "all", t.Usage, t.Priced, t.Priced, t.Cost)
			}
		}
		row("total", "", sum.TotalUsage, len(sum.Unpriced) == 0, sum.Priced, sum.Cost)
		writeTable(w, rows)
	}

	switch tm {
	case processingTime:
		fmt.Fprintln(w, "codextel: durations are the times codextel took to read the stream, not the session's: the stream has no timestamps")
	case fixedTime:
		fmt.Fprintln(w, "codextel: durations are not measured: --clock gives every event the same time")
	}
	for _, model := range slices.Sorted(slices.Values(sum.Unpriced)) {
		if model == "" {
			fmt.Fprintln(w, "codextel: the stream does not name the model of some threads: their tokens have no cost (name it with --model)")
			continue
		}
		fmt.Fprintf(w, "codextel: no price for model %q in %s: its tokens have no cost\n", model, o.prices)
	}
}

// writeTable writes rows as a table indented by two spaces: the first
// column aligned left, the others right, two spaces between columns. A
// short row leaves its last columns empty.
func writeTable(w io.Writer, rows [][]string) {
	var widths []int
	for _, r := range rows {
		for i, cell := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, cell := range r {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
			if i == 0 {
				cells[i] = cell + pad
			} else {
				cells[i] = pad + cell
			}
		}
		fmt.Fprintln(w, strings.TrimRight("  "+strings.Join(cells, "  "), " "))
	}
}
