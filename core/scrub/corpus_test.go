package scrub_test

import "strings"

// The secrets below are fake: correctly shaped, full of FAKE, and assembled
// from pieces at run time so that secret scanners reading this file do not
// report them.

// A secret is one corpus entry: text holding a secret, what the scrubber must
// make of it, and the part that must never survive.
type secret struct {
	name string
	text string // the secret, with whatever context its rule needs
	want string // text after scrubbing with the default replacement
	// tell is the distinctive part of the secret: it must not appear in any
	// output.
	tell string
}

func join(parts ...string) string { return strings.Join(parts, "") }

func corpus() []secret {
	const r = "[REDACTED]"
	anthropicBody := strings.Repeat("FAKEant0123456789_-", 5)[:93]
	openAIBody := "FAKEproj0123456789abcdefghijklmnopqrstuvwxyz_ABCDEFGH-ijklmnopqrstuvwxyz0123"
	patBody := "11FAKE0000000000000000_" + strings.Repeat("FAKEfake0123456789", 4)[:59]
	pemBody := "MIIEFAKEpemBODYdGhpcyBpcyBub3QgYSByZWFsIGtleQ0123456789abcdefgh\nFAKEpemLINE2bm90IGEga2V5IGF0IGFsbA0123456789abcdefghijklmnopqr\n"
	jwt := join("eyJ", "hbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", ".", "eyJzdWIiOiJGQUtFLXVzZXIiLCJuYW1lIjoiRmFrZSBVc2VyIn0", ".", "FAKEsig0123456789abcdefghijklmnop_-XYZ")
	full := func(name, s, tell string) secret { return secret{name, s, r, tell} }
	return []secret{
		full("openai project key", join("sk-", "proj-", openAIBody), "FAKEproj0123456789"),
		full("openai legacy key", join("sk-", "FAKElegacy0123456789", "T3BlbkFJ", "FAKElegacy9876543210"), "FAKElegacy"),
		full("openai service account key", join("sk-", "svcacct-", "FAKEsvc0123456789abcdefghijklmnopqrstuv_-WXYZ"), "FAKEsvc0123456789"),
		full("openai admin key", join("sk-", "admin-", "FAKEadmin0123456789abcdefghijklmnopqrstuv"), "FAKEadmin0123456789"),
		full("anthropic key", join("sk-", "ant-", "api03-", anthropicBody, "AA"), "FAKEant0123456789"),
		full("anthropic oauth token", join("sk-", "ant-", "oat01-", "FAKEoauth0123456789abcdefghijklmnopqrstuvwxyzAB"), "FAKEoauth0123456789"),
		full("aws access key id", join("AKIA", "IOSFODNN7EXAMPLE"), "IOSFODNN7EXAMPLE"),
		full("aws temporary key id", join("ASIA", "FAKE0123456789AB"), "FAKE0123456789AB"),
		full("github personal token", join("ghp", "_", "FAKEghp0123456789abcdefghijklmnopqrs"), "FAKEghp0123456789"),
		full("github oauth token", join("gho", "_", "FAKEgho0123456789abcdefghijklmnopqrs"), "FAKEgho0123456789"),
		full("github user token", join("ghu", "_", "FAKEghu0123456789abcdefghijklmnopqrs"), "FAKEghu0123456789"),
		full("github server token", join("ghs", "_", "FAKEghs0123456789abcdefghijklmnopqrs"), "FAKEghs0123456789"),
		full("github refresh token", join("ghr", "_", "FAKEghr0123456789abcdefghijklmnopqrs"), "FAKEghr0123456789"),
		full("github fine-grained token", join("github_", "pat_", patBody), "11FAKE0000000000000000"),
		full("slack bot token", join("xox", "b-", "1234567890-1234567890123-", "FAKEslackBOTfake0123abcd"), "FAKEslackBOTfake"),
		full("slack user token", join("xox", "p-", "1234567890-1234567890-1234567890-", "FAKEslackUSERfake0123456789abcd"), "FAKEslackUSERfake"),
		full("slack workspace token", join("xox", "a-", "2-", "FAKEslackWS0123"), "FAKEslackWS0123"),
		full("google api key", join("AIza", "SyFAKE0123456789abcdefghijklmnopqrs"), "SyFAKE0123456789"),
		full("jwt", jwt, "FAKEsig0123456789"),
		{"bearer token", "Authorization: Bearer FAKEbearer0123456789abcdef", "Authorization: Bearer " + r, "FAKEbearer0123456789"},
		{"bearer token, lower case", "authorization: bearer FAKE.bearer-0123456789/abc==", "authorization: bearer " + r, "FAKE.bearer-0123456789"},
		{"basic credentials", "Authorization: Basic RkFLRXVzZXI6RkFLRXBhc3M=", "Authorization: Basic " + r, "RkFLRXVzZXI6RkFLRXBhc3M"},
		{"password in a url", "postgres://fakeuser:FAKEpassw0rd@db.internal:5432/app", "postgres://fakeuser:" + r + "@db.internal:5432/app", "FAKEpassw0rd"},
		{"password with @ in a url", "https://fake:FAKE@pass:w0rd@example.com/x?y=1", "https://fake:" + r + "@example.com/x?y=1", "FAKE@pass:w0rd"},
		full("rsa private key", join("-----BEGIN RSA ", "PRIVATE KEY-----\n", pemBody, "-----END RSA PRIVATE KEY-----"), "FAKEpemBODY"),
		full("private key", join("-----BEGIN ", "PRIVATE KEY-----\n", pemBody, "-----END PRIVATE KEY-----"), "FAKEpemLINE2"),
		full("openssh private key", join("-----BEGIN OPENSSH ", "PRIVATE KEY-----\n", pemBody, "-----END OPENSSH PRIVATE KEY-----"), "FAKEpemBODY"),
		full("pgp private key block", join("-----BEGIN PGP ", "PRIVATE KEY BLOCK-----\n", pemBody, "-----END PGP PRIVATE KEY BLOCK-----"), "FAKEpemBODY"),
		{"private key in a json string", join(`-----BEGIN `, `PRIVATE KEY-----\nMIIEFAKEjsonPEM0123\nFAKEjsonPEM4567\n`, `-----END PRIVATE KEY-----\n`), r + `\n`, "FAKEjsonPEM"},
	}
}

