//go:build race

package pylog

const raceEnabled = true
