module github.com/codextel/codextel/benchmarks

go 1.26

require (
	github.com/codextel/codextel/core v0.0.0
	go.uber.org/zap v1.28.0
)

require go.uber.org/multierr v1.10.0 // indirect

replace github.com/codextel/codextel/core => ../core
