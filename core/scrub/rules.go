package scrub

import "strings"

// The built-in rules. Each one is recognised at a trigger byte (see
// [anchors]) and matched by hand from the position where its prefix starts.
// The comment on each matcher gives the regular expression it is equivalent
// to, anchored at that position, plus any condition on the matched text that
// a regular expression cannot state; rules_test.go checks every matcher
// against that expression. The shapes follow the gitleaks rules named in each
// comment (github.com/gitleaks/gitleaks, config/gitleaks.toml, generated from
// cmd/generate/config/rules/*.go); where a rule here is looser, the comment
// says why. A scrubber errs towards redacting: a missed key leaks, a redacted
// look-alike only costs a little context.
//
// "Not preceded by a letter or digit" is written (?:^|[^A-Za-z0-9]) in the
// comments; rules_test.go checks it on the byte before the match.

// A span is the half-open byte range [start, end) of a text to replace.
type span struct{ start, end int }

// Byte classes used by the matchers.
const (
	cUpper     = 1 << iota // A-Z
	cLower                 // a-z
	cDigit                 // 0-9
	cB64URL                // A-Za-z0-9_-          (base64url; OpenAI, Google, JWT)
	cBearer                // A-Za-z0-9_=~@.+/-    (RFC 6750 b64token, as gitleaks curl-auth-header)
	cBase64                // A-Za-z0-9+/          (Basic credentials)
	cSlack                 // A-Za-z0-9-
	cURLUser               // stops a URL user name: \s : / ? # @ (\s is RE2's: \t \n \f \r space)
	cURLPass               // stops a URL password: \s / ? #
	cPEMLabel              // space A-Z 0-9 _ -    (the words around PRIVATE KEY)
	cGitHubPAT             // A-Za-z0-9_
	cAWS                   // A-Z0-9

	cAlnum = cUpper | cLower | cDigit
)

// class maps each byte to the classes it belongs to.
var class = func() (t [256]uint16) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c] |= cUpper | cB64URL | cBearer | cBase64 | cSlack | cPEMLabel | cGitHubPAT | cAWS
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] |= cLower | cB64URL | cBearer | cBase64 | cSlack | cGitHubPAT
	}
	for c := '0'; c <= '9'; c++ {
		t[c] |= cDigit | cB64URL | cBearer | cBase64 | cSlack | cPEMLabel | cGitHubPAT | cAWS
	}
	t['_'] |= cB64URL | cBearer | cPEMLabel | cGitHubPAT
	t['-'] |= cB64URL | cBearer | cSlack | cPEMLabel
	for _, c := range "=~@.+/" {
		t[c] |= cBearer
	}
	t['+'] |= cBase64
	t['/'] |= cBase64
	t[' '] |= cPEMLabel
	for _, c := range "\t\n\f\r " {
		t[c] |= cURLUser | cURLPass
	}
	for _, c := range ":/?#@" {
		t[c] |= cURLUser
	}
	for _, c := range "/?#" {
		t[c] |= cURLPass
	}
	return t
}()

// anchors are the trigger bytes: every built-in rule's match contains one at
// a fixed place near its start, so a text without any of them needs no
// further look. Each byte found costs a few checks of the bytes around it, so
// the anchors are bytes that are rare in ordinary text (commands, paths, JSON,
// prose), or the rarest byte of their trigger:
//
//	'-'      sk-…, xox?-…, -----BEGIN
//	'_'      gh?_…, github_pat_…
//	'@'      ://user:password@  (the @ is rarer than the : or the /)
//	'I'      AKIA…, ASIA…, AIza…
//	'J'      eyJ… (JWT)
//	'b' 'B'  Bearer, Basic (in any case)
const anchorBytes = "-_@IJbB"

var anchors = func() (t [256]bool) {
	for i := range len(anchorBytes) {
		t[anchorBytes[i]] = true
	}
	return t
}()

// minMatch is the length of the shortest text any built-in rule matches
// ("://:x@", a one-letter password in a URL). Shorter texts are not scanned.
const minMatch = 6

