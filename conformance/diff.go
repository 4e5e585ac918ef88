package conformance

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// maxDiffLines bounds the lines a diff shows.
const maxDiffLines = 40

// lineDiff describes how got differs from want, line by line, under a header
// naming them: lines only in want start with "-", lines only in got with "+", each with its line number
// and quoted (control characters and all). A long line is cut to a window
// around its first difference from the line it replaces.
func lineDiff(want, got []byte, wantName, gotName string) string {
	a, b := splitLines(want), splitLines(got)
	ops := diffOps(a, b)
	var sb strings.Builder
	fmt.Fprintf(&sb, "  (- %s, + %s; %d lines against %d)\n", wantName, gotName, len(a), len(b))
	shown := 0
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		// A hunk: deletions then insertions, paired to find each first
		// difference.
		j := i
		var dels, ins []op
		for ; j < len(ops) && ops[j].kind != ' '; j++ {
			if ops[j].kind == '-' {
				dels = append(dels, ops[j])
			} else {
				ins = append(ins, ops[j])
			}
		}
		for k, d := range dels {
			col := -1
			if k < len(ins) {
				col = firstDiff(a[d.line], b[ins[k].line])
			}
			if shown < maxDiffLines {
				fmt.Fprintf(&sb, "  -%d: %s\n", d.line+1, excerpt(a[d.line], col))
			}
			shown++
			if k < len(ins) {
				if shown < maxDiffLines {
					fmt.Fprintf(&sb, "  +%d: %s\n", ins[k].line+1, excerpt(b[ins[k].line], col))
					if col >= 0 {
						fmt.Fprintf(&sb, "      (first difference at byte %d)\n", col)
					}
				}
				shown++
			}
		}
		for _, in := range ins[min(len(dels), len(ins)):] {
			if shown < maxDiffLines {
				fmt.Fprintf(&sb, "  +%d: %s\n", in.line+1, excerpt(b[in.line], -1))
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

type op struct {
	kind byte // ' ', '-' or '+'
	line int  // index into want for ' ' and '-', into got for '+'
}

// diffOps returns a shortest edit script from a to b, by the longest common
// subsequence of lines. Transcripts are short; past a million cells the
// lines are paired by position instead.
func diffOps(a, b []string) []op {
	if len(a)*len(b) > 1<<20 {
		var ops []op
		for i := 0; i < max(len(a), len(b)); i++ {
			switch {
			case i < len(a) && i < len(b) && a[i] == b[i]:
				ops = append(ops, op{' ', i})
			default:
				if i < len(a) {
					ops = append(ops, op{'-', i})
				}
				if i < len(b) {
					ops = append(ops, op{'+', i})
				}
			}
		}
		return ops
	}
	// lcs[i][j] is the LCS length of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []op
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			ops = append(ops, op{' ', i})
			i++
			j++
		case j < len(b) && (i == len(a) || lcs[i][j+1] > lcs[i+1][j]):
			ops = append(ops, op{'+', j})
			j++
		default:
			ops = append(ops, op{'-', i})
			i++
		}
	}
	// Put each run's deletions before its insertions.
	for s := 0; s < len(ops); {
		if ops[s].kind == ' ' {
			s++
			continue
		}
		e := s
		for e < len(ops) && ops[e].kind != ' ' {
			e++
		}
		run := ops[s:e]
		var sorted []op
		for _, o := range run {
			if o.kind == '-' {
				sorted = append(sorted, o)
			}
		}
		for _, o := range run {
			if o.kind == '+' {
				sorted = append(sorted, o)
			}
		}
		copy(run, sorted)
		s = e
	}
	return ops
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
