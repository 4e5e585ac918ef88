package codexotlp

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/codextel/codextel/core/scrub"
)

// The environment variables [Start] reads besides the standard OTEL_* ones,
// for parity with the Codex Elixir SDK's exporter.
const (
	EnvEnable     = "CODEX_OTLP_ENABLE"     // true: make spans (strconv.ParseBool)
	EnvEndpoint   = "CODEX_OTLP_ENDPOINT"   // base URL of the OTLP receiver: http://127.0.0.1:4318
	EnvHeaders    = "CODEX_OTLP_HEADERS"    // k=v,k2=v2 sent with every export (values URL-encoded)
	EnvCertFile   = "CODEX_OTLP_CERTFILE"   // client certificate (PEM) for mTLS
	EnvKeyFile    = "CODEX_OTLP_KEYFILE"    // its private key (PEM)
	EnvCACertFile = "CODEX_OTLP_CACERTFILE" // CA certificate (PEM) the receiver's certificate is checked against
)

// Protocols of OTLP exports, as OTEL_EXPORTER_OTLP_PROTOCOL spells them.
const (
	ProtocolHTTP = "http/protobuf"
	ProtocolJSON = "http/json" // OTLP/JSON over HTTP
	ProtocolGRPC = "grpc"
)

// parsePairs reads a list written as OTEL_EXPORTER_OTLP_HEADERS and
// OTEL_RESOURCE_ATTRIBUTES are: key=value pairs separated by commas,
// URL-encoded, in order. Its errors name the pair by its place in the list
// and never quote it: a header's value is mostly a credential, and a pair
// written wrongly ("Authorization: Bearer …") is all value.
func parsePairs(s string) ([][2]string, error) {
	var kvs [][2]string
	for i, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("item %d (of the comma-separated list) has no '=' between key and value", i+1)
		}
		k, err1 := url.PathUnescape(strings.TrimSpace(k))
		v, err2 := url.PathUnescape(strings.TrimSpace(v))
		switch {
		case err1 != nil:
			return nil, fmt.Errorf("item %d (of the comma-separated list): its key is not URL-encoded (a %% not followed by two hex digits)", i+1)
		case k == "":
			return nil, fmt.Errorf("item %d (of the comma-separated list) has an empty key", i+1)
		case err2 != nil:
			return nil, fmt.Errorf("item %d (of the comma-separated list), key %q: its value is not URL-encoded (a %% not followed by two hex digits)", i+1, k)
		}
		kvs = append(kvs, [2]string{k, v})
	}
	return kvs, nil
}

// parseHeaders reads a header list (see parsePairs); a key given twice keeps
// its last value.
func parseHeaders(s string) (map[string]string, error) {
	kvs, err := parsePairs(s)
	if err != nil {
		return nil, err
	}
	h := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		h[kv[0]] = kv[1]
	}
	return h, nil
}

// tlsConfig builds the client TLS configuration of mTLS files: a client
// certificate and key (both or neither) and a CA certificate (optional).
func tlsConfig(certFile, keyFile, caFile string) (*tls.Config, error) {
	if (certFile == "") != (keyFile == "") {
		return nil, fmt.Errorf("codexotlp: a client certificate needs both %s and %s", EnvCertFile, EnvKeyFile)
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("codexotlp: client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("codexotlp: CA certificate: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("codexotlp: CA certificate %s: no PEM certificate in it", caFile)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// lookupBool reads a boolean variable with strconv.ParseBool; unset or empty
// gives def.
func lookupBool(env func(string) (string, bool), name string, def bool) (bool, error) {
	v, ok := env(name)
	if !ok || strings.TrimSpace(v) == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		return def, fmt.Errorf("codexotlp: %s=%q is not a boolean", name, v)
	}
	return b, nil
}

// lookupInt reads a positive integer variable; unset or empty gives def.
func lookupInt(env func(string) (string, bool), name string, def int) (int, error) {
	v, ok := env(name)
	if !ok || strings.TrimSpace(v) == "" {
		return def, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n <= 0 {
		return def, fmt.Errorf("codexotlp: %s=%q is not a positive integer", name, v)
	}
	return n, nil
}

// scrubber is the scrubber of what codexotlp prints or returns: errors may
// quote an endpoint, and the SDK's and the network's errors may quote more.
var scrubber = sync.OnceValue(func() *scrub.Scrubber { return scrub.New() })

// scrubbed returns s with the secrets codextel's scrubber finds replaced.
func scrubbed(s string) string {
	clean, _ := scrubber().String(s)
	return clean
}

// safeURL is an endpoint as an error shows it: its user information and
// its query, where a credential may be, are replaced by REDACTED, its
// fragment is left out, and what remains (or the whole text, when it does
// not parse as a URL) is scrubbed.
func safeURL(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return scrubbed(endpoint)
	}
	c := *u
	if c.User != nil {
		c.User = url.User("REDACTED")
	}
	if c.RawQuery != "" || c.ForceQuery {
		c.RawQuery, c.ForceQuery = "REDACTED", false
	}
	c.Fragment, c.RawFragment = "", ""
	return scrubbed(c.String())
}
