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
	cUpper      = 1 << iota // A-Z
	cLower                  // a-z
	cDigit                  // 0-9
	cB64URL                 // A-Za-z0-9_-          (base64url; OpenAI, Google, JWT)
	cBearer                 // A-Za-z0-9_=~@.+/-    (RFC 6750 b64token, as gitleaks curl-auth-header)
	cBase64                 // A-Za-z0-9+/          (Basic credentials)
	cSlack                  // A-Za-z0-9-
	cURLUser                // stops a URL user name: \s : / ? # @ (\s is RE2's: \t \n \f \r space)
	cURLPass                // stops a URL password: \s / ? #
	cPEMLabel               // space A-Z 0-9 _ -    (the words around PRIVATE KEY)
	cGitHubPAT              // A-Za-z0-9_
	cAWS                    // A-Z0-9
	cPEMBody                // A-Za-z0-9+/=         (base64 with padding: PEM bodies)
	cHex                    // 0-9a-fA-F
	cName                   // A-Za-z0-9_.-         (a name assigned to: DB_PASSWORD, --db-password, x-api-key)
	cValue                  // an unquoted value: printable, not space, quote, backslash or ,;&|()[]{}<>`
	cNotDQ                  // a double-quoted value: anything but " \ \n \r
	cNotSQ                  // a single-quoted value: anything but ' \ \n \r
	cLine                   // the rest of a header line: anything but " ' \ \n \r
	cQuoteSpace             // " ' space tab: what may stand between a name and its operator

	cAlnum = cUpper | cLower | cDigit
)

// class maps each byte to the classes it belongs to.
var class = func() (t [256]uint32) {
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
	for c := range 256 {
		k := &t[c]
		if *k&(cUpper|cLower|cDigit) != 0 || c == '+' || c == '/' || c == '=' {
			*k |= cPEMBody
		}
		if *k&cDigit != 0 || (c|0x20 >= 'a' && c|0x20 <= 'f') {
			*k |= cHex
		}
		if *k&cAlnum != 0 || c == '_' || c == '.' || c == '-' {
			*k |= cName
		}
		if c > ' ' && c != 0x7f && !strings.ContainsRune("\"'\\,;&|()[]{}<>`", rune(c)) {
			*k |= cValue
		}
		if c != '"' && c != '\\' && c != '\n' && c != '\r' {
			*k |= cNotDQ
		}
		if c != '\'' && c != '\\' && c != '\n' && c != '\r' {
			*k |= cNotSQ
		}
		if *k&cNotSQ != 0 && c != '"' {
			*k |= cLine
		}
		if c == '"' || c == '\'' || c == ' ' || c == '\t' {
			*k |= cQuoteSpace
		}
	}
	return t
}()

// anchors are the trigger bytes: every built-in rule's match contains one at
// a fixed place near its start, so a text without any of them needs no
// further look. Each byte found costs a few checks of the bytes around it, so
// the anchors are bytes that are rare in ordinary text (commands, paths, JSON,
// prose), or the rarest byte of their trigger:
//
//	'-'      sk-…, xox?-…, xapp-…, glpat-…, GOCSPX-…, pypi-…, -----BEGIN,
//	         and flags: --password X, -pX (mysql), -u user:pass (curl)
//	'_'      gh?_…, github_pat_…, sk_live_…, rk_live_…, whsec_…, npm_…,
//	         hf_…, gsk_…
//	'@'      ://user:password@  (the @ is rarer than the : or the /)
//	':' '='  NAME=value, "name": "value", Header: value (see assign.go),
//	         and https://hooks.slack.com/…
//	'I'      AKIA…, ASIA…, AIza…
//	'J'      eyJ… (JWT)
//	'G'      SG.… (SendGrid)
//	'K'      SK… (Twilio)
//	'9'      ya29.… (Google OAuth)
//	'b' 'B'  Bearer, Basic (in any case)
const anchorBytes = "-_@:=IJGK9bB"

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
	// keys are the secret names of the assignment layer (assign.go); nil
	// turns that layer off.
	keys *keySet
	// memo is nil for texts shorter than shortText, which cannot be slow.
	memo *memo
	// userinfoEnd is the end of the last run examined at an @: the other @s
	// of that run lead to the same password.
	userinfoEnd int
	// seg caches the command found for the last shell segment looked at
	// (see [scan.command]).
	seg segMemo
}

