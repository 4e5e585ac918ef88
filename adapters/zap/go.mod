module github.com/codextel/codextel/adapters/zap

go 1.26

require (
	github.com/codextel/codextel/conformance v0.0.0-00010101000000-000000000000
	github.com/codextel/codextel/core v0.0.0-00010101000000-000000000000
	go.uber.org/zap v1.28.0
)

require (
	github.com/stretchr/testify v1.12.1 // indirect
	go.uber.org/multierr v1.11.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)

replace (
	github.com/codextel/codextel/conformance => ../../conformance
	github.com/codextel/codextel/core => ../../core
)
