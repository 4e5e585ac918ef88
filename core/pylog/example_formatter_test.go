package pylog_test

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/codextel/codextel/core/pylog"
)

// The line logging.basicConfig() prints, and a timestamped one. A handler
// writes the result and a newline.
func ExampleFormatter() {
	basic, err := pylog.NewFormatter("%(levelname)s:%(name)s:%(message)s")
	if err != nil {
		panic(err)
	}
	stamped, err := pylog.NewFormatter("%(asctime)s [%(levelname)-8s] %(name)s: %(message)s",
		pylog.WithLocation(time.UTC))
	if err != nil {
		panic(err)
	}
	r := &pylog.Record{
		Time:    time.Date(2025, 12, 2, 10, 52, 12, 123456789, time.UTC),
		Level:   pylog.Warning,
		Logger:  "openai.agents",
		Message: "Queue is full, dropping span.",
	}
	var buf []byte
	buf = append(basic.Append(buf, r), '\n')
	buf = append(stamped.Append(buf, r), '\n')
	os.Stdout.Write(buf)
	// Output:
	// WARNING:openai.agents:Queue is full, dropping span.
	// 2025-12-02 10:52:12,123 [WARNING ] openai.agents: Queue is full, dropping span.
}

// A '{'-style format, and an error on the record: its text follows the
// message on a line of its own, as a traceback would.
func ExampleFormatter_brace() {
	f, err := pylog.NewFormatter("{asctime} {levelname:<8} {message}",
		pylog.WithStyle('{'), pylog.WithLocation(time.UTC), pylog.WithDateFormat("%H:%M:%S"))
	if err != nil {
		panic(err)
	}
	r := &pylog.Record{
		Time:    time.Date(2025, 12, 2, 10, 52, 12, 0, time.UTC),
		Level:   pylog.Error,
		Logger:  "openai.agents",
		Message: "Error getting response: timeout. (request_id: req_123)",
		Err:     errors.New("context deadline exceeded"),
	}
	fmt.Println(string(f.Append(nil, r)))
	// Output:
	// 10:52:12 ERROR    Error getting response: timeout. (request_id: req_123)
	// context deadline exceeded
}

// Mistakes in a format are found when it is compiled, with their position.
func ExampleNewFormatter_error() {
	_, err := pylog.NewFormatter("%(asctime)s %(levelname)d %(message)s")
	fmt.Println(err)
	_, err = pylog.NewFormatter("%(asctime)s %(lineNo)d")
	fmt.Println(err)
	// Output:
	// pylog: format "%(asctime)s %(levelname)d %(message)s": %d format at position 24 needs a number, and this field is a str
	// pylog: format "%(asctime)s %(lineNo)d": unknown attribute "lineNo" at position 12
}
