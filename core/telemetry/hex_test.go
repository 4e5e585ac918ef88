package telemetry

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestPutHex: putHex writes what fmt's %016x writes, for the edge values
// of every nibble and for random values.
func TestPutHex(t *testing.T) {
	tests := []uint64{
		0, 1, 9, 10, 15, 16, 0x9a, 0xa9, 0x0123456789abcdef, 0xfedcba9876543210,
		0x9999999999999999, 0xaaaaaaaaaaaaaaaa, 0xffffffffffffffff, 0x8000000000000000,
		0x00000000ffffffff, 0xffffffff00000000,
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		tests = append(tests, r.Uint64())
	}
	for _, v := range tests {
		var buf [16]byte
		putHex(buf[:], v)
		if got, want := string(buf[:]), fmt.Sprintf("%016x", v); got != want {
			t.Errorf("putHex(%#x) = %q, want %q", v, got, want)
		}
	}
}
