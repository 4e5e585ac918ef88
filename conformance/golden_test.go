package conformance

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/codextel/codextel/conformance/internal/suite"
	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/pylog"
)

// pythonPath is the reference interpreter: Debian's CPython 3.11 with
// python3-pythonjsonlogger (2.0.1), as CI installs it.
const pythonPath = "/usr/bin/python3"

// requirePython skips the test, or fails it under CODEXTEL_REQUIRE_PYTHON=1,
// when the reference interpreter is missing.
func requirePython(t *testing.T) {
	t.Helper()
	out, err := exec.Command(pythonPath, "-c", `import sys
from importlib.metadata import version
import pythonjsonlogger
v = version("python-json-logger")
assert sys.version_info[:2] == (3, 11) and v == "2.0.1", (sys.version, v)`).CombinedOutput()
	if err == nil {
		return
	}
	msg := "the CPython reference (3.11 with python-json-logger 2.0.1 at " + pythonPath + ") is missing: " +
		strings.TrimSpace(string(out)) + " " + err.Error()
	if os.Getenv("CODEXTEL_REQUIRE_PYTHON") == "1" {
		t.Fatal("CODEXTEL_REQUIRE_PYTHON=1: " + msg)
	}
	noteSkip(t)
	t.Skip(msg)
}

// noteSkip appends the skipped test's name to the file CODEXTEL_SKIP_LOG
// names, if any: `make test` counts the CPython comparisons skipped there
// and says so loudly at its end.
func noteSkip(t *testing.T) {
	path := os.Getenv("CODEXTEL_SKIP_LOG")
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Errorf("CODEXTEL_SKIP_LOG: %v", err)
		return
	}
	defer f.Close()
	if _, err := f.WriteString("conformance " + t.Name() + "\n"); err != nil {
		t.Errorf("CODEXTEL_SKIP_LOG: %v", err)
	}
}

// TestGoldenFromCPython regenerates the transcripts with CPython, as `make
// golden` does, and fails if any differs from the embedded one: the goldens
// must be exactly what CPython renders from the current scenarios and
// catalog.
func TestGoldenFromCPython(t *testing.T) {
	requirePython(t)
	dir := t.TempDir()
	prepared, out := filepath.Join(dir, "prepared"), filepath.Join(dir, "golden")
	if err := suite.WriteReference(prepared, os.DirFS("scenarios")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(pythonPath, "python/render.py", "scenarios", prepared, out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("render.py: %v\n%s", err, msg)
	}
	fresh, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range fresh {
		names = append(names, e.Name())
		want, err := os.ReadFile(filepath.Join(out, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		got, err := fs.ReadFile(goldenFS, "golden/"+e.Name())
		if err != nil {
			t.Errorf("golden/%s is missing: run `make golden`", e.Name())
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("golden/%s is stale: run `make golden`\n%s", e.Name(), lineDiff(want, got, "CPython now", "committed"))
		}
	}
	embedded, err := fs.Glob(goldenFS, "golden/*.log")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range embedded {
		if !slices.Contains(names, filepath.Base(name)) {
			t.Errorf("%s is not rendered by CPython any more: run `make golden`", name)
		}
	}
}

// TestGoldenSet checks that there is one transcript per case and no other.
func TestGoldenSet(t *testing.T) {
	cases, err := pythonCases()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, c := range cases {
		want[c.golden()] = true
	}
	have, err := fs.Glob(goldenFS, "golden/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range have {
		if !want[name] {
			t.Errorf("%s belongs to no case", name)
		}
		delete(want, name)
	}
	for name := range want {
		t.Errorf("%s is missing", name)
	}
}

// TestScenariosCoverCatalog checks that the catalog scenario has every event
// of the catalog, and, with data logging on, the data message of every event
// that has one; so every level the catalog uses is rendered.
func TestScenariosCoverCatalog(t *testing.T) {
	ss, err := scenarios()
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(ss, func(s *suite.Scenario) bool { return s.Name == "catalog" })
	if i < 0 {
		t.Fatal("no catalog scenario")
	}
	var data suite.Variant
	for _, v := range ss[i].Variants() {
		if v.Name == "catalog.data" {
			data = v
		}
	}
	if data.Scenario == nil {
		t.Fatal("the catalog scenario does not run under the data policy")
	}
	events, err := suite.Prepare(data)
	if err != nil {
		t.Fatal(err)
	}
	levels := map[pylog.Level]bool{}
	for _, entry := range catalog.All() {
		levels[entry.Level] = true
		if entry.DataLevel != 0 {
			levels[entry.DataLevel] = true
		}
		seen, dataSeen := false, false
		for _, e := range events {
			if e.Name != entry.Name {
				continue
			}
			seen = true
			tmpl, _ := entry.MessageFor(func(key string) bool { _, ok := e.Lookup(key); return ok })
			dataSeen = dataSeen || text(tmpl) == entry.DataMessage
		}
		if !seen {
			t.Errorf("scenarios/catalog.jsonl lacks %s", entry.Name)
		} else if entry.DataMessage != "" && !dataSeen {
			t.Errorf("scenarios/catalog.jsonl has no %s with the data its data message names", entry.Name)
		}
	}
	for _, l := range []pylog.Level{pylog.Debug, pylog.Info, pylog.Warning, pylog.Error} {
		if !levels[l] {
			t.Errorf("no catalog event at %s", l)
		}
	}
}

// text writes a template back as its source text.
func text(t catalog.Template) string {
	var b strings.Builder
	for s, isField := range t.Parts {
		if isField {
			b.WriteString("{" + s + "}")
		} else {
			b.WriteString(strings.NewReplacer("{", "{{", "}", "}}").Replace(s))
		}
	}
	return b.String()
}
