package benchmarks

// Version is the version of this module (github.com/codextel/codextel/benchmarks).
const Version = "0.1.0"
