package bridge

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/codextel/codextel/core/telemetry"
	"github.com/codextel/codextel/core/telemetrytest"
)

// TestAppServerCaptures replays the real app-server wire logs (and the bare
// turn/completed capture) against goldens, with the bus on the stream's clock.
func TestAppServerCaptures(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.jsonl")
	for _, f := range files {
		base := filepath.Base(f)
		if !strings.HasPrefix(base, "appserver__") && !strings.Contains(base, "app_server") {
			continue
		}
		t.Run(strings.TrimSuffix(base, ".jsonl"), func(t *testing.T) {
			clock := NewStreamClock(func() time.Time { return time.Date(2025, 12, 2, 10, 52, 12, 0, time.UTC) })
			bus := telemetry.New(telemetry.WithClock(clock.Now),
				telemetry.WithModelData(true), telemetry.WithToolData(true), telemetry.WithThrottle(nil))
			rec := telemetrytest.Record(t, bus)
			in, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			sum, err := ReadAppServer(context.Background(), in, bus, WithStreamClock(clock))
			if err != nil {
				t.Fatal(err)
			}
			if sum.BadLines != 0 {
				t.Errorf("%d bad lines in a real capture", sum.BadLines)
			}
			rec.WantCatalog()
			checkGolden(t, filepath.Join("testdata", "golden", strings.TrimSuffix(base, ".jsonl")+".events"), describe(rec))
		})
	}
}

// approvalWire is a small wire log: a thread, a turn, an approved command
// and a file change whose approval the stream never answers.
var approvalWire = strings.Join([]string{
	`{"dir":"s2c","msg":{"method":"thread/started","params":{"thread":{"id":"th"}},"emittedAtMs":1000}}`,
	`{"dir":"s2c","msg":{"method":"turn/started","params":{"threadId":"th","turn":{"id":"tu"}},"emittedAtMs":1000}}`,
	`{"dir":"s2c","msg":{"method":"item/commandExecution/requestApproval","id":5,"params":{"threadId":"th","turnId":"tu","itemId":"c1","startedAtMs":2000,"command":"rm -rf /"}}}`,
	`{"dir":"s2c","msg":{"method":"serverRequest/resolved","params":{"threadId":"th","requestId":5},"emittedAtMs":4500}}`,
	`{"dir":"c2s","msg":{"id":5,"result":{"decision":{"acceptWithExecpolicyAmendment":{"execpolicy_amendment":["rm"]}}}}}`,
	`{"dir":"s2c","msg":{"method":"item/fileChange/requestApproval","id":6,"params":{"threadId":"th","turnId":"tu","itemId":"c2","startedAtMs":5000}}}`,
}, "\n")

func TestApprovalWaitingTime(t *testing.T) {
	wire := approvalWire
	clock := NewStreamClock(nil)
	bus := telemetry.New(telemetry.WithClock(clock.Now), telemetry.WithThrottle(nil))
	rec := telemetrytest.Record(t, bus, "codex.approval.*")
	sum, err := ReadAppServer(context.Background(), strings.NewReader(wire), bus, WithStreamClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	rec.WantNames("codex.approval.requested", "codex.approval.approved", "codex.approval.requested", "codex.approval.cancelled")
	approved, _ := rec.Find("codex.approval.approved")
	if d, _ := approved.Measurement("duration"); d.Duration() != 2500*time.Millisecond {
		t.Errorf("waited %v, want 2.5s", d.Duration())
	}
	if v, _ := approved.Lookup("decision"); v.String() != "acceptWithExecpolicyAmendment" {
		t.Errorf("decision %v", v)
	}
	// The session's own span of time, first timestamp to last, not the
	// stream's last time less the machine's clock at the start.
	if sum.Duration != 4*time.Second {
		t.Errorf("duration %v, want 4s (1000 ms to 5000 ms)", sum.Duration)
	}
	if sum.Approvals != 2 {
		t.Errorf("approvals %d", sum.Approvals)
	}
	rec.WantCatalog()
}

// FuzzReadAppServer checks that no input panics the app-server reader or
// stops it early, and that every event it emits matches the catalog.
func FuzzReadAppServer(f *testing.F) {
	// Small seeds: the real wire logs carry 10 KiB thread objects, which the
	// fuzzer mutates slowly; these cover the same messages.
	f.Add([]byte(approvalWire))
	f.Add([]byte(`{"method":"turn/completed","params":{"threadId":"t","turn":{"id":"u","status":"failed","error":{"message":"boom"}}}}`))
	f.Add([]byte(`{"dir":"s2c","msg":{"method":"thread/tokenUsage/updated","params":{"threadId":"t","tokenUsage":{"total":{"inputTokens":5},"last":{"inputTokens":5},"modelContextWindow":9}}}}` + "\n" +
		`{"dir":"s2c","msg":{"method":"item/started","params":{"threadId":"t","item":{"type":"mcpToolCall","id":"m","server":"s","tool":"x","arguments":{"a":1}}}}}` + "\n" +
		`{"dir":"s2c","msg":{"method":"item/agentMessage/delta","params":{"threadId":"t","itemId":"m","delta":"hi"}}}`))
	f.Add([]byte(`{"dir":"c2s","msg":{"id":5,"result":{"decision":"accept"}}}` + "\n" + `{"dir":"s2c","msg":{"method":"thread/started","params":{}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		bus := telemetry.New(telemetry.WithThrottle(nil))
		var problems []error
		_, _ = bus.Attach("check", telemetry.HandlerFunc(func(_ context.Context, e telemetry.Event) {
			if err := telemetrytest.CheckCatalog(e); err != nil {
				problems = append(problems, err)
			}
		}), "*")
		if _, err := ReadAppServer(context.Background(), bytes.NewReader(data), bus, WithMaxLine(4096)); err != nil {
			t.Fatalf("ReadAppServer: %v", err)
		}
		if len(problems) > 0 {
			t.Fatal(errors.Join(problems...))
		}
	})
}