// shortText is the length below which a text is scanned byte by byte through
// the anchors table (findShort); longer texts are searched once per anchor
// byte with [strings.IndexByte], which is vectorised (findLong). Short texts
// cannot be slow, so findShort keeps no memos. BenchmarkFind places the
// cut-over: on text with few anchor bytes the search is ahead from about 64
// bytes, on text dense in them the byte loop stays ahead a little longer.
const shortText = 64

// A scan finds the built-in secrets of one text.
type scan struct {
	v string
	// memo is nil for texts shorter than shortText, which cannot be slow.
	memo *memo
	// userinfoEnd is the end of the last run examined at an @: the other @s
	// of that run lead to the same password.
	userinfoEnd int
}

// A memo remembers the end of the last run each rule read, so that a
// candidate inside a run already read ("sk-sk-sk-…", BEGIN lines with no END)
// costs constant time, and a scan stays linear in the length of the text.
type memo struct {
	runs [numSlots]runMemo
	// pemFrom, pemEndAt and pemEnd remember the last search for an END
	// line: from pemFrom, the first one starts at pemEndAt and the block ends
	// at pemEnd (both the text's length if there is none), valid when
	// pemEnd > 0. Another BEGIN line whose header ends in
	// [pemFrom, pemEndAt] finds the same END line.
	pemFrom, pemEndAt, pemEnd int
}

// Slots of memo.runs, one per rule and run read.
const (
	slotSK = iota
	slotSlack
	slotGitHubPAT
	slotJWTHeader
	slotJWTPayload
	slotJWTSignature
	numSlots
)

// A runMemo is a run of bytes of one class, [from, end), and the position of
// its last digit (-1 if none), valid when end > 0.
type runMemo struct {
	from, end, lastDigit int
}

// findBuiltin appends to spans the ranges of v that the built-in rules match.
func findBuiltin(v string, spans []span) []span {
	switch {
	case len(v) < minMatch:
		return spans
	case len(v) < shortText:
		return findShort(v, spans)
	}
	return findLong(v, spans)
}

// findShort is findBuiltin for short texts: one pass through the anchors
// table.
func findShort(v string, spans []span) []span {
	sc := scan{v: v}
	for i := 0; i < len(v); i++ {
		if anchors[v[i]] {
			spans, i = sc.at(i, spans)
		}
	}
	return spans
}

// findLong is findBuiltin for long texts: one [strings.IndexByte] search per
// anchor byte, with memos.
func findLong(v string, spans []span) []span {
	sc := scan{v: v}
	var m memo
	sc.memo = &m
	for k := range len(anchorBytes) {
		c := anchorBytes[k]
		for off := 0; off < len(v); {
			j := strings.IndexByte(v[off:], c)
			if j < 0 {
				break
			}
			spans, off = sc.at(off+j, spans)
			off++
		}
	}
	return spans
}

// at tries the rules whose trigger byte is v[i], and appends their matches to
// spans. It returns the last position it has dealt with, at least i: the
// dashes of a run of them are dealt with at once.
func (sc *scan) at(i int, spans []span) ([]span, int) {
	v := sc.v
	switch v[i] {
	case '-':
		if i >= 2 && v[i-1] == 'k' && v[i-2] == 's' {
			spans = add(spans, sc.sk(i-2))
		}
		if i >= 4 && v[i-4] == 'x' && v[i-3] == 'o' && v[i-2] == 'x' {
			spans = add(spans, sc.slack(i-4))
		}
		// Only the first dash of a run can end "sk-" or "xox?-", and only
		// the fifth from its end can start "-----BEGIN".
		e := i + 1
		for e < len(v) && v[e] == '-' {
			e++
		}
		if e-i >= 5 && strings.HasPrefix(v[e:], "BEGIN") {
			spans = add(spans, sc.pem(e-5))
		}
		return spans, e - 1
	case '_':
		if i >= 3 && v[i-3] == 'g' && v[i-2] == 'h' {
			spans = add(spans, sc.gitHub(i-3))
		}
		if i >= 6 && v[i-6] == 'g' {
			spans = add(spans, sc.gitHubPAT(i-6))
		}
	case '@':
		if i >= sc.userinfoEnd {
			spans = add(spans, sc.userinfoAt(i))
		}
	case 'I':
		if i >= 2 && v[i-2] == 'A' {
			spans = add(spans, sc.aws(i-2))
		}
		if i >= 1 && v[i-1] == 'A' {
			spans = add(spans, sc.google(i-1))
		}
	case 'J':
		if i >= 2 && v[i-2] == 'e' && v[i-1] == 'y' {
			spans = add(spans, sc.jwt(i-2))
		}
	case 'b', 'B':
		// Most b's start other words; look at the next three bytes first.
		if len(v)-i > 4 {
			if w := v[i+1 : i+4]; (w[0]|0x20 == 'e' && w[1]|0x20 == 'a' && w[2]|0x20 == 'r') ||
				(w[0]|0x20 == 'a' && w[1]|0x20 == 's' && w[2]|0x20 == 'i') {
				spans = add(spans, sc.auth(i))
			}
		}
	}
	return spans, i
}

