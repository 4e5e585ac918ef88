// Package pylog reproduces Python's logging output from Go: level names and
// numbers as CPython's logging module has them.
//
// Every fact it reproduces is written down, with CPython's own samples, in the
// project's Python parity matrix (docs/parity.md).
package pylog
