//go:build !race

package codexzerolog_test

const raceEnabled = false
