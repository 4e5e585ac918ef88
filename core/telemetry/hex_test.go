package telemetry

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// unhex reads back the value putHex spelled in s, or reports that s is not
// 16 lower-case hex digits.
func unhex(s string) (uint64, bool) {
	if len(s) != 16 {
		return 0, false
	}
	var v uint64
	for i := range 16 {
		d := strings.IndexByte("0123456789abcdef", s[i])
		if d < 0 {
			return 0, false
		}
		// Digit i < 8 is the low nibble of byte i, digit 8+i its high one.
		v |= uint64(d) << (8*(i%8) + 4*(i/8))
	}
	return v, true
}

// TestPutHex: putHex spells every value as 16 lower-case hex digits, in
// the order its doc gives, and two values never alike (so random values
// make random digits): each text reads back as its value.
func TestPutHex(t *testing.T) {
	tests := []struct {
		v    uint64
		want string // "" for random values: only read back
	}{
		{0, "0000000000000000"},
		{1, "1000000000000000"},
		{0x10, "0000000010000000"},
		{0xa9, "90000000a0000000"},
		{0x0f00_0000_0000_0000, "0000000f00000000"},
		{0xf000_0000_0000_0000, "000000000000000f"},
		{0x0123456789abcdef, "fdb97531eca86420"},
		{0xffffffffffffffff, "ffffffffffffffff"},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		tests = append(tests, struct {
			v    uint64
			want string
		}{v: r.Uint64()})
	}
	for _, tt := range tests {
		var buf [16]byte
		putHex(buf[:], tt.v)
		got := string(buf[:])
		if tt.want != "" && got != tt.want {
			t.Errorf("putHex(%#x) = %q, want %q", tt.v, got, tt.want)
		}
		if back, ok := unhex(got); !ok || back != tt.v {
			t.Errorf("putHex(%#x) = %q, which reads back as %#x (ok %v)", tt.v, got, back, ok)
		}
	}
}
