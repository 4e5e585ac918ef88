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

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("é", 40) // 80 bytes
	if got := Excerpt([]byte(long)); got != strings.Repeat("é", 30) {
		t.Errorf("Excerpt cut a rune: %q", got)
	}
	if got := Excerpt([]byte("a\xffb")); got != "a\uFFFDb" {
		t.Errorf("Excerpt(invalid) = %q", got)
	}
}
