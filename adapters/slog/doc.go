// Package codexslog translates codextel telemetry events into log/slog: it attaches to
// a telemetry bus and writes each event through an slog.Handler or *slog.Logger the application already
// has, in the application's own format or in Python logging's formats.
//
//	import codexslog "github.com/codextel/codextel/adapters/slog"
//
// The adapter itself is built by its own issue; until then this module holds
// only this documentation.
package codexslog
