// Package codexzap translates codextel telemetry events into go.uber.org/zap: it attaches to
// a telemetry bus and writes each event through a *zap.Logger the application already
// has, in the application's own format or in Python logging's formats.
//
//	import codexzap "github.com/codextel/codextel/adapters/zap"
//
// The adapter itself is built by its own issue; until then this module holds
// only this documentation.
package codexzap
