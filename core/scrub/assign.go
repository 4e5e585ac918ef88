package scrub

import (
	"math"
	"strings"
)

// The assignment layer: a secret written as the value of a secret name in
// free text. It covers, wherever they appear in a text,
//
//	NAME=value  NAME = value  NAME: value  NAME := value     env dumps, .env, INI, YAML, code
//	"name": "value"  'name': 'value'  \"name\": \"value\"     JSON, Python reprs, JSON inside JSON
//	--name value  --name=value  -name value                  command-line flags
//	Header-Name: value                                       HTTP headers
//	-pSECRET (mysql), -p SECRET (sshpass, docker login …),
//	-u user:SECRET (curl), -a SECRET (redis-cli)             short options that take a password
//
// where NAME is a secret name as [Scrubber.SecretKey] understands them
// (DB_PASSWORD, x-api-key, accessToken, --db-password …), plus sig and
// signature (URL signatures), plus any upper-case environment name ending in
// _KEY (STRIPE_KEY). It is gitleaks' generic-api-key rule turned around:
// gitleaks looks for a keyword anywhere in the name
// ((?i)[\w.-]{0,50}?(?:access|auth|api|credential|creds|key|passw(?:or)?d|secret|token)…)
// and wants 10 to 150 bytes of entropy 3.5 or more after it; here the name
// must end with a secret name (so that "max_tokens=4096", "token_count: 3"
// and "password_file=/run/secrets/db" are not assignments of secrets), and
// the value is judged by the kind of name:
//
//   - password, passwd, pwd, pass, passphrase, secret, credentials, api_key,
//     private_key, account_key, connection_string …: any value except a
//     placeholder, a path, a keyword or code (see [plausible]), and except
//     an unquoted word of letters only where code or prose could have
//     written it (see [wordValue]): a password can be a plain word, in
//     NAME=word or "password: word" at the end of a line.
//   - token, auth, sig, signature, NAME_KEY (and PWD, which is usually the
//     working directory): the value must look random ([random]): 8 bytes or
//     more, with a digit (or + / = and 16 bytes), shaped like a credential
//     ([credential]), and of Shannon entropy at least min(3.5, log2(len)-0.7)
//     bits per byte (3.0 for hex). This keeps eos_token: </s>,
//     "token": "abc", cfg.ClientAuth = VerifyClientCert and prose
//     ("auth: required") out.
//   - cookie and set-cookie: the rest of the line (every cookie in it), when
//     it holds name=value pairs or is quoted.
//   - authorization and proxy-authorization: the credential after the scheme
//     word ("token", "Bearer", "Digest" …), judged as a token.
//
// In code, := takes only quoted values, a call (x = f(…)) is no value, and
// a quote right after the operator that closes the string the name is in
// ("PWD="+dir) starts none. Names of pagination cursors (page_token,
// next_token …) and go test's "PASS" are not secret names.
//
// Only the value is replaced; the name, the quotes and the scheme word stay.

// Kinds of secret name, by what their values must look like.
const (
	tierNone   = iota
	tierWeak   // the value must look random (tokens, signatures)
	tierStrong // any value but a placeholder (passwords, keys)
	tierLine   // the rest of the line (cookies)
	tierAuth   // a scheme word, then a credential (authorization)
)

// maxJudged bounds how much of a value [random] and [identifier] read, so
// that judging values costs constant time per candidate.
const maxJudged = 256

// maxName bounds the length of a name read back from an assignment, so that
// reading names costs constant time per candidate.
const maxName = 96

