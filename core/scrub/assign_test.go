package scrub_test

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/codextel/codextel/core/scrub"
)

// TestAssignments pins down exactly what the assignment layer replaces and
// what it keeps, one form at a time.
func TestAssignments(t *testing.T) {
	s := scrub.New()
	const r = scrub.DefaultReplacement
	for _, tc := range []struct{ in, want string }{
		// Names and operators.
		{"DB_PASSWORD=Hx7tq2Lp9 ./run", "DB_PASSWORD=" + r + " ./run"},
		{"export API_TOKEN='Zq81mWv0Ta5rKe3L'", "export API_TOKEN='" + r + "'"},
		{`password: "hunter2"`, `password: "` + r + `"`},
		{"password: letmein\nuser: bob", "password: " + r + "\nuser: bob"},
		{`{"password":"Pw0rd!x","user":"u"}`, `{"password":"` + r + `","user":"u"}`},
		{`{\"secret\": \"s3cr3tValue\"}`, `{\"secret\": \"` + r + `\"}`},
		{"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key = " + r},
		{`cfg := Config{Password: "Pw0rd!x"}`, `cfg := Config{Password: "` + r + `"}`},
		{`token := "Zq81mWv0Ta5rKe3L"`, `token := "` + r + `"`},
		// Flags and short options.
		{"tool --db-password=Pw0rd!x --verbose", "tool --db-password=" + r + " --verbose"},
		{"tool --password Pw0rd!x --verbose", "tool --password " + r + " --verbose"},
		{"mysql -uroot -pPw0rd!x shop", "mysql -uroot -p" + r + " shop"},
		{"sshpass -p 'Pw0rd!x' ssh h", "sshpass -p '" + r + "' ssh h"},
		{"docker login -u me -p Pw0rd!x ghcr.io", "docker login -u me -p " + r + " ghcr.io"},
		{"curl -u admin:Pw0rd!x https://h/", "curl -u admin:" + r + " https://h/"},
		{"redis-cli -a Pw0rd!x ping", "redis-cli -a " + r + " ping"},
		// Headers.
		{"Authorization: token 0123456789abcdef0123456789abcdef01234567", "Authorization: token " + r},
		{"x-api-key: Zq81mWv0Ta5rKe3L\nAccept: */*", "x-api-key: " + r + "\nAccept: */*"},
		{"Cookie: a=1; sid=Zq81mWv0Ta5rKe3L\nHost: h", "Cookie: " + r + "\nHost: h"},
		// Tokens need a random-looking value.
		{"token: Zq81mWv0Ta5rKe3L", "token: " + r},
		{"sig=k2e%2BYWJjZGVm%3D&se=1", "sig=" + r + "&se=1"},
		{"STRIPE_KEY=Zq81mWv0Ta5rKe3L", "STRIPE_KEY=" + r},
		// Kept.
		{"token: abc", "token: abc"},
		{"auth: required", "auth: required"},
		{"max_tokens=4096 input_tokens: 12", "max_tokens=4096 input_tokens: 12"},
		{"eos_token: <|endoftext|>", "eos_token: <|endoftext|>"},
		{`"next_page_token": "Zq81mWv0Ta5rKe3LZq81mWv0"`, `"next_page_token": "Zq81mWv0Ta5rKe3LZq81mWv0"`},
		{"password_file=/run/secrets/db", "password_file=/run/secrets/db"},
		{"PWD=/home/u", "PWD=/home/u"},
		{"password=$DB_PASSWORD token=${TOKEN} secret=<secret>", "password=$DB_PASSWORD token=${TOKEN} secret=<secret>"},
		{"password = getpass()", "password = getpass()"},
		{"password = self.password", "password = self.password"},
		{"Password: The one you chose", "Password: The one you chose"},
		{"mysql -u root -p shop", "mysql -u root -p shop"},
		{"ssh -p 2222 host", "ssh -p 2222 host"},
		{"docker login --password-stdin", "docker login --password-stdin"},
		{"a == b && password != x", "a == b && password != x"},
		{"--- PASS: TestLogin (0.01s)", "--- PASS: TestLogin (0.01s)"},
		{"password: [REDACTED]", "password: [REDACTED]"},
	} {
		if got, _ := s.String(tc.in); got != tc.want {
			t.Errorf("String(%q)\n = %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

// TestEscapes: secrets written through JSON escapes, at any depth.
func TestEscapes(t *testing.T) {
	s := scrub.New()
	const r = scrub.DefaultReplacement
	key := "sk-proj-" + strings.Repeat("Ab3x", 10)
	for _, tc := range []struct{ in, want string }{
		{`"line\n` + key + `"`, `"line\n` + r + `"`},
		{`"a\t` + key + `"`, `"a\t` + r + `"`},
		{`"sk\u002dproj\u002d` + strings.Repeat("Ab3x", 10) + `"`, `"` + r + `"`},
		{`"sk\\u002dproj-` + strings.Repeat("Ab3x", 10) + `"`, `"` + r + `"`},
		{`"postgres:\/\/u:Pw0rd@h"`, `"postgres:\/\/u:` + r + `@h"`},
		{`"postgres:\\\/\\\/u:Pw0rd@h"`, `"postgres:\\\/\\\/u:` + r + `@h"`},
		{`"\npassword=Pw0rd!x\n"`, `"\npassword=` + r + `\n"`},
		{`"\u00e9t\u00e9 sans secret"`, `"\u00e9t\u00e9 sans secret"`},
	} {
		if got, _ := s.String(tc.in); got != tc.want {
			t.Errorf("String(%q)\n = %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

// TestPEMBounded: a BEGIN line redacts its key material and no more.
func TestPEMBounded(t *testing.T) {
	s := scrub.New()
	const r = scrub.DefaultReplacement
	body := strings.Repeat("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", 2)
	for _, tc := range []struct{ in, want string }{
		{`if strings.HasPrefix(line, "-----BEGIN RSA PRIVATE KEY-----") {` + "\n\treturn parse(rest)\n}",
			`if strings.HasPrefix(line, "-----BEGIN RSA PRIVATE KEY-----") {` + "\n\treturn parse(rest)\n}"},
		{"-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\nafter", r + "\nafter"},
		{"-----BEGIN PRIVATE KEY-----\n" + body + "\n[truncated] and the rest", r + "\n[truncated] and the rest"},
		{"-----BEGIN PRIVATE KEY-----\n" + body + " is cut short", r + " is cut short"},
		{"-----BEGIN PRIVATE KEY-----\nshort\nthen text", "-----BEGIN PRIVATE KEY-----\nshort\nthen text"},
	} {
		if got, _ := s.String(tc.in); got != tc.want {
			t.Errorf("String(%q)\n = %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

// TestMapKeys: a secret used as a map key does not survive a walk, and two
// keys that scrub to the same text both stay.
func TestMapKeys(t *testing.T) {
	s := scrub.New()
	const r = scrub.DefaultReplacement
	k1 := "sk-proj-" + strings.Repeat("Ab3x", 10)
	k2 := "ghp_" + strings.Repeat("Ab3x", 9)
	for _, tc := range []struct {
		name string
		in   any
		want string
	}{
		{"map[string]any", map[string]any{k1: 1, k2: 2, "n": 3}, "map[" + r + ":1 " + r + "#2:2 n:3]"},
		{"map[string]string", map[string]string{"cmd " + k1: "x"}, "map[cmd " + r + ":x]"},
		{"map[string][]string", map[string][]string{k1: {"a"}}, "map[" + r + ":[a]]"},
		{"named map", header{k1: {"a"}}, "map[" + r + ":[a]]"},
		{"map of structs", map[string]toolCall{k1: {Name: "shell"}}, "map[" + r + ":{shell  0}]"},
	} {
		a, changed := s.Attr(slog.Any("m", tc.in))
		got := a.Value.String()
		// The two redacted keys can come in either order.
		got = strings.Replace(got, r+":2 "+r+"#2:1", r+":1 "+r+"#2:2", 1)
		if !changed || got != tc.want {
			t.Errorf("%s: got %s, %v; want %s", tc.name, got, changed, tc.want)
		}
	}
}

func TestNewSecretKeys(t *testing.T) {
	s := scrub.New()
	for key, want := range map[string]bool{
		"auth": true, "basic_auth": true, "pwd": true, "MYSQL_PWD": true, "pass": true, "PGPASS": true,
		"connection_string": true, "ConnectionString": true, "signing_key": true, "encryption_key": true,
		"AccountKey": true, "Ocp-Apim-Subscription-Key": true, "client-key-data": true, "creds": true,
		".dockerconfigjson": true, "secret_key_base": true,
		"author": false, "oauth_scopes": false, "bypass": false, "compass": false, "signature": false, "sig": false,
		"client-certificate-data": false, "password_file": false,
	} {
		if got := s.SecretKey(key); got != want {
			t.Errorf("SecretKey(%q) = %v, want %v", key, got, want)
		}
	}
}
