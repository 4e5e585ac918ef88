package core

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// semver is the regular expression semver.org recommends.
var semver = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

func TestVersionSemver(t *testing.T) {
	if !semver.MatchString(Version) {
		t.Errorf("Version %q is not a semantic version", Version)
	}
}

// notVersioned are the modules of the repository that are tools, not
// libraries or commands anyone depends on: the OpenTelemetry collector the
// otel end-to-end test builds.
var notVersioned = map[string]bool{"adapters/otel/otlp/e2e/otelcol": true}

// Every module of the repository has a version.go declaring a Version
// constant that is a semantic version. The modules are found from go.mod
// files, one directory up from core; from a module cache, where core has no
// siblings, the test has nothing to check and says so.
func TestEveryModuleHasVersion(t *testing.T) {
	root := ".."
	if _, err := os.Stat(filepath.Join(root, "go.work")); err != nil {
		t.Skip("not in a clone of the repository: no go.work next to core")
	}
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.Name() != "go.mod" {
			return nil
		}
		dir := filepath.Dir(path)
		rel, _ := filepath.Rel(root, dir)
		if notVersioned[filepath.ToSlash(rel)] {
			return nil
		}
		n++
		v, err := versionConst(filepath.Join(dir, "version.go"))
		if err != nil {
			t.Errorf("module %s: %v", rel, err)
		} else if !semver.MatchString(v) {
			t.Errorf("module %s: Version %q is not a semantic version", rel, v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 2 {
		t.Fatalf("found %d modules under %s, want the repository's", n, root)
	}
}

// versionConst returns the value of the string constant Version that file
// declares.
func versionConst(file string) (string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		return "", err
	}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if name.Name != "Version" || i >= len(vs.Values) {
					continue
				}
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					return strconv.Unquote(lit.Value)
				}
				return "", &os.PathError{Op: "read", Path: file, Err: errNotString}
			}
		}
	}
	return "", &os.PathError{Op: "read", Path: file, Err: errNoVersion}
}

type versionError string

func (e versionError) Error() string { return string(e) }

const (
	errNoVersion = versionError("no Version constant")
	errNotString = versionError("Version is not a string literal")
)
