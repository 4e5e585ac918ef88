package codexagents

// Version is the version of this module (github.com/codextel/codextel/adapters/agents).
const Version = "0.1.0"
