package conformance

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/codextel/codextel/core/telemetrytest"
)

// maxDiffLines bounds the lines a diff shows.
const maxDiffLines = 40

// lineDiff describes how got differs from want, line by line, under a header
// naming them: lines only in want start with "-", lines only in got with "+", each with its line number
// and quoted (control characters and all). A long line is cut to a window
// around its first difference from the line it replaces.
func lineDiff(want, got []byte, wantName, gotName string) string {
	a, b := splitLines(want), splitLines(got)
	ops := telemetrytest.Edits(a, b)
	var sb strings.Builder
	fmt.Fprintf(&sb, "  (- %s, + %s; %d lines against %d)\n", wantName, gotName, len(a), len(b))
	shown := 0
	for i := 0; i < len(ops); {
		if ops[i].Kind == ' ' {
			i++
			continue
		}
		// A hunk: deletions then insertions, paired to find each first
		// difference.
		j := i
		var dels, ins []telemetrytest.Edit
		for ; j < len(ops) && ops[j].Kind != ' '; j++ {
			if ops[j].Kind == '-' {
				dels = append(dels, ops[j])
			} else {
				ins = append(ins, ops[j])
			}
		}
		for k, d := range dels {
			col := -1
			if k < len(ins) {
				col = firstDiff(a[d.Line], b[ins[k].Line])
			}
			if shown < maxDiffLines {
				fmt.Fprintf(&sb, "  -%d: %s\n", d.Line+1, excerpt(a[d.Line], col))
			}
			shown++
			if k < len(ins) {
				if shown < maxDiffLines {
					fmt.Fprintf(&sb, "  +%d: %s\n", ins[k].Line+1, excerpt(b[ins[k].Line], col))
					if col >= 0 {
						fmt.Fprintf(&sb, "      (first difference at byte %d)\n", col)
					}
				}
				shown++
			}
		}
		for _, in := range ins[min(len(dels), len(ins)):] {
			if shown < maxDiffLines {
				fmt.Fprintf(&sb, "  +%d: %s\n", in.Line+1, excerpt(b[in.Line], -1))
			}
			shown++
		}
		i = j
	}
	if shown > maxDiffLines {
		fmt.Fprintf(&sb, "  ... and %d more differing lines\n", shown-maxDiffLines)
	}
	return strings.TrimSuffix(sb.String(), "\n")
}

// splitLines splits text after each "\n"; a last line without one is a
// line too, so a missing final newline shows as a difference.
func splitLines(text []byte) []string {
	var out []string
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n') + 1
		if i == 0 {
			i = len(text)
		}
		out = append(out, string(text[:i]))
		text = text[i:]
	}
	return out
}

// firstDiff returns the first byte offset where x and y differ.
func firstDiff(x, y string) int {
	n := min(len(x), len(y))
	for i := range n {
		if x[i] != y[i] {
			return i
		}
	}
	return n
}

// excerpt quotes line, cut to about 160 bytes around col when it is longer.
func excerpt(line string, col int) string {
	const before, after = 60, 100
	if len(line) <= before+after {
		return strconv.Quote(line)
	}
	if col < 0 {
		col = 0
	}
	start := max(0, col-before)
	end := min(len(line), col+after)
	// Stay on character boundaries.
	for start > 0 && start < len(line) && line[start]&0xC0 == 0x80 {
		start--
	}
	for end < len(line) && line[end]&0xC0 == 0x80 {
		end++
	}
	s := strconv.Quote(line[start:end])
	if start > 0 {
		s = fmt.Sprintf("[byte %d] …%s", start, s)
	}
	if end < len(line) {
		s += fmt.Sprintf("… [%d bytes in all]", len(line))
	}
	return s
}
