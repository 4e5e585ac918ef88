package scrub

// defaultKeys are the names whose values are secrets, before normalisation.
// They are matched as described on [Scrubber.SecretKey].
var defaultKeys = []string{
	"api_key", "apikey", "x-api-key",
	"authorization", "proxy-authorization",
	"password", "passwd", "passphrase",
	"secret", "client_secret", "secret_key",
	"token", "access_token", "refresh_token", "id_token",
	"cookie", "set-cookie",
	"private_key", "access_key",
	"credentials",
	// Added for issue 10: the names of everyday secrets the list missed.
	"auth", "pwd", "pass", "credential", "creds", "secrets",
	"connection_string", "signing_key", "encryption_key", "master_key", "secret_key_base",
	"account_key", "subscription_key", "client_key_data",
	"dockerconfigjson", "dockercfg",
}

// textKeys are names that count as secret names in text assignments
// (sig=…, signature: …) but not as keys of values, where they name too much
// that is not secret (a function's signature).
var textKeys = []string{"sig", "signature"}

// normalizeKey returns name in lower case with everything but ASCII letters,
// digits and non-ASCII bytes removed: "X-API-Key" becomes "xapikey".
func normalizeKey(name string) string {
	b := make([]byte, 0, len(name))
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		case c >= 0x80 || class[c]&(cLower|cDigit) != 0:
			b = append(b, c)
		}
	}
	return string(b)
}

// isSep reports whether c separates words in a key: any ASCII byte that is
// not a letter or digit.
func isSep(c byte) bool { return c < 0x80 && class[c]&cAlnum == 0 }

// keySet is a set of normalised secret names, matched against the end of a
// key. A bitmap of the names' last two bytes rejects almost every other key
// after two table lookups; the rest are compared with the names that end in
// the same byte.
type keySet struct {
	tails  [1 << 16 / 64]uint64 // bit c2<<8 | c1: a name ends in c2 c1
	single [256]bool            // a name is the one byte c
	bucket [256]uint8           // 1 + index into names, 0 for none
	names  [][]string
}

func newKeySet(names []string) keySet {
	var ks keySet
	seen := make(map[string]bool)
	for _, n := range names {
		n = normalizeKey(n)
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		last := n[len(n)-1]
		if len(n) == 1 {
			ks.single[last] = true
		} else {
			t := uint16(n[len(n)-2])<<8 | uint16(last)
			ks.tails[t/64] |= 1 << (t % 64)
		}
		if ks.bucket[last] == 0 {
			ks.names = append(ks.names, nil)
			ks.bucket[last] = uint8(len(ks.names))
		}
		b := ks.bucket[last] - 1
		ks.names[b] = append(ks.names[b], n)
	}
	return ks
}

// match reports whether key, compared case- and separator-insensitively,
// ends with one of the names, and that name starts a word of key: at its
// start, after a separator, at an upper-case letter, or after a digit.
func (ks *keySet) match(key string) bool {
	_, ok := ks.find(key)
	return ok
}

// find is match, and also returns the normalised name that matched.
func (ks *keySet) find(key string) (string, bool) {
	if ks == nil {
		return "", false
	}
	i := len(key) - 1
	for i >= 0 && isSep(key[i]) {
		i--
	}
	if i < 0 {
		return "", false
	}
	c1 := lower(key[i])
	if !ks.single[c1] {
		j := i - 1
		for j >= 0 && isSep(key[j]) {
			j--
		}
		if j < 0 {
			return "", false
		}
		t := uint16(lower(key[j]))<<8 | uint16(c1)
		if ks.tails[t/64]&(1<<(t%64)) == 0 {
			return "", false
		}
	}
	b := ks.bucket[c1]
	if b == 0 {
		return "", false
	}
	for _, name := range ks.names[b-1] {
		if p := suffixAt(key[:i+1], name); p >= 0 && wordStart(key, p) {
			return name, true
		}
	}
	return "", false
}

// mayEnd reports whether a key whose last two bytes are c2 c1 (letters or
// digits) can match: a quick test before reading the key whole. Keys ending
// in a separator, or in a one-byte name, are let through.
func (ks *keySet) mayEnd(c2, c1 byte) bool {
	if isSep(c1) || isSep(c2) {
		return true
	}
	c1 = lower(c1)
	if ks.single[c1] {
		return true
	}
	t := uint16(lower(c2))<<8 | uint16(c1)
	return ks.tails[t/64]&(1<<(t%64)) != 0
}

// suffixAt returns the index in key where name, normalised, ends key, or -1.
func suffixAt(key, name string) int {
	i := len(key) - 1
	for j := len(name) - 1; j >= 0; j-- {
		for i >= 0 && isSep(key[i]) {
			i--
		}
		if i < 0 || lower(key[i]) != name[j] {
			return -1
		}
		i--
	}
	return i + 1
}

func wordStart(key string, p int) bool {
	if p == 0 {
		return true
	}
	prev, c := key[p-1], key[p]
	return isSep(prev) || (c >= 'A' && c <= 'Z') || (prev >= '0' && prev <= '9')
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
