package main

import (
	"io"
	"strings"
	"testing"
)

// TestWrongSubcommand: a stream given to the subcommand that does not read
// it is a usage error naming the one that does; the right one reads it.
func TestWrongSubcommand(t *testing.T) {
	const (
		execLine  = `{"type":"thread.started","thread_id":"th"}`
		wireLine  = `{"dir":"s2c","msg":{"method":"thread/started","params":{"thread":{"id":"th"}}}}`
		bareLine  = `{"jsonrpc":"2.0","method":"thread/started","params":{"thread":{"id":"th"}}}`
		eventLine = `{"event":"codex.thread.start","metadata":{"source":"exec"}}`
	)
	for _, c := range []struct {
		cmd, input string
		want       string // in stderr with exit 2; "" for a normal read
	}{
		{"replay", execLine, ""},
		{"replay", "# a comment\n\n" + wireLine, "is an app-server wire log, which replay does not read: run codextel appserver stdin"},
		{"replay", bareLine, "run codextel appserver"},
		{"replay", eventLine, "is raw telemetry events, which replay does not read: run codextel render stdin"},
		{"appserver", wireLine, ""},
		{"appserver", execLine, "is a codex exec --json stream, which appserver does not read: run codextel stdin"},
		{"appserver", eventLine, "run codextel render"},
		{"render", eventLine, ""},
		{"render", execLine, "run codextel stdin"},
		{"render", wireLine, "run codextel appserver"},
		// Lines that tell nothing are left to the reader: it reports them.
		{"replay", "not json\n" + execLine, ""},
		{"appserver", "{}\n" + wireLine, ""},
	} {
		code, _, errOut := runWith(t, c.input+"\n", c.cmd, "--quiet", "-")
		switch {
		case c.want == "" && code != 0:
			t.Errorf("%s on %.30q: exit %d, stderr %q", c.cmd, c.input, code, errOut)
		case c.want != "" && (code != 2 || !strings.Contains(errOut, c.want)):
			t.Errorf("%s on %.30q: exit %d, stderr %q, want exit 2 and %q", c.cmd, c.input, code, errOut, c.want)
		}
	}
}

// TestDetectKindKeepsInput: what detectKind read is given back, a first line
// longer than its buffer included.
func TestDetectKindKeepsInput(t *testing.T) {
	long := `{"type":"item.completed","item":{"id":"item_0","type":"agent_message","text":"` + strings.Repeat("x", 200<<10) + `"}}`
	in := "\n# comment\n" + long + "\n" + `{"type":"turn.completed"}` + "\n"
	kind, r := detectKind(strings.NewReader(in), 1<<20)
	if kind != kindExec {
		t.Errorf("kind %q, want %q", kind, kindExec)
	}
	got, err := io.ReadAll(r)
	if err != nil || string(got) != in {
		t.Errorf("read back %d bytes (err %v), want the %d given", len(got), err, len(in))
	}
}

// TestNothingRead: a stream none of whose lines could be read exits 1 and
// says so; one good line among bad ones is a replay with bad lines (exit 0).
func TestNothingRead(t *testing.T) {
	garbage := "\x00\x01binary\xff\n" + "not json at all\n"
	for _, c := range []struct {
		cmd, input string
		code       int
	}{
		{"replay", garbage, 1},
		{"replay", garbage + "{\"no\": \"type\"}\n", 1},
		{"appserver", garbage, 1},
		{"render", garbage, 1},
		{"replay", garbage + `{"type":"thread.started","thread_id":"th"}` + "\n", 0},
		{"render", garbage + `{"event":"codex.thread.start","metadata":{"source":"exec"}}` + "\n", 0},
		{"replay", "\n# only a comment\n", 0},
	} {
		code, _, errOut := runWith(t, c.input, c.cmd, "--quiet", "-")
		if code != c.code || (c.code == 1 && !strings.Contains(errOut, "no line is a Codex message or event")) {
			t.Errorf("%s on %.40q: exit %d, stderr %q; want exit %d", c.cmd, c.input, code, errOut, c.code)
		}
	}
}
