package main

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/codextel/codextel/core/bridge"
	"github.com/codextel/codextel/core/instrument"
)

// twoThreadStream is an exec stream of two threads: two turns with a
// command each (one failing), then a turn with none. Usage is cumulative per
// thread, as codex exec reports it. At gpt-test's prices (testdata/prices.json)
// the turns cost 600+100+1000, 1000+250+2000 and 500+500 millionths of a
// dollar.
const twoThreadStream = `{"type":"thread.started","thread_id":"th1"}
{"type":"turn.started"}
{"type":"item.started","item":{"id":"item_0","type":"command_execution","command":"ls","status":"in_progress"}}
{"type":"item.completed","item":{"id":"item_0","type":"command_execution","command":"ls","aggregated_output":"","exit_code":0,"status":"completed"}}
{"type":"turn.completed","usage":{"input_tokens":1000,"cached_input_tokens":400,"output_tokens":100}}
{"type":"turn.started"}
{"type":"item.started","item":{"id":"item_1","type":"command_execution","command":"false","status":"in_progress"}}
{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"false","aggregated_output":"","exit_code":1,"status":"failed"}}
{"type":"turn.completed","usage":{"input_tokens":3000,"cached_input_tokens":1400,"output_tokens":300,"reasoning_output_tokens":64}}
{"type":"thread.started","thread_id":"th2"}
{"type":"turn.started"}
{"type":"turn.completed","usage":{"input_tokens":500,"cached_input_tokens":0,"output_tokens":50}}
`

