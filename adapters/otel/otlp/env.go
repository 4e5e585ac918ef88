package codexotlp

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
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
// URL-encoded, in order.
func parsePairs(s string) ([][2]string, error) {
	var kvs [][2]string
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("%q has no '='", part)
		}
		k, err1 := url.PathUnescape(strings.TrimSpace(k))
		v, err2 := url.PathUnescape(strings.TrimSpace(v))
		if err := errors.Join(err1, err2); err != nil || k == "" {
			return nil, fmt.Errorf("%q is malformed", part)
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