// assign matches a secret value assigned to a secret name with = or : (or
// :=) at v[i].
func (sc *scan) assign(i int, spans []span) []span {
	v := sc.v
	k := i + 1
	if v[i] == '=' {
		if i > 0 && strings.IndexByte("=!<>:+-*/%&|^~", v[i-1]) >= 0 {
			return spans // ==, !=, <=, := (seen at the colon), +=, …
		}
		if k < len(v) && (v[k] == '=' || v[k] == '>' || v[k] == '~') {
			return spans // ==, =>, =~
		}
	} else {
		if i > 0 && v[i-1] == ':' {
			return spans
		}
		switch {
		case k < len(v) && v[k] == '=':
			k++ // :=
		case k < len(v) && v[k] == ':':
			return spans // ::
		case strings.HasPrefix(v[k:], "//") || strings.HasPrefix(v[k:], `\/\/`):
			return spans // a URL's scheme
		}
	}
	j := i
	for n := 0; j > 0 && (v[j-1] == ' ' || v[j-1] == '\t') && n < 4; n++ {
		j--
	}
	spaced := j < i || (k < len(v) && (v[k] == ' ' || v[k] == '\t'))
	var closed byte // the quote that closes a quoted name: "name": …
	if j > 0 && (v[j-1] == '"' || v[j-1] == '\'') {
		closed = v[j-1]
		j--
		for j > 0 && v[j-1] == '\\' {
			j--
		}
	}
	e := j
	// Most names are not secret: reject them on their last two bytes before
	// reading them whole.
	if e < 2 || !sc.keys.mayEnd(v[e-2], v[e-1]) {
		return spans
	}
	for j > 0 && e-j <= maxName && class[v[j-1]]&cName != 0 && !escapeBefore(v, j) {
		j--
	}
	if j == e || e-j > maxName || (j > 0 && (v[j-1] == '@' || v[j-1] == '/')) {
		return spans // no name, too long, or in a URL: user:pass@host, /path/name:…
	}
	tier := sc.tier(v[j:e])
	if tier == tierNone {
		return spans
	}
	ctx := ctxData
	switch {
	case k > i+1:
		ctx = ctxWalrus
	case v[i] == ':':
		ctx = ctxColon
	case spaced:
		ctx = ctxSpaced
	}
	// A quote right after the operator that closes a string the name is in
	// ("PWD="+dir, println("token:", t)) starts no value.
	w := k
	for w < len(v) && w-k < 8 && (v[w] == ' ' || v[w] == '\t') {
		w++
	}
	if w < len(v) && (v[w] == '"' || v[w] == '\'') && closed == 0 &&
		((j > 0 && v[j-1] == v[w]) || (v[i] == ':' && w == k)) {
		return spans
	}
	return add(spans, sc.value(k, tier, ctx, v[j:e]))
}

// Contexts of a value, which say how much an unquoted word is trusted to be
// a value rather than code.
const (
	ctxData   = iota // NAME=value, --name value: a shell or config line
	ctxSpaced        // name = value: also an assignment in code
	ctxColon         // name: value: YAML, headers, but also code (Password: pw,)
	ctxWalrus        // name := value: Go code, only quoted values count
)

// flag matches the value of a command-line flag named by a secret name,
// --password X or -password X, and the short options that take a password
// in the commands that have them. The dashes are v[i:e].
func (sc *scan) flag(i, e int, spans []span) []span {
	v := sc.v
	if i > 0 {
		switch v[i-1] {
		case ' ', '\t', '\n', '"', '\'', '(', '[', ',':
		default:
			if !escapeBefore(v, i) {
				return spans
			}
		}
	}
	n := e
	for n < len(v) && n-e <= maxName && class[v[n]]&cName != 0 {
		n++
	}
	if n == e || n-e > maxName || (n < len(v) && v[n] == '=') {
		return spans // --name=value is found at the =
	}
	name := v[e:n]
	if e-i == 1 && (len(name) == 1 || name[0] == 'p') {
		spans = sc.shortOption(e, n, spans)
		if len(name) == 1 {
			return spans
		}
	}
	if n == len(v) || (v[n] != ' ' && v[n] != '\t') {
		return spans
	}
	if name == "user" || name == "proxy-user" {
		return sc.shortOption(e, n, spans)
	}
	if n-e >= 2 && !sc.keys.mayEnd(v[n-2], v[n-1]) {
		return spans // most flags: a quick test before the names are read
	}
	tier := sc.tier(name)
	if tier == tierNone {
		return spans
	}
	return add(spans, sc.value(n, tier, ctxData, name))
}

