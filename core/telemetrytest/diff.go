package telemetrytest

import "strings"

// Diff returns a line diff of want against got, one line per element: "-" for
// a line only in want, "+" for a line only in got, " " for a common one (see
// [Edits]). It returns "" when they are equal.
func Diff(want, got []string) string {
	var b strings.Builder
	changed := false
	for _, e := range Edits(want, got) {
		switch e.Kind {
		case ' ':
			b.WriteString("  " + want[e.Line] + "\n")
		case '-':
			b.WriteString("- " + want[e.Line] + "\n")
			changed = true
		default:
			b.WriteString("+ " + got[e.Line] + "\n")
			changed = true
		}
	}
	if !changed {
		return ""
	}
	return b.String()
}

// An Edit is one step of a line diff (see [Edits]).
type Edit struct {
	// Kind is ' ' for a line in both, '-' for a line only in want, '+' for a
	// line only in got.
	Kind byte
	// Line is the line's index in want for ' ' and '-', in got for '+'.
	Line int
}

// Edits returns a shortest edit script from want to got, by the longest
// common subsequence of lines, with each run of changes listing its
// deletions before its insertions. Past a million cells (a thousand lines
// against a thousand) the lines are paired by position instead, which
// bounds the time and memory a diff of large outputs takes.
func Edits(want, got []string) []Edit {
	if len(want)*len(got) > 1<<20 {
		var edits []Edit
		for i := range max(len(want), len(got)) {
			switch {
			case i < len(want) && i < len(got) && want[i] == got[i]:
				edits = append(edits, Edit{' ', i})
			default:
				if i < len(want) {
					edits = append(edits, Edit{'-', i})
				}
				if i < len(got) {
					edits = append(edits, Edit{'+', i})
				}
			}
		}
		return edits
	}
	// lcs[i][j] is the length of the longest common subsequence of want[i:]
	// and got[j:].
	lcs := make([][]int, len(want)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(got)+1)
	}
	for i := len(want) - 1; i >= 0; i-- {
		for j := len(got) - 1; j >= 0; j-- {
			if want[i] == got[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var edits []Edit
	i, j := 0, 0
	for i < len(want) || j < len(got) {
		switch {
		case i < len(want) && j < len(got) && want[i] == got[j]:
			edits = append(edits, Edit{' ', i})
			i, j = i+1, j+1
		case j < len(got) && (i == len(want) || lcs[i][j+1] > lcs[i+1][j]):
			edits = append(edits, Edit{'+', j})
			j++
		default:
			edits = append(edits, Edit{'-', i})
			i++
		}
	}
	// Put each run's deletions before its insertions.
	for s := 0; s < len(edits); {
		if edits[s].Kind == ' ' {
			s++
			continue
		}
		e := s
		for e < len(edits) && edits[e].Kind != ' ' {
			e++
		}
		run := edits[s:e]
		sorted := make([]Edit, 0, len(run))
		for _, kind := range []byte{'-', '+'} {
			for _, ed := range run {
				if ed.Kind == kind {
					sorted = append(sorted, ed)
				}
			}
		}
		copy(run, sorted)
		s = e
	}
	return edits
}
