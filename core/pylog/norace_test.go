//go:build !race

package pylog

const raceEnabled = false
