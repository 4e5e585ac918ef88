module github.com/codextel/codextel/adapters/logrus

go 1.26
