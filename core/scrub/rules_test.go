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
	return s == 0 || !strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", rune(v[s-1]))
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
	{"pem", (*scan).pem, regexp.MustCompile(`^-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----|[\s\S]*)`), anyBefore, nil},
}

// want returns what the oracle says the matcher must return at v[s:].
func (o *oracle) want(v string, s int) span {
	m := o.re.FindStringSubmatchIndex(v[s:])
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
	switch o.name {
	case "sk", "slack":
		return span{s, s + m[1]}
	}
	return span{s + a, s + b}
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
	}
	// Random texts over the bytes that matter to the rules.
	const alphabet = "skxobpghu_tiAKISzaIeyJ.-:/@ \n=+BEGINPRVATKYEND01AZaz9"
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
		found := findBuiltin(v, nil)
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
				find func(string, []span) []span
			}{{"short", findShort}, {"long", findLong}} {
				b.Run(fmt.Sprintf("%s_%s_%d", text.name, path.name, n), func(b *testing.B) {
					for b.Loop() {
						if path.find(v, nil) != nil {
							b.Fatal("found a secret in clean text")
						}
					}
				})
			}
		}
	}
}
