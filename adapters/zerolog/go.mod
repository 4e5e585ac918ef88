module github.com/codextel/codextel/adapters/zerolog

go 1.26.0

require (
	github.com/codextel/codextel/conformance v0.0.0-00010101000000-000000000000
	github.com/codextel/codextel/core v0.0.0-00010101000000-000000000000
	github.com/rs/zerolog v1.35.1
)

require (
	github.com/mattn/go-colorable v0.1.14 // indirect
	github.com/mattn/go-isatty v0.0.20 // indirect
	golang.org/x/sys v0.48.0 // indirect
)

replace (
	github.com/codextel/codextel/conformance => ../../conformance
	github.com/codextel/codextel/core => ../../core
)
