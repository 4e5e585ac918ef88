package eventjson

import (
	"log/slog"
	"time"

	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
)

// AppendEvent appends e as one line of JSON, in the format [Parse] reads,
// without a trailing newline: time (when set), event, measurements (durations
// as integer nanoseconds), metadata (in json.dumps' layout, non-ASCII kept)
// and ids (when any is set).
func AppendEvent(dst []byte, e *telemetry.Event) []byte {
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
			if i > 0 {
				dst = append(dst, ", "...)
			}
			i++
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
		// Attribute by attribute: slog.GroupValue would drop empty groups.
		dst = append(dst, `, "metadata": {`...)
		i := 0
		for a := range e.Metadata {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			i++
			dst = pylog.AppendJSON(dst, slog.StringValue(a.Key), false)
			dst = append(dst, ": "...)
			dst = pylog.AppendJSON(dst, a.Value, false)
		}
		dst = append(dst, '}')
	}
	ids := e.IDs()
	if ids != (correlation.IDs{}) {
		dst = append(dst, `, "ids": {`...)
		n := 0
		for _, f := range ids.Fields() {
			if f.Value == "" {
				continue
			}
			if n > 0 {
				dst = append(dst, ", "...)
			}
			n++
			dst = pylog.AppendJSON(dst, slog.StringValue(f.Key), false)
			dst = append(dst, ": "...)
			dst = pylog.AppendJSON(dst, slog.StringValue(f.Value), false)
		}
		dst = append(dst, '}')
	}
	return append(dst, '}')
}
