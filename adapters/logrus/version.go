package codexlogrus

// Version is the version of this module (github.com/codextel/codextel/adapters/logrus).
const Version = "0.1.0"
