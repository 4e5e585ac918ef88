//go:build race

package codexzap_test

// raceEnabled: the race detector's instrumentation allocates, so the
// allocation tests skip under it.
const raceEnabled = true
