module github.com/codextel/codextel/adapters/zerolog

go 1.26