// Commands whose options take a password, as found by [scan.command].
const (
	cmdMySQL   = 1 << iota // mysql, mysqldump, mysqladmin, mariadb: -pSECRET
	cmdSSHPass             // sshpass -p SECRET
	cmdLogin               // docker, podman, helm … login -p SECRET
	cmdCurl                // curl -u user:SECRET, --user, --proxy-user, -U
	cmdRedis               // redis-cli -a SECRET
)

// shortOption matches the password given to a short option (or curl's
// --user) named v[e:n] in the commands that take one.
func (sc *scan) shortOption(e, n int, spans []span) []span {
	v := sc.v
	name := v[e:n]
	switch name {
	case "p", "a", "u", "U", "user", "proxy-user":
	default:
		if name[0] != 'p' {
			return spans
		}
	}
	cmd := sc.command(e)
	if cmd == 0 {
		return spans
	}
	switch {
	case name[0] == 'p' && len(name) > 1 && cmd&cmdMySQL != 0:
		// -pSECRET, attached: mysql reads -p SECRET as a prompt and a
		// database name.
		b := e + 1
		end, _ := sc.memoRun(slotValue, b, cValue)
		if plausible(v[b:end], false) {
			spans = append(spans, span{b, end})
		}
	case name == "p" && cmd&(cmdSSHPass|cmdLogin) != 0, name == "a" && cmd&cmdRedis != 0:
		spans = add(spans, sc.value(n, tierStrong, ctxData, name))
	case (name == "u" || name == "U" || name == "user" || name == "proxy-user") && cmd&cmdCurl != 0:
		k := n
		for k < len(v) && (v[k] == ' ' || v[k] == '\t') {
			k++
		}
		if k == n {
			return spans
		}
		if k < len(v) && (v[k] == '"' || v[k] == '\'') {
			k++
		}
		end, _ := sc.memoRun(slotValue, k, cValue)
		if c := strings.IndexByte(v[k:end], ':'); c >= 0 && plausible(v[k+c+1:end], false) {
			spans = append(spans, span{k + c + 1, end})
		}
	}
	return spans
}

// A segMemo remembers the shell segment (the text between two of newline ;
// | & ` and ( ) last looked at by [scan.command]: where it starts, how far it
// was read, and the commands found in it.
type segMemo struct {
	start, to int
	cmds      uint8
	valid     bool
}

// command returns the commands (cmd* bits) named in the shell segment that
// ends at v[i]. Flags are met in increasing order, so each byte of the text
// is read a bounded number of times.
func (sc *scan) command(i int) uint8 {
	v := sc.v
	m := &sc.seg
	if !m.valid || m.to > i {
		m.valid, m.start, m.to, m.cmds = true, 0, 0, 0
	}
	// The last separator between the last read and i starts the segment.
	for k := i - 1; k >= m.to; k-- {
		c := v[k]
		if c == '\n' || c == ';' || c == '|' || c == '&' || c == '`' || c == '(' ||
			(c == 'n' && k > 0 && v[k-1] == '\\') {
			m.start, m.cmds = k+1, 0
			break
		}
	}
	from := max(m.start, m.to-16) // a name cut by the last read
	m.cmds |= commandsIn(v[from:i])
	m.to = i
	return m.cmds
}

func commandsIn(s string) uint8 {
	var c uint8
	if strings.Contains(s, "mysql") || strings.Contains(s, "mariadb") {
		c |= cmdMySQL
	}
	if strings.Contains(s, "sshpass") {
		c |= cmdSSHPass
	}
	if strings.Contains(s, " login") {
		c |= cmdLogin
	}
	if strings.Contains(s, "curl") {
		c |= cmdCurl
	}
	if strings.Contains(s, "redis-cli") {
		c |= cmdRedis
	}
	return c
}

