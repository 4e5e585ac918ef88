// Package codexlogrus translates codextel telemetry events into github.com/sirupsen/logrus: it attaches to
// a telemetry bus and writes each event through a *logrus.Logger or *logrus.Entry the application already
// has, in the application's own format or in Python logging's formats.
//
//	import codexlogrus "github.com/codextel/codextel/adapters/logrus"
//
// The adapter itself is built by its own issue; until then this module holds
// only this documentation.
package codexlogrus
