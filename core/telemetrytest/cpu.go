package telemetrytest

import "testing"

// LoopCPU runs f as the body of b's loop ([testing.B.Loop]) and reports,
// besides ns/op and the allocations, the CPU time the process used per
// iteration as cpu-ns/op: every thread's, the garbage collector's
// included, so that each side of a comparison pays for its own garbage, and
// not inflated, as ns/op is on a machine whose cores other work shares, by
// waiting for a core. Where the system does not report it (outside Unix),
// cpu-ns/op reads 0.
func LoopCPU(b *testing.B, f func()) {
	b.ReportAllocs()
	n, t0 := 0, processCPU()
	for b.Loop() {
		f()
		n++
	}
	b.ReportMetric(float64(processCPU()-t0)/float64(n), "cpu-ns/op")
}
