package codexotlp

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/codextel/codextel/core/telemetry"
)

// The credentials of TestStartErrorsKeepSecrets, each a token the scrubber
// knows or a value only the error's wording could leak.
const (
	bearer   = "sk-proj-Zq8vX3kP9mR2tL7wN4bY6cH1dF5gJ0aS"
	password = "hunter2hunter2"
	queryKey = "qk7Hs9LmP2xR4vT8"
)

// TestStartErrorsKeepSecrets: a malformed header list, endpoint or TLS
// setting is an error that says what is wrong and where, and quotes none of
// the credentials written there: not a header's value (a pair written
// without '=' is all value), not a URL's user information or query.
func TestStartErrorsKeepSecrets(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  envMap
		want string // what the error must say
	}{
		{"header without '='", envMap{EnvHeaders: "x-team=obs,Authorization: Bearer " + bearer}, "item 2 (of the comma-separated list) has no '='"},
		{"header value badly escaped", envMap{EnvHeaders: "api-key=" + password + "%zz"}, `key "api-key": its value is not URL-encoded`},
		{"header key badly escaped", envMap{EnvHeaders: password + "%zz=1"}, "item 1 (of the comma-separated list): its key is not URL-encoded"},
		{"header key empty", envMap{EnvHeaders: "=" + password}, "item 1 (of the comma-separated list) has an empty key"},
		{"endpoint not http", envMap{EnvEndpoint: "ftp://admin:" + password + "@collector:4318/?token=" + queryKey}, `endpoint "ftp://REDACTED@collector:4318/?REDACTED" is not an http:// or https:// URL`},
		{"endpoint not a URL", envMap{EnvEndpoint: "http://admin:" + password + "@[::1"}, "is not an http:// or https:// URL"},
		{"tls on plain http", envMap{EnvEndpoint: "http://admin:" + password + "@collector:4318?key=" + queryKey, EnvCACertFile: "/nonexistent"}, "the endpoint http://REDACTED@collector:4318?REDACTED is plain http"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bus := telemetry.New()
			p, err := Start(context.Background(), bus, WithEnv(tc.env.lookup))
			if err == nil {
				_ = p.Shutdown(context.Background())
				t.Fatalf("Start accepted %v", tc.env)
			}
			msg := err.Error()
			for _, secret := range []string{bearer, password, queryKey} {
				if strings.Contains(msg, secret) {
					t.Errorf("the error quotes a credential: %s", msg)
				}
			}
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q\ndoes not say %q", msg, tc.want)
			}
		})
	}
}

// TestDefaultReporterScrubs: the reporter Start uses without
// WithErrorHandler scrubs what it prints, as an exporter's error may quote a
// header or a URL.
func TestDefaultReporterScrubs(t *testing.T) {
	var out bytes.Buffer
	report := reportTo(&out)
	report(errors.New(`codexotlp: exporting 3 logs failed: Post "http://collector:4318/v1/logs": 401, sent Authorization: Bearer ` + bearer))
	if strings.Contains(out.String(), bearer) || !strings.Contains(out.String(), "exporting 3 logs failed") {
		t.Errorf("reported %q", out.String())
	}
}
