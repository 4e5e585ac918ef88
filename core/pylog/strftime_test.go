package pylog

import (
	"testing"
	"time"
)

// The expected texts were printed by CPython 3.11.2 on glibc (TZ=UTC):
// time.strftime(format, time.localtime(1735862829)).
func TestStrftime(t *testing.T) {
	tm := time.Unix(1735862829, 0).UTC()
	tests := []struct{ format, want string }{
		{"%Y-%m-%d %H:%M:%S", "2025-01-03 00:07:09"},
		{"%Y-%m-%dT%H:%M:%S%z", "2025-01-03T00:07:09+0000"},
		{"%a %A %b %B %h", "Fri Friday Jan January Jan"},
		{"%c", "Fri Jan  3 00:07:09 2025"},
		{"%x %X %D %F %T %R %r", "01/03/25 00:07:09 01/03/25 2025-01-03 00:07:09 00:07 12:07:09 AM"},
		{"%j %U %W %V %G %g %u %w", "003 00 00 01 2025 25 5 5"},
		{"%I %l %k %p %P %e %C %y %s %Z", "12 12  0 AM am  3 20 25 1735862829 UTC"},
		{"%-d/%-m %_H %^a %#b %#Z %5j %-j", "3/1  0 FRI JAN utc 00003 3"},
		{"%f %Q %% %", "%f %Q % %"},
		{"%Ey %Od %OY", "25 03 %OY"},
	}
	for _, tt := range tests {
		ops, err := compileDateFormat(tt.format)
		if err != nil {
			t.Errorf("compileDateFormat(%q): %v", tt.format, err)
			continue
		}
		if got := string(appendStrftime(nil, tm, ops)); got != tt.want {
			t.Errorf("strftime(%q) = %q, want %q", tt.format, got, tt.want)
		}
	}
}

func TestStrftimeRefused(t *testing.T) {
	for _, f := range []string{"%5z", "%_c", "%10Q", "%3", "%5E"} {
		if _, err := compileDateFormat(f); err == nil {
			t.Errorf("compileDateFormat(%q) succeeded; glibc's output for it is not reproduced", f)
		}
	}
}
