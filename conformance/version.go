package conformance

// Version is the version of this module (github.com/codextel/codextel/conformance).
const Version = "0.1.0"
