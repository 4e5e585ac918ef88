module github.com/codextel/codextel/core

go 1.26
