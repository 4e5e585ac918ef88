package scrub

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// oracle is the regular expression a matcher documents, anchored at the
// position the matcher is called with, plus the conditions the comment states
// in words. If the expression has a group, the group is the replaced span.
type oracle struct {
	name  string
	match func(sc *scan, s int) span
	re    *regexp.Regexp
	// before reports whether the byte before the match allows it.
	before func(v string, s int) bool
	// cond is the condition on the matched text, "" when none.
	cond func(m string) bool
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

func notAlnumBefore(v string, s int) bool {
	return s == 0 || !strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", rune(v[s-1])) ||
		(s >= 2 && v[s-2] == '\\' && strings.ContainsRune("ntr", rune(v[s-1])))
}

func notUpperDigitBefore(v string, s int) bool {
	return s == 0 || !strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", rune(v[s-1]))
}

func anyBefore(string, int) bool { return true }

var oracles = []oracle{
	{"sk", (*scan).sk, regexp.MustCompile(`^sk-([A-Za-z0-9_-]{20,})`), notAlnumBefore, hasDigit},
	{"slack", (*scan).slack, regexp.MustCompile(`^xox[abeoprs]-([A-Za-z0-9-]{8,})`), notAlnumBefore, hasDigit},
	{"github", (*scan).gitHub, regexp.MustCompile(`^gh[pousr]_[0-9A-Za-z]{36,}`), notAlnumBefore, nil},
	{"github_pat", (*scan).gitHubPAT, regexp.MustCompile(`^github_pat_[0-9A-Za-z_]{82,}`), notAlnumBefore, nil},
	{"aws", (*scan).aws, regexp.MustCompile(`^((?:AKIA|ASIA)[A-Z0-9]{16})(?:[^A-Z0-9]|$)`), notUpperDigitBefore, nil},
	{"google", (*scan).google, regexp.MustCompile(`^(AIza[A-Za-z0-9_-]{35})(?:[^A-Za-z0-9_-]|$)`), notAlnumBefore, nil},
	{"jwt", (*scan).jwt, regexp.MustCompile(`^eyJ[A-Za-z0-9_-]{16,}\.ey[A-Za-z0-9_-]{17,}\.[A-Za-z0-9_-]*={0,2}`), notAlnumBefore, nil},
	{"bearer", (*scan).auth, regexp.MustCompile(`^(?i:bearer)[ \t]+([A-Za-z0-9_=~@.+/-]{8,})`), notAlnumBefore, credential},
	{"basic", (*scan).auth, regexp.MustCompile(`^(?i:basic)[ \t]+([A-Za-z0-9+/]{8,}={0,3})`), notAlnumBefore, credential},
	{"url", (*scan).userinfo, regexp.MustCompile(`^://[^\s:/?#@]*:([^\s/?#]+)@`), anyBefore, nil},
	{"pem", (*scan).pem, regexp.MustCompile(`^-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----` +
		`(?:(?:[ \t\r\n]|\\+[nrt])*[A-Za-z][A-Za-z-]*: [^\r\n\\]*)*(?:[ \t\r\n]|\\+[nrt]|[A-Za-z0-9+/=])*` +
		`-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----`), anyBefore, nil},
	{"dash", (*scan).dashAt, regexp.MustCompile(`^(?:gl(?:pat|ptt|rt|dt|cbt|oas|soat|ft|imt|agent)-[A-Za-z0-9_-]{20,}|GOCSPX-[A-Za-z0-9_-]{24,}|pypi-[A-Za-z0-9_-]{50,})`), notAlnumBefore, nil},
	{"underscore", (*scan).underscoreAt, regexp.MustCompile(`^(?:[sr]k_(?:live|test|prod)_([A-Za-z0-9]{10,})|whsec_[A-Za-z0-9+/=]{24,}|npm_[A-Za-z0-9]{36,}|hf_[A-Za-z0-9]{34,}|gsk_[A-Za-z0-9]{40,})`), notAlnumBefore, nil},
	{"sendgrid", (*scan).sendGrid, regexp.MustCompile(`^SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}`), notAlnumBefore, nil},
	{"twilio", (*scan).twilio, regexp.MustCompile(`^(SK[0-9a-fA-F]{32})(?:[^A-Za-z0-9]|$)`), notAlnumBefore, nil},
	{"google oauth", (*scan).googleOAuth, regexp.MustCompile(`^ya29\.[A-Za-z0-9_-]{20,}`), notAlnumBefore, nil},
	{"slack webhook", (*scan).slackWebhook, regexp.MustCompile(`^:(?://|\\/\\/)hooks\.slack\.com(?:/|\\/)(?:services|workflows|triggers)(?:/|\\/)([A-Za-z0-9+/_\\-]{20,})`), anyBefore, nil},
}

// want returns what the oracle says the matcher must return at v[s:].
func (o *oracle) want(v string, s int) span {
	m := o.re.FindStringSubmatchIndex(v[s:])
	if o.name == "pem" && m == nil && o.before(v, s) {
		return pemWithoutEnd(v, s)
	}
	if m == nil || !o.before(v, s) {
		return none
	}
	// The condition is stated on the group for sk and slack (the part after
	// the prefix), and on the whole credential for bearer and basic.
	a, b := m[0], m[1]
	if len(m) > 2 {
		a, b = m[2], m[3]
	}
	if o.cond != nil && !o.cond(v[s+a:s+b]) {
		return none
	}
	if o.name == "underscore" && len(m) > 2 && m[2] >= 0 && !hasDigit(v[s+m[2]:s+m[3]]) {
		return none
	}
	switch o.name {
	case "sk", "slack", "underscore":
		return span{s, s + m[1]}
	}
	return span{s + a, s + b}
}

var pemHead = regexp.MustCompile(`^-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----` +
	`(?:(?:[ \t\r\n]|\\+[nrt])*[A-Za-z][A-Za-z-]*: [^\r\n\\]*)*`)

var escapedSep = regexp.MustCompile(`\\+[nrt]`)

// pemWithoutEnd is the rule for a PEM block with no END line, in words: after
// the BEGIN line and the header lines, split the text into words at white
// space and the escapes \n \r \t; take the words while each is base64 and
// ends at a separator, a quote or the end of the text; the block ends with
// the last of them that is 16 bytes or longer or ends in =, and those hold 32
// bytes or more.
func pemWithoutEnd(v string, s int) span {
	h := pemHead.FindStringIndex(v[s:])
	if h == nil {
		return none
	}
	rest := v[s+h[1]:]
	rest = escapedSep.ReplaceAllStringFunc(rest, func(e string) string { return strings.Repeat(" ", len(e)) })
	pos, last, long := s+h[1], -1, 0
	for {
		t := len(rest) - len(strings.TrimLeft(rest, " \t\r\n"))
		pos += t
		rest = rest[t:]
		w := len(rest) - len(strings.TrimLeft(rest, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="))
		if w == 0 || (w < len(rest) && !strings.ContainsRune(" \t\r\n\\\"'`", rune(rest[w])) && !strings.HasPrefix(rest[w:], "-----END")) {
			break
		}
		if w >= 16 || rest[w-1] == '=' {
			last, long = pos+w, long+w
		}
		pos += w
		rest = rest[w:]
	}
	if last < 0 || long < 32 {
		return none
	}
	return span{s, last}
}

// oracleInputs are texts around every rule's edges: minimum lengths, one
// short, boundaries on both sides, case, separators.
func oracleInputs() []string {
	in := []string{
		"sk-", "sk-0123456789abcdefghi", "sk-0123456789abcdefghij", "xsk-0123456789abcdefghij",
		"_sk-0123456789abcdefghij", "sk-abcdefghijklmnopqrstuvwxyz", "sk-proj-aB3_-aB3_-aB3_-aB3_-aB3_.",
		"task-force", "sk-ant-api03-" + strings.Repeat("Ab9_-", 19) + "AA",
		"xoxb-1234567890-1234567890123-abcdefABCDEF", "xoxo-hugs-and-kisses", "xoxb-1234567", "xoxq-12345678",
		"ghp_" + strings.Repeat("aB1", 12), "ghp_" + strings.Repeat("aB1", 11) + "aB", "gho_" + strings.Repeat("aB1", 13),
		"xghp_" + strings.Repeat("aB1", 12), "ghx_" + strings.Repeat("aB1", 12),
		"github_pat_" + strings.Repeat("a1_", 28), "github_pat_" + strings.Repeat("a1_", 27),
		"AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLEX", "XAKIAIOSFODNN7EXAMPLE", "xAKIAIOSFODNN7EXAMPLEx",
		"ASIAPACIFICHEADQUARTERS", "AKIAIOSFODNN7EXAMPL", "ASIA0123456789ABCDEF-",
		"AIza" + strings.Repeat("Sy_-9", 7), "AIza" + strings.Repeat("Sy_-9", 7) + "x", "xAIza" + strings.Repeat("Sy_-9", 7),
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig_-nature==x", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.",
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx.abc", "eyJhbGci.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc",
		"Authorization: Bearer abcDEF123456", "bearer abcdefgh", "BEARER\tab/cdefgh", "the bearer certificate-based",
		"Basic dXNlcjpwYXNz", "Bearer abc1234", "Basic abc1234=", "Bearer  abc12345", "basic ZmFrZTpmYWtlcGFzcw===", "Basic authentication", "Bearerabc12345678", "ebasic abc12345678",
		"https://user:pass@host/x", "https://user:p@ss@host/x", "https://:p@host", "https://user:@host", "https://u:@x@h",
		"http://host:8080/a@b", "ssh://git@host:22/x", "http://[::1]:80", "https://u:p:q@h", "https://u:p ass@h",
		"-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----tail",
		"-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END CERTIFICATE-----\nmore\n-----END RSA PRIVATE KEY-----x",
		"-----BEGIN PGP PRIVATE KEY BLOCK-----\nabc\n-----END PGP PRIVATE KEY BLOCK-----",
		"-----BEGIN OPENSSH PRIVATE KEY-----\ncut short", "-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----",
		"-----BEGIN PRIVATE KEY-----PRIVATE KEY-----x\n-----END PRIVATE KEY-----",
		"-----BEGIN " + strings.Repeat("A", 101) + "PRIVATE KEY-----x",
		// Candidates inside runs already read, for the memos.
		"sk-sk-sk-abcdefghijklmnopqrstu-sk-x1", "sk-sk-sk-abcdefghijklmnopqrstuvwx", "_sk-_sk-0123456789abcdefghij",
		"xoxb-xoxb-xoxp-1234567", "xoxb-xoxb-xoxp-12345678-xoxa-", "github_pat_github_pat_" + strings.Repeat("a1", 40),
		"eyJ-eyJ-eyJaaaaaaaaaaaaaaaaaa.eyBBBBBBBBBBBBBBBBB.sig", "eyJ_eyJaaaaaaaaaaaaaaaaaaaaa.eyBBBBBBBBBBBBBBBBBBB.s.eyJ",
		"https://a:b@c@d/https://e:f@g", "x://u:p@@@h x://:@", "-----BEGIN PRIVATE KEY-----a-----BEGIN PRIVATE KEY-----b",
		"-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY----------BEGIN RSA PRIVATE KEY-----x-----END RSA PRIVATE KEY-----",
		// PEM blocks cut short, in JSON, named in code, with headers.
		"-----BEGIN PRIVATE KEY-----\n" + strings.Repeat("MIIEvQIBADANBgkq", 3) + "\nabc",
		"-----BEGIN PRIVATE KEY-----\\n" + strings.Repeat("MIIEvQIBADANBgkq", 3) + "\\nabc==\\n\" rest",
		"-----BEGIN PRIVATE KEY-----\n" + strings.Repeat("MIIEvQIBADANBgkq", 3) + " is cut. Then prose",
		"-----BEGIN PRIVATE KEY-----\n" + strings.Repeat("MIIEvQIBADANBgkq", 3) + ".",
		`if strings.HasPrefix(s, "-----BEGIN RSA PRIVATE KEY-----") {`,
		"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0123ABCD\n\n" + strings.Repeat("MIIEvQIBADANBgkq", 3) + "\n-----END RSA PRIVATE KEY-----",
		// Vendor prefixes.
		"glpat-" + strings.Repeat("aB3_-", 4), "glpat-" + strings.Repeat("aB3_-", 3) + "aB3_", "xglpat-" + strings.Repeat("aB3_-", 4),
		"glrt-" + strings.Repeat("aB3_-", 5), "GOCSPX-" + strings.Repeat("aB3_", 6), "pypi-AgEIcHlwaS5vcmc" + strings.Repeat("aB3_-", 8),
		"sk_live_" + strings.Repeat("aB3", 4), "rk_test_abcdefghijkl", "sk_live_abc1_def", "whsec_" + strings.Repeat("aB3+/=", 4),
		"npm_" + strings.Repeat("aB3", 12), "hf_" + strings.Repeat("aBc", 12), "gsk_" + strings.Repeat("aB3", 14), "gsk_" + strings.Repeat("aB3", 13),
		"SG." + strings.Repeat("aB3_", 5) + "." + strings.Repeat("aB3-", 11), "SG.short.x",
		"SK" + strings.Repeat("0a1B", 8), "SK" + strings.Repeat("0a1B", 8) + "x", "SK" + strings.Repeat("0a1g", 8),
		"ya29." + strings.Repeat("a0AfB_-", 4), "ya29.short",
		"://hooks.slack.com/services/T0000/B0000/" + strings.Repeat("aB3", 8), `:\/\/hooks.slack.com\/services\/T0000\/B0000\/` + strings.Repeat("aB3", 8),
		"://hooks.slack.com/other/" + strings.Repeat("aB3", 8),
		"line\\nsk-proj-0123456789abcdefghij", "x\\tghp_" + strings.Repeat("aB1", 12),
	}
	// Random texts over the bytes that matter to the rules.
	const alphabet = "skxobpghu_tiAKISzaIeyJ.-:/@ \n=+BEGINPRVATKYEND01AZaz9lrfnmwGK\\"
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		b := make([]byte, r.IntN(60))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		in = append(in, string(b))
	}
	return in
}

func TestMatchersAgreeWithTheirExpressions(t *testing.T) {
	inputs := oracleInputs()
	for _, o := range oracles {
		t.Run(o.name, func(t *testing.T) {
			matched := 0
			for _, v := range inputs {
				for s := range len(v) + 1 {
					got, want := o.match(&scan{v: v}, s), o.want(v, s)
					// bearer and basic share (*scan).auth; each oracle only
					// speaks for its own word.
					if (o.name == "bearer" && hasPrefixFold(v[s:], "basic")) ||
						(o.name == "basic" && hasPrefixFold(v[s:], "bearer")) {
						continue
					}
					if got != want {
						t.Fatalf("%s at %d of %q: matcher %v, expression %v", o.name, s, v, got, want)
					}
					if got != none {
						matched++
					}
				}
			}
			if matched == 0 {
				t.Fatalf("%s matched nothing: the inputs do not exercise it", o.name)
			}
		})
	}
}

// TestAnchors checks findBuiltin against the matchers called at every
// position: every match must lie within a span findBuiltin reports (so no
// trigger byte is missing from the table, and the memos skip only what is
// covered already), and every span it reports must be a match.
func TestAnchors(t *testing.T) {
	var inputs []string
	for _, v := range oracleInputs() {
		// Padded, the text takes the long path, with memos.
		inputs = append(inputs, v, strings.Repeat(" ", shortText)+v)
	}
	for _, v := range inputs {
		found, _ := findBuiltin(v, nil, nil)
		for _, got := range found {
			ok := false
			for _, o := range oracles {
				for s := range len(v) + 1 {
					ok = ok || o.want(v, s) == got
				}
			}
			if !ok {
				t.Fatalf("findBuiltin reports %v in %q, which no rule's expression matches", got, v)
			}
		}
		for _, o := range oracles {
			for s := range len(v) + 1 {
				sp := o.match(&scan{v: v}, s)
				if sp == none {
					continue
				}
				covered := false
				for _, got := range found {
					covered = covered || (got.start <= sp.start && sp.end <= got.end)
				}
				if !covered {
					t.Fatalf("%s matches %v in %q, but findBuiltin does not cover it (it found %v)", o.name, sp, v, found)
				}
			}
		}
	}
}

func TestNormalizeKey(t *testing.T) {
	for in, want := range map[string]string{
		"X-API-Key": "xapikey", "api_key": "apikey", "Set-Cookie": "setcookie", "a.b c": "abc",
		"": "", "__": "", "clé_secrète": "clésecrète",
	} {
		if got := normalizeKey(in); got != want {
			t.Errorf("normalizeKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkFind compares the two scanning paths on clean texts around
// shortText, one dense in anchor bytes and one sparse, to place the cut-over
// between them.
func BenchmarkFind(b *testing.B) {
	for _, text := range []struct{ name, text string }{
		{"dense", "exec /bin/bash -lc 'cat does-not-exist.txt' in /home/user/project (item_3): no such file; Build took 1.2s\n"},
		{"sparse", "The quick brown fox jumps over the lazy dog while reading files in the home directory. "},
	} {
		for _, n := range []int{32, 64, 96, 128} {
			v := strings.Repeat(text.text, n/len(text.text)+1)[:n]
			for _, path := range []struct {
				name string
				find func(string, *keySet, []span) []span
			}{{"short", findShort}, {"long", findLong}} {
				b.Run(fmt.Sprintf("%s_%s_%d", text.name, path.name, n), func(b *testing.B) {
					for b.Loop() {
						if path.find(v, &testKeys, nil) != nil {
							b.Fatal("found a secret in clean text")
						}
					}
				})
			}
		}
	}
}

// testKeys are the secret names of a default Scrubber's assignment layer.
var testKeys = newKeySet(append(append([]string(nil), defaultKeys...), textKeys...))

// dashAt is [scan.dashPrefixed] at the start s of the prefix rather than at
// its dash, for rules_test.go.
func (sc *scan) dashAt(s int) span {
	d := strings.IndexByte(sc.v[s:min(len(sc.v), s+9)], '-')
	if d < 1 {
		return none
	}
	if sp := sc.dashPrefixed(s + d); sp.start == s {
		return sp
	}
	return none
}

// underscoreAt is [scan.underscorePrefixed] at the start s of the prefix,
// for rules_test.go.
func (sc *scan) underscoreAt(s int) span {
	v := sc.v
	for k := s + 1; k < len(v) && k <= s+8; k++ {
		if v[k] == '_' {
			if sp := sc.underscorePrefixed(k); sp.start == s {
				return sp
			}
		}
	}
	return none
}
