module github.com/codextel/codextel/adapters/agents

go 1.26

require github.com/codextel/codextel/core v0.0.0-00010101000000-000000000000

replace github.com/codextel/codextel/core => ../../core