// tier returns the kind of secret name name is, or tierNone.
func (sc *scan) tier(name string) int {
	switch name {
	case "PASS":
		return tierNone // "--- PASS: TestName", go test's verdict
	case "PWD", "OLDPWD":
		return tierWeak // the working directory, unless the value looks random (ODBC's PWD=…)
	}
	matched, ok := sc.keys.find(name)
	if !ok {
		if envKey(name) {
			return tierWeak
		}
		return tierNone
	}
	for _, x := range notSecretNames {
		if suffixAt(name, x) >= 0 {
			return tierNone
		}
	}
	switch {
	case matched == "cookie" || matched == "setcookie":
		return tierLine
	case matched == "authorization" || matched == "proxyauthorization":
		return tierAuth
	case strings.HasSuffix(matched, "token") || matched == "auth" || matched == "sig" || matched == "signature":
		return tierWeak
	}
	return tierStrong
}

// notSecretNames end secret names whose values are not secrets: pagination
// cursors.
var notSecretNames = []string{"pagetoken", "nexttoken", "continuationtoken", "synctoken", "cursortoken"}

// envKey reports whether name is an upper-case environment name ending in
// _KEY, such as STRIPE_KEY.
func envKey(name string) bool {
	if len(name) < 5 || !strings.HasSuffix(name, "_KEY") {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; class[c]&(cUpper|cDigit) == 0 && c != '_' {
			return false
		}
	}
	return true
}

// value matches the value that starts at v[k] (after spaces), assigned to a
// name of the given tier in the given context (ctx*).
func (sc *scan) value(k, tier, ctx int, name string) span {
	v := sc.v
	for n := 0; k < len(v) && (v[k] == ' ' || v[k] == '\t') && n < 8; n++ {
		k++
	}
	if k >= len(v) {
		return none
	}
	b := k
	var q byte
	if v[b] == '\\' {
		for b < len(v) && v[b] == '\\' {
			b++
		}
		if b == len(v) || (v[b] != '"' && v[b] != '\'') {
			return none
		}
	}
	if v[b] == '"' || v[b] == '\'' {
		q = v[b]
		b++
	}
	if q == 0 && ctx == ctxWalrus {
		return none
	}
	var e int
	switch {
	case q == '"':
		e, _ = sc.memoRun(slotDQ, b, cNotDQ)
	case q == '\'':
		e, _ = sc.memoRun(slotSQ, b, cNotSQ)
	case tier == tierLine || tier == tierAuth:
		e, _ = sc.memoRun(slotLine, b, cLine)
	default:
		e, _ = sc.memoRun(slotValue, b, cValue)
	}
	if q == 0 && e < len(v) && v[e] == '(' {
		return none // a call: password = getpass(), auth = b64encode(…)
	}
	if q != 0 && b < e && v[b] == ' ' {
		return none // code after a string that ended at the operator: "token=" + repr(t)
	}
	switch tier {
	case tierAuth:
		// A scheme word and spaces, then the credential.
		w := b
		for w < e && (class[v[w]]&(cAlnum) != 0 || (w > b && v[w] == '-')) {
			w++
		}
		if w > b && w < e && v[w] == ' ' {
			for w < e && v[w] == ' ' {
				w++
			}
			b = w
		}
		c, _ := sc.memoRun(slotValue, b, cValue)
		if q == 0 {
			e = min(c, e)
		}
		if !plausible(v[b:min(c, e)], q == 0) || !random(v[b:min(c, e)]) {
			return none
		}
	case tierLine:
		// Cookies are name=value pairs; in code (cookie = m.cookie,
		// cookie: clone(c)) the rest of the line is an expression.
		x := strings.TrimSpace(v[b:e])
		if !plausible(x, false) || (q == 0 && (ctx == ctxSpaced || strings.IndexByte(x, '=') < 0)) {
			return none
		}
	case tierWeak:
		if !plausible(v[b:e], q == 0) || !random(v[b:e]) {
			return none
		}
	case tierStrong:
		if !plausible(v[b:e], q == 0) {
			return none
		}
		if q == 0 && lettersOnly(v[b:e]) && !wordValue(v, e, ctx) {
			return none // a word in prose or code: "Password: The one …", "pwd: cwd}"
		}
	}
	if e <= b || sameName(v[b:e], name) {
		return none // encodeUserPassword: "encodeUserPassword"
	}
	return span{b, e}
}

