module github.com/codextel/codextel/adapters/logrus

go 1.26.0

require (
	github.com/codextel/codextel/conformance v0.0.0-00010101000000-000000000000
	github.com/codextel/codextel/core v0.0.0-00010101000000-000000000000
	github.com/sirupsen/logrus v1.10.2
)

require golang.org/x/sys v0.48.0 // indirect

replace (
	github.com/codextel/codextel/conformance => ../../conformance
	github.com/codextel/codextel/core => ../../core
)