// none is what a matcher returns when it does not match.
var none = span{-1, -1}

func add(spans []span, sp span) []span {
	if sp.start >= 0 {
		spans = append(spans, sp)
	}
	return spans
}

// startsWord reports whether the byte before v[i] (if any) is not a letter or
// digit, so that "task-force" does not start an "sk-" key.
func startsWord(v string, i int) bool { return i == 0 || class[v[i-1]]&cAlnum == 0 }

// run returns the end of the run of bytes in class c that starts at v[i].
func run(v string, i int, c uint16) int {
	for i < len(v) && class[v[i]]&c != 0 {
		i++
	}
	return i
}

// memoRun is run for the rule using slot, through its memo: a run that starts
// inside the last one it read ends where that one did. It also reports
// whether [i, end) holds a digit.
func (sc *scan) memoRun(slot, i int, c uint16) (end int, digit bool) {
	var fresh runMemo
	m := &fresh
	if sc.memo != nil {
		m = &sc.memo.runs[slot]
		if m.end > 0 && m.from <= i && i <= m.end {
			return m.end, m.lastDigit >= i
		}
	}
	v := sc.v
	m.from, m.lastDigit = i, -1
	for i < len(v) && class[v[i]]&c != 0 {
		if class[v[i]]&cDigit != 0 {
			m.lastDigit = i
		}
		i++
	}
	m.end = i
	return i, m.lastDigit >= m.from
}

// exactly reports whether v[i:] starts with exactly n bytes of class c: n of
// them, then a byte outside c or the end of the text.
func exactly(v string, i, n int, c uint16) bool {
	if len(v)-i < n {
		return false
	}
	for k := i; k < i+n; k++ {
		if class[v[k]]&c == 0 {
			return false
		}
	}
	return i+n == len(v) || class[v[i+n]]&c == 0
}

// sk matches OpenAI and Anthropic keys, and the sk- keys of the many
// OpenAI-compatible providers:
//
//	(?:^|[^A-Za-z0-9])sk-[A-Za-z0-9_-]{20,}    the part after "sk-" holds a digit
//
// gitleaks openai-api-key wants
// sk-(?:proj|svcacct|admin)-(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})T3BlbkFJ(…)
// or sk-[a-zA-Z0-9]{20}T3BlbkFJ[a-zA-Z0-9]{20}; anthropic-api-key
// sk-ant-api03-[a-zA-Z0-9_\-]{93}AA, anthropic-admin-api-key sk-ant-admin01-…,
// anthropic-oauth-token sk-ant-oat01-[a-zA-Z0-9_\-]{40,}. One looser shape
// covers all of them, keys cut short in a log line, and key formats to come;
// 20 is gitleaks' shortest segment. The digit (present in the T3BlbkFJ marker,
// in api03/admin01/oat01, and in any random body of that length) keeps
// hyphenated words such as "sk-learn-compatible-transformers" out.
func (sc *scan) sk(s int) span {
	v := sc.v
	if !strings.HasPrefix(v[s:], "sk-") || !startsWord(v, s) {
		return none
	}
	b := s + len("sk-")
	e, digit := sc.memoRun(slotSK, b, cB64URL)
	if e-b < 20 || !digit {
		return none
	}
	return span{s, e}
}

