//go:build !race

package codexzap_test

const raceEnabled = false
