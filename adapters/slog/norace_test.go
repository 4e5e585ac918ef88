//go:build !race

package codexslog

const raceEnabled = false