// A memo remembers the end of the last run each rule read, so that a
// candidate inside a run already read ("sk-sk-sk-…", "a=a=a=…") costs
// constant time, and a scan stays linear in the length of the text.
type memo struct {
	runs [numSlots]runMemo
}

// Slots of memo.runs, one per rule and run read.
const (
	slotSK = iota
	slotSlack
	slotGitHubPAT
	slotJWTHeader
	slotJWTPayload
	slotJWTSignature
	slotVendor
	slotValue
	slotDQ
	slotSQ
	slotLine
	numSlots
)

// A runMemo is a run of bytes of one class, [from, end), and the position of
// its last digit (-1 if none), valid when end > 0.
type runMemo struct {
	from, end, lastDigit int
}

// findBuiltin appends to spans the ranges of v that the built-in rules match;
// keys are the secret names of the assignment layer (nil for none). It also
// reports whether v holds a \u00 escape (see [Scrubber.findEscaped]).
func findBuiltin(v string, keys *keySet, spans []span) ([]span, bool) {
	switch {
	case len(v) < minMatch:
		return spans, false
	case len(v) < shortText:
		return findShortEscaped(v, keys, spans)
	}
	return findLong(v, keys, spans), strings.Contains(v, `\u00`)
}

// findShort is findBuiltin for short texts: one pass through the anchors
// table.
func findShort(v string, keys *keySet, spans []span) []span {
	spans, _ = findShortEscaped(v, keys, spans)
	return spans
}

// findShortEscaped is findShort, and also reports whether v holds a \u00
// escape: the backslash is in the table too, which costs less than a search
// of its own.
func findShortEscaped(v string, keys *keySet, spans []span) ([]span, bool) {
	sc := scan{v: v, keys: keys}
	escaped := false
	for i := 0; i < len(v); i++ {
		if c := v[i]; shortAnchors[c] {
			if c == '\\' {
				escaped = escaped || strings.HasPrefix(v[i:], `\u00`)
				continue
			}
			spans, i = sc.at(i, spans)
		}
	}
	return spans, escaped
}

// hasShortAnchor reports whether v holds a byte of shortAnchors: a text
// (shorter than shortText) without one holds no built-in secret, and no
// escape that could spell one.
func hasShortAnchor(v string) bool {
	for i := 0; i < len(v); i++ {
		if shortAnchors[v[i]] {
			return true
		}
	}
	return false
}

// shortAnchors is anchors and the backslash, for findShortEscaped.
var shortAnchors = func() [256]bool {
	t := anchors
	t['\\'] = true
	return t
}()

