package pylog

import (
	"log/slog"
	"testing"
	"time"
)

// A record back from the pool is empty, and one that grew past the bound is
// not kept.
func TestRecordPool(t *testing.T) {
	tests := []struct {
		name  string
		attrs int
		kept  bool
	}{
		{"few attributes", 3, true},
		{"at the bound", maxPooledAttrs, true},
		{"past the bound", maxPooledAttrs + 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := GetRecord()
			if r.Message != "" || len(r.Attrs) != 0 || !r.Time.IsZero() {
				t.Fatalf("GetRecord = %+v, want an empty record", r)
			}
			r.Time, r.Level, r.Logger, r.Message, r.Line = time.Unix(1, 0), Error, "codex.tool", "m", 7
			for i := range tt.attrs {
				r.Attrs = append(r.Attrs, slog.Int("k", i))
			}
			r.Attrs = r.Attrs[:len(r.Attrs):len(r.Attrs)] // cap == len: the bound is exact
			attrs := r.Attrs
			PutRecord(r)
			if kept := r.Attrs != nil && len(r.Attrs) == 0; kept != tt.kept {
				t.Errorf("kept = %v, want %v", kept, tt.kept)
			}
			if tt.kept {
				if r.Message != "" || r.Level != 0 || r.Logger != "" || r.Line != 0 || !r.Time.IsZero() {
					t.Errorf("a pooled record keeps %+v", r)
				}
				if attrs[0].Key != "" {
					t.Errorf("a pooled record keeps its attributes' values alive: %v", attrs[0])
				}
			}
		})
	}
}
