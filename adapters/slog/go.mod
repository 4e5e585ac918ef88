module github.com/codextel/codextel/adapters/slog

go 1.26