// findLong is findBuiltin for long texts: one [strings.IndexByte] search per
// anchor byte, with memos.
func findLong(v string, keys *keySet, spans []span) []span {
	sc := scan{v: v, keys: keys}
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
		if i >= 4 && v[i-4] == 'x' {
			spans = add(spans, sc.slack(i-4))
		}
		if i >= 4 && dashTails[v[i-1]]&1 != 0 && dashTails[v[i-2]]&2 != 0 {
			spans = add(spans, sc.dashPrefixed(i))
		}
		// Only the first dash of a run can end a prefix or start a flag, and
		// only the fifth from its end can start "-----BEGIN".
		e := i + 1
		for e < len(v) && v[e] == '-' {
			e++
		}
		if e-i <= 2 && sc.keys != nil && (i == 0 || flagStart[v[i-1]] || escapeBefore(v, i)) {
			spans = sc.flag(i, e, spans)
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
		if i >= 2 && underscoreTails[v[i-1]] {
			spans = add(spans, sc.underscorePrefixed(i))
		}
	case '@':
		if i >= sc.userinfoEnd {
			spans = add(spans, sc.userinfoAt(i))
		}
	case ':', '=':
		if v[i] == ':' && i+1 < len(v) && (v[i+1] == '/' || v[i+1] == '\\') {
			spans = add(spans, sc.slackWebhook(i))
		}
		// A name that may end with a secret name, or a quote or a space,
		// before the operator; or no assignment.
		if sc.keys != nil && i >= 2 {
			if p := v[i-1]; class[p]&cQuoteSpace != 0 || (class[p]&cAlnum != 0 && sc.keys.mayEnd(v[i-2], p)) {
				spans = sc.assign(i, spans)
			}
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
	case 'G':
		if i >= 1 && v[i-1] == 'S' {
			spans = add(spans, sc.sendGrid(i-1))
		}
	case 'K':
		if i >= 1 && v[i-1] == 'S' {
			spans = add(spans, sc.twilio(i-1))
		}
	case '9':
		if i >= 3 && v[i-1] == '2' && v[i-2] == 'a' && v[i-3] == 'y' {
			spans = add(spans, sc.googleOAuth(i-3))
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

// flagStart are the bytes after which a dash can start a flag (see
// [scan.flag]).
var flagStart = func() (t [256]bool) {
	for _, c := range " \t\n\"'([," {
		t[c] = true
	}
	return t
}()

// dashTails filters the dashes [scan.dashPrefixed] looks at: bit 1 marks
// the last letters of its prefixes (glpat, gloas, GOCSPX, pypi …), bit 2 the
// letters before them.
var dashTails = func() (t [256]uint8) {
	for _, p := range []string{"glpat", "glptt", "glrt", "gldt", "glcbt", "gloas", "glsoat", "glft", "glimt", "glagent", "GOCSPX", "pypi"} {
		t[p[len(p)-1]] |= 1
		t[p[len(p)-2]] |= 2
	}
	return t
}()

// underscoreTails are the last letters of the prefixes
// [scan.underscorePrefixed] looks for (sk_live, whsec, npm, hf, gsk …).
var underscoreTails = func() (t [256]bool) {
	for _, c := range "etdcmfk" {
		t[c] = true
	}
	return t
}()

// none is what a matcher returns when it does not match.
var none = span{-1, -1}

func add(spans []span, sp span) []span {
	if sp.start >= 0 {
		spans = append(spans, sp)
	}
	return spans
}

// startsWord reports whether the byte before v[i] (if any) is not a letter or
// digit, so that "task-force" does not start an "sk-" key. The n, t or r of a
// JSON or shell escape (\n, \t, \r) counts as a separator: in
// "line\nsk-proj-…" the key starts a word.
func startsWord(v string, i int) bool {
	return i == 0 || class[v[i-1]]&cAlnum == 0 || escapeBefore(v, i)
}

// escapeBefore reports whether v[i-2:i] is one of the escapes \n, \t, \r.
func escapeBefore(v string, i int) bool {
	if i < 2 || v[i-2] != '\\' {
		return false
	}
	c := v[i-1]
	return c == 'n' || c == 't' || c == 'r'
}

// run returns the end of the run of bytes in class c that starts at v[i].
func run(v string, i int, c uint32) int {
	for i < len(v) && class[v[i]]&c != 0 {
		i++
	}
	return i
}

// memoRun is run for the rule using slot, through its memo: a run that starts
// inside the last one it read ends where that one did. It also reports
// whether [i, end) holds a digit.
func (sc *scan) memoRun(slot, i int, c uint32) (end int, digit bool) {
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
func exactly(v string, i, n int, c uint32) bool {
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

// slack matches Slack tokens and app-level tokens:
//
//	(?:^|[^A-Za-z0-9])(?:xox[abeoprs]|xapp)-[A-Za-z0-9-]{8,}    the part after the dash holds a digit
//
// gitleaks slack-bot-token xoxb-[0-9]{10,13}-[0-9]{10,13}[a-zA-Z0-9-]*,
// slack-user-token xox[pe](?:-[0-9]{10,13}){3}-[a-zA-Z0-9-]{28,34},
// slack-legacy-bot-token xoxb-[0-9]{8,14}-[a-zA-Z0-9]{18,26},
// slack-legacy-workspace-token xox[ar]-(?:\d-)?[0-9a-zA-Z]{8,48} and
// slack-legacy-token xox[os]-\d+-\d+-\d+-[a-fA-F\d]+, merged into one shape;
// 8 is the shortest body among them; slack-app-token (?i)xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+.
// Every one holds digits (team and user ids), which keeps
// "xoxo-hugs-and-kisses" out.
func (sc *scan) slack(s int) span {
	v := sc.v
	if len(v)-s < 5 || v[s+4] != '-' || !startsWord(v, s) ||
		(v[s:s+4] != "xapp" && (v[s:s+3] != "xox" || !strings.ContainsRune("abeoprs", rune(v[s+3])))) {
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
	var c uint32
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
// sidekiq-sensitive-url rule is the same idea for one host. The same
// password after the JSON escape of "://", `:\/\/`, is found too (see
// [scan.userinfoAt]).
func (sc *scan) userinfo(s int) span {
	if !strings.HasPrefix(sc.v[s:], "://") {
		return none
	}
	return sc.userinfoFrom(s + len("://"))
}

// userinfoFrom is [scan.userinfo] from the first byte after the "://".
func (sc *scan) userinfoFrom(u int) span {
	v := sc.v
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
// the start of the run the @ is in, and if "://" or an escape of it
// (`:\/\/`, `:\\\/\\\/`) precedes that run, matches there as
// [scan.userinfo] does. Every @ of a run leads to the same match, so the
// others are skipped.
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
	if r >= 3 && v[r-3:r] == "://" {
		return sc.userinfoFrom(r)
	}
	// An escaped "://": the slashes and the backslashes before them (JSON
	// escapes "/" as "\/", and a JSON text inside a JSON string doubles the
	// backslashes), then the colon.
	k, slashes := r, 0
	for k > 0 && r-k < 16 && (v[k-1] == '/' || v[k-1] == '\\') {
		k--
		if v[k] == '/' {
			slashes++
		}
	}
	u := r
	for u < i && v[u] == '\\' {
		u++
	}
	if slashes != 2 || k == 0 || v[k-1] != ':' || (k == r-2 && u == r) {
		return none
	}
	sp := sc.userinfoFrom(u)
	if sp.start >= 0 && strings.IndexByte(v[u:sp.start], '\\') >= 0 {
		return none // the user name cannot hold the backslash of an escape
	}
	return sp
}

const pemBegin = "-----BEGIN"

// pem matches a PEM private key block: its BEGIN line, the key material that
// follows, and the END line if it follows the key material. The key material
// is a run of base64 words ([A-Za-z0-9+/=]+) separated by white space or the
// escapes \n, \r and \t (a key inside a JSON string), after optional header
// lines such as "Proc-Type: 4,ENCRYPTED" or "Version: GnuPG v2". It is not a
// regular expression, so rules_test.go states it as one for a block with an
// END line:
//
//	-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----
//	(?:SEP*[A-Za-z][A-Za-z-]*: [^\r\n\\]*)*          header lines
//	(?:SEP|[A-Za-z0-9+/=])*                          key material
//	-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----
//
// where SEP is [ \t\r\n]|\\+[nrt]. A block with no END line (cut short in a
// log line) is matched from BEGIN to the end of its last base64 word of 16
// bytes or more (or ending in =), and only if those words hold 32 bytes or
// more; the words after it are likely prose. A BEGIN line with no key
// material after it, such as one named in source code, is left alone, and
// so is the text after it.
//
// gitleaks private-key
// (?i)-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\s\S-]{64,}?KEY(?: BLOCK)?-----;
// here the label is upper case as PEM writes it (RFC 7468), and a block
// needs no END line.
func (sc *scan) pem(s int) span {
	v := sc.v
	if !strings.HasPrefix(v[s:], pemBegin) {
		return none
	}
	h := pemLabel(v, s+len(pemBegin))
	if h < 0 {
		return none
	}
	k := h
	// Header lines, before any key material.
	for {
		t := skipPEMSep(v, k)
		n := t
		for n < len(v) && (class[v[n]]&(cUpper|cLower) != 0 || (n > t && v[n] == '-')) {
			n++
		}
		if n == t || n+1 >= len(v) || v[n] != ':' || v[n+1] != ' ' {
			break
		}
		for n < len(v) && v[n] != '\r' && v[n] != '\n' && v[n] != '\\' {
			n++
		}
		k = n
	}
	last, long := -1, 0
	for {
		t := skipPEMSep(v, k)
		if strings.HasPrefix(v[t:], "-----END") {
			if e := pemLabel(v, t+len("-----END")); e >= 0 {
				return span{s, e}
			}
			break
		}
		w := run(v, t, cPEMBody)
		if w == t || (w < len(v) && !pemWordEnd(v, w)) {
			break
		}
		if w-t >= 16 || v[w-1] == '=' {
			last = w
			long += w - t
		}
		k = w
	}
	if last < 0 || long < 32 {
		return none
	}
	return span{s, last}
}

// skipPEMSep returns the end of the separators at v[k:]: white space and the
// escapes \n, \r and \t (with any number of backslashes: a JSON text inside
// a JSON string doubles them).
func skipPEMSep(v string, k int) int {
	for k < len(v) {
		switch c := v[k]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			k++
		case c == '\\':
			j := k + 1
			for j < len(v) && v[j] == '\\' {
				j++
			}
			if j == len(v) || (v[j] != 'n' && v[j] != 'r' && v[j] != 't') {
				return k
			}
			k = j + 1
		default:
			return k
		}
	}
	return k
}

// pemWordEnd reports whether a base64 word of a PEM body may end at v[w]: at
// a separator or an END line, or at a quote that closes the string the key
// is in.
func pemWordEnd(v string, w int) bool {
	switch v[w] {
	case ' ', '\t', '\r', '\n', '\\', '"', '\'', '`':
		return true
	}
	return strings.HasPrefix(v[w:], "-----END")
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

// dashPrefixed matches the keys whose prefix ends in a dash, at that dash,
// v[i]:
//
//	(?:^|[^A-Za-z0-9])gl(?:pat|ptt|rt|dt|cbt|oas|soat|ft|imt|agent)-[A-Za-z0-9_-]{20,}
//	(?:^|[^A-Za-z0-9])GOCSPX-[A-Za-z0-9_-]{24,}
//	(?:^|[^A-Za-z0-9])pypi-[A-Za-z0-9_-]{50,}
//
// gitleaks gitlab-pat glpat-[\w-]{20}, gitlab-ptt glptt-[0-9a-f]{40},
// gitlab-rrt GR1348941…/glrt-, gitlab-deploy-token gldt-, gitlab-cicd-job-token
// glcbt-, gitlab-*; gcp client secrets (GOCSPX-, 28 bytes); pypi-upload-token
// pypi-AgEIcHlwaS5vcmc[\w-]{50,}. The whole run is taken.
func (sc *scan) dashPrefixed(i int) span {
	v := sc.v
	w := i
	for w > 0 && i-w < 7 && class[v[w-1]]&(cUpper|cLower) != 0 {
		w--
	}
	if !startsWord(v, w) {
		return none
	}
	least := 0
	switch v[w:i] {
	case "glpat", "glptt", "glrt", "gldt", "glcbt", "gloas", "glsoat", "glft", "glimt", "glagent":
		least = 20
	case "GOCSPX":
		least = 24
	case "pypi":
		least = 50
	default:
		return none
	}
	e, _ := sc.memoRun(slotVendor, i+1, cB64URL)
	if e-(i+1) < least {
		return none
	}
	return span{w, e}
}

// underscorePrefixed matches the keys whose prefix ends in an underscore, at
// that underscore, v[i]:
//
//	(?:^|[^A-Za-z0-9])[sr]k_(?:live|test|prod)_[A-Za-z0-9]{10,}    with a digit
//	(?:^|[^A-Za-z0-9])whsec_[A-Za-z0-9+/=]{24,}
//	(?:^|[^A-Za-z0-9])npm_[A-Za-z0-9]{36,}
//	(?:^|[^A-Za-z0-9])hf_[A-Za-z0-9]{34,}
//	(?:^|[^A-Za-z0-9])gsk_[A-Za-z0-9]{40,}
//
// gitleaks stripe-access-token (?:sk|rk)_(?:test|live|prod)_[a-zA-Z0-9]{10,99}
// (the digit keeps identifiers such as sk_live_environment out; Stripe's
// keys are random), Stripe webhook signing secrets (whsec_),
// npm-access-token npm_[a-z0-9]{36}, huggingface-access-token
// hf_[a-z]{34} (looser: digits allowed), and Groq keys (gsk_ and 52 letters
// and digits; trufflehog groq). The whole run is taken.
func (sc *scan) underscorePrefixed(i int) span {
	v := sc.v
	var w, least int
	c := uint32(cAlnum)
	digit := false
	switch {
	case i >= 7 && (v[i-7:i] == "sk_live" || v[i-7:i] == "sk_test" || v[i-7:i] == "sk_prod" ||
		v[i-7:i] == "rk_live" || v[i-7:i] == "rk_test" || v[i-7:i] == "rk_prod"):
		w, least, digit = i-7, 10, true
	case i >= 5 && v[i-5:i] == "whsec":
		w, least, c = i-5, 24, cPEMBody
	case i >= 3 && v[i-3:i] == "npm":
		w, least = i-3, 36
	case i >= 2 && v[i-2:i] == "hf":
		w, least = i-2, 34
	case i >= 3 && v[i-3:i] == "gsk":
		w, least = i-3, 40
	default:
		return none
	}
	if !startsWord(v, w) {
		return none
	}
	e := run(v, i+1, c)
	if e-(i+1) < least || (digit && !strings.ContainsAny(v[i+1:e], "0123456789")) {
		return none
	}
	return span{w, e}
}

// sendGrid matches SendGrid API keys:
//
//	(?:^|[^A-Za-z0-9])SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}
//
// gitleaks sendgrid-api-token SG\.(?i)[a-z0-9=_\-\.]{66}; the key is two
// base64url parts of 22 and 43 bytes.
func (sc *scan) sendGrid(s int) span {
	v := sc.v
	if !strings.HasPrefix(v[s:], "SG.") || !startsWord(v, s) {
		return none
	}
	e := run(v, s+3, cB64URL)
	if e-(s+3) < 16 || e == len(v) || v[e] != '.' {
		return none
	}
	f := run(v, e+1, cB64URL)
	if f-(e+1) < 16 {
		return none
	}
	return span{s, f}
}

// twilio matches Twilio API key sids:
//
//	(?:^|[^A-Za-z0-9])SK[0-9a-fA-F]{32}(?:[^A-Za-z0-9]|$)
//
// gitleaks twilio-api-key SK[0-9a-fA-F]{32}. (A Twilio auth token is 32 hex
// digits with no prefix: it is found by its name, TWILIO_AUTH_TOKEN=….)
func (sc *scan) twilio(s int) span {
	v := sc.v
	if !strings.HasPrefix(v[s:], "SK") || !startsWord(v, s) {
		return none
	}
	e := run(v, s+2, cAlnum)
	if e-(s+2) != 32 || run(v, s+2, cHex) != e {
		return none
	}
	return span{s, e}
}

// googleOAuth matches Google OAuth access tokens:
//
//	(?:^|[^A-Za-z0-9])ya29\.[A-Za-z0-9_-]{20,}
//
// trufflehog's google oauth2 detector; gitleaks has no rule for them.
func (sc *scan) googleOAuth(s int) span {
	v := sc.v
	if !strings.HasPrefix(v[s:], "ya29.") || !startsWord(v, s) {
		return none
	}
	e := run(v, s+5, cB64URL)
	if e-(s+5) < 20 {
		return none
	}
	return span{s, e}
}

// slackWebhook matches the secret path of a Slack webhook URL, at the colon
// after its scheme, v[s]:
//
//	:(?://|\\/\\/)hooks\.slack\.com(?:/|\\/)(?:services|workflows|triggers)(?:/|\\/)([A-Za-z0-9+/_\\-]{20,})
//
// only the group is replaced; "https://hooks.slack.com/services/" is kept.
// gitleaks slack-webhook-url
// (?:https?://)?hooks.slack.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,56}.
func (sc *scan) slackWebhook(s int) span {
	v := sc.v
	if s >= len(v) || v[s] != ':' {
		return none
	}
	k := s + 1
	slash := func() bool {
		switch {
		case strings.HasPrefix(v[k:], "/"):
			k++
		case strings.HasPrefix(v[k:], `\/`):
			k += 2
		default:
			return false
		}
		return true
	}
	// slash moves k: two calls read the two slashes of "//".
	for range 2 {
		if !slash() {
			return none
		}
	}
	if !strings.HasPrefix(v[k:], "hooks.slack.com") {
		return none
	}
	k += len("hooks.slack.com")
	if !slash() {
		return none
	}
	w := k
	for k < len(v) && class[v[k]]&cLower != 0 {
		k++
	}
	if p := v[w:k]; p != "services" && p != "workflows" && p != "triggers" {
		return none
	}
	if !slash() {
		return none
	}
	b := k
	for k < len(v) && (class[v[k]]&cB64URL != 0 || v[k] == '+' || v[k] == '/' || v[k] == '\\') {
		k++
	}
	if k-b < 20 {
		return none
	}
	return span{b, k}
}
