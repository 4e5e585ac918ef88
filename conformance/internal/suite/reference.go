package suite

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/eventjson"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// WriteReference writes into dir what the CPython reference
// (python/render.py) renders from:
//
//   - catalog.json: the event catalog ([catalog.WriteJSON]);
//   - formats.json: every layout in every zone, with its golden name;
//   - <variant>.jsonl: the events of each variant of the scenarios in
//     fsys as the bus delivers them ([Prepare]), one a line
//     ([eventjson.AppendEvent]).
//
// Redaction and scrubbing are codextel's policy, not Python behaviour, so
// Python renders the prepared events; the mapping to log records and all
// the formatting it does on its own.
func WriteReference(dir string, fsys fs.FS) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var cat bytes.Buffer
	if err := catalog.WriteJSON(&cat); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "catalog.json"), cat.Bytes(), 0o644); err != nil {
		return err
	}
	type format struct {
		Name        string  `json:"name"`
		TZ          string  `json:"tz"`
		JSON        bool    `json:"json"`
		Fmt         string  `json:"fmt"`
		Datefmt     *string `json:"datefmt"`
		EnsureASCII bool    `json:"ensure_ascii"`
	}
	var formats []format
	for _, f := range Formats() {
		out := format{Name: f.Name, TZ: f.Zone.TZ, JSON: f.JSON, Fmt: f.Fmt, EnsureASCII: f.EnsureASCII}
		if f.Datefmt != "" {
			out.Datefmt = &f.Datefmt
		}
		formats = append(formats, out)
	}
	b, err := json.MarshalIndent(formats, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "formats.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	scenarios, err := Load(fsys)
	if err != nil {
		return err
	}
	for _, v := range Variants(scenarios) {
		events, err := Prepare(v)
		if err != nil {
			return err
		}
		var out []byte
		for i := range events {
			start := len(out)
			out = eventjson.AppendEvent(out, &events[i])
			back, err := eventjson.Parse(string(out[start:]))
			if err != nil {
				return fmt.Errorf("suite: %s: event %d does not read back: %w", v.Name, i+1, err)
			}
			if got, want := fingerprint(&back), fingerprint(&events[i]); got != want {
				return fmt.Errorf("suite: %s: event %d does not read back the same:\nwrote %s\nread  %s", v.Name, i+1, want, got)
			}
			out = append(out, '\n')
		}
		if err := os.WriteFile(filepath.Join(dir, v.Name+".jsonl"), out, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// fingerprint describes everything of e a log record is made from: two
// events with the same fingerprint render the same.
func fingerprint(e *telemetry.Event) string {
	b := []byte(e.Name)
	b = append(b, " @"...)
	b = e.Time.UTC().AppendFormat(b, time.RFC3339Nano)
	for m := range e.Measurements {
		b = append(b, " m:"...)
		b = strconv.AppendQuote(b, m.Key)
		b = append(b, m.Value.Kind().String()...)
		b = append(b, '=')
		b = append(b, m.Value.String()...)
	}
	for a := range e.Metadata {
		b = append(b, " a:"...)
		b = strconv.AppendQuote(b, a.Key)
		b = append(b, '=')
		b = pylog.AppendJSON(b, a.Value, true)
	}
	for _, f := range e.IDs().Fields() {
		b = append(b, " "+f.Key+"="...)
		b = strconv.AppendQuote(b, f.Value)
	}
	return string(b)
}
