package native

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/codextel/codextel/core/internal/lines"
)

// SignalOf tells a body's signal from its first member (resourceLogs,
// resourceSpans or resourceMetrics).
func SignalOf(body []byte) (Signal, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return "", errors.New("not a JSON object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", err
		}
		switch tok {
		case "resourceLogs":
			return Logs, nil
		case "resourceSpans":
			return Traces, nil
		case "resourceMetrics":
			return Metrics, nil
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return "", err
		}
	}
	return "", errors.New("no resourceLogs, resourceSpans or resourceMetrics member")
}

// bodyFile matches the bodies of a recorded export: NNN_v1_logs.json,
// NNN_v1_traces.json, NNN_v1_metrics.json, and .trimmed.json copies.
var bodyFile = regexp.MustCompile(`^[0-9]+_v1_(logs|traces|metrics)(\.trimmed)?\.json$`)

// Load adds a recorded export to the store: a directory of bodies named
// NNN_v1_{logs,traces,metrics}.json (read in name order; a .trimmed.json
// copy is read only when the whole body is absent; other files are
// ignored), or a file of JSON lines, one body per line (blank lines and
// lines starting with # are skipped). A body that cannot be read is
// reported in the returned error, which joins one error per bad body, and
// the rest is loaded; the error is nil when every body was read. A path
// that cannot be read at all is an error with nothing loaded.
func (s *Store) Load(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("native: %w", err)
	}
	if info.IsDir() {
		return s.loadDir(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("native: %w", err)
	}
	defer f.Close()
	return s.LoadLines(f, filepath.Base(path))
}

func (s *Store) loadDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("native: %w", err)
	}
	names := map[string]bool{}
	for _, e := range entries {
		if !e.IsDir() && bodyFile.MatchString(e.Name()) {
			names[e.Name()] = true
		}
	}
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(names)) {
		if whole, ok := strings.CutSuffix(name, ".trimmed.json"); ok && names[whole+".json"] {
			continue
		}
		body, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			errs = append(errs, fmt.Errorf("native: %w", err))
			continue
		}
		if int64(len(body)) > s.limits.MaxBody {
			errs = append(errs, s.reject(fmt.Errorf("native: %s: %d bytes, over the limit of %d", name, len(body), s.limits.MaxBody)))
			continue
		}
		sig := Signal(bodyFile.FindStringSubmatch(name)[1])
		if err := s.Add(sig, name, body); err != nil {
			errs = append(errs, err)
		}
	}
	if len(names) == 0 {
		return fmt.Errorf("native: %s: no OTLP bodies (NNN_v1_logs.json, NNN_v1_traces.json, NNN_v1_metrics.json) in the directory", dir)
	}
	return errors.Join(errs...)
}

// LoadLines adds the bodies of a JSON-lines stream, one body per line, each
// one's signal told by [SignalOf]; name names the stream in errors, its
// bodies being "NAME line N".
func (s *Store) LoadLines(r io.Reader, name string) error {
	lr := lines.NewReader(r, int(min(s.limits.MaxBody, 1<<30)))
	var errs []error
	for {
		line, err := lr.Next()
		if errors.Is(err, io.EOF) {
			return errors.Join(errs...)
		}
		var tooLong *lines.TooLongError
		if errors.As(err, &tooLong) {
			errs = append(errs, s.reject(fmt.Errorf("native: %s line %d: over the limit of %d bytes", name, tooLong.Line, s.limits.MaxBody)))
			continue
		}
		if err != nil {
			return errors.Join(append(errs, fmt.Errorf("native: %s: reading line %d: %w", name, lr.Line()+1, err))...)
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		body := fmt.Sprintf("%s line %d", name, lr.Line())
		sig, err := SignalOf(line)
		if err != nil {
			errs = append(errs, s.reject(fmt.Errorf("native: %s: not an OTLP/JSON body: %v", body, err)))
			continue
		}
		if err := s.Add(sig, body, line); err != nil {
			errs = append(errs, err)
		}
	}
}
