// Package telemetrytest captures the telemetry events a test causes and
// checks them: their names and order, their measurement keys and metadata
// shape, and their agreement with the event catalog. Failures print a line
// diff of what was expected against what was seen.
//
// A [Recorder] is scoped to one test: it is attached when made and detached
// when the test ends. With a bus of the test's own ([telemetry.New]), Record
// captures everything; on a bus that parallel tests share (such as
// [telemetry.Default]), [RecordContext] captures only the events emitted under
// the context it returns, so tests marked t.Parallel() never see each other's
// events.
//
// For a handler's own tests, [CatalogEvents] makes every catalog event in
// the layouts a handler must write faithfully: values of every kind, fields
// missing, repeated or out of order, data fields only, exception fields.
package telemetrytest
