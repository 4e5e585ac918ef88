module github.com/codextel/codextel/cmd/codextel

go 1.26

require (
	github.com/codextel/codextel/adapters/logrus v0.0.0-00010101000000-000000000000
	github.com/codextel/codextel/adapters/slog v0.0.0-00010101000000-000000000000
	github.com/codextel/codextel/adapters/zap v0.0.0-00010101000000-000000000000
	github.com/codextel/codextel/adapters/zerolog v0.0.0-00010101000000-000000000000
	github.com/codextel/codextel/core v0.0.0-00010101000000-000000000000
	github.com/rs/zerolog v1.35.1
	github.com/sirupsen/logrus v1.10.2
	go.uber.org/zap v1.28.0
)

require (
	github.com/mattn/go-colorable v0.1.14 // indirect
	github.com/mattn/go-isatty v0.0.20 // indirect
	go.uber.org/multierr v1.10.0 // indirect
	golang.org/x/sys v0.29.0 // indirect
)

replace (
	github.com/codextel/codextel/adapters/logrus => ../../adapters/logrus
	github.com/codextel/codextel/adapters/slog => ../../adapters/slog
	github.com/codextel/codextel/adapters/zap => ../../adapters/zap
	github.com/codextel/codextel/adapters/zerolog => ../../adapters/zerolog
	github.com/codextel/codextel/conformance => ../../conformance
	github.com/codextel/codextel/core => ../../core
)
