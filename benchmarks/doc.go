// Package benchmarks compares codextel's Python-compatible JSON encoder
// (core/pylog) with zap's JSON encoder on the same record. It is a module
// of its own so that zap never enters core's dependencies; it holds no
// code, only benchmarks:
//
//	cd benchmarks && go test -bench . -benchmem
package benchmarks
