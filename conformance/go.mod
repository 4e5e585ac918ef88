module github.com/codextel/codextel/conformance

go 1.26
