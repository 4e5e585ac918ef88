//go:build race

package codexlogrus_test

const raceEnabled = true
