// Package codexotel translates codextel telemetry events into OpenTelemetry (logs, traces and metrics over OTLP): it attaches to
// a telemetry bus and writes each event through an OpenTelemetry logger, tracer and meter provider the application already
// has, in the application's own format or in Python logging's formats.
//
//	import codexotel "github.com/codextel/codextel/adapters/otel"
//
// The adapter itself is built by its own issue; until then this module holds
// only this documentation.
package codexotel
