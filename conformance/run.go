package conformance

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"
	"testing"

	"github.com/codextel/codextel/conformance/internal/suite"
	"github.com/codextel/codextel/core/telemetry"
)

// The scenarios and CPython's transcripts of them travel inside the module,
// so the suite runs from the module cache.
var (
	//go:embed scenarios/*.jsonl
	scenarioFS embed.FS
	//go:embed golden/*.log
	goldenFS embed.FS
)

// scenarios returns the embedded scenarios, read once.
var scenarios = sync.OnceValues(func() ([]*suite.Scenario, error) {
	sub, err := fs.Sub(scenarioFS, "scenarios")
	if err != nil {
		return nil, err
	}
	return suite.Load(sub)
})

// Factory attaches the adapter under test to bus so that it writes each
// event as one line, in Python format f, to w. The adapter must take every
// event (the pattern "*": the scenarios include events outside codex.*) at
// every level, and write each record, with its trailing newline, in one
// Write. detach undoes the attachment; the suite calls it once the events
// are emitted.
type Factory func(bus *telemetry.Bus, f Format, w io.Writer) (detach func(), err error)

// A pythonCase is one scenario, under one policy, in one format.
type pythonCase struct {
	variant suite.Variant
	format  Format
}

func (c pythonCase) golden() string { return suite.GoldenName(c.variant.Name, c.format.Name) }

// pythonCases lists every case, variants in scenario order, formats in
// [Formats] order.
func pythonCases() ([]pythonCase, error) {
	ss, err := scenarios()
	if err != nil {
		return nil, err
	}
	var out []pythonCase
	for _, v := range suite.Variants(ss) {
		for _, f := range Formats() {
			out = append(out, pythonCase{v, f})
		}
	}
	return out, nil
}

// Run runs the suite on the adapter newAdapter attaches: for every scenario,
// policy, format and zone, one subtest (named scenario[.policy]/format.zone)
// that emits the scenario's events on a bus redacting by that policy and
// scrubbing secrets, and compares what the adapter writes, byte for byte,
// with CPython's transcript (golden/<scenario>[.<policy>].<format>.<zone>.log).
// A difference is reported as a line diff. The adapter must also write each
// event in one Write and no planted secret.
func Run(t *testing.T, newAdapter Factory) {
	t.Helper()
	cases, err := pythonCases()
	if err != nil {
		t.Fatal(err)
	}
	for len(cases) > 0 {
		v := cases[0].variant
		n := 1
		for n < len(cases) && cases[n].variant.Name == v.Name {
			n++
		}
		group := cases[:n]
		cases = cases[n:]
		t.Run(v.Name, func(t *testing.T) {
			for _, c := range group {
				t.Run(c.format.Name, func(t *testing.T) {
					for _, err := range c.check(newAdapter) {
						t.Error(err)
					}
				})
			}
		})
	}
}

// Test is [Run] without a testing.T: it runs every case and returns their
// problems joined, each prefixed with its case's name, or nil.
func Test(newAdapter Factory) error {
	cases, err := pythonCases()
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range cases {
		for _, err := range c.check(newAdapter) {
			errs = append(errs, fmt.Errorf("%s/%s: %w", c.variant.Name, c.format.Name, err))
		}
	}
	return errors.Join(errs...)
}

// check runs one case and returns its problems.
func (c pythonCase) check(newAdapter Factory) []error {
	want, err := fs.ReadFile(goldenFS, c.golden())
	if err != nil {
		return []error{fmt.Errorf("no CPython transcript %s (run `make golden`): %w", c.golden(), err)}
	}
	out, err := runAdapter(c.variant, func(bus *telemetry.Bus, w io.Writer) (func(), error) {
		return newAdapter(bus, c.format, w)
	})
	if err != nil {
		return []error{err}
	}
	var errs []error
	if got := out.buf.Bytes(); !bytes.Equal(got, want) {
		errs = append(errs, fmt.Errorf("the output differs from CPython's %s:\n%s", c.golden(), lineDiff(want, got, "CPython", "adapter")))
	}
	if n := len(c.variant.Scenario.Events); out.writes != n {
		errs = append(errs, fmt.Errorf("%d writes for %d events: each event must be one Write", out.writes, n))
	}
	return append(errs, leaks(c.variant.Scenario, out.buf.Bytes())...)
}

// runAdapter attaches an adapter to a bus for v, emits v's events and returns
// what the adapter wrote.
func runAdapter(v suite.Variant, attach func(*telemetry.Bus, io.Writer) (func(), error)) (*recorder, error) {
	bus := suite.NewBus(v.Policy)
	defer bus.Close()
	out := new(recorder)
	detach, err := attach(bus, out)
	if err != nil {
		return nil, fmt.Errorf("attaching the adapter: %w", err)
	}
	if detach == nil {
		return nil, errors.New("attaching the adapter: nil detach func")
	}
	func() {
		defer detach()
		suite.Emit(bus, v.Scenario.Events)
	}()
	return out, nil
}

// leaks reports each planted secret found in out.
func leaks(s *suite.Scenario, out []byte) []error {
	var errs []error
	for _, secret := range s.Secrets {
		if bytes.Contains(out, []byte(secret)) {
			errs = append(errs, fmt.Errorf("the planted secret %q is in the output", secret))
		}
	}
	return errs
}

// A recorder is the writer adapters write to: it keeps the bytes and counts
// the writes.
type recorder struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes int
}

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes++
	return r.buf.Write(p)
}
