module github.com/codextel/codextel/adapters/zap

go 1.26
