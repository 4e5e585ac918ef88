package conformance

import (
	"time"
	_ "time/tzdata" // Asia/Kolkata on machines without a zoneinfo database

	"github.com/codextel/codextel/conformance/internal/suite"
	"github.com/codextel/codextel/core/pylog"
)

// A Format is one of the Python layouts the suite checks.
type Format struct {
	Name        string         // as in golden file names: the layout, a dot, the zone ("json.kolkata")
	JSON        bool           // python-json-logger rather than logging.Formatter
	Fmt         string         // the Python format string
	Datefmt     string         // "" for Python's default
	EnsureASCII bool           // JSON only
	Location    *time.Location // the zone asctime is rendered in
}

// Formats returns every format x zone the suite checks: six layouts, each in
// UTC and in Asia/Kolkata (UTC+05:30, an offset that is not a whole number
// of hours):
//
//	message    %(message)s  (the Agents SDK's verbose handler, Python's last resort)
//	basic      %(levelname)s:%(name)s:%(message)s  (logging.BASIC_FORMAT)
//	asctime    %(asctime)s %(levelname)s %(name)s: %(message)s
//	datefmt    %(asctime)s [%(levelname)-8s] %(message)s, datefmt %Y-%m-%dT%H:%M:%S%z
//	json       python-json-logger, %(asctime)s %(levelname)s %(name)s %(message)s, extras
//	json_utf8  the same with json_ensure_ascii=False
func Formats() []Format {
	var out []Format
	for _, f := range suite.Formats() {
		loc, err := time.LoadLocation(f.Zone.TZ)
		if err != nil {
			// time/tzdata is linked in: only a zone missing from it gets here.
			panic("conformance: " + err.Error())
		}
		out = append(out, Format{
			Name:        f.Name,
			JSON:        f.JSON,
			Fmt:         f.Fmt,
			Datefmt:     f.Datefmt,
			EnsureASCII: f.EnsureASCII,
			Location:    loc,
		})
	}
	return out
}

// PythonFormatter builds the pylog formatter for f, so adapters need not
// repeat the option plumbing: [pylog.NewJSONFormatter] or
// [pylog.NewFormatter] with f's format, date format, ensure_ascii and
// location.
func PythonFormatter(f Format) (pylog.RecordFormatter, error) {
	var opts []pylog.Option
	if f.Location != nil {
		opts = append(opts, pylog.WithLocation(f.Location))
	}
	if f.Datefmt != "" {
		opts = append(opts, pylog.WithDateFormat(f.Datefmt))
	}
	if f.JSON {
		opts = append(opts, pylog.WithEnsureASCII(f.EnsureASCII))
		j, err := pylog.NewJSONFormatter(f.Fmt, opts...)
		if err != nil {
			return nil, err
		}
		return j, nil
	}
	t, err := pylog.NewFormatter(f.Fmt, opts...)
	if err != nil {
		return nil, err
	}
	return t, nil
}
