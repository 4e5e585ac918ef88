package telemetrytest

import (
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/telemetry"
)

// CheckCatalog checks e against its catalog entry: the event must be in the
// catalog, carry every field the entry does not mark optional (model and tool
// data fields may be absent: redaction removes them), carry no field
// the entry does not list, keep the entry's order, and give each field a value
// of the listed type. It returns the problems joined, or nil.
func CheckCatalog(e telemetry.Event) error {
	entry, ok := catalog.Lookup(e.Name)
	if !ok {
		return fmt.Errorf("%s: not in the event catalog", e.Name)
	}
	var errs []error
	type seen struct {
		key  string
		kind slog.Kind
		val  slog.Value
	}
	var gotMeasurements, gotMetadata []seen
	for m := range e.Measurements {
		v := m.Value.Value()
		gotMeasurements = append(gotMeasurements, seen{m.Key, v.Kind(), v})
	}
	for a := range e.Metadata {
		v := a.Value.Resolve()
		gotMetadata = append(gotMetadata, seen{a.Key, v.Kind(), v})
	}
	check := func(what string, want []catalog.Field, got []seen) {
		next := 0 // position in want: fields must come in catalog order
		for _, g := range got {
			i := slices.IndexFunc(want, func(f catalog.Field) bool { return f.Key == g.key })
			if i < 0 {
				errs = append(errs, fmt.Errorf("%s: %s %q is not in the catalog", e.Name, what, g.key))
				continue
			}
			if i < next {
				errs = append(errs, fmt.Errorf("%s: %s %q is out of catalog order", e.Name, what, g.key))
			}
			for _, skipped := range want[next:max(i, next)] {
				if mustHave(skipped) {
					errs = append(errs, fmt.Errorf("%s: %s %q is missing", e.Name, what, skipped.Key))
				}
			}
			next = max(next, i+1)
			if !typeMatches(want[i].Type, g.val) {
				errs = append(errs, fmt.Errorf("%s: %s %q is a %s, the catalog says %s", e.Name, what, g.key, g.kind, want[i].Type))
			}
		}
		for _, f := range want[next:] {
			if mustHave(f) {
				errs = append(errs, fmt.Errorf("%s: %s %q is missing", e.Name, what, f.Key))
			}
		}
	}
	check("measurement", entry.Measurements, gotMeasurements)
	check("metadata", entry.Metadata, gotMetadata)
	return errors.Join(errs...)
}

// mustHave reports whether an event must carry f: fields marked optional may
// be absent, and so may data fields, which redaction removes.
func mustHave(f catalog.Field) bool { return !f.Optional && f.Data == catalog.NoData }

func typeMatches(t catalog.Type, v slog.Value) bool {
	switch t {
	case catalog.String:
		return v.Kind() == slog.KindString
	case catalog.Int:
		return v.Kind() == slog.KindInt64 || v.Kind() == slog.KindUint64
	case catalog.Float:
		return v.Kind() == slog.KindFloat64
	case catalog.Bool:
		return v.Kind() == slog.KindBool
	case catalog.Duration:
		return v.Kind() == slog.KindDuration
	case catalog.Time:
		return v.Kind() == slog.KindTime
	case catalog.Object:
		if v.Kind() == slog.KindGroup {
			return true
		}
		return v.Kind() == slog.KindAny && v.Any() != nil && reflect.TypeOf(v.Any()).Kind() == reflect.Map
	case catalog.List:
		if v.Kind() != slog.KindAny || v.Any() == nil {
			return false
		}
		k := reflect.TypeOf(v.Any()).Kind()
		return k == reflect.Slice || k == reflect.Array
	case catalog.Any:
		return true
	}
	return false
}

// WantCatalog reports an error for every recorded event that does not match
// its catalog entry (see [CheckCatalog]).
func (r *Recorder) WantCatalog() {
	r.t.Helper()
	for _, e := range r.Events() {
		if err := CheckCatalog(e); err != nil {
			r.t.Errorf("telemetrytest: %v", err)
		}
	}
}
