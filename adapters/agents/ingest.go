package codexagents

import (
	"strings"
	"unicode/utf8"
)

// The limits of the SDK's sanitising for the OpenAI traces ingest
// endpoint (BackendSpanExporter._OPENAI_TRACING_MAX_FIELD_BYTES and
// _OPENAI_TRACING_STRING_TRUNCATION_SUFFIX).
const (
	ingestMaxFieldBytes = 100_000
	ingestTruncSuffix   = "... [truncated]"
)

// sanitizeForIngest is the SDK's _sanitize_for_openai_tracing_api, which
// its exporter applies to every item it sends to the default endpoint (and
// only there): a span_data "input" or "output" whose compact JSON is over
// 100,000 UTF-8 bytes is shortened, and a top-level span_data "usage" is
// removed unless the span is a generation span. item is not changed: a
// changed item is a copy, as the SDK copies before changing, so
// processors keep the original.
//
// The span types this module makes hold strings (or null) under input
// and output, so only the SDK's string truncation applies; a value of
// another type is sent as it is.
func sanitizeForIngest(item Object) Object {
	sd, _ := item.Get("span_data")
	data, ok := sd.(Object)
	if !ok {
		return item
	}
	var out Object
	change := func(key string, v any, drop bool) {
		if out == nil {
			out = data.clone()
		}
		if drop {
			out = out.del(key)
		} else {
			out = out.set(key, v)
		}
	}
	for _, k := range [...]string{"input", "output"} {
		if v, ok := data.Get(k); ok {
			if s, isStr := v.(string); isStr {
				if t := truncateForIngest(s, ingestMaxFieldBytes); t != s {
					change(k, t, false)
				}
			}
		}
	}
	if typ, _ := data.Get("type"); typ != "generation" {
		if _, ok := data.Get("usage"); ok {
			change("usage", nil, true)
		}
	}
	if out == nil {
		return item
	}
	return item.clone().set("span_data", out)
}

// truncateForIngest is the SDK's _truncate_string_for_json_limit: s
// shortened, with the suffix "... [truncated]", until its compact JSON
// (ensure_ascii=False) takes at most limitBytes UTF-8 bytes. Its first guess
// scales the length by the byte budget, then it cuts a share of the
// excess at a time, exactly as the SDK does, so the result is the SDK's
// and not necessarily the longest that fits.
func truncateForIngest(s string, limitBytes int) string {
	size := jsonUTF8Size(s)
	if size <= limitBytes {
		return s
	}
	suffixSize := jsonUTF8Size(ingestTruncSuffix)
	if suffixSize > limitBytes {
		return ""
	}
	if suffixSize == limitBytes {
		return ingestTruncSuffix
	}
	n := utf8.RuneCountInString(s)
	budget := limitBytes - suffixSize
	// int(len(value) * budget / max(value_size, 1)): an exact integer
	// product, then a correctly rounded true division, then truncation.
	est := int(float64(n*budget) / float64(size))
	est = max(0, min(n, est))
	best := runePrefix(s, est) + ingestTruncSuffix
	bestSize := jsonUTF8Size(best)
	for bestSize > limitBytes && est > 0 {
		ratio := float64(bestSize-limitBytes) / float64(bestSize)
		trim := max(1, int(float64(est)*ratio)+1)
		est = max(0, est-trim)
		best = runePrefix(s, est) + ingestTruncSuffix
		bestSize = jsonUTF8Size(best)
	}
	return best
}

// jsonUTF8Size is the number of UTF-8 bytes of s as CPython's
// json.dumps(s, ensure_ascii=False) writes it: quotes, short escapes for
// the usual controls, \u00XX for the other characters below U+0020, every
// other character as its UTF-8 bytes. Go strings from this module hold
// valid UTF-8 (a lone surrogate was read as U+FFFD), so each byte of s
// counts once.
func jsonUTF8Size(s string) int {
	n := 2 + len(s)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f':
			n++
		case c < 0x20:
			n += 5
		}
	}
	if !strings.ContainsRune(s, utf8.RuneError) {
		return n
	}
	// An invalid byte (a caller's own span data) is written by Go as
	// U+FFFD: three bytes.
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && w == 1 {
			n += 2
		}
		i += w
	}
	return n
}
