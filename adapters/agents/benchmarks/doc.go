// Package benchmarks compares, in one process, the two shapes codextel
// gives one Codex session: the OpenAI Agents SDK's trace export
// (codexagents) and the OpenTelemetry spans of core/bridge, the bus and
// codexotel. It is a module of its own so that the OpenTelemetry SDK never
// enters codexagents' requirements. Run it with
//
//	cd adapters/agents/benchmarks && GOWORK=off go test -bench . -benchtime 10x -count 6
//
// and compare the cpu-ns/op of the two sub-benchmarks (docs/parity.md
// gives the method and the numbers).
package benchmarks
