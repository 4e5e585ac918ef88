package codexslog

// Version is the version of this module (github.com/codextel/codextel/adapters/slog).
const Version = "0.1.0"
