package codexzap

// Version is the version of this module (github.com/codextel/codextel/adapters/zap).
const Version = "0.1.0"