// slack matches Slack tokens:
//
//	(?:^|[^A-Za-z0-9])xox[abeoprs]-[A-Za-z0-9-]{8,}    the part after "xox?-" holds a digit
//
// gitleaks slack-bot-token xoxb-[0-9]{10,13}-[0-9]{10,13}[a-zA-Z0-9-]*,
// slack-user-token xox[pe](?:-[0-9]{10,13}){3}-[a-zA-Z0-9-]{28,34},
// slack-legacy-bot-token xoxb-[0-9]{8,14}-[a-zA-Z0-9]{18,26},
// slack-legacy-workspace-token xox[ar]-(?:\d-)?[0-9a-zA-Z]{8,48} and
// slack-legacy-token xox[os]-\d+-\d+-\d+-[a-fA-F\d]+, merged into one shape;
// 8 is the shortest body among them. Every one holds digits (team and user
// ids), which keeps "xoxo-hugs-and-kisses" out.
func (sc *scan) slack(s int) span {
	v := sc.v
	if len(v)-s < 5 || v[s:s+3] != "xox" || !strings.ContainsRune("abeoprs", rune(v[s+3])) ||
		v[s+4] != '-' || !startsWord(v, s) {
		return none
	}
	b := s + 5
	e, digit := sc.memoRun(slotSlack, b, cSlack)
	if e-b < 8 || !digit {
		return none
	}
	return span{s, e}
}

// gitHub matches GitHub personal, OAuth, user-to-server, server-to-server
// and refresh tokens:
//
//	(?:^|[^A-Za-z0-9])gh[pousr]_[0-9A-Za-z]{36,}
//
// gitleaks github-pat ghp_[0-9a-zA-Z]{36}, github-oauth gho_…,
// github-app-token (?:ghu|ghs)_…, github-refresh-token ghr_…. The whole run is
// taken, so a longer token is redacted whole rather than cut after 36.
func (sc *scan) gitHub(s int) span {
	v := sc.v
	if len(v)-s < 4 || v[s:s+2] != "gh" || !strings.ContainsRune("pousr", rune(v[s+2])) ||
		v[s+3] != '_' || !startsWord(v, s) {
		return none
	}
	b := s + 4
	e := run(v, b, cAlnum)
	if e-b < 36 {
		return none
	}
	return span{s, e}
}

// gitHubPAT matches GitHub fine-grained personal access tokens:
//
//	(?:^|[^A-Za-z0-9])github_pat_[0-9A-Za-z_]{82,}
//
// gitleaks github-fine-grained-pat github_pat_\w{82}.
func (sc *scan) gitHubPAT(s int) span {
	v := sc.v
	if !strings.HasPrefix(v[s:], "github_pat_") || !startsWord(v, s) {
		return none
	}
	b := s + len("github_pat_")
	e, _ := sc.memoRun(slotGitHubPAT, b, cGitHubPAT)
	if e-b < 82 {
		return none
	}
	return span{s, e}
}

// aws matches AWS access key ids, long-term (AKIA) and temporary (ASIA):
//
//	(?:^|[^A-Z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?:[^A-Z0-9]|$)
//
// gitleaks aws-access-token \b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b.
// The id must be a run of exactly 20 upper-case letters and digits (older ids
// use all ten digits, hence [A-Z0-9]), so a longer run of capitals such as
// "ASIAPACIFICHEADQUARTERS" is left alone while "keyAKIA…" is not. gitleaks
// allows ids ending in EXAMPLE; here they are redacted like any other.
func (sc *scan) aws(s int) span {
	v := sc.v
	if len(v)-s < 20 || (v[s:s+4] != "AKIA" && v[s:s+4] != "ASIA") ||
		(s > 0 && class[v[s-1]]&cAWS != 0) {
		return none
	}
	if !exactly(v, s+4, 16, cAWS) {
		return none
	}
	return span{s, s + 20}
}