// TestSummary pins the end-of-run summary: the headline, the tool and
// token tables, and the notes on times and prices.
func TestSummary(t *testing.T) {
	t.Setenv("TZ", "UTC")
	clock := "--clock=2025-12-02T10:52:12Z"
	prices := filepath.Join("testdata", "prices.json")
	appserver := filepath.Join("..", "..", "core", "bridge", "testdata", "appserver__codex-0.169.0-mock__approvals_accept_decline.wire.jsonl")
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{
			name: "the sample, --clock",
			args: []string{clock},
			want: `codextel: 1 thread, 1 turn (0 failed), 3 tool calls (2 failed), 0 approvals, tokens 24600 in / 120 out
  tool kind      calls  failed  p50  p95
  mcp_tool_call      3       2    -    -
  thread  turn  input  cached  output  reasoning
  1          1  24600   17664     120          0
  total         24600   17664     120          0
codextel: durations are not measured: --clock gives every event the same time
codextel: native: 3 bodies, 14 records and 24 spans kept, 16 skipped, 0 bad bodies, 0 unreadable values
`,
		},
		{
			name:  "two threads, priced",
			stdin: twoThreadStream,
			args:  []string{clock, "--prices", prices, "--model", "gpt-test", "-"},
			want: `codextel: 2 threads, 3 turns (0 failed), 2 tool calls (1 failed), 0 approvals, tokens 3500 in / 350 out, $0.0059
  tool kind          calls  failed  p50  p95
  command_execution      2       1    -    -
  thread  turn  input  cached  output  reasoning     cost
  1          1   1000     400     100          0  $0.0017
  1          2   2000    1000     200         64  $0.0032
  2          1    500       0      50          0  $0.0010
  1        all   3000    1400     300         64  $0.0049
  2        all    500       0      50          0  $0.0010
  total          3500    1400     350         64  $0.0059
codextel: durations are not measured: --clock gives every event the same time
`,
		},
		{
			name:  "two threads, model unknown to the table",
			stdin: twoThreadStream,
			args:  []string{clock, "--prices", prices, "--model", "gpt-9", "-"},
			want: `codextel: 2 threads, 3 turns (0 failed), 2 tool calls (1 failed), 0 approvals, tokens 3500 in / 350 out
  tool kind          calls  failed  p50  p95
  command_execution      2       1    -    -
  thread  turn  input  cached  output  reasoning
  1          1   1000     400     100          0
  1          2   2000    1000     200         64
  2          1    500       0      50          0
  1        all   3000    1400     300         64
  2        all    500       0      50          0
  total          3500    1400     350         64
codextel: durations are not measured: --clock gives every event the same time
codextel: no price for model "gpt-9" in testdata/prices.json: its tokens have no cost
`,
		},
		{
			name:  "two threads, no model",
			stdin: twoThreadStream,
			args:  []string{clock, "--prices", prices, "-"},
			want: `codextel: 2 threads, 3 turns (0 failed), 2 tool calls (1 failed), 0 approvals, tokens 3500 in / 350 out
  tool kind          calls  failed  p50  p95
  command_execution      2       1    -    -
  thread  turn  input  cached  output  reasoning
  1          1   1000     400     100          0
  1          2   2000    1000     200         64
  2          1    500       0      50          0
  1        all   3000    1400     300         64
  2        all    500       0      50          0
  total          3500    1400     350         64
codextel: durations are not measured: --clock gives every event the same time
codextel: the stream does not name the model of some threads: their tokens have no cost (name it with --model)
`,
		},
		{
			name: "app-server: session times from the stream, priced by its own model",
			args: []string{"appserver", "--prices", prices, "--model", "gpt-test", appserver},
			want: `codextel: 1 thread, 1 turn (0 failed), 4 tool calls (2 failed), 4 approvals, tokens 31000 in / 150 out, $0.0291, 354ms of session time
  tool kind          calls  failed  p50   p95
  command_execution      2       1  1ms  42ms
  file_change            2       1  3ms  45ms
  thread  turn  input  cached  output  reasoning     cost
  1          1  31000   23552     150          0  $0.0291
  total         31000   23552     150          0  $0.0291
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runWith(t, tt.stdin, tt.args...)
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			if errOut != tt.want {
				t.Errorf("summary:\n%s\nwant:\n%s", errOut, tt.want)
			}
		})
	}
}

// TestSummaryProcessingTime: a replay without --clock measures how long
// codextel took, and says so rather than pass it off as the session's.
func TestSummaryProcessingTime(t *testing.T) {
	code, _, errOut := runWith(t, twoThreadStream, "-")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	head := regexp.MustCompile(`(?m)^codextel: 2 threads, 3 turns \(0 failed\), 2 tool calls \(1 failed\), 0 approvals, tokens 3500 in / 350 out, read in [0-9.]+[µm]?s$`)
	kinds := regexp.MustCompile(`(?m)^  command_execution      2       1 +[0-9.]+[µmn]?s +[0-9.]+[µmn]?s$`)
	note := "codextel: durations are the times codextel took to read the stream, not the session's: the stream has no timestamps\n"
	if !head.MatchString(errOut) || !kinds.MatchString(errOut) || !strings.HasSuffix(errOut, note) || strings.Contains(errOut, "$") {
		t.Errorf("summary:\n%s", errOut)
	}
}

// TestSummaryManyTurns lists the first turns and sums the rest in a row.
func TestSummaryManyTurns(t *testing.T) {
	var b strings.Builder
	// 25 turns of 1000 input and 10 output tokens each (cumulative counts).
	b.WriteString(`{"type":"thread.started","thread_id":"th"}` + "\n")
	for i := 1; i <= 25; i++ {
		b.WriteString(`{"type":"turn.started"}` + "\n")
		b.WriteString(`{"type":"turn.completed","usage":{"input_tokens":` + strconv.Itoa(1000*i) + `,"cached_input_tokens":0,"output_tokens":` + strconv.Itoa(10*i) + `}}` + "\n")
	}
	code, _, errOut := runWith(t, b.String(), "--clock=2025-12-02T10:52:12Z", "--prices", filepath.Join("testdata", "prices.json"), "--model", "gpt-test", "-")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{
		"  1           20   1000       0      10          0  $0.0011\n",
		"          5 more   5000       0      50          0  $0.0055\n",
		"  total           25000       0     250          0  $0.0275\n",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("summary lacks %q:\n%s", want, errOut)
		}
	}
	if n := strings.Count(errOut, "\n  1 "); n != maxTurnRows {
		t.Errorf("%d turn rows, want %d:\n%s", n, maxTurnRows, errOut)
	}
}

func TestPercentile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		out := make([]time.Duration, len(ns))
		for i, n := range ns {
			out[i] = time.Duration(n) * time.Millisecond
		}
		return out
	}
	tests := []struct {
		sorted   []time.Duration
		p50, p95 time.Duration
	}{
		{nil, 0, 0},
		{ms(7), 7 * time.Millisecond, 7 * time.Millisecond},
		{ms(1, 2), time.Millisecond, 2 * time.Millisecond},
		{ms(1, 2, 3, 4), 2 * time.Millisecond, 4 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20), 10 * time.Millisecond, 19 * time.Millisecond},
	}
	for _, tt := range tests {
		if p50, p95 := percentile(tt.sorted, 50), percentile(tt.sorted, 95); p50 != tt.p50 || p95 != tt.p95 {
			t.Errorf("%v: p50 %v, p95 %v; want %v, %v", tt.sorted, p50, p95, tt.p50, tt.p95)
		}
	}
}

// TestExamplePrices: the example price file in docs/ reads.
func TestExamplePrices(t *testing.T) {
	table, err := readPrices(filepath.Join("..", "..", "docs", "prices.example.json"))
	if err != nil {
		t.Fatal(err)
	}
	if table.date == "" || len(table.models) == 0 {
		t.Errorf("date %q, %d models", table.date, len(table.models))
	}
	if _, ok := table.lookup("gpt-5-codex"); !ok {
		t.Errorf("no price for gpt-5-codex")
	}
	if _, ok := table.lookup("gpt-5-codex-preview"); ok {
		t.Errorf("a price for a model the table does not name: guessed")
	}
}

// TestSummaryMixedPrices: threads of a priced and an unpriced model (an
// app-server log can hold both): the unpriced turns say so, and the cost
// is of the priced turns only.
func TestSummaryMixedPrices(t *testing.T) {
	o := &options{prices: "p.json", fixed: time.Date(2025, 12, 2, 0, 0, 0, 0, time.UTC)}
	sum := bridge.Summary{
		Threads: 2, Turns: 2,
		TurnUsage: []bridge.TurnUsage{
			{Thread: 1, Turn: 1, Usage: instrument.Usage{InputTokens: 100, OutputTokens: 10}, Model: "a", Cost: 0.5, Priced: true},
			{Thread: 2, Turn: 1, Usage: instrument.Usage{InputTokens: 200, OutputTokens: 20}, Model: "b"},
		},
		ThreadUsage: []bridge.TurnUsage{
			{Thread: 1, Turn: 1, Usage: instrument.Usage{InputTokens: 100, OutputTokens: 10}, Model: "a", Cost: 0.5, Priced: true},
			{Thread: 2, Turn: 1, Usage: instrument.Usage{InputTokens: 200, OutputTokens: 20}, Model: "b"},
		},
		TotalUsage: instrument.Usage{InputTokens: 300, OutputTokens: 30},
		Cost:       0.5, Priced: true, Unpriced: []string{"b"},
	}
	var b strings.Builder
	writeSummary(&b, o, sum, nil)
	want := `codextel: 2 threads, 2 turns (0 failed), 0 tool calls (0 failed), 0 approvals, tokens 300 in / 30 out, $0.5000 (priced turns only)
  thread  turn  input  cached  output  reasoning         cost
  1          1    100       0      10          0      $0.5000
  2          1    200       0      20          0     no price
  1        all    100       0      10          0      $0.5000
  2        all    200       0      20          0     no price
  total           300       0      30          0  $0.5000 + ?
codextel: durations are not measured: --clock gives every event the same time
codextel: no price for model "b" in p.json: its tokens have no cost
`
	if b.String() != want {
		t.Errorf("summary:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestFormatCost(t *testing.T) {
	for _, tt := range []struct {
		usd  float64
		want string
	}{
		{0, "$0.0000"},
		{1.5, "$1.5000"},
		{0.00594, "$0.0059"},
		{0.0012, "$0.0012"},
		{0.000081, "$0.000081"},
		{0.0000081, "$0.0000081"},
		{1e-15, "$0.0000000000000010"},
		{1234.56789, "$1234.5679"},
	} {
		if got := formatCost(tt.usd); got != tt.want {
			t.Errorf("formatCost(%v) = %s, want %s", tt.usd, got, tt.want)
		}
	}
}
