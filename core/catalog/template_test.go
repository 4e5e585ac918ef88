package catalog

import (
	"log/slog"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/codextel/codextel/core/pylog"
)

// naiveAppend is the reference Template.Append is checked against: every
// field searched from the start, its first value rendered by pylog.
func naiveAppend(t Template, attrs []slog.Attr) string {
	var b []byte
	for text, isField := range t.Parts {
		if !isField {
			b = append(b, text...)
			continue
		}
		v := slog.AnyValue(nil)
		for _, a := range attrs {
			if a.Key == text {
				v = a.Value
				break
			}
		}
		b = pylog.AppendStr(b, v)
	}
	return string(b)
}

func TestTemplateAppend(t *testing.T) {
	approved, _ := Lookup(ApprovalApproved) // metadata approval_kind, call_id, decision; measurements duration, duration_ms
	stop, _ := Lookup(ThreadStop)           // names thread_id, a correlation field
	tests := []struct {
		name  string
		tmpl  Template
		attrs []slog.Attr
		want  string
	}{
		{"declared order", approved.message, []slog.Attr{
			slog.String("approval_kind", "command"), slog.String("call_id", "c1"), slog.String("decision", "approved"),
			slog.Duration("duration", time.Second), slog.Float64("duration_ms", 1000),
		}, "Approval granted for command c1: approved"},
		{"another order", approved.message, []slog.Attr{
			slog.String("decision", "approved"), slog.String("call_id", "c1"), slog.String("approval_kind", "command"),
		}, "Approval granted for command c1: approved"},
		{"a field missing renders None", approved.message, []slog.Attr{
			slog.String("approval_kind", "command"), slog.String("decision", "approved"),
		}, "Approval granted for command None: approved"},
		{"a repeated key takes its first value, before the declared slot", approved.message, []slog.Attr{
			slog.String("decision", "first"), slog.String("call_id", "c1"), slog.String("decision", "second"),
		}, "Approval granted for None c1: first"},
		{"a repeated key takes its first value, in the declared slot", approved.message, []slog.Attr{
			slog.String("approval_kind", "command"), slog.String("call_id", "c1"), slog.String("decision", "first"), slog.String("decision", "second"),
		}, "Approval granted for command c1: first"},
		{"values as Python's str()", approved.message, []slog.Attr{
			slog.Int("approval_kind", 3), slog.Bool("call_id", true), slog.Float64("decision", 1),
		}, "Approval granted for 3 True: 1.0"},
		{"ill-formed UTF-8 replaced", approved.message, []slog.Attr{
			slog.String("approval_kind", "a\xffb"), slog.String("call_id", "c1"), slog.String("decision", "d"),
		}, "Approval granted for a\uFFFDb c1: d"},
		{"correlation field, searched", stop.message, []slog.Attr{slog.String("thread_id", "th-1")}, "Thread th-1 completed"},
		{"no attributes", stop.message, nil, "Thread None completed"},
	}
	for _, tt := range tests {
		got := string(tt.tmpl.Append([]byte("prefix:"), tt.attrs))
		if got != "prefix:"+tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, "prefix:"+tt.want)
		}
		if ref := naiveAppend(tt.tmpl, tt.attrs); ref != tt.want {
			t.Errorf("%s: the reference gives %q, the test wants %q", tt.name, ref, tt.want)
		}
	}
}

// TestTemplatePlans: every field a catalog template names is planned at
// its declared position, under the declared key's bytes (so that comparing
// it with an event's key mostly compares addresses), or searched for when
// the entry does not declare it (the correlation fields).
func TestTemplatePlans(t *testing.T) {
	for _, e := range All() {
		for _, tmpl := range []Template{e.message, e.dataMessage} {
			for _, p := range tmpl.parts {
				if !p.field {
					continue
				}
				var key string
				switch {
				case p.at < 0:
					if _, ok := e.Field(p.text); ok {
						t.Errorf("%s: declared field %q has no position", e.Name, p.text)
					}
					continue
				case p.at < len(e.Metadata):
					key = e.Metadata[p.at].Key
				case p.at-len(e.Metadata) < len(e.Measurements):
					key = e.Measurements[p.at-len(e.Metadata)].Key
				}
				if key != p.text {
					t.Errorf("%s: field %q planned at %d, which is %q", e.Name, p.text, p.at, key)
				}
				if unsafe.StringData(key) != unsafe.StringData(p.text) {
					t.Errorf("%s: field %q does not share the declared key's bytes", e.Name, p.text)
				}
			}
		}
	}
}

// FuzzTemplateAppend: for any order, repetition and omission of an entry's
// fields, Append renders what the plain search renders.
func FuzzTemplateAppend(f *testing.F) {
	f.Add(0, []byte{0, 1, 2, 3, 4})
	f.Add(0, []byte{2, 1, 0})
	f.Add(0, []byte{2, 2, 1, 2})
	f.Add(3, []byte{})
	entries := All()
	f.Fuzz(func(t *testing.T, which int, order []byte) {
		if which < 0 {
			which = -which
		}
		e := entries[which%len(entries)]
		keys := []string{"thread_id"}
		for _, fd := range e.Metadata {
			keys = append(keys, fd.Key)
		}
		for _, fd := range e.Measurements {
			keys = append(keys, fd.Key)
		}
		var attrs []slog.Attr
		for i, o := range order {
			attrs = append(attrs, slog.String(keys[int(o)%len(keys)], strings.Repeat("v", i%3)+string(rune('a'+i%26))))
		}
		for _, tmpl := range []Template{e.message, e.dataMessage} {
			if got, want := string(tmpl.Append(nil, attrs)), naiveAppend(tmpl, attrs); got != want {
				t.Errorf("%s: %q, want %q", e.Name, got, want)
			}
		}
	})
}
