package benchmarks

// Version is the version of this module (github.com/codextel/codextel/adapters/zap/benchmarks).
const Version = "0.1.0"
