package codexagents

import (
	"slices"
	"strconv"
	"unicode/utf8"
)

// DefaultSpanDataMaxChars is the Codex tool's default span_data_max_chars.
const DefaultSpanDataMaxChars = 8192

// limit is span_data_max_chars: a number, or Python's None (no limit).
type limit struct {
	n    int
	none bool
}

// trimKeys are the keys the whole-dict budget may shorten, in priority
// order.
var trimKeys = [...]string{"arguments", "command", "output", "result", "error", "text", "changes", "items"}

// runeLen is Python's len() of s: code points.
func runeLen(s string) int { return utf8.RuneCountInString(s) }

// runePrefix returns the first n code points of s.
func runePrefix(s string, n int) string {
	if n <= 0 {
		return ""
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// cutString is the SDK's truncate_span_string: s shortened to at most n
// code points, ending in "... [truncated, <len(s)> chars]" when that suffix
// fits.
func cutString(s string, n limit) string {
	if n.none {
		return s
	}
	if n.n <= 0 {
		return ""
	}
	l := runeLen(s)
	if l <= n.n {
		return s
	}
	suffix := "... [truncated, " + strconv.Itoa(l) + " chars]"
	keep := n.n - len(suffix)
	if keep <= 0 {
		return runePrefix(s, n.n)
	}
	return runePrefix(s, keep) + suffix
}

// perValue is the SDK's truncate_span_value: strings are cut, objects and
// arrays whose JSON text is over the limit become a preview object, other
// values are kept.
func perValue(v any, m limit) any {
	if m.none {
		return v
	}
	switch x := v.(type) {
	case string:
		return cutString(x, m)
	case Object, []any:
		e := pyJSON(x)
		if len(e) <= m.n { // e is ASCII: bytes are code points
			return v
		}
		return Object{
			{"preview", cutString(e, m)},
			{"truncated", true},
			{"original_length", len(e)},
		}
	}
	return v
}

// dropEmpty returns a copy of d without the keys whose value is exactly "".
func dropEmpty(d Object) Object {
	out := make(Object, 0, len(d))
	for _, m := range d {
		if s, ok := m.Value.(string); ok && s == "" {
			continue
		}
		out = append(out, m)
	}
	return out
}

// budget is the SDK's enforce_span_data_budget: it fits the span data d
// into m characters of compact JSON by shortening the trim keys, with all
// the quirks of the Python original (see docs/parity.md and the spec's
// §4.3, whose step numbers the comments use).
func budget(d Object, m limit) Object {
	// Step 1.
	if m.none {
		return dropEmpty(d)
	}
	if m.n <= 0 {
		return Object{}
	}
	// Step 2.
	t := dropEmpty(d)
	if pySize(t) <= m.n {
		return t
	}
	// Step 3.
	var k []string
	for _, key := range trimKeys {
		if _, ok := t.Get(key); ok {
			k = append(k, key)
		}
	}
	if len(k) == 0 {
		return t
	}
	// Step 4.
	b := t.clone()
	for _, key := range k {
		b = b.set(key, "")
	}
	for pySize(b) > m.n && len(k) > 0 {
		last := k[len(k)-1]
		k = k[:len(k)-1]
		b = b.del(last)
		t = t.del(last)
	}
	if pySize(b) > m.n {
		return dropEmpty(b)
	}
	// Step 5.
	type entry struct {
		key    string
		text   string
		n      int // len(text) in code points
		budget int
		weight int
		cutInfo
	}
	var v []entry
	for _, key := range k {
		val, _ := t.Get(key)
		switch x := val.(type) {
		case nil:
			continue
		case string:
			if x == "" {
				continue
			}
			v = append(v, entry{key: key, text: x, n: runeLen(x)})
		default:
			e := pyJSON(x)
			v = append(v, entry{key: key, text: e, n: len(e)})
		}
	}
	if len(k) == 0 {
		return dropEmpty(b)
	}
	// Step 6.
	avail := m.n - pySize(b)
	if avail <= 0 {
		return dropEmpty(b)
	}
	// Step 7.
	rem := 0
	if avail >= len(v) {
		for i := range v {
			v[i].budget = 1
		}
		rem = avail - len(v)
	} else {
		for i := 0; i < avail; i++ {
			v[i].budget = 1
		}
	}
	// Step 8.
	for i := range v {
		if v[i].key == "arguments" && rem > 0 {
			if take := min(rem, v[i].n-v[i].budget); take > 0 {
				v[i].budget += take
				rem -= take
			}
		}
	}
	// Step 9.
	if rem > 0 {
		total := 0
		for i := range v {
			v[i].weight = max(v[i].n-v[i].budget, 0)
			total += v[i].weight
		}
		if total > 0 {
			for i := range v {
				if v[i].weight > 0 {
					v[i].budget += int(float64(rem) * (float64(v[i].weight) / float64(total)))
				}
			}
		}
		sum := 0
		for i := range v {
			v[i].budget = min(v[i].budget, v[i].n)
			sum += v[i].budget
		}
		left := avail - sum
		order := make([]int, len(v))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, c int) int { return v[c].weight - v[a].weight })
		var open []int
		for i := 0; left > 0; i++ {
			open = open[:0]
			for _, j := range order {
				if v[j].budget < v[j].n {
					open = append(open, j)
				}
			}
			if len(open) == 0 {
				break
			}
			v[open[i%len(open)]].budget++
			left--
		}
	}
	// Steps 10 and 11 work on sizes: cut(V[k], n) is n code points long
	// (or all of V[k]) and its JSON size follows from the escaped sizes of
	// V[k]'s prefixes, so each step of 11 costs O(|K|), not a re-encoding.
	bSize := pySize(b)
	pos := make([]int, len(k)) // index in v, or -1
	n := make([]int, len(k))   // the cut length asked for
	curLen := make([]int, len(k))
	curSize := make([]int, len(k))
	size := bSize
	for i, key := range k {
		pos[i] = -1
		curSize[i] = 2
		for j := range v {
			if v[j].key == key {
				pos[i] = j
				n[i] = v[j].budget
				curLen[i], curSize[i] = cutSize(&v[j].cutInfo, v[j].text, n[i])
				break
			}
		}
		size += curSize[i] - 2
	}
	// Step 11.
	active := make([]bool, len(k))
	for i := range active {
		active[i] = true
	}
	nActive := len(k)
	for size > m.n && nActive > 0 {
		best := -1
		for i := range k {
			if active[i] && (best < 0 || curLen[i] > curLen[best]) {
				best = i
			}
		}
		if curLen[best] == 0 {
			active[best] = false
			nActive--
			continue
		}
		j := pos[best]
		n[best] = curLen[best] - 1
		l, sz := cutSize(&v[j].cutInfo, v[j].text, n[best])
		size += sz - curSize[best]
		curLen[best], curSize[best] = l, sz
	}
	// Step 12.
	if size > m.n {
		return dropEmpty(b)
	}
	for i, key := range k {
		val := ""
		if pos[i] >= 0 {
			val = cutString(v[pos[i]].text, limit{n: n[i]})
		}
		t = t.set(key, val)
	}
	return dropEmpty(t)
}

// cutInfo caches what cutSize needs of one text.
type cutInfo struct {
	esc []int // esc[i]: JSON size of the first i code points, quotes excluded
}

// cutSize returns the length in code points and the JSON size of
// cutString(text, n) without building it.
func cutSize(c *cutInfo, text string, n int) (int, int) {
	if n <= 0 {
		return 0, 2
	}
	if c.esc == nil {
		c.esc = make([]int, 1, len(text)+1)
		sum := 0
		for _, r := range text {
			sum += escSize(r)
			c.esc = append(c.esc, sum)
		}
	}
	l := len(c.esc) - 1
	if l <= n {
		return l, 2 + c.esc[l]
	}
	suffix := len("... [truncated, ") + digits(l) + len(" chars]")
	if keep := n - suffix; keep > 0 {
		return n, 2 + c.esc[keep] + suffix
	}
	return n, 2 + c.esc[n]
}

// digits is the number of decimal digits of n ≥ 0.
func digits(n int) int {
	d := 1
	for n >= 10 {
		n /= 10
		d++
	}
	return d
}
