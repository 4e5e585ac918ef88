package suite

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
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
			out = AppendPrepared(out, &events[i])
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

// AppendPrepared appends e as one line of JSON in the format
// [eventjson.Parse] reads: what [eventjson.AppendEvent] writes, except that
// an empty object at the top of the metadata is kept. (AppendEvent builds
// the metadata with slog.GroupValue, which drops empty groups, so such a
// field would not read back; eventjson documents that Parse keeps it.)
// WriteReference checks that every line it writes reads back as the event
// it came from.
func AppendPrepared(dst []byte, e *telemetry.Event) []byte {
	dst = append(dst, '{')
	if !e.Time.IsZero() {
		dst = append(dst, `"time": "`...)
		dst = e.Time.AppendFormat(dst, time.RFC3339Nano)
		dst = append(dst, `", `...)
	}
	dst = append(dst, `"event": `...)
	dst = pylog.AppendJSON(dst, slog.StringValue(e.Name), false)
	if e.NumMeasurements() > 0 {
		dst = append(dst, `, "measurements": {`...)
		i := 0
		for m := range e.Measurements {
			if i++; i > 1 {
				dst = append(dst, ", "...)
			}
			dst = pylog.AppendJSON(dst, slog.StringValue(m.Key), false)
			dst = append(dst, ": "...)
			v := m.Value.Value()
			if v.Kind() == slog.KindDuration {
				v = slog.Int64Value(int64(v.Duration()))
			}
			dst = pylog.AppendJSON(dst, v, false)
		}
		dst = append(dst, '}')
	}
	if e.NumMetadata() > 0 {
		dst = append(dst, `, "metadata": {`...)
		i := 0
		for a := range e.Metadata {
			if i++; i > 1 {
				dst = append(dst, ", "...)
			}
			dst = pylog.AppendJSON(dst, slog.StringValue(a.Key), false)
			dst = append(dst, ": "...)
			dst = pylog.AppendJSON(dst, a.Value, false)
		}
		dst = append(dst, '}')
	}
	if ids := e.IDs(); ids != (correlation.IDs{}) {
		dst = append(dst, `, "ids": {`...)
		i := 0
		for _, f := range idFields(ids) {
			if f[1] == "" {
				continue
			}
			if i++; i > 1 {
				dst = append(dst, ", "...)
			}
			dst = pylog.AppendJSON(dst, slog.StringValue(f[0]), false)
			dst = append(dst, ": "...)
			dst = pylog.AppendJSON(dst, slog.StringValue(f[1]), false)
		}
		dst = append(dst, '}')
	}
	return append(dst, '}')
}

func idFields(ids correlation.IDs) [5][2]string {
	return [5][2]string{
		{"correlation_id", ids.Correlation}, {"thread_id", ids.Thread}, {"turn_id", ids.Turn},
		{"span_id", ids.Span}, {"parent_span_id", ids.ParentSpan},
	}
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
	for _, f := range idFields(e.IDs()) {
		b = append(b, " "+f[0]+"="...)
		b = strconv.AppendQuote(b, f[1])
	}
	return string(b)
}
