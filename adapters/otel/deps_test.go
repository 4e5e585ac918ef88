package codexotel

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// heavyDeps are what the OTLP/Prometheus set-up (module adapters/otel/otlp)
// brings and this package must not: a user who writes through providers of
// their own does not pull gRPC, the OTLP exporters or Prometheus.
var heavyDeps = []string{
	"google.golang.org/grpc",
	"go.opentelemetry.io/otel/exporters/",
	"github.com/prometheus/",
	"google.golang.org/protobuf",
}

// goTool returns the go command on PATH (go test puts its own GOROOT/bin
// first on the PATH of the tests it runs).
func goTool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command on PATH: %v", err)
	}
	return p
}

// TestNoExporterDeps: neither the package's dependencies (go list -deps)
// nor its go.mod name gRPC, an OTLP exporter or Prometheus.
func TestNoExporterDeps(t *testing.T) {
	out, err := exec.Command(goTool(t), "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps listed %d packages: %q", len(deps), out)
	}
	for _, d := range deps {
		for _, h := range heavyDeps {
			if strings.HasPrefix(d, h) {
				t.Errorf("codexotel depends on %s", d)
			}
		}
	}
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(mod), "\n") {
		for _, h := range heavyDeps {
			if strings.Contains(line, h) {
				t.Errorf("go.mod:%d requires %s", i+1, strings.TrimSpace(line))
			}
		}
	}
}
