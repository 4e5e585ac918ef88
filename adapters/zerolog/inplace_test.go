package codexzerolog

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/codextel/codextel/core/eventlog"
	"github.com/codextel/codextel/core/pylog"
	"github.com/codextel/codextel/core/telemetry"
	"github.com/codextel/codextel/core/telemetrytest"
)

// recordLine writes e as the adapter wrote every event before it read
// events in place: eventlog's record of e, its attributes walked in order.
func recordLine(l zerolog.Logger, e *telemetry.Event, stamps bool) string {
	var m eventlog.Mapper
	var r pylog.Record
	m.Map(&r, e)
	var buf bytes.Buffer
	level, _ := Level(r.Level)
	out := l.Output(&buf)
	ev := out.WithLevel(level).Str(LoggerKey, r.Logger)
	for _, a := range r.Attrs {
		addAttr(ev, a)
	}
	if !stamps {
		ev.Time(zerolog.TimestampFieldName, r.Time)
	}
	if r.Message == "" {
		ev.Str(zerolog.MessageFieldName, "")
	}
	ev.Msg(r.Message)
	return buf.String()
}

// keepHook keeps the messages it is given, as an application's hook may.
type keepHook struct{ msgs []string }

func (k *keepHook) Run(_ *zerolog.Event, _ zerolog.Level, msg string) { k.msgs = append(k.msgs, msg) }

// TestInPlaceMatchesRecord: for every event of telemetrytest.CatalogEvents
// (every catalog event in layouts of every kind of value and field order,
// and events outside the catalog), the adapter writes byte for byte the line that writing
// eventlog's record of the event gives, to a logger that borrows the
// message and to one whose hook keeps it.
func TestInPlaceMatchesRecord(t *testing.T) {
	when := time.Date(2025, 12, 2, 10, 52, 12, 345678000, time.UTC)
	events := telemetrytest.CatalogEvents(when)

	for _, tc := range []struct {
		name   string
		logger zerolog.Logger
		stamps bool
	}{
		{"borrowed", zerolog.New(nil), false},
		{"hook keeps it", zerolog.New(nil).Hook(&keepHook{}), false},
		{"stamped", zerolog.New(nil).With().Timestamp().Logger(), true},
	} {
		if tc.stamps {
			old := zerolog.TimestampFunc
			zerolog.TimestampFunc = func() time.Time { return when }
			defer func() { zerolog.TimestampFunc = old }()
		}
		for i := range events {
			e := &events[i]
			want := recordLine(tc.logger, e, tc.stamps)
			var got bytes.Buffer
			h := newHandler(tc.logger.Output(&got))
			h.Handle(context.Background(), *e)
			if got.String() != want {
				t.Errorf("%s, %s:\ngot  %s\nwant %s", tc.name, e.Name, got.String(), want)
			}
		}
	}
}