// google matches Google API keys:
//
//	(?:^|[^A-Za-z0-9])AIza[A-Za-z0-9_-]{35}(?:[^A-Za-z0-9_-]|$)
//
// gitleaks gcp-api-key \b(AIza[\w-]{35})(?:[\x60'"\s;]|\\[nr]|$): a key is
// exactly 39 bytes, so a longer run is not one.
func (sc *scan) google(s int) span {
	v := sc.v
	if len(v)-s < 39 || v[s:s+4] != "AIza" || !startsWord(v, s) {
		return none
	}
	if !exactly(v, s+4, 35, cB64URL) {
		return none
	}
	return span{s, s + 39}
}

// jwt matches JSON Web Tokens (JWS compact form: header, payload and an
// optional signature, each base64url):
//
//	(?:^|[^A-Za-z0-9])eyJ[A-Za-z0-9_-]{16,}\.ey[A-Za-z0-9_-]{17,}\.[A-Za-z0-9_-]*={0,2}
//
// gitleaks jwt
// \b(ey[a-zA-Z0-9]{17,}\.ey[a-zA-Z0-9\/\\_-]{17,}\.(?:[a-zA-Z0-9\/\\_-]{10,}={0,2})?).
// "eyJ" is base64 for `{"`, the start of every JSON header.
func (sc *scan) jwt(s int) span {
	v := sc.v
	if !strings.HasPrefix(v[s:], "eyJ") || !startsWord(v, s) {
		return none
	}
	e, _ := sc.memoRun(slotJWTHeader, s+3, cB64URL)
	if e-(s+3) < 16 || !strings.HasPrefix(v[e:], ".ey") {
		return none
	}
	p := e + len(".ey")
	e, _ = sc.memoRun(slotJWTPayload, p, cB64URL)
	if e-p < 17 || e == len(v) || v[e] != '.' {
		return none
	}
	e, _ = sc.memoRun(slotJWTSignature, e+1, cB64URL)
	for n := 0; n < 2 && e < len(v) && v[e] == '='; n++ {
		e++
	}
	return span{s, e}
}

// auth matches the credentials of HTTP Bearer and Basic authorization,
// keeping the scheme word:
//
//	(?:^|[^A-Za-z0-9])(?i:bearer)[ \t]+([A-Za-z0-9_=~@.+/-]{8,})
//	(?:^|[^A-Za-z0-9])(?i:basic)[ \t]+([A-Za-z0-9+/]{8,}={0,3})
//
// only the credential (the group) is replaced, and it must look like one
// (see [credential]). The shapes are those of gitleaks curl-auth-header, which
// finds them in curl -H "Authorization: …" arguments; here they count
// anywhere, in header dumps, error messages and commands alike, and the
// shape test keeps prose such as "the bearer certificate" out.
func (sc *scan) auth(s int) span {
	v := sc.v
	if !startsWord(v, s) {
		return none
	}
	var c uint16
	var b int
	switch {
	case hasPrefixFold(v[s:], "bearer"):
		c, b = cBearer, s+len("bearer")
	case hasPrefixFold(v[s:], "basic"):
		c, b = cBase64, s+len("basic")
	default:
		return none
	}
	k := b
	for k < len(v) && (v[k] == ' ' || v[k] == '\t') {
		k++
	}
	if k == b {
		return none
	}
	e := run(v, k, c)
	if e-k < 8 {
		return none
	}
	if c == cBase64 {
		for n := 0; n < 3 && e < len(v) && v[e] == '='; n++ {
			e++
		}
	}
	if !credential(v[k:e]) {
		return none
	}
	return span{k, e}
}

// credential reports whether s looks like a credential rather than a word:
// it holds a digit or one of + / = _ ~ @, or an upper-case letter after its
// first byte together with a lower-case one. Real tokens and base64 user:pass
// pairs do; "certificate", "Authentication" and "token-based" do not.
func credential(s string) bool {
	var upper, lower bool
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch k := class[c]; {
		case k&cDigit != 0:
			return true
		case k&cUpper != 0:
			upper = upper || i > 0
		case k&cLower != 0:
			lower = true
		case strings.IndexByte("+/=_~@", c) >= 0:
			return true
		}
	}
	return upper && lower
}

