// Package correlation carries the identifiers that tie telemetry events together
// (session correlation id, Codex thread id, turn id, span ids) through a
// [context.Context].
//
// The identifiers live under one unexported context key as an immutable [IDs]
// value, so reading all of them costs a single [context.Context.Value] call.
// The telemetry bus reads them on every emission and attaches them to the event,
// so they survive any handler or adapter, across goroutines and channels: pass
// the context along and the identifiers go with it.
package correlation
