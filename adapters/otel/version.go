package codexotel

// Version is the version of this module, reported as the instrumentation
// scope version of the adapter's tracer and meter.
const Version = "0.1.0"

// scopeName is the instrumentation scope of the adapter's tracer and meter.
// Log records are scoped by their Python logger name instead, as Python's
// OpenTelemetry LoggingHandler scopes them.
const scopeName = "github.com/codextel/codextel/adapters/otel"
