package correlation

import "testing"

// Every key names its own field, in Keys' order, for Fields, Lookup and Set
// alike; an unknown key is refused.
func TestFields(t *testing.T) {
	ids := IDs{Correlation: "c", Thread: "th", Turn: "tu", Span: "s", ParentSpan: "p"}
	want := []Field{{"correlation_id", "c"}, {"thread_id", "th"}, {"turn_id", "tu"}, {"span_id", "s"}, {"parent_span_id", "p"}}
	fields := ids.Fields()
	for i, w := range want {
		if fields[i] != w {
			t.Errorf("Fields()[%d] = %v, want %v", i, fields[i], w)
		}
		if Keys()[i] != w.Key {
			t.Errorf("Keys()[%d] = %q, want %q", i, Keys()[i], w.Key)
		}
		if v, ok := ids.Lookup(w.Key); !ok || v != w.Value {
			t.Errorf("Lookup(%q) = %q, %v", w.Key, v, ok)
		}
		var set IDs
		if !set.Set(w.Key, w.Value) {
			t.Errorf("Set(%q) refused", w.Key)
		}
		if set.Fields()[i] != w || set != (IDs{}) && len(nonEmpty(set)) != 1 {
			t.Errorf("Set(%q, %q) gave %+v", w.Key, w.Value, set)
		}
	}
	for _, key := range []string{"", "trace_id", "Thread_id"} {
		if _, ok := ids.Lookup(key); ok {
			t.Errorf("Lookup(%q) found a field", key)
		}
		before := ids
		if ids.Set(key, "x") || ids != before {
			t.Errorf("Set(%q) accepted or changed %+v", key, ids)
		}
	}
}

func nonEmpty(ids IDs) []Field {
	var out []Field
	for _, f := range ids.Fields() {
		if f.Value != "" {
			out = append(out, f)
		}
	}
	return out
}

// TestHasFields: HasFields is true exactly when one of the fields Fields
// lists has a value; NextSpan, which Fields does not list, does not count.
func TestHasFields(t *testing.T) {
	if (IDs{}).HasFields() || (IDs{NextSpan: "00f067aa0ba902b7"}).HasFields() {
		t.Error("HasFields of ids without fields is true")
	}
	for i := range NumFields {
		var ids IDs
		ptrs := [NumFields]*string{&ids.Correlation, &ids.Thread, &ids.Turn, &ids.Span, &ids.ParentSpan}
		*ptrs[i] = "x"
		if !ids.HasFields() {
			t.Errorf("HasFields of %+v is false", ids)
		}
		set := 0
		for _, f := range ids.Fields() {
			if f.Value != "" {
				set++
			}
		}
		if set != 1 {
			t.Errorf("field %d: Fields lists %d set, want 1: HasFields tests a field Fields does not list", i, set)
		}
	}
}
