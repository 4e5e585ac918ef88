package catalog

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/pylog"
)

// DataClass says whether a field carries data that the Python client keeps out
// of its logs unless asked: model data (prompts, agent messages, reasoning) or
// tool data (tool inputs and outputs, command output, diffs).
type DataClass uint8

// The data classes.
const (
	NoData    DataClass = iota // safe to log always
	ModelData                  // logged only when model data logging is on
	ToolData                   // logged only when tool data logging is on
)

// String returns "none", "model" or "tool".
func (c DataClass) String() string {
	switch c {
	case ModelData:
		return "model"
	case ToolData:
		return "tool"
	}
	return "none"
}

// MarshalText returns c's name.
func (c DataClass) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// Type is the type of a field's value.
type Type string

// The field types. Measurements are int, float or duration.
const (
	String   Type = "string"
	Int      Type = "int"
	Float    Type = "float"
	Bool     Type = "bool"
	Duration Type = "duration" // a Go time.Duration; Python renders it as a timedelta
	Time     Type = "time"
	List     Type = "list"
	Object   Type = "object" // nested key/value pairs, order kept
	Any      Type = "any"    // JSON-like: whatever the source carried
)

// FieldKind says what a string field holds, which decides whether the bus
// scans its values for secrets (see telemetry's field plan).
type FieldKind uint8

// The field kinds. The zero kind is free text: only a field whose values
// codextel or Codex defines (never text a user, a model or a tool wrote) is
// marked otherwise.
const (
	// Text may hold anything: every value is scanned for secrets.
	Text FieldKind = iota
	// Enum holds one of the words listed in the field's Values. A value
	// not listed there is scanned like text.
	Enum
	// ID holds an identifier Codex or codextel generates: item_N, a UUID,
	// or a number. A value of any other shape is scanned like text.
	ID
)

// String returns "text", "enum" or "id".
func (k FieldKind) String() string {
	switch k {
	case Enum:
		return "enum"
	case ID:
		return "id"
	}
	return "text"
}

