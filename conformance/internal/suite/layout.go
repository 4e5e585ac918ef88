package suite

// A Layout is one Python logging configuration the suite renders.
type Layout struct {
	Name        string
	JSON        bool // python-json-logger's JsonFormatter rather than logging.Formatter
	Fmt         string
	Datefmt     string
	EnsureASCII bool
}

// Layouts are the configurations every adapter is checked in: what the
// Python Agents SDK and common Python set-ups print.
var Layouts = []Layout{
	// The bare message: the Agents SDK's enable_verbose_stdout_logging()
	// handler, and Python's last-resort handler.
	{Name: "message", Fmt: "%(message)s"},
	// logging.BASIC_FORMAT: what logging.basicConfig() prints.
	{Name: "basic", Fmt: "%(levelname)s:%(name)s:%(message)s"},
	// The default asctime (local time, ",mmm" milliseconds).
	{Name: "asctime", Fmt: "%(asctime)s %(levelname)s %(name)s: %(message)s"},
	// A datefmt with a numeric zone, and a padded level name.
	{Name: "datefmt", Fmt: "%(asctime)s [%(levelname)-8s] %(message)s", Datefmt: "%Y-%m-%dT%H:%M:%S%z"},
	// python-json-logger, with extras, escaping non-ASCII (its default).
	{Name: "json", JSON: true, Fmt: "%(asctime)s %(levelname)s %(name)s %(message)s", EnsureASCII: true},
	// The same with json_ensure_ascii=False.
	{Name: "json_utf8", JSON: true, Fmt: "%(asctime)s %(levelname)s %(name)s %(message)s"},
}

// A Zone is a local time zone the layouts are rendered in (Python's TZ).
type Zone struct {
	Name string // as in golden file names
	TZ   string // the IANA name
}

// Zones are UTC and a zone whose offset is not a whole number of hours.
var Zones = []Zone{
	{Name: "utc", TZ: "UTC"},
	{Name: "kolkata", TZ: "Asia/Kolkata"},
}

// A Format is a layout rendered in a zone.
type Format struct {
	Layout
	Zone Zone
	Name string // the layout's name, a dot, the zone's: "json.kolkata"
}

// Formats returns every layout in every zone, zones varying fastest.
func Formats() []Format {
	var out []Format
	for _, l := range Layouts {
		for _, z := range Zones {
			out = append(out, Format{Layout: l, Zone: z, Name: l.Name + "." + z.Name})
		}
	}
	return out
}
