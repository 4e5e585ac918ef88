package telemetry

import (
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"sync"

	"github.com/codextel/codextel/core/correlation"
)

// WithSeed makes the bus derive the correlation and span ids it makes (see
// [Bus.StartSpan]) from seed instead of drawing them at random: a bus made
// with the same seed that opens the same spans in the same order names them
// with the same ids, so that a replay's output is reproducible byte for byte.
// The ids keep their W3C shapes and are never all zero; ids from different
// seeds differ with overwhelming probability, but ids from two buses with
// the same seed collide by design: use it for replays and tests, not for
// live sessions whose traces meet in one backend.
func WithSeed(seed uint64) Option {
	return optionFunc(func(b *Bus) {
		var key [32]byte
		binary.LittleEndian.PutUint64(key[:], seed)
		b.seeded = &seededIDs{r: rand.NewChaCha8(key)}
	})
}

// seededIDs is the id source of [WithSeed]: one ChaCha8 stream, drawn in
// the order the bus makes ids.
type seededIDs struct {
	mu sync.Mutex
	r  *rand.ChaCha8
}

// nonZero draws the next non-zero value.
func (s *seededIDs) nonZero() uint64 {
	for {
		if v := s.r.Uint64(); v != 0 {
			return v
		}
	}
}

// newCorrelationID returns a new correlation id: from the seed's stream
// under [WithSeed], else [correlation.NewCorrelationID].
func (b *Bus) newCorrelationID() string {
	s := b.seeded
	if s == nil {
		return correlation.NewCorrelationID()
	}
	var raw [16]byte
	s.mu.Lock()
	binary.BigEndian.PutUint64(raw[:8], s.nonZero())
	binary.BigEndian.PutUint64(raw[8:], s.r.Uint64())
	s.mu.Unlock()
	return hex.EncodeToString(raw[:])
}

// newSpanID returns a new span id: from the seed's stream under
// [WithSeed], else [correlation.NewSpanID].
func (b *Bus) newSpanID() string {
	s := b.seeded
	if s == nil {
		return correlation.NewSpanID()
	}
	var raw [8]byte
	s.mu.Lock()
	binary.BigEndian.PutUint64(raw[:], s.nonZero())
	s.mu.Unlock()
	return hex.EncodeToString(raw[:])
}
