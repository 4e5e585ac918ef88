package codexzap_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	codexzap "github.com/codextel/codextel/adapters/zap"
	"github.com/codextel/codextel/core/bridge"
	"github.com/codextel/codextel/core/telemetry"
)

// execStream is what `codex exec --json` printed for a turn whose one
// command failed (recorded from Codex 0.169 against a mock model).
const execStream = `{"type":"thread.started","thread_id":"01a21106-1c88-7520-87bb-fe37561ce797"}
{"type":"turn.started"}
{"type":"item.started","item":{"id":"item_0","type":"command_execution","command":"/bin/bash -lc 'cat does-not-exist.txt'","aggregated_output":"","exit_code":null,"status":"in_progress"}}
{"type":"item.completed","item":{"id":"item_0","type":"command_execution","command":"/bin/bash -lc 'cat does-not-exist.txt'","aggregated_output":"cat: does-not-exist.txt: No such file or directory\n","exit_code":1,"status":"failed"}}
{"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"The file does not exist (exit code 1)."}}
{"type":"turn.completed","usage":{"input_tokens":12300,"cached_input_tokens":5888,"cache_write_input_tokens":0,"output_tokens":50,"reasoning_output_tokens":0}}
`

// The README's wiring, which TestREADMEQuotesExample keeps word for word in
// README.md: an app's zap logger gets a Codex run's telemetry from a bus,
// one call to attach the adapter and one to read the stream.
func Example_readme() {
	// The app's logger: zap's production JSON encoder, here into a buffer
	// so that the example can print each entry's level, logger and message
	// (the entries' times and durations differ from run to run).
	var out bytes.Buffer
	logger := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(&out), zap.InfoLevel))
	ctx := context.Background()
	codexStdout := strings.NewReader(execStream)

	// README:begin
	bus := telemetry.New()                      // redacts model and tool data, scrubs secrets
	detach, err := codexzap.Attach(bus, logger) // every codex.* event, as one entry of the app's logger
	if err != nil {
		panic(err)
	}
	defer detach()

	// Feed it a `codex exec --json` stream (or instrument your own client with package instrument).
	summary, err := bridge.ReadExec(ctx, codexStdout, bus)
	// README:end
	if err != nil {
		panic(err)
	}
	lines := bufio.NewScanner(&out)
	for lines.Scan() {
		var entry struct{ Level, Logger, Msg string }
		if err := json.Unmarshal(lines.Bytes(), &entry); err != nil {
			panic(err)
		}
		fmt.Printf("%-5s %-12s %s\n", entry.Level, entry.Logger, entry.Msg)
	}
	fmt.Printf("%d thread, %d turn, %d tool call (%d failed)\n", summary.Threads, summary.Turns, summary.Tools, summary.ToolsFailed)
	// Output:
	// info  codex.thread Thread 01a21106-1c88-7520-87bb-fe37561ce797 started
	// info  codex.item   Agent message item_1 (38 bytes)
	// info  codex.turn   Turn 1 completed
	// info  codex.thread Thread 01a21106-1c88-7520-87bb-fe37561ce797 completed
	// 1 thread, 1 turn, 1 tool call (1 failed)
}
