module github.com/codextel/codextel/adapters/zap/benchmarks

go 1.26.0

replace (
	github.com/codextel/codextel/adapters/zap => ../
	github.com/codextel/codextel/conformance => ../../../conformance
	github.com/codextel/codextel/core => ../../../core
)

require (
	github.com/codextel/codextel/adapters/zap v0.0.0-00010101000000-000000000000
	github.com/codextel/codextel/core v0.0.0-00010101000000-000000000000
	github.com/samber/slog-zap/v2 v2.6.3
	go.uber.org/zap v1.28.0
	go.uber.org/zap/exp v0.3.0
)

require (
	github.com/samber/lo v1.52.0 // indirect
	github.com/samber/slog-common v0.20.0 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	go.uber.org/multierr v1.11.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/text v0.42.0 // indirect
)
