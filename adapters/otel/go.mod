module github.com/codextel/codextel/adapters/otel

go 1.26