// plausible reports whether x can be a secret value rather than a
// placeholder, a reference or a keyword: not empty; not starting like a
// variable, template, tag, list or mask ($ < [ { ( * %s); not a path (/ ./
// ../ ~/); not the replacement text of the default scrubber; not a keyword
// such as true, null, none, required or string; of at least three distinct
// bytes. Unquoted values must also not be identifiers that merely name the
// secret (password=password, token: self.token), nor start with a dash (the
// next flag).
func plausible(x string, unquoted bool) bool {
	if len(x) < 3 || x == DefaultReplacement {
		return false
	}
	switch x[0] {
	case '$', '<', '[', '{', '(', '*':
		return false
	case '%':
		if len(x) < 3 || class[x[1]]&cHex == 0 || class[x[2]]&cHex == 0 {
			return false // %s, %#v, %(password)s; but %2B… is URL-encoded
		}
	case '/':
		return false
	case '.', '~':
		if strings.HasPrefix(x, "./") || strings.HasPrefix(x, "../") || strings.HasPrefix(x, "~/") {
			return false
		}
	case '-':
		if unquoted {
			return false
		}
	}
	if strings.HasPrefix(x, "{{") || strings.HasSuffix(x, "}}") || strings.HasPrefix(x, "...") || strings.HasPrefix(x, "…") {
		return false
	}
	var seen [4]uint64
	distinct := 0
	for i := 0; i < len(x) && distinct < 3; i++ {
		c := x[i]
		if seen[c/64]&(1<<(c%64)) == 0 {
			seen[c/64] |= 1 << (c % 64)
			distinct++
		}
	}
	if distinct < 3 {
		return false
	}
	if len(x) <= 9 {
		for _, w := range keywordValues {
			if strings.EqualFold(x, w) {
				return false
			}
		}
	}
	if unquoted && (identifier(x) || (len(x) > 2 && x[0] == '0' && x[1] == 'x' && run(x, 2, cHex) == len(x))) {
		return false // code: a name, or a number written in hex (0xfade0cc0)
	}
	return true
}

// keywordValues are values that say something about a secret rather than
// being one.
var keywordValues = []string{
	"true", "false", "null", "nil", "none", "undefined", "required", "optional", "invalid", "incorrect",
	"missing", "empty", "expired", "redacted", "hidden", "masked", "str", "string", "bytes", "int", "bool",
	"boolean", "number", "object", "any", "text", "unknown", "unset", "omitted", "dummy",
}

// identifier reports whether x reads as code rather than as a value: a
// dotted name without digits (self.password, os.Getenv, config.db.pass) or
// a plain name that holds a secret word (password, db_password, apiToken,
// testP256PrivateKey).
func identifier(x string) bool {
	if len(x) > maxJudged {
		return false
	}
	dots, lettersUnderscores := 0, true
	for i := 0; i < len(x); i++ {
		c := x[i]
		switch {
		case class[c]&(cUpper|cLower) != 0 || c == '_':
		case class[c]&cDigit != 0:
			lettersUnderscores = false
			if i == 0 || x[i-1] == '.' {
				return false
			}
		case c == '.':
			if i == 0 || i == len(x)-1 || x[i-1] == '.' {
				return false
			}
			dots++
		default:
			return false
		}
	}
	if dots > 0 {
		return lettersUnderscores // passwords hold digits; dotted names in code rarely do
	}
	for _, w := range []string{"pass", "pwd", "secret", "token", "key", "auth", "cred", "cookie"} {
		if hasWord(x, w) {
			return true
		}
	}
	return false
}

