module github.com/codextel/codextel/cmd/codextel

go 1.26
