package lines

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReader(t *testing.T) {
	input := "one\r\n\n" + strings.Repeat("x", 100) + "\nthree\n" + strings.Repeat("y", 70000) + "\nlast"
	for name, r := range map[string]io.Reader{
		"whole":    strings.NewReader(input),
		"one byte": iotest.OneByteReader(strings.NewReader(input)),
	} {
		lr := NewReader(r, 80)
		var got []string
		for {
			line, err := lr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			var tl *TooLongError
			if errors.As(err, &tl) {
				got = append(got, "too long:"+tl.Error()+":"+tl.Excerpt[:5])
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, string(line))
		}
		want := []string{"one", "", "too long:line 3: over 80 bytes:xxxxx", "three", "too long:line 5: over 80 bytes:yyyyy", "last"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
}

func TestTooLongHead(t *testing.T) {
	tests := []struct {
		name, line string
		limit      int
		want       int // len(Head)
	}{
		{"just over", strings.Repeat("x", 100), 80, 100},
		{"over the head limit", strings.Repeat("y", 70000), 80, HeadLimit},
		{"limit above the head limit", strings.Repeat("z", HeadLimit+10), HeadLimit + 5, HeadLimit},
	}
	for _, tt := range tests {
		for name, r := range map[string]io.Reader{
			"whole":    strings.NewReader(tt.line + "\nnext\n"),
			"one byte": iotest.OneByteReader(strings.NewReader(tt.line + "\nnext\n")),
		} {
			lr := NewReader(r, tt.limit)
			_, err := lr.Next()
			var tl *TooLongError
			if !errors.As(err, &tl) {
				t.Fatalf("%s/%s: err %v, want a TooLongError", tt.name, name, err)
			}
			if len(tl.Head) != tt.want || string(tl.Head) != tt.line[:tt.want] {
				t.Errorf("%s/%s: Head has %d bytes, want the first %d of the line", tt.name, name, len(tl.Head), tt.want)
			}
			if tl.Excerpt != tt.line[:60] {
				t.Errorf("%s/%s: Excerpt %q", tt.name, name, tl.Excerpt)
			}
			if line, err := lr.Next(); err != nil || string(line) != "next" {
				t.Errorf("%s/%s: then %q, %v; want the next line", tt.name, name, line, err)
			}
		}
	}
}

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("é", 40) // 80 bytes
	if got := Excerpt([]byte(long)); got != strings.Repeat("é", 30) {
		t.Errorf("Excerpt cut a rune: %q", got)
	}
	if got := Excerpt([]byte("a\xffb")); got != "a\uFFFDb" {
		t.Errorf("Excerpt(invalid) = %q", got)
	}
}
