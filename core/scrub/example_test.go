package scrub_test

import (
	"errors"
	"fmt"
	"log/slog"
	"regexp"

	"github.com/codextel/codextel/core/scrub"
)

func Example() {
	s := scrub.New()
	out, changed := s.String(`curl -H "Authorization: Bearer abcDEF0123456789ghiJKL" https://deploy:hunter2pass@ci.example.com/hook`)
	fmt.Println(out)
	fmt.Println(changed)
	// Output:
	// curl -H "Authorization: Bearer [REDACTED]" https://deploy:[REDACTED]@ci.example.com/hook
	// true
}

// Values under secret keys are replaced whole, except numbers: token counts
// are kept.
func ExampleScrubber_Attr() {
	s := scrub.New()
	a := slog.Group("request",
		slog.String("url", "https://api.example.com/v1/responses"),
		slog.String("api_key", "anything at all"),
		slog.Int("input_tokens", 1234),
	)
	out, _ := s.Attr(a)
	fmt.Println(out)
	// Output: request=[url=https://api.example.com/v1/responses api_key=[REDACTED] input_tokens=1234]
}

// Errors keep being errors, with their message scrubbed; structs become maps
// keyed by their json names.
func ExampleScrubber_Value() {
	s := scrub.New()
	v, _ := s.Value("err", slog.AnyValue(errors.New("dial postgres://app:s3cr3t@db:5432/app: connection refused")))
	fmt.Println(v)

	type toolCall struct {
		Tool  string `json:"tool"`
		Token string `json:"github_token"`
		Tries int    `json:"tries"`
	}
	v, _ = s.Value("call", slog.AnyValue(toolCall{"gh", "whatever it is", 2}))
	fmt.Println(v)
	// Output:
	// dial postgres://app:[REDACTED]@db:5432/app: connection refused
	// map[github_token:[REDACTED] tool:gh tries:2]
}

func ExampleScrubber_SecretKey() {
	s := scrub.New()
	for _, key := range []string{"api_key", "X-Api-Key", "GITHUB_TOKEN", "accessToken", "input_tokens", "max_tokens", "tiktoken"} {
		fmt.Println(key, s.SecretKey(key))
	}
	// Output:
	// api_key true
	// X-Api-Key true
	// GITHUB_TOKEN true
	// accessToken true
	// input_tokens false
	// max_tokens false
	// tiktoken false
}

func ExampleWithPatterns() {
	s := scrub.New(
		scrub.WithReplacement("***"),
		scrub.WithKeys("tenant"),
		// With a group, only the group is replaced.
		scrub.WithPatterns(regexp.MustCompile(`pin=([0-9]{4})`)),
	)
	out, _ := s.String("login pin=1234 ok")
	fmt.Println(out)
	a, _ := s.Attr(slog.String("Tenant", "acme"))
	fmt.Println(a)
	// Output:
	// login pin=*** ok
	// Tenant=***
}

// A nil *Scrubber scrubs nothing: that is how scrubbing is turned off.
func Example_off() {
	var s *scrub.Scrubber
	out, changed := s.String("Authorization: Bearer abcDEF0123456789ghiJKL")
	fmt.Println(out, changed)
	// Output: Authorization: Bearer abcDEF0123456789ghiJKL false
}
