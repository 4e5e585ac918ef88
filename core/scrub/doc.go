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
// - _ @ : = I J G K 9 b B costs a single pass (for texts of 64 bytes or
// more, one vectorised search per trigger byte) and nothing more. The rules
// are hand-written matchers rather than regular expressions: gitleaks'
// generic-api-key expression alone costs hundreds of microseconds on a KiB
// of shell output, these rules together about a microsecond. Their shapes
// follow the rules of gitleaks (github.com/gitleaks/gitleaks,
// config/gitleaks.toml); rules.go and assign.go give the regular expression
// each rule is equivalent to, the gitleaks rule ids, and where and why it is
// looser.
//
// Vendor shapes, replaced whole:
//
//   - OpenAI and Anthropic keys, and the sk- keys of OpenAI-compatible
//     providers: sk- followed by at least 20 of [A-Za-z0-9_-], one a digit
//     (sk-proj-…, sk-svcacct-…, sk-admin-…, sk-ant-api03-…, sk-ant-oat01-…).
//   - AWS access key ids: AKIA or ASIA and 16 of [A-Z0-9], a run of exactly
//     20.
//   - GitHub tokens: ghp_, gho_, ghu_, ghs_, ghr_ and at least 36 letters or
//     digits; github_pat_ and at least 82 of [A-Za-z0-9_].
//   - GitLab tokens: glpat-, glptt-, glrt-, gldt-, glcbt-, gloas-, glsoat-,
//     glft-, glimt-, glagent- and at least 20 of [A-Za-z0-9_-].
//   - Slack tokens: xoxa-, xoxb-, xoxe-, xoxo-, xoxp-, xoxr-, xoxs- and app
//     tokens xapp-, with at least 8 of [A-Za-z0-9-], one a digit; and the
//     secret path of webhook URLs (https://hooks.slack.com/services/[REDACTED]).
//   - Google: API keys (AIza and exactly 35 of [A-Za-z0-9_-]), OAuth access
//     tokens (ya29. and at least 20), OAuth client secrets (GOCSPX- and at
//     least 24).
//   - Stripe: sk_live_, sk_test_, rk_live_, rk_test_ (and _prod_) keys with
//     at least 10 letters or digits, one a digit; webhook secrets whsec_.
//   - npm_ (36), Hugging Face hf_ (34), Groq gsk_ (40), PyPI pypi- (50),
//     SendGrid SG.….…, Twilio API key sids SK and 32 hex digits.
//   - JSON Web Tokens: eyJ…, a dot, ey…, a dot and an optional signature.
//   - HTTP credentials: the token after Bearer, or the user:password after
//     Basic (the word in any case, then at least 8 bytes that look like a
//     credential rather than a word); the word is kept.
//   - Passwords in URLs: scheme://user:password@host keeps everything but the
//     password, also when the slashes are JSON-escaped (postgres:\/\/u:p@h),
//     at any depth of escaping.
//   - PEM private keys: the BEGIN line, the key material after it (base64
//     words separated by white space or \n escapes, after optional headers
//     such as Proc-Type:) and the END line. A block cut short ends at its
//     last long base64 word; a BEGIN line with no key material after it, such
//     as one named in source code, is left alone, and so is the text after
//     it.
//
// Assignments (assign.go), of which only the value is replaced: a value
// given to a secret name in free text, as
//
//	NAME=value  NAME = value  NAME: value  NAME := "value"   env dumps, .env, INI, YAML, code
//	"name": "value"  'name': 'value'  \"name\": \"value\"    JSON, Python reprs, JSON in JSON
//	--name value  --name=value  -name value                  command-line flags
//	Header-Name: value                                       HTTP headers
//	mysql -pX, sshpass -p X, docker|podman|… login -p X,
//	curl -u user:X, redis-cli -a X                           short options that take a password
//
// where NAME ends with a secret name as [Scrubber.SecretKey] understands them
// (DB_PASSWORD, x-api-key, accessToken, --db-password, AccountKey, …), or is
// sig or signature, or an upper-case environment name ending in _KEY. The
// value must fit the name:
//
//   - passwords, secrets, keys, credentials, connection strings: any value
//     but a placeholder ($VAR, ${…}, {{…}}, <…>, [REDACTED], ***, %s, …, a
//     path, true/null/none/required/string …), code (a call, a dotted or
//     secret-named identifier, a hex number), or a word in prose or code (an
//     unquoted word of letters only counts in NAME=word, --name word, and
//     "name: word" at the end of a line);
//   - tokens, auth, sig, signature, NAME_KEY: a random-looking value: 8
//     bytes or more, with a digit (or + / = and 16 bytes), and of Shannon
//     entropy at least min(3.5, log2(len)-0.7) bits a byte (3.0 for hex).
//     This is gitleaks' generic-api-key test (3.5 over 10 to 150 bytes),
//     adjusted for short and hex tokens;
//   - Cookie and Set-Cookie: the rest of the line (every cookie in it);
//   - Authorization: the credential after the scheme word (token, Bearer,
//     Digest …), judged as a token.
//
// Names of pagination cursors (page_token, next_token …) are not secret
// names, nor is go test's PASS.
//
// Escapes: a key right after a \n, \t or \r escape starts a word
// ("line\nsk-proj-…"), and keys written with JSON's \u00XX escapes
// ("sk\u002dproj-…") are found in a decoded copy of the text, which is only
// made for texts holding such an escape.
//
// A rule needs its secret to start a word: "task-force" holds no sk- key.
// Ordinary look-alikes come through unchanged: hashes, UUIDs, git SHAs,
// base64 images, public keys and certificates, "Bearer" in source code,
// eos_token: <|endoftext|>, pagination cursors, resource names starting with
// sk-, token counts (input_tokens: 123, max_tokens=4096), Go and Python
// source that handles passwords. testdata/clean.jsonl lists the ones that are
// checked (with 60 lines of real Codex transcripts), and
// testdata/secrets.jsonl the secrets that are caught, each through String, a
// JSON string, a map key and a nested group.
//
// # Secret keys
//
// A value whose key names a secret is replaced whole, whatever it holds. The
// built-in names are api_key, apikey, x-api-key, authorization,
// proxy-authorization, password, passwd, pwd, pass, passphrase, secret,
// secrets, client_secret, secret_key, secret_key_base, token, access_token,
// refresh_token, id_token, cookie, set-cookie, private_key, access_key,
// account_key, subscription_key, signing_key, encryption_key, master_key,
// client_key_data, connection_string, credentials, credential, creds, auth,
// dockerconfigjson and dockercfg. Keys are compared without regard to case or
// separators, and a key matches when it ends with a name that starts a word
// of it: OPENAI_API_KEY, X-Api-Key, accessToken, github_token, db_password,
// AccountKey, Ocp-Apim-Subscription-Key and client-key-data are all secret
// keys (see [Scrubber.SecretKey]).
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
// their Go name). The keys of maps are also scrubbed as text: a secret used
// as a map key does not survive (the entry moves to the scrubbed key, with a
// #2, #3 … suffix if two keys scrub to the same text), and so are the keys
// of attributes and groups (a JSON object parsed into attributes, an
// environment turned into fields). Short plain names (fewer than 18 letters,
// digits and underscores, as every catalog field is) skip that scan: no
// built-in rule can match them. Under sig and signature, which name too much
// that is not secret to replace whole, a string is replaced when it looks
// generated, as in text.
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
//     A struct that has unexported fields (and is neither an error nor a
//     Stringer) becomes that map even when clean: handlers that print it
//     with %+v would otherwise print fields that were never checked.
//   - Values nested more than 32 deep, such as a cycle of pointers, and
//     values whose Error or String method panics are replaced by the
//     replacement text: what cannot be checked is not let through.
//
// Checking a clean value allocates nothing for strings, numbers, groups,
// []byte, errors and Stringers (beyond what their methods allocate),
// map[string]any, map[string]string, map[string][]string (and named types of
// these, such as http.Header), slices and arrays, and structs and pointers
// made of those (structs with exported fields only). Other map types are walked through reflection, at two small
// allocations per map.
//
// # Adding rules
//
// [WithKeys] adds secret names, matched like the built-in ones, as keys and
// as names in text (WithKeys("tenant_token") also catches
// "TENANT_TOKEN=…").
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
// Measured on the shared 2-core machine codextel is developed on: the code
// before and after issue 10 (the assignment layer, the new vendor rules, keys
// scrubbed as text), two test binaries run alternately, eight runs each,
// medians (docs/performance.md has the commands):
//
//	                                         before      after
//	BenchmarkScrub/clean_5_fields            123 ns      213 ns   0 allocs   tool, command, item id, int, bool
//	BenchmarkScrub/one_secret                456 ns      854 ns   1 alloc (was 2)
//	BenchmarkScrub/clean_struct              119 ns      169 ns   0 allocs
//	BenchmarkScrub/clean_map                 145 ns      228 ns   0 allocs
//	BenchmarkScrubString/clean_38B            36 ns       71 ns   0 allocs
//	BenchmarkScrubString/clean_1KiB          568 ns     1049 ns   0 allocs   shell output, dense in - : _ b
//	BenchmarkScrubString/clean_1KiB_json     525 ns     1580 ns   0 allocs   Codex JSON events, dense in : and "
//	BenchmarkScrubString/clean_1KiB_prose    343 ns      476 ns   0 allocs   English
//	BenchmarkScrubString/secret_1KiB        1693 ns     2689 ns   1 alloc (was 2)
//
// A clean text costs a vectorised search per trigger byte (about 18 ns a
// KiB) plus a few nanoseconds for each trigger byte found: the colon, which
// the assignment layer needs and shell output and JSON are full of, is most
// of the difference (about 320 ns on clean_1KiB). A text with a secret is
// built anew once, then scanned once more to confirm nothing is left.
// Scrubbing is linear in the length of the text, whatever the text
// (TestLinearTime).
//
// # Limits
//
// What is not caught, and why:
//
//   - A secret of no known shape that is not assigned to a secret name:
//     "the password is hunter2", a token alone on a line (kubectl … |
//     base64 -d), `aws configure set aws_secret_access_key X` (no operator),
//     .netrc's "password X", .pgpass lines, XML (<password>x</password>).
//     Telling these from prose needs more than a scan.
//   - A plain word as a password where code could have the same text:
//     "password = hunter" (spaces around =), "Password: hunter" followed by
//     more text on the line, "password: hunter," inside braces. Quoted, with
//     a digit or a symbol, or in NAME=word form, it is caught.
//   - A token (as opposed to a password) without a digit and shorter than
//     16 bytes, or of low entropy: token: abcdefgh.
//   - base64 of a secret, unless under a secret name (a Kubernetes Secret's
//     data: password: … is caught; an anonymous base64 blob is not).
//   - A token run together with the letters or digits of another word
//     ("keysk-proj-…"), as its start is not a word start.
//   - Escapes other than \u00XX, \n, \t, \r and escaped slashes in URLs:
//     URL-encoding of a whole URL (https%3A%2F%2Fu%3Ap%40h), HTML entities.
//   - Map keys of other kinds than strings are rendered with fmt only when
//     the map changes, and not scrubbed as text.
//
// Looking the other way, some ordinary text is redacted: values of fields
// named like secrets in code and test data (PrivateKey: "7d7dc5…",
// wantPassword: "secr3t"), and a few odd names that end with a secret name
// (a "PWD=dir" in prose is kept, but "ODBC;PWD=Xy12…" is not). Probed over
// the Go standard library's 2.8 million lines, 117 lines change, nearly all
// of them test keys and passwords. Values that render themselves through
// json.Marshaler or encoding.TextMarshaler are walked by their fields, not
// rendered. Scrubbing is idempotent as long as the replacement holds no
// secret and no added pattern matches it.
package scrub
