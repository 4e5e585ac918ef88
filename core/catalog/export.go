package catalog

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteJSON writes the whole catalog as one indented JSON document:
// {"correlation_fields": [...], "events": [...]}, events in catalog order, with
// levels by name ("INFO"). This is what `codextel events --json` prints and
// what the CPython conformance reference reads.
func WriteJSON(w io.Writer) error {
	doc := struct {
		CorrelationFields []Field  `json:"correlation_fields"`
		Events            []*Entry `json:"events"`
	}{CorrelationFields(), entries}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// WriteMarkdown writes the catalog as the Markdown of docs/events.md.
func WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# Event catalog\n\n")
	b.WriteString("<!-- Generated from core/catalog by `go generate ./catalog` in core; do not edit. -->\n\n")
	b.WriteString("Every event codextel emits, with the Python logger and level it is logged at, its message, and its fields.\n")
	b.WriteString("Messages show the redacted form first; the data form, used only when logging of model or tool data is turned on, follows it.\n")
	b.WriteString("High-volume events may be throttled; the others never are.\n")
	b.WriteString("Before any handler sees an event, the bus scans its metadata for secrets, except the values it knows cannot hold one: numbers and flags, the listed words of an enum field, and the id-shaped values of an id field; any other value of those fields is scanned like text (see docs/safeguards.md).\n\n")
	b.WriteString("## Correlation fields\n\nEvery event carries these fields, after its own metadata, when the context it was emitted in has them:\n\n")
	b.WriteString("| Field | Type | Meaning |\n|---|---|---|\n")
	for _, f := range CorrelationFields() {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", f.Key, f.Type, cell(f.Doc))
	}
	b.WriteString("\n## Summary\n\n| Event | Logger | Level | Message | High volume |\n|---|---|---|---|---|\n")
	for _, e := range entries {
		level := e.Level.String()
		if e.DataLevel != 0 && e.DataLevel != e.Level {
			level += " / " + e.DataLevel.String()
		}
		msg := "`" + cell(e.Message) + "`"
		if e.DataMessage != "" {
			msg += " / `" + cell(e.DataMessage) + "`"
		}
		fmt.Fprintf(&b, "| [`%s`](#%s) | `%s` | %s | %s | %s |\n", e.Name, anchor(e.Name), e.Logger, level, msg, yesNo(e.HighVolume))
	}
	for _, e := range entries {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n\n", e.Name, e.Doc)
		fmt.Fprintf(&b, "- Logger `%s`, level %s: `%s`\n", e.Logger, e.Level, cell(e.Message))
		if e.DataMessage != "" {
			level := e.Level
			if e.DataLevel != 0 {
				level = e.DataLevel
			}
			fmt.Fprintf(&b, "- With data logging on, level %s: `%s`\n", level, cell(e.DataMessage))
		}
		fmt.Fprintf(&b, "- High volume: %s\n", yesNo(e.HighVolume))
		if len(e.Measurements)+len(e.Metadata) == 0 {
			continue
		}
		b.WriteString("\n| Field | Kind | Type | Data | Meaning |\n|---|---|---|---|---|\n")
		for _, f := range e.Measurements {
			row(&b, f, "measurement")
		}
		for _, f := range e.Metadata {
			row(&b, f, "metadata")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func row(b *strings.Builder, f Field, kind string) {
	key := "`" + f.Key + "`"
	if f.Optional {
		key += " (optional)"
	}
	data := ""
	if f.Data != NoData {
		data = f.Data.String()
	}
	typ, doc := string(f.Type), f.Doc
	switch f.Kind {
	case Enum:
		typ += " (enum)"
		doc += " Not scanned for secrets when one of: `" + strings.Join(f.Values, "`, `") + "`."
	case ID:
		typ += " (id)"
		doc += " Not scanned for secrets when id-shaped (item_N, a UUID, a number)."
	}
	fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", key, kind, typ, data, cell(doc))
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", `\n`).Replace(s)
}

// anchor is the heading anchor GitHub makes for an event name.
func anchor(name string) string { return strings.ReplaceAll(name, ".", "") }

func yesNo(v bool) string {
	if v {
		return "yes"
	}
	return "no"
}
