// Package codexzerolog translates codextel telemetry events into github.com/rs/zerolog: it attaches to
// a telemetry bus and writes each event through a zerolog.Logger the application already
// has, in the application's own format or in Python logging's formats.
//
//	import codexzerolog "github.com/codextel/codextel/adapters/zerolog"
//
// The adapter itself is built by its own issue; until then this module holds
// only this documentation.
package codexzerolog
