package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/codextel/codextel/core/native"
)

// maxShownNative is how many problems of a native export are described on
// stderr; the rest are counted.
const maxShownNative = 5

// execNative reads --native for exec: on (the default) or off.
func execNative(o *options) (bool, error) {
	switch o.native {
	case "", "on":
		return true, nil
	case "off":
		return false, nil
	}
	return false, usagef("bad --native %q for exec: want on or off (a recorded export goes with a replay)", o.native)
}

// loadNative reads the export --native names for a replay, or the bundled
// session's own for it, keeping its spans with --native-spans; nil
// without either. A path that cannot be read is
// a usage error; bodies that cannot be read are described on stderr (the
// first few, scrubbed) and the replay goes on with the rest.
func loadNative(o *options, cmd string, bundled bool, stderr io.Writer) (*native.Store, error) {
	limits := native.Limits{KeepSpans: o.nativeSpans}
	if o.native == "" && bundled {
		store := native.NewStore(limits)
		if err := store.LoadLines(strings.NewReader(sampleNative), "sample.native.jsonl"); err != nil {
			return nil, fmt.Errorf("the bundled session's export: %w", err)
		}
		return store, nil
	}
	if o.native == "" {
		return nil, nil
	}
	if cmd != "replay" {
		return nil, usagef("--native joins Codex's own export to an exec stream: it goes with a replay or exec, not %s", cmd)
	}
	if _, err := os.Stat(o.native); err != nil {
		return nil, usagef("cannot read the native export %s: %v", o.native, errors.Unwrap(err))
	}
	store := native.NewStore(limits)
	if err := store.Load(o.native); err != nil {
		lines := strings.Split(err.Error(), "\n")
		for i, line := range lines {
			if i == maxShownNative {
				fmt.Fprintf(stderr, "codextel: native: %d more\n", len(lines)-i)
				break
			}
			fmt.Fprintf(stderr, "codextel: %s\n", scrubbed(line))
		}
	}
	return store, nil
}

// reportNative says what the native export held, after the summary, and
// describes the first values of it that could not be read.
func reportNative(o *options, store *native.Store, stderr io.Writer) {
	if store == nil {
		return
	}
	st := store.Stats()
	for i, p := range store.Problems() {
		if i == maxShownNative {
			break
		}
		fmt.Fprintf(stderr, "codextel: %s\n", scrubbed(p.Error()))
	}
	if o.quiet {
		return
	}
	fmt.Fprintf(stderr, "codextel: native: %d %s, %d records and %d spans kept, %d skipped, %d bad %s, %d unreadable %s\n",
		st.Bodies, plural(st.Bodies, "body", "bodies"), st.Records, st.Spans, st.Skipped+st.DroppedRecords+st.DroppedSpans,
		st.BadBodies, plural(st.BadBodies, "body", "bodies"), st.Problems, plural(st.Problems, "value", "values"))
}
