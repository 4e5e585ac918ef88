package pylog

import "testing"

func TestLevelString(t *testing.T) {
	tests := []struct {
		l    Level
		want string
	}{
		{NotSet, "NOTSET"}, {Debug, "DEBUG"}, {Info, "INFO"}, {Warning, "WARNING"},
		{Error, "ERROR"}, {Critical, "CRITICAL"}, {15, "Level 15"}, {5, "Level 5"}, {60, "Level 60"},
	}
	for _, tt := range tests {
		if got := tt.l.String(); got != tt.want {
			t.Errorf("Level(%d).String() = %q, want %q", int(tt.l), got, tt.want)
		}
	}
}

func TestParseLevel(t *testing.T) {
	tests := []struct {
		in      string
		want    Level
		wantErr bool
	}{
		{"DEBUG", Debug, false}, {"info", Info, false}, {"WARN", Warning, false}, {"warning", Warning, false},
		{"FATAL", Critical, false}, {"CRITICAL", Critical, false}, {"Level 15", 15, false}, {"25", 25, false},
		{" ERROR ", Error, false}, {"NOTSET", NotSet, false},
		{"", 0, true}, {"VERBOSE", 0, true}, {"-1", 0, true}, {"Level x", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseLevel(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	// Aliases are input only: they print as the canonical names.
	if l, _ := ParseLevel("WARN"); l.String() != "WARNING" {
		t.Errorf("WARN prints as %q", l)
	}
}
