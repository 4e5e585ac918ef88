package scrub_test

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/codextel/codextel/core/scrub"
)

const (
	alnum     = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	upperNum  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b64url    = alnum + "_-"
	base64    = alnum + "+/"
	bearerSet = alnum + "-._~+/"
	digits    = "0123456789"
)

// A shape makes a secret of one kind from a body generator, and returns the
// secret and its tell, the part that must never survive.
type shape func(body func(n int, set string) string) (secret, tell string)

var shapes = []shape{
	func(b func(int, string) string) (string, string) {
		t := b(40, b64url)
		return join("sk-", "proj-", t), t
	},
	func(b func(int, string) string) (string, string) {
		t := b(20, alnum)
		return join("sk-", t, "T3BlbkFJ", b(20, alnum)), t
	},
	func(b func(int, string) string) (string, string) {
		t := b(93, b64url)
		return join("sk-", "ant-", "api03-", t, "AA"), t
	},
	func(b func(int, string) string) (string, string) { t := b(16, upperNum); return join("AKIA", t), t },
	func(b func(int, string) string) (string, string) { t := b(16, upperNum); return join("ASIA", t), t },
	func(b func(int, string) string) (string, string) { t := b(36, alnum); return join("ghp", "_", t), t },
	func(b func(int, string) string) (string, string) { t := b(36, alnum); return join("ghs", "_", t), t },
	func(b func(int, string) string) (string, string) {
		t := b(82, alnum+"_")
		return join("github_", "pat_", t), t
	},
	func(b func(int, string) string) (string, string) {
		t := b(24, alnum)
		return join("xox", "b-", b(10, digits), "-", b(12, digits), "-", t), t
	},
	func(b func(int, string) string) (string, string) { t := b(35, b64url); return join("AIza", t), t },
	func(b func(int, string) string) (string, string) {
		t := b(30, b64url)
		return join("eyJ", b(20, b64url), ".eyJ", t, ".", b(20, b64url)), t
	},
	func(b func(int, string) string) (string, string) {
		t := b(32, bearerSet)
		return "Authorization: Bearer " + t, t
	},
	func(b func(int, string) string) (string, string) {
		t := b(24, base64)
		return "Authorization: Basic " + t + "==", t
	},
	func(b func(int, string) string) (string, string) {
		t := b(16, alnum)
		return "https://user:" + t + "@db.example.com/x", t
	},
	func(b func(int, string) string) (string, string) {
		t := b(64, base64)
		return join("-----BEGIN RSA ", "PRIVATE KEY-----\n", t, "\n", b(64, base64), "\n-----END RSA PRIVATE KEY-----"), t
	},
}

// mixedShapes are the shapes whose rules look at the value's entropy or
// shape: they take bodies from mixedBody. A trailing "!" keeps a body from
// reading as a name in code.
var mixedShapes = []shape{
	func(b func(int, string) string) (string, string) {
		t := b(14, alnum)
		return "--password " + t + "!", t
	},
	func(b func(int, string) string) (string, string) {
		t := b(14, alnum)
		return "DB_PASSWORD=" + t + "!", t
	},
	func(b func(int, string) string) (string, string) {
		t := b(20, alnum)
		return "x-api-key: " + t + "!", t
	},
	func(b func(int, string) string) (string, string) {
		t := b(20, alnum)
		return `"api_key": "` + t + `"`, t
	},
	func(b func(int, string) string) (string, string) { t := b(24, alnum); return "AUTH_TOKEN=" + t, t },
	func(b func(int, string) string) (string, string) {
		t := b(24, alnum)
		return "mysql -u root -p" + t + "!", t
	},
	func(b func(int, string) string) (string, string) {
		t := b(24, alnum)
		return "curl -u admin:" + t + "!", t
	},
	func(b func(int, string) string) (string, string) { t := b(24, alnum); return "Cookie: sid=" + t, t },
	func(b func(int, string) string) (string, string) {
		t := b(24, alnum)
		return join("sk_", "live_", t), t
	},
	func(b func(int, string) string) (string, string) { t := b(32, base64); return join("wh", "sec_", t), t },
	func(b func(int, string) string) (string, string) { t := b(36, alnum); return join("np", "m_", t), t },
	func(b func(int, string) string) (string, string) { t := b(34, alnum); return join("h", "f_", t), t },
	func(b func(int, string) string) (string, string) { t := b(52, alnum); return join("gs", "k_", t), t },
	func(b func(int, string) string) (string, string) {
		t := b(43, b64url)
		return join("S", "G.", b(22, b64url), ".", t), t
	},
	func(b func(int, string) string) (string, string) {
		t := b(32, "0123456789abcdef")
		return join("S", "K", t), t
	},
	func(b func(int, string) string) (string, string) { t := b(40, b64url); return join("ya", "29.", t), t },
	func(b func(int, string) string) (string, string) { t := b(20, b64url); return join("gl", "pat-", t), t },
	func(b func(int, string) string) (string, string) {
		t := b(28, b64url)
		return join("GOC", "SPX-", t), t
	},
	func(b func(int, string) string) (string, string) { t := b(60, b64url); return join("py", "pi-", t), t },
	func(b func(int, string) string) (string, string) {
		t := b(24, alnum)
		return "https://hooks.slack.com/services/T0001/B0001/" + t, t
	},
	func(b func(int, string) string) (string, string) {
		t := b(64, base64)
		return join("-----BEGIN ", "PRIVATE KEY-----\\n", t, "\\n", b(64, base64)), t
	},
}

