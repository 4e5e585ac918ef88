//go:build race

package telemetry

// poisonRecords: in race builds every emission gets a record of its own that
// is poisoned once its handlers have returned, so that tests catch handlers
// that keep an event without [Event.Clone].
const poisonRecords = true
