// Package benchmarks compares codexzap with the other ways of getting
// structured records into zap, in one process: a hand-written zap call,
// codextel's adapter, and log/slog routed into zap by zap's own
// exp/zapslog and by samber/slog-zap.
//
// It is a module of its own, as zap keeps its competitor benchmarks, so that
// the alternatives never enter codexzap's requirements. Run it with
//
//	cd adapters/zap/benchmarks && GOWORK=off go test -bench . -benchmem
package benchmarks