// mixedBody returns a generator of bodies of high entropy drawn from seed
// (xorshift), with a digit second when set has digits.
func mixedBody(seed []byte) func(n int, set string) string {
	x := uint64(0x9e3779b97f4a7c15)
	for _, c := range seed {
		x = (x ^ uint64(c)) * 0x100000001b3
	}
	return func(n int, set string) string {
		b := make([]byte, n)
		for i := range b {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			b[i] = set[x%uint64(len(set))]
		}
		if strings.ContainsAny(set, digits) && n > 1 {
			b[1] = digits[x%10]
		}
		return string(b)
	}
}

// bodyFrom returns a generator of secret bodies drawn from seed: n bytes of
// set, with a digit second (when set has digits), as every real key of these
// kinds has digits somewhere.
func bodyFrom(seed []byte) func(n int, set string) string {
	k := 0
	return func(n int, set string) string {
		b := make([]byte, n)
		for i := range b {
			r := 31*k + 7
			if len(seed) > 0 {
				r += int(seed[k%len(seed)])
			}
			b[i] = set[r%len(set)]
			k++
		}
		if d := strings.IndexAny(set, digits); d >= 0 && n > 1 {
			b[1] = digits[k%10]
		}
		return string(b)
	}
}

// triggers are the texts the built-in rules need: a text holding none of
// them must come through unchanged. (bearer and basic in any case.) The
// assignment layer needs a - (flags), a = or a :, the vendor prefixes a - or
// an _ or one of the texts listed.
var triggers = []string{"-", "_", "=", ":", "@", "AKIA", "ASIA", "AIza", "eyJ", "SG.", "SK", "ya29.", `\u00`}

func hasTrigger(v string) bool {
	for _, t := range triggers {
		if strings.Contains(v, t) {
			return true
		}
	}
	l := strings.ToLower(v)
	return strings.Contains(l, "bearer") || strings.Contains(l, "basic")
}

func FuzzScrub(f *testing.F) {
	for _, v := range lookalikes {
		f.Add(v, uint(len(v)/2), uint8(len(v)), []byte(v))
	}
	for i, sec := range corpus() {
		f.Add(sec.text, uint(i), uint8(i), []byte(sec.tell))
	}
	f.Add(logText, uint(500), uint8(0), []byte("seed"))
	for i, file := range []string{"testdata/secrets.jsonl", "testdata/clean.jsonl"} {
		for j, c := range loadCorpus(f, file, i == 0) {
			if j%4 == 0 {
				f.Add(c.Text, uint(j), uint8(j), []byte(c.Name))
			}
		}
	}
	f.Add("", uint(0), uint8(7), []byte{})
	f.Add("ask-me sk-", uint(3), uint8(1), []byte{0xff, 0})
	f.Add("https://u:", uint(10), uint8(13), []byte("@"))

	s := scrub.New()
	f.Fuzz(func(t *testing.T, text string, pos uint, kind uint8, seed []byte) {
		// Scrubbing is linear in the text; an input that takes seconds is a bug
		// (TestLinearTime checks the known shapes, this lets the fuzzer look).
		start := time.Now()
		defer func() {
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("SLOW %v on len %d kind %d: %q", d, len(text), kind, text[:min(len(text), 300)])
			}
		}()
		// (b) A text with no trigger comes back as it is.
		out, changed := s.String(text)
		if !hasTrigger(text) && (changed || out != text || (len(text) > 0 && unsafe.StringData(out) != unsafe.StringData(text))) {
			t.Fatalf("String(%q) = %q, %v; a text with no trigger must come back unchanged", text, out, changed)
		}
		if changed == (out == text) {
			t.Fatalf("String(%q) = %q, changed=%v", text, out, changed)
		}
		// Idempotence.
		if again, changed := s.String(out); again != out || changed {
			t.Fatalf("not idempotent: %q -> %q -> %q", text, out, again)
		}

		// (a) A secret planted anywhere in the text does not survive.
		var secret, tell string
		if k := int(kind) % (len(shapes) + len(mixedShapes)); k < len(shapes) {
			secret, tell = shapes[k](bodyFrom(seed))
		} else {
			secret, tell = mixedShapes[k-len(shapes)](mixedBody(seed))
		}
		if strings.Contains(text, tell) {
			return // the text itself holds the tell: no way to tell them apart
		}
		p := int(pos % uint(len(text)+1))
		in := text[:p] + " " + secret + " " + text[p:]
		got, changed := s.String(in)
		if !changed || strings.Contains(got, tell) {
			t.Fatalf("String(%q)\n = %q, %v: %q survived", in, got, changed, tell)
		}
		if again, changed := s.String(got); again != got || changed {
			t.Fatalf("not idempotent: %q -> %q -> %q", in, got, again)
		}
		// The same text deep in a value, seen through a handler.
		a := slog.Group("event", slog.Any("args", map[string]any{"list": []any{in}}), slog.Any("err", errors.New(in)))
		if sa, _ := s.Attr(a); strings.Contains(render(sa), tell) {
			t.Fatalf("%q survived in %v", tell, sa)
		}
	})
}
