// Package scrub removes secrets from telemetry: API keys, tokens, passwords
// and private keys, in text and in [log/slog] values. The telemetry bus runs
// every event's metadata through a [Scrubber] before any handler sees it.
//
//	import "github.com/codextel/codextel/core/scrub"
//
//	s := scrub.New()
//	out, changed := s.String(`curl -H "Authorization: Bearer abc123…" …`)
//	a, changed := s.Attr(slog.String("command", cmd))
//
// A secret inside longer text is replaced in place and the text around it
// kept ("Bearer [REDACTED]"); a value under a secret key, such as api_key, is
// replaced whole. Anything that needs no change is returned as it was, the
// very same string or value, and for the common kinds without allocating. A
// Scrubber is immutable once made and safe for concurrent use.
//
// # What is detected in text
//
// Each rule is matched at a trigger byte, so text without any of the bytes
// - _ @ I J b B costs a single pass (for texts of 64 bytes or more, one
// vectorised search per trigger byte) and nothing more. The shapes follow the rules of gitleaks (github.com/gitleaks/gitleaks,
// config/gitleaks.toml); rules.go gives the regular expression each rule is
// equivalent to, the gitleaks rule ids, and where and why it is looser:
//
//   - OpenAI and Anthropic keys, and the sk- keys of OpenAI-compatible
//     providers: sk- followed by at least 20 of [A-Za-z0-9_-], one a digit
//     (sk-proj-…, sk-svcacct-…, sk-admin-…, sk-ant-api03-…, sk-ant-oat01-…).
//     gitleaks openai-api-key, anthropic-api-key, anthropic-admin-api-key,
//     anthropic-oauth-token.
//   - AWS access key ids: AKIA or ASIA and 16 of [A-Z0-9], a run of exactly
//     20. gitleaks aws-access-token.
//   - GitHub tokens: ghp_, gho_, ghu_, ghs_, ghr_ and at least 36 letters or
//     digits; github_pat_ and at least 82 of [A-Za-z0-9_]. gitleaks github-pat,
//     github-oauth, github-app-token, github-refresh-token,
//     github-fine-grained-pat.
//   - Slack tokens: xoxa-, xoxb-, xoxe-, xoxo-, xoxp-, xoxr-, xoxs- and at
//     least 8 of [A-Za-z0-9-], one a digit. gitleaks slack-bot-token,
//     slack-user-token, slack-legacy-*.
//   - Google API keys: AIza and exactly 35 of [A-Za-z0-9_-]. gitleaks
//     gcp-api-key.
//   - JSON Web Tokens: eyJ…, a dot, ey…, a dot and an optional signature, in
//     base64url. gitleaks jwt.
//   - HTTP credentials: the token after Bearer, or the user:password after
//     Basic (the word in any case, then spaces or tabs, then at least 8
//     bytes that look like a credential rather than a word); the word is kept.
//     gitleaks curl-auth-header.
//   - Passwords in URLs: scheme://user:password@host keeps everything but the
//     password.
//   - PEM private keys: from -----BEGIN … PRIVATE KEY----- to the matching END
//     line, the whole block; a block with no END line is redacted to the end
//     of the text. gitleaks private-key.
//
// A rule needs its secret to start a word: "task-force" holds no sk- key.
// Ordinary look-alikes (UUIDs, git hashes, Codex item ids such as item_3,
// "sk-learn", "the bearer of bad news", URLs without a password) come through
// unchanged; scrub_test.go and corpus_test.go list the ones that are checked.
//
// # Secret keys
//
// A value whose key names a secret is replaced whole, whatever it holds. The
// built-in names are api_key, apikey, x-api-key, authorization,
// proxy-authorization, password, passwd, passphrase, secret, client_secret,
// secret_key, token, access_token, refresh_token, id_token, cookie,
// set-cookie, private_key, access_key and credentials. Keys are compared
// without regard to case or separators, and a key matches when it ends with a
// name that starts a word of it: OPENAI_API_KEY, X-Api-Key, accessToken,
// github_token and db_password are all secret keys (see
// [Scrubber.SecretKey]).
//
// Token counts are not secrets, and codextel logs them everywhere. Keys such
// as input_tokens, max_tokens and total_token_usage do not end with a secret
// name ("tokens" is not "token"), so they are not secret keys; and numbers,
// booleans, durations and times are kept even under a key that is, so a count
// logged as "token": 5 survives too. Empty strings and nil are kept as well:
// they hide nothing.
//
// Keys are checked on attributes at every depth of a group, on the entries
// of maps with string keys, and on struct fields (by their json name and by
// their Go name).
//
// # How values are walked
//
//   - Strings are scrubbed as text.
//   - Groups are walked attribute by attribute; a changed group is a new
//     group with the same keys in the same order.
//   - A [slog.LogValuer] is resolved first. The resolved value is returned
//     even when clean, so that handlers render what was checked.
//   - An error is checked through its message and its exported fields; if
//     either holds a secret, it becomes an error whose message is the
//     scrubbed message.
//   - A [fmt.Stringer] is checked through its String method and its exported
//     fields; if either holds a secret, it becomes the scrubbed String text.
//     Named numbers such as [slog.Level] are not asked.
//   - A []byte is scrubbed as text (slog's text handler prints it as text); a
//     changed one becomes a string.
//   - Maps, slices, arrays and pointers are walked. A changed
//     map[string]string, map[string][]string or []string stays one (a named
//     type over one, such as http.Header, becomes the plain type); a changed
//     map[string]any or []any is a copy with the changed entries replaced;
//     any other changed map becomes a map[string]any and any other slice or
//     array a []any.
//   - A struct is walked through its exported fields; unexported fields are
//     not read. A changed struct becomes a map[string]any keyed by each
//     field's json name, or its Go name when it has none, and leaves the
//     unexported fields out. (A map rather than a group: a struct can sit
//     inside a map or slice, where slog groups mean nothing to encoders.)
//   - Values nested more than 32 deep, such as a cycle of pointers, and
//     values whose Error or String method panics are replaced by the
//     replacement text: what cannot be checked is not let through.
//
// Checking a clean value allocates nothing for strings, numbers, groups,
// []byte, errors and Stringers (beyond what their methods allocate),
// map[string]any, map[string]string, map[string][]string (and named types of
// these, such as http.Header), slices and arrays, and structs and pointers
// made of those. Other map types are walked through reflection, at two small
// allocations per map.
//
// # Adding rules
//
// [WithKeys] adds secret names, matched like the built-in ones.
// [WithPatterns] adds regular expressions; a match is replaced, or only its
// first group if it has one. [WithReplacement] changes the replacement text
// (default [DefaultReplacement]). Added expressions run on every string
// scrubbed, unless they begin with a literal, in which case only on strings
// that contain it.
//
// # Turning scrubbing off
//
// There is no option to turn a Scrubber off: a nil *Scrubber is valid and
// scrubs nothing, so whoever installs the scrubber (the telemetry bus) turns
// scrubbing off by not installing one. Prefer adding keys or patterns to
// turning it off.
//
// # Performance
//
// Measured on the shared 2-core machine codextel is developed on, median of
// ten runs of each benchmark, from core/:
//
//	go test ./scrub -run NONE -bench . -count 10
//
//	BenchmarkScrub/clean_5_fields           112 ns/op   0 allocs   tool, command, item id, int, bool
//	BenchmarkScrub/one_secret               400 ns/op   2 allocs   the same, an sk-proj- key in the command
//	BenchmarkScrub/clean_struct             112 ns/op   0 allocs
//	BenchmarkScrub/clean_map                150 ns/op   0 allocs
//	BenchmarkScrubString/clean_38B           35 ns/op   0 allocs
//	BenchmarkScrubString/clean_1KiB         690 ns/op   0 allocs   shell output, dense in - _ b B
//	BenchmarkScrubString/clean_1KiB_json    600 ns/op   0 allocs   Codex JSON events
//	BenchmarkScrubString/clean_1KiB_prose   380 ns/op   0 allocs   English
//	BenchmarkScrubString/secret_1KiB       2250 ns/op   2 allocs   the shell output with one key
//
// A clean text costs a vectorised search per trigger byte plus a few
// nanoseconds for each trigger byte found; a text with a secret is built anew
// once, then scanned once more to confirm nothing is left. Scrubbing is linear
// in the length of the text, whatever the text (TestLinearTime).
//
// # Limits
//
// Only the shapes above and the added patterns are found in text: a secret
// of another shape is only caught under a secret key. In particular an
// opaque value assigned in text ("--password hunter2", `"password":"…"` in a
// JSON string) is not found; add a pattern such as
// `(?i)password["']?\s*[:=]\s*["']?([^\s"']+)` where that matters, at the
// price of running it on every string. A token run together
// with the letters or digits of another word ("keysk-proj-…") is not
// recognised, as its start is not a word start. Map keys are compared as
// names, but their text is not scrubbed. Values that render themselves
// through json.Marshaler or encoding.TextMarshaler are walked by their fields,
// not rendered. Scrubbing is idempotent as long as the replacement holds no
// secret and no added pattern matches it.
package scrub
