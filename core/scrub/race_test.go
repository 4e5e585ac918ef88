//go:build race

package scrub_test

const raceEnabled = true