// A place puts text somewhere inside a longer text.
type place struct {
	name string
	wrap func(string) string
}

var places = []place{
	{"alone", func(s string) string { return s }},
	{"start", func(s string) string { return s + " is what the tool printed" }},
	{"middle", func(s string) string { return "export KEY='" + s + "' && ./run.sh --verbose" }},
	{"end", func(s string) string { return "the command failed; its input was " + s }},
	{"json", func(s string) string { return `{"type":"command_output","text":"` + s + `","exit_code":1}` }},
	{"lines", func(s string) string { return "line one\n" + s + "\nline three" }},
	{"long", func(s string) string {
		return strings.Repeat("padding with words, paths /usr/bin/env and item_3; ", 30) + s + strings.Repeat(" and more text", 40)
	}},
}

// lookalikes are ordinary texts that resemble secrets and must come through
// unchanged.
var lookalikes = []string{
	"task-force", "skip", "sk-", "sk-short", "sk-learn-compatible-transformer-pipeline",
	"desk-0123456789abcdefghijklmnop", "risk-0123456789abcdefghijklmnop", "sk-SK",
	"item_3", "call_42", "item_12 finished",
	"550e8400-e29b-41d4-a716-446655440000",
	"3f786850e387550fdab836ed7e6dc881de23001b",
	"commit 3f786850e387550fdab836ed7e6dc881de23001b on branch fix/bearer-parsing",
	"ASIAPACIFICHEADQUARTERS2024", "AKIA0123456789", "SOUTHEASTASIA0123456789ABCDEF",
	"ghp_short", "gh_api_call", "github_pat_tooShort", "xoxo-hugs-and-kisses-forever", "xoxb-",
	"AIzaShortKey", "eyJhbGciOiJIUzI1NiJ9 is just a header",
	"the bearer of bad news", "bearer certificate-based authentication", "Basic authentication required",
	"Authorization: Bearer <token>", "Authorization: Bearer $OPENAI_API_KEY", "Authorization: Bearer ${TOKEN}",
	"https://example.com:8443/path?q=a@b", "git@github.com:org/repo.git", "ssh://git@github.com:22/org/repo",
	"mailto:user@example.com", "https://user@example.com/", "https://user:@example.com/",
	"-----BEGIN CERTIFICATE-----\nMIIBFAKE\n-----END CERTIFICATE-----", "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----",
	"-----", "----- BEGIN notes -----",
	"/bin/bash -lc 'cat does-not-exist.txt'",
	"input_tokens=1234 max_tokens=4096 total_tokens=5330",
	"Token usage: total=1234 input=1000 (+ 800 cached) output=234",
	"python -m pip install scikit-learn==1.5.2 --index-url https://pypi.org/simple",
	"ERROR: exit status 1: sh: 1: cat: does-not-exist.txt: No such file or directory",
	"",
}