func hasPrefixFold(s, lowerPrefix string) bool {
	if len(s) < len(lowerPrefix) {
		return false
	}
	for i := 0; i < len(lowerPrefix); i++ {
		if s[i]|0x20 != lowerPrefix[i] {
			return false
		}
	}
	return true
}

// userinfo matches the password of a URL's user information, at the
// "://" that follows the scheme:
//
//	://[^\s:/?#@]*:([^\s/?#]+)@
//
// only the password (the group) is replaced: https://user:pass@host becomes
// https://user:[REDACTED]@host. The user information ends at the last @
// before the path (RFC 3986 section 3.2.1 does not allow a bare @ in it, but
// people write them). gitleaks has no general rule for this; its
// sidekiq-sensitive-url rule is the same idea for one host.
func (sc *scan) userinfo(s int) span {
	v := sc.v
	if !strings.HasPrefix(v[s:], "://") {
		return none
	}
	u := s + len("://")
	for u < len(v) && class[v[u]]&cURLUser == 0 {
		u++
	}
	if u == len(v) || v[u] != ':' {
		return none
	}
	p := u + 1
	at := -1
	for k := p; k < len(v) && class[v[k]]&cURLPass == 0; k++ {
		if v[k] == '@' {
			at = k
		}
	}
	if at <= p {
		return none
	}
	return span{p, at}
}

// userinfoAt finds the password of a URL at v[i], an @: it reads back to
// the start of the run the @ is in, and if "://" precedes that run, matches
// there as [scan.userinfo] does. Every @ of a run leads to the same match, so
// the others are skipped.
func (sc *scan) userinfoAt(i int) span {
	v := sc.v
	r, e := i, i
	for r > 0 && class[v[r-1]]&cURLPass == 0 {
		r--
	}
	for e < len(v) && class[v[e]]&cURLPass == 0 {
		e++
	}
	sc.userinfoEnd = e
	if r < 3 || v[r-3:r] != "://" {
		return none
	}
	return sc.userinfo(r - 3)
}

const pemBegin = "-----BEGIN"

// pem matches a PEM private key block, from its BEGIN line to its END
// line, or to the end of the text when the END line is missing (a block cut
// short in a log line still holds most of the key):
//
//	-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----|[\s\S]*)
//
// gitleaks private-key
// (?i)-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\s\S-]{64,}?KEY(?: BLOCK)?-----;
// here the label is upper case as PEM writes it (RFC 7468), and the block
// needs no minimum length.
func (sc *scan) pem(s int) span {
	v := sc.v
	if !strings.HasPrefix(v[s:], pemBegin) {
		return none
	}
	h := pemLabel(v, s+len(pemBegin))
	if h < 0 {
		return none
	}
	var fresh memo
	m := &fresh
	if sc.memo != nil {
		m = sc.memo
		if m.pemEnd > 0 && m.pemFrom <= h && h <= m.pemEndAt {
			return span{s, m.pemEnd}
		}
	}
	m.pemFrom = h
	for k := h; ; {
		j := strings.Index(v[k:], "-----END")
		if j < 0 {
			m.pemEndAt, m.pemEnd = len(v), len(v)
			return span{s, len(v)}
		}
		if e := pemLabel(v, k+j+len("-----END")); e >= 0 {
			m.pemEndAt, m.pemEnd = k+j, e
			return span{s, e}
		}
		k += j + 1
	}
}

// pemLabel matches [ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?----- at v[i:]
// and returns the end of the match, or -1. Like the regular expression, it
// prefers the longest label, and BLOCK when it is there.
func pemLabel(v string, i int) int {
	end := -1
	for j := i; j <= len(v) && j-i <= 100; j++ {
		if t := v[j:]; strings.HasPrefix(t, "PRIVATE KEY") {
			t = t[len("PRIVATE KEY"):]
			switch {
			case strings.HasPrefix(t, " BLOCK-----"):
				end = j + len("PRIVATE KEY BLOCK-----")
			case strings.HasPrefix(t, "-----"):
				end = j + len("PRIVATE KEY-----")
			}
		}
		if j == len(v) || class[v[j]]&cPEMLabel == 0 {
			break
		}
	}
	return end
}