// MarshalText returns k's name.
func (k FieldKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// A Field is one measurement or metadata attribute of an event.
type Field struct {
	Key      string    `json:"key"`
	Type     Type      `json:"type"`
	Doc      string    `json:"doc"`
	Data     DataClass `json:"data"`
	Optional bool      `json:"optional"`
	// Kind and Values say, for a string field, whether its values are
	// free text, one of Values, or ids (see [FieldKind]).
	Kind   FieldKind `json:"kind"`
	Values []string  `json:"values,omitempty"`
}

// IDShaped reports whether s has the shape of an [ID] field's value that
// needs no scan for secrets: "item_" and 1 to 19 digits (the exec stream's
// item ids), a UUID in its canonical 8-4-4-4-12 hex form, or 1 to 19
// digits (a JSON-RPC request id).
func IDShaped(s string) bool {
	switch {
	case len(s) == 36:
		for i := 0; i < 36; i++ {
			c := s[i]
			if i == 8 || i == 13 || i == 18 || i == 23 {
				if c != '-' {
					return false
				}
				continue
			}
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
		return true
	case len(s) > 5 && s[:5] == "item_":
		return digits(s[5:])
	}
	return digits(s)
}

// digits reports whether s is 1 to 19 ASCII digits.
func digits(s string) bool {
	if len(s) == 0 || len(s) > 19 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// An Entry describes one event.
type Entry struct {
	// Name is the dotted event name.
	Name string `json:"name"`
	// Logger is the Python logger name the event is logged under.
	Logger string `json:"logger"`
	// Level is the level of Message.
	Level pylog.Level `json:"level"`
	// Message is the message template used while the data the event carries
	// is redacted (the default). It never names a data field.
	Message string `json:"message"`
	// DataMessage, when set, replaces Message once logging of the data it
	// names is turned on: "Tool {tool} returned {result}" for "Tool {tool}
	// completed.". DataLevel, when not zero, replaces Level with it.
	DataMessage string      `json:"data_message,omitempty"`
	DataLevel   pylog.Level `json:"data_level,omitempty"`
	// HighVolume events may be throttled; lifecycle events never are.
	HighVolume bool `json:"high_volume"`
	// Doc says when the event is emitted.
	Doc string `json:"doc"`
	// Measurements and Metadata list the event's fields in emission order.
	Measurements []Field `json:"measurements"`
	Metadata     []Field `json:"metadata"`

	// Compiled when the package is initialised.
	message, dataMessage Template
	dataFields           []string // the data fields dataMessage names
}

// Field returns the measurement or metadata field named key.
func (e *Entry) Field(key string) (Field, bool) {
	for _, f := range e.Measurements {
		if f.Key == key {
			return f, true
		}
	}
	for _, f := range e.Metadata {
		if f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}

// DataFields returns the metadata fields of class c, in order.
func (e *Entry) DataFields(c DataClass) []string {
	var out []string
	for _, f := range e.Metadata {
		if f.Data == c && c != NoData {
			out = append(out, f.Key)
		}
	}
	return out
}

// MessageFor returns the message template and level to log an event with:
// the data message when the event carries every data field it names (has
// reports whether the event has a field), else the redacted message. The bus
// removes data fields the user has not let through before any handler sees an
// event, so their presence is the policy.
func (e *Entry) MessageFor(has func(key string) bool) (Template, pylog.Level) {
	if e.DataMessage == "" {
		return e.message, e.Level
	}
	for _, key := range e.dataFields {
		if !has(key) {
			return e.message, e.Level
		}
	}
	if e.DataLevel != 0 {
		return e.dataMessage, e.DataLevel
	}
	return e.dataMessage, e.Level
}

// compile parses the entry's templates. The catalog test checks that it
// succeeds for every entry.
func (e *Entry) compile() error {
	var err error
	if e.message, err = parseTemplate(e.Message); err != nil {
		return err
	}
	e.message.plan(e)
	if e.DataMessage == "" {
		return nil
	}
	if e.dataMessage, err = parseTemplate(e.DataMessage); err != nil {
		return err
	}
	e.dataMessage.plan(e)
	for _, key := range e.dataMessage.Fields() {
		if f, _ := e.Field(key); f.Data != NoData {
			e.dataFields = append(e.dataFields, key)
		}
	}
	return nil
}

// CorrelationFields returns the fields every event carries when its context
// has them, in this order, after its own metadata: correlation_id, thread_id,
// turn_id, span_id, parent_span_id ([correlation.Keys]). The slice is new
// on every call.
func CorrelationFields() []Field {
	out := make([]Field, 0, correlation.NumFields)
	for i, key := range correlation.Keys() {
		out = append(out, Field{Key: key, Type: String, Doc: correlationDocs[i]})
	}
	return out
}

// correlationDocs describe the correlation fields, in the order of
// correlation.Keys.
var correlationDocs = [correlation.NumFields]string{
	"Ties together everything one session does, across threads.",
	"The Codex thread id.",
	"The id of the turn within the thread.",
	"The innermost open span: 16 lower-case hex digits.",
	"The span enclosing span_id, when there is one.",
}

// All returns every entry, in catalog order (grouped by subject). The entries
// are shared and must not be modified.
func All() []*Entry { return slices.Clone(entries) }

var byName = func() map[string]*Entry {
	m := make(map[string]*Entry, len(entries))
	for _, e := range entries {
		m[e.Name] = e
		if err := e.compile(); err != nil {
			compileErrors = append(compileErrors, err)
		}
	}
	return m
}()

// compileErrors collects template errors found at initialisation, for the
// catalog test to report; with a correct catalog it is empty.
var compileErrors []error

// Lookup returns the entry of the event named name.
func Lookup(name string) (*Entry, bool) {
	e, ok := byName[name]
	return e, ok
}

// A Template is a parsed message template: literal text and field names.
// The templates of catalog entries are compiled when the package is
// initialised: each field knows where the entry declares it, so that
// [Template.Append] finds its value without a search.
type Template struct {
	parts []part
}

type part struct {
	text  string // literal text, or the field key when field is true
	field bool
	// at is, for a field the entry declares, its index among an event's
	// fields in record order (metadata, then measurements) when the event
	// carries every declared field in the declared order; -1 otherwise.
	at int
}

// plan sets the declared position of each of t's fields in e.
func (t Template) plan(e *Entry) {
	for i := range t.parts {
		p := &t.parts[i]
		if !p.field {
			continue
		}
		// The key becomes the declared one, equal but sharing its bytes
		// with the declaration (and so, through the linker, with every
		// literal of that key in the program): comparing it with an
		// event's key then mostly compares addresses.
		if j := slices.IndexFunc(e.Metadata, func(f Field) bool { return f.Key == p.text }); j >= 0 {
			p.at, p.text = j, e.Metadata[j].Key
		} else if j := slices.IndexFunc(e.Measurements, func(f Field) bool { return f.Key == p.text }); j >= 0 {
			p.at, p.text = len(e.Metadata)+j, e.Measurements[j].Key
		}
	}
}

// Append appends the template filled in with values from attrs, the
// event's fields in record order (metadata, measurements, then correlation
// fields), each rendered as Python's str() renders it ([pylog.AppendStr]);
// a field attrs lacks renders as None, as the Python client renders a
// missing value, and a key attrs repeats takes its first value, as the
// Python client takes it. The value is read at the position the entry
// declares the field when the attribute there has its key and none before
// it has (the usual case: the event carries its fields as declared), and
// searched for otherwise. Append does not allocate for values
// pylog.AppendStr renders without allocating.
func (t Template) Append(dst []byte, attrs []slog.Attr) []byte {
	for i := range t.parts {
		p := &t.parts[i]
		if !p.field {
			dst = append(dst, p.text...)
			continue
		}
		dst = pylog.AppendStr(dst, fieldValue(attrs, p.text, p.at))
	}
	return dst
}

// fieldValue is the value of the first attribute named key in attrs, looked
// for at index at first; nil (Python's None) when there is none.
func fieldValue(attrs []slog.Attr, key string, at int) slog.Value {
	i := 0
	if at >= 0 && at < len(attrs) && attrs[at].Key == key {
		// The keys before it differ from key in the usual case, where
		// most differ in length: comparing them costs little.
		for i < at && attrs[i].Key != key {
			i++
		}
		return attrs[i].Value
	}
	for ; i < len(attrs); i++ {
		if attrs[i].Key == key {
			return attrs[i].Value
		}
	}
	return slog.AnyValue(nil)
}

// parseTemplate parses a message template. Fields are written {key}; "{{" and
// "}}" stand for literal braces. An unclosed or empty field, or a lone "}", is
// an error naming its byte offset.
func parseTemplate(s string) (Template, error) {
	var t Template
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			t.parts = append(t.parts, part{text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '{' && i+1 < len(s) && s[i+1] == '{', c == '}' && i+1 < len(s) && s[i+1] == '}':
			lit.WriteByte(c)
			i++
		case c == '{':
			end := strings.IndexByte(s[i+1:], '}')
			if end < 0 {
				return Template{}, fmt.Errorf("catalog: template %q: unclosed '{' at byte %d", s, i)
			}
			key := s[i+1 : i+1+end]
			if key == "" || strings.ContainsAny(key, "{ ") {
				return Template{}, fmt.Errorf("catalog: template %q: bad field name %q at byte %d", s, key, i)
			}
			flush()
			t.parts = append(t.parts, part{text: key, field: true, at: -1})
			i += end + 1
		case c == '}':
			return Template{}, fmt.Errorf("catalog: template %q: lone '}' at byte %d", s, i)
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return t, nil
}

// Fields returns the field names the template refers to, in order.
func (t Template) Fields() []string {
	var out []string
	for _, p := range t.parts {
		if p.field {
			out = append(out, p.text)
		}
	}
	return out
}

// Literal returns the template's text when it names no field.
func (t Template) Literal() (string, bool) {
	switch {
	case len(t.parts) == 0:
		return "", true
	case len(t.parts) == 1 && !t.parts[0].field:
		return t.parts[0].text, true
	}
	return "", false
}

// Parts calls yield for each piece of the template in order: literal text
// with isField false, or a field name with isField true.
func (t Template) Parts(yield func(text string, isField bool) bool) {
	for _, p := range t.parts {
		if !yield(p.text, p.field) {
			return
		}
	}
}
