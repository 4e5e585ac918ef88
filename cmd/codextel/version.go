package main

// Version is the version of this module (github.com/codextel/codextel/cmd/codextel).
// codextel --version prints it for a build from a checkout, which records no
// module version.
const Version = "0.1.0"
