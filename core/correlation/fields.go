package correlation

// NumFields is how many correlation fields there are.
const NumFields = 5

// keys are the correlation fields' names, in the order events carry them.
var keys = [NumFields]string{"correlation_id", "thread_id", "turn_id", "span_id", "parent_span_id"}

// Keys returns the names of the correlation fields, in the order events
// carry them after their own fields: correlation_id, thread_id, turn_id,
// span_id, parent_span_id.
func Keys() [NumFields]string { return keys }

// A Field is one correlation field: its key ("thread_id") and its value.
type Field struct {
	Key, Value string
}

// Fields returns the ids as fields, in the order of [Keys]; an unknown id
// is a field with an empty value.
func (ids IDs) Fields() [NumFields]Field {
	return [NumFields]Field{
		{keys[0], ids.Correlation},
		{keys[1], ids.Thread},
		{keys[2], ids.Turn},
		{keys[3], ids.Span},
		{keys[4], ids.ParentSpan},
	}
}

// HasFields reports whether any of the fields [IDs.Fields] lists has a
// value: what a handler tests before walking them. It tests their lengths
// at once, where comparing ids with the zero IDs is a call.
func (ids IDs) HasFields() bool {
	return len(ids.Correlation)|len(ids.Thread)|len(ids.Turn)|len(ids.Span)|len(ids.ParentSpan) != 0
}

// Lookup returns the id named key ("thread_id"), and whether key names a
// correlation field.
func (ids IDs) Lookup(key string) (string, bool) {
	for _, f := range ids.Fields() {
		if f.Key == key {
			return f.Value, true
		}
	}
	return "", false
}

// Set sets the id named key ("thread_id") to value and reports whether key
// names a correlation field; ids is unchanged when it does not.
func (ids *IDs) Set(key, value string) bool {
	for i, p := range [NumFields]*string{&ids.Correlation, &ids.Thread, &ids.Turn, &ids.Span, &ids.ParentSpan} {
		if keys[i] == key {
			*p = value
			return true
		}
	}
	return false
}
