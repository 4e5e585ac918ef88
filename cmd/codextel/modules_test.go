package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// ourPrefix is the path every codextel module's path starts with.
const ourPrefix = "github.com/codextel/codextel/"

// moduleRule is what one module may import, as docs/ARCHITECTURE.md states
// it: exactly which of our modules its packages depend on, with and without
// their tests, and the only libraries outside the standard library and
// ours its packages import directly (nil: not checked).
type moduleRule struct {
	deps, testDeps []string
	libs           []string
}

// moduleRules are the import rules of docs/ARCHITECTURE.md ("Modules"),
// by module directory. Keep the two the same.
var moduleRules = map[string]moduleRule{
	"core":                       {deps: nil, testDeps: nil, libs: []string{}},
	"conformance":                {deps: []string{"core"}, testDeps: []string{"core"}, libs: []string{}},
	"adapters/agents":            {deps: []string{"core"}, testDeps: []string{"core"}, libs: []string{}},
	"adapters/slog":              {deps: []string{"core"}, testDeps: []string{"conformance", "core"}, libs: []string{}},
	"adapters/zap":               {deps: []string{"core"}, testDeps: []string{"conformance", "core"}, libs: []string{"go.uber.org/zap"}},
	"adapters/zerolog":           {deps: []string{"core"}, testDeps: []string{"conformance", "core"}, libs: []string{"github.com/rs/zerolog"}},
	"adapters/logrus":            {deps: []string{"core"}, testDeps: []string{"conformance", "core"}, libs: []string{"github.com/sirupsen/logrus"}},
	"adapters/otel":              {deps: []string{"core"}, testDeps: []string{"core"}, libs: []string{"go.opentelemetry.io/otel"}},
	"adapters/otel/otlp":         {deps: []string{"adapters/otel", "core"}, testDeps: []string{"adapters/otel", "core"}},
	"benchmarks":                 {deps: nil, testDeps: []string{"core"}, libs: []string{}},
	"adapters/zap/benchmarks":    {deps: nil, testDeps: []string{"adapters/zap", "core"}, libs: []string{}},
	"adapters/agents/benchmarks": {deps: nil, testDeps: []string{"adapters/agents", "adapters/otel", "core"}},
	"cmd/codextel": {
		deps:     []string{"adapters/agents", "adapters/logrus", "adapters/otel", "adapters/otel/otlp", "adapters/slog", "adapters/zap", "adapters/zerolog", "core"},
		testDeps: []string{"adapters/agents", "adapters/logrus", "adapters/otel", "adapters/otel/otlp", "adapters/slog", "adapters/zap", "adapters/zerolog", "core"},
	},
}

// workspaceModules returns the module directories go.work uses.
func workspaceModules(t *testing.T, root string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "go.work"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var mods []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if d, ok := strings.CutPrefix(line, "./"); ok {
			mods = append(mods, d)
		} else if d, ok := strings.CutPrefix(line, "use ./"); ok {
			mods = append(mods, d)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(mods) < 5 {
		t.Fatalf("go.work uses %d modules: %q", len(mods), mods)
	}
	return mods
}

// goList runs go list in dir and returns its output's distinct non-empty
// lines, sorted.
func goList(t *testing.T, goCmd, dir string, args ...string) []string {
	t.Helper()
	cmd := exec.Command(goCmd, append([]string{"list"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("%s: go list %s: %v\n%s", dir, strings.Join(args, " "), err, stderr)
	}
	var lines []string
	for l := range strings.Lines(string(out)) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	slices.Sort(lines)
	return slices.Compact(lines)
}

// ourModules returns the codextel modules among paths other than self, as
// directories.
func ourModules(paths []string, self string) []string {
	var mods []string
	for _, p := range paths {
		if d, ok := strings.CutPrefix(p, ourPrefix); ok && d != self {
			mods = append(mods, d)
		}
	}
	return mods
}

// TestModuleRules holds every module of the workspace to the import rules
// docs/ARCHITECTURE.md states, with go list -deps: which of our modules
// each depends on (its packages, then with their tests), and which outside
// libraries it imports.
func TestModuleRules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list in every module")
	}
	goCmd, err := exec.LookPath("go") // go test puts its own first on PATH
	if err != nil {
		t.Fatalf("no go command on PATH: %v", err)
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	mods := workspaceModules(t, root)
	for _, mod := range mods {
		t.Run(mod, func(t *testing.T) {
			rule, ok := moduleRules[mod]
			if !ok {
				t.Fatalf("module %s (go.work) has no rule in docs/ARCHITECTURE.md nor in moduleRules", mod)
			}
			dir := filepath.Join(root, mod)
			const modPath = "{{with .Module}}{{.Path}}{{end}}"
			if got := ourModules(goList(t, goCmd, dir, "-deps", "-f", modPath, "./..."), mod); !slices.Equal(got, rule.deps) {
				t.Errorf("its packages depend on our modules %q, want %q", got, rule.deps)
			}
			if got := ourModules(goList(t, goCmd, dir, "-deps", "-test", "-f", modPath, "./..."), mod); !slices.Equal(got, rule.testDeps) {
				t.Errorf("with their tests they depend on our modules %q, want %q", got, rule.testDeps)
			}
			if rule.libs == nil {
				return
			}
			imports := goList(t, goCmd, dir, "-f", `{{join .Imports "\n"}}`, "./...")
			used := map[string]bool{}
			for _, imp := range imports {
				first, _, _ := strings.Cut(imp, "/")
				if !strings.Contains(first, ".") || strings.HasPrefix(imp, ourPrefix) {
					continue // the standard library, or ours
				}
				i := slices.IndexFunc(rule.libs, func(lib string) bool { return imp == lib || strings.HasPrefix(imp, lib+"/") })
				if i < 0 {
					t.Errorf("imports %s; its only libraries outside the standard library may be %q", imp, rule.libs)
					continue
				}
				used[rule.libs[i]] = true
			}
			for _, lib := range rule.libs {
				if !used[lib] {
					t.Errorf("does not import its library %s", lib)
				}
			}
		})
	}
	for mod := range moduleRules {
		if !slices.Contains(mods, mod) {
			t.Errorf("moduleRules has %s, which go.work does not use", mod)
		}
	}
}
