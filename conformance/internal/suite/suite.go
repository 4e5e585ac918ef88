// Package suite holds what the conformance suite and its CPython reference
// must agree on: the scenarios and how they are read, the redaction policies,
// the Python layouts and zones, and the one way events are run through a
// telemetry bus. Package conformance runs adapters with it; the prepare
// command writes, with it, the input the CPython reference renders.
package suite

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/codextel/codextel/core/eventjson"
	"github.com/codextel/codextel/core/telemetry"
)

// BaseTime is the time given to a scenario's first event when it has none;
// the event at index i (counting events, from 0) that has none gets BaseTime
// plus i milliseconds, so every run renders the same asctime.
var BaseTime = time.Date(2025, 12, 2, 10, 52, 12, 123456000, time.UTC)

// Data says which data classes a bus lets through (telemetry.WithModelData,
// telemetry.WithToolData).
type Data struct{ ModelData, ToolData bool }

// A Policy is a named redaction policy.
type Policy struct {
	Name   string
	Policy Data
}

// Policies are the policies a scenario may name in its "# policies:" line.
var Policies = []Policy{
	{"redacted", Data{}},
	{"model", Data{ModelData: true}},
	{"tool", Data{ToolData: true}},
	{"data", Data{ModelData: true, ToolData: true}},
}

// A Scenario is one file of scenarios/: events, one a line, in the eventjson
// format, and comment lines. Two comments are directives:
//
//	# secret: TEXT            TEXT is planted in an event and must appear in no output
//	# policies: NAME ...      render under these policies (default: redacted only)
type Scenario struct {
	Name    string // the file name less ".jsonl"
	Events  []telemetry.Event
	Secrets []string
	// Policies are the policies named by the scenario, in order, or nil:
	// then it runs under the zero policy and its file names name none.
	Policies []Policy
}

// A Variant is a scenario under one policy: what one golden transcript per
// format records.
type Variant struct {
	Scenario *Scenario
	Policy   Data
	// Name is the scenario's name, followed by "." and the policy's name
	// when the scenario names its policies: "numbers", "catalog.data".
	Name string
}

// Variants returns the scenario under each of its policies.
func (s *Scenario) Variants() []Variant {
	if s.Policies == nil {
		return []Variant{{Scenario: s, Name: s.Name}}
	}
	out := make([]Variant, len(s.Policies))
	for i, p := range s.Policies {
		out[i] = Variant{Scenario: s, Policy: p.Policy, Name: s.Name + "." + p.Name}
	}
	return out
}

// Load reads every *.jsonl file at the root of fsys, in name order.
func Load(fsys fs.FS) ([]*Scenario, error) {
	names, err := fs.Glob(fsys, "*.jsonl")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, errors.New("suite: no scenarios (*.jsonl)")
	}
	slices.Sort(names)
	var out []*Scenario
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		s, err := Parse(strings.TrimSuffix(name, ".jsonl"), data)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Variants returns the variants of every scenario, in order.
func Variants(scenarios []*Scenario) []Variant {
	var out []Variant
	for _, s := range scenarios {
		out = append(out, s.Variants()...)
	}
	return out
}

// Parse reads one scenario file.
func Parse(name string, data []byte) (*Scenario, error) {
	s := &Scenario{Name: name}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, eventjson.DefaultMaxLine)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
		case strings.HasPrefix(line, "#"):
			if err := s.directive(strings.TrimSpace(line[1:])); err != nil {
				return nil, fmt.Errorf("suite: %s.jsonl:%d: %w", name, n, err)
			}
		default:
			e, err := eventjson.Parse(line)
			if err != nil {
				return nil, fmt.Errorf("suite: %s.jsonl:%d: %w", name, n, err)
			}
			if e.Time.IsZero() {
				e.Time = BaseTime.Add(time.Duration(len(s.Events)) * time.Millisecond)
			}
			s.Events = append(s.Events, e)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("suite: %s.jsonl: %w", name, err)
	}
	if len(s.Events) == 0 {
		return nil, fmt.Errorf("suite: %s.jsonl has no events", name)
	}
	return s, nil
}

func (s *Scenario) directive(text string) error {
	key, value, ok := strings.Cut(text, ":")
	if !ok {
		return nil // a plain comment
	}
	value = strings.TrimSpace(value)
	switch strings.TrimSpace(key) {
	case "secret":
		if value == "" {
			return errors.New("empty secret")
		}
		s.Secrets = append(s.Secrets, value)
	case "policies":
		if s.Policies != nil {
			return errors.New("a second policies line")
		}
		s.Policies = []Policy{}
		for _, name := range strings.Fields(value) {
			i := slices.IndexFunc(Policies, func(p Policy) bool { return p.Name == name })
			if i < 0 {
				return fmt.Errorf("unknown policy %q", name)
			}
			s.Policies = append(s.Policies, Policies[i])
		}
		if len(s.Policies) == 0 {
			return errors.New("policies line names none")
		}
	}
	return nil
}

// NewBus returns the bus a variant runs on: redaction by policy, the default
// scrubber, no throttle (so every event is delivered).
func NewBus(policy Data) *telemetry.Bus {
	return telemetry.New(telemetry.WithModelData(policy.ModelData), telemetry.WithToolData(policy.ToolData), telemetry.WithThrottle(nil))
}

// Emit sends the events to bus in order.
func Emit(bus *telemetry.Bus, events []telemetry.Event) {
	for _, e := range events {
		bus.EmitEvent(context.Background(), e)
	}
}

// Prepare runs the variant's events through a bus made by [NewBus] and
// returns them as its handlers receive them: redacted and scrubbed.
func Prepare(v Variant) ([]telemetry.Event, error) {
	bus := NewBus(v.Policy)
	defer bus.Close()
	var got []telemetry.Event
	if _, err := bus.Attach("conformance.prepare", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
		got = append(got, e.Clone())
	}), "*"); err != nil {
		return nil, err
	}
	Emit(bus, v.Scenario.Events)
	if len(got) != len(v.Scenario.Events) {
		return nil, fmt.Errorf("suite: %s: the bus delivered %d of %d events", v.Name, len(got), len(v.Scenario.Events))
	}
	return got, nil
}

// GoldenName is the file, under golden/, holding the transcript of variant
// in format (a [Layout] name, a dot and a [Zone] name).
func GoldenName(variant, format string) string {
	return path.Join("golden", variant+"."+format+".log")
}
