// Package conformance is the suite every codextel adapter passes: it feeds
// recorded telemetry scenarios to an adapter and compares the output, byte for
// byte, with golden transcripts produced by CPython's own logging module and
// python-json-logger.
//
// The suite is built by its own issue; until then this module holds only this
// documentation.
package conformance
