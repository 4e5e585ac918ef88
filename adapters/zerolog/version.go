package codexzerolog

// Version is the version of this module (github.com/codextel/codextel/adapters/zerolog).
const Version = "0.1.0"
