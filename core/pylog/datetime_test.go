package pylog

import (
	"testing"
	"time"
)

func TestCivil(t *testing.T) {
	for _, sec := range []int64{0, -1, 86399, 86400, -86400, 951782400, 1764672732, -62135596800, 253402300799, -11644473600, 4102444800} {
		tm := time.Unix(sec, 0).UTC()
		y, mo, d, h, mi, s := civil(sec)
		if y != tm.Year() || mo != int(tm.Month()) || d != tm.Day() || h != tm.Hour() || mi != tm.Minute() || s != tm.Second() {
			t.Errorf("civil(%d) = %d-%d-%d %d:%d:%d, want %v", sec, y, mo, d, h, mi, s, tm)
		}
	}
	for sec := int64(-3e9); sec < 3e9; sec += 86400*17 + 3607 {
		tm := time.Unix(sec, 0).UTC()
		if y, mo, d, _, _, _ := civil(sec); y != tm.Year() || mo != int(tm.Month()) || d != tm.Day() {
			t.Fatalf("civil(%d) = %d-%d-%d, want %v", sec, y, mo, d, tm)
		}
	}
}