// hasWord reports whether the lower-case word w is a word of the name x: at
// its start or after an underscore in any case (password, db_password,
// DB_PASSWORD), or capitalised after a lower-case letter (userPassword,
// apiToken). Random tokens rarely hold one, "K7E9pwDIH" does not.
func hasWord(x, w string) bool {
	for i := 0; i+len(w) <= len(x); i++ {
		switch {
		case i == 0 || x[i-1] == '_':
			if hasPrefixFold(x[i:], w) {
				return true
			}
		case x[i] == w[0]-'a'+'A' && class[x[i-1]]&cLower != 0:
			if x[i+1:i+len(w)] == w[1:] {
				return true
			}
		}
	}
	return false
}

// sameName reports whether x and name are the same name, compared as
// [Scrubber.SecretKey] compares keys: without regard to case or separators.
func sameName(x, name string) bool {
	i, j := 0, 0
	for {
		for i < len(x) && isSep(x[i]) {
			i++
		}
		for j < len(name) && isSep(name[j]) {
			j++
		}
		if i == len(x) || j == len(name) {
			return i == len(x) && j == len(name)
		}
		if lower(x[i]) != lower(name[j]) {
			return false
		}
		i++
		j++
	}
}

// wordValue reports whether an unquoted word (letters only) ending at v[e]
// is a value rather than code or prose: it is, in a shell or config line
// (NAME=word, --name word), or after a colon at the end of a line (YAML:
// "password: word").
func wordValue(v string, e, ctx int) bool {
	switch ctx {
	case ctxData:
		return true
	case ctxColon:
		return e == len(v) || v[e] == '\n' || v[e] == '\r' || (v[e] == '\\' && e+1 < len(v) && (v[e+1] == 'n' || v[e+1] == 'r'))
	}
	return false
}

func hasDigitByte(x string) bool {
	for i := 0; i < len(x); i++ {
		if class[x[i]]&cDigit != 0 {
			return true
		}
	}
	return false
}

// lettersOnly reports whether x is made of ASCII letters only.
func lettersOnly(x string) bool {
	for i := 0; i < len(x); i++ {
		if class[x[i]]&(cUpper|cLower) == 0 {
			return false
		}
	}
	return true
}

// random reports whether x looks like a generated token rather than a
// word, a count or a version: 8 bytes or more, not only digits, shaped like
// a credential ([credential]), and of Shannon entropy at least
// min(3.5, log2(len(x))-0.7) bits per byte, or min(3.0, log2(len(x))-0.7)
// for hex (gitleaks generic-api-key wants 3.5 over 10 to 150 bytes; shorter
// tokens cannot reach it, nor can much hex).
func random(x string) bool {
	x = x[:min(len(x), maxJudged)]
	if len(x) < 8 || !credential(x) {
		return false
	}
	digits := true
	var counts [256]uint32
	for i := 0; i < len(x); i++ {
		counts[x[i]]++
		digits = digits && class[x[i]]&cDigit != 0
	}
	if digits || (!hasDigitByte(x) && (len(x) < 16 || !strings.ContainsAny(x, "+/="))) {
		return false // a count; or a word such as VerifyClientCertIfGiven
	}
	n := float64(len(x))
	h := 0.0
	hex := true
	for i := 0; i < len(x); i++ {
		hex = hex && class[x[i]]&cHex != 0
		if c := counts[x[i]]; c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
			counts[x[i]] = 0
		}
	}
	if hex {
		// Sixteen symbols give at most 4 bits a byte; random hex of 32 bytes
		// is around 3.7.
		return h >= min(3.0, math.Log2(n)-0.7)
	}
	return h >= min(3.5, math.Log2(n)-0.7)
}
