package codexzap_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMEQuotesExample checks that the repository README's wiring snippet
// is Example_readme's body between its README:begin and README:end marks,
// word for word (less one level of indentation), so that the README shows
// code CI runs. From a module cache, where the README is not next to the
// module, there is nothing to check.
func TestREADMEQuotesExample(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if os.IsNotExist(err) {
		t.Skip("no README.md two levels up: not in a clone of the repository")
	}
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile("readme_example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	want, err := between(string(example), "\t// README:begin\n", "\t// README:end\n")
	if err != nil {
		t.Fatalf("readme_example_test.go: %v", err)
	}
	want = strings.ReplaceAll("\n"+want, "\n\t", "\n")[1:]
	const mark = "<!-- quoted from adapters/zap/readme_example_test.go, Example_readme -->\n```go\n"
	got, err := between(string(readme), mark, "```\n")
	if err != nil {
		t.Fatalf("README.md: %v", err)
	}
	if got != want {
		t.Errorf("README.md's snippet differs from Example_readme's body:\n--- README.md\n%s--- Example_readme\n%s", got, want)
	}
}

// between returns the text of s after the first start and before the end
// that follows it.
func between(s, start, end string) (string, error) {
	_, after, ok := strings.Cut(s, start)
	if !ok {
		return "", &markError{start}
	}
	body, _, ok := strings.Cut(after, end)
	if !ok {
		return "", &markError{end}
	}
	return body, nil
}

type markError struct{ mark string }

func (e *markError) Error() string { return "no " + strings.TrimSpace(e.mark) + " mark" }
