// Package core holds the version of the core module
// (github.com/codextel/codextel/core), whose packages are below it:
// telemetry, catalog, bridge and the others.
package core

// Version is the version of this module (github.com/codextel/codextel/core).
const Version = "0.1.0"
