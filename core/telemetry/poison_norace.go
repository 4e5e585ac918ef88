//go:build !race

package telemetry

// poisonRecords is false outside race builds: records are reused.
const poisonRecords = false
