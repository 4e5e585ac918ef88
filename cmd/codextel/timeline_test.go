package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromium returns the headless browser the timeline tests load pages in.
// Without one the tests skip, saying how to install it; in CI (CI=true)
// they fail instead.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	const msg = "no chromium on PATH: install Debian's chromium (apt-get install -y chromium) to load the timelines in a browser"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip("SKIPPED: " + msg)
	return ""
}

// loadPage loads an HTML file in headless Chromium and returns the DOM once
// the page's script has run, and how long the browser took.
func loadPage(t *testing.T, browser, page, fragment string, height int) (string, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	profile := t.TempDir()
	cmd := exec.CommandContext(ctx, browser,
		"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-extensions", "--disable-background-networking",
		"--user-data-dir="+profile,
		fmt.Sprintf("--window-size=1400,%d", height),
		"--dump-dom", "file://"+page+fragment)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	out, err := cmd.Output()
	took := time.Since(start)
	if err != nil {
		t.Fatalf("chromium %s: %v\n%s", page, err, stderr.String())
	}
	return string(out), took
}

var (
	spanRow  = regexp.MustCompile(`<div class="row[^"]*" data-span="(\d+)" data-family="([^"]*)" data-status="([a-z]+)"`)
	rowLabel = regexp.MustCompile(`<span class="lab">([^<]*)</span>`)
)

// checkDOM checks what every loaded timeline must show: the script ran to
// its end without an error.
func checkDOM(t *testing.T, dom string) {
	t.Helper()
	if !strings.Contains(dom, `<html lang="en" data-errors="0">`) {
		m := regexp.MustCompile(`<ul id="errors"[^>]*>.*?</ul>`).FindString(dom)
		t.Errorf("script errors on the page: %s", m)
	}
	if !strings.Contains(dom, `data-ready="1"`) {
		t.Error("the page's script did not finish (no data-ready)")
	}
}

func TestTimelineInChromium(t *testing.T) {
	browser := chromium(t)
	dir := filepath.Join("..", "..", "core", "bridge", "testdata")
	tests := []struct {
		file   string
		labels []string // rows, in order
		status map[string]int
		axis   string
	}{
		{
			file:   "gen__codex-0.169.0-mock__mcp_tool_call_ok_iserror_rpcerror.jsonl",
			labels: []string{"thread 01a21107-876b-7f93-9b26-bc3c6e0f818e", "turn 1", "mcp.tool_call echo", "mcp.tool_call fail", "mcp.tool_call crash"},
			status: map[string]int{"ok": 3, "failed": 2},
			axis:   "processing time",
		},
		{
			file: "appserver__codex-0.169.0-mock__approvals_accept_decline.wire.jsonl",
			labels: []string{"session events", "thread 01a21108-a575-7650-a699-c2bf41f38480", "turn 1",
				"tool shell", "approval command_execution", "tool apply_patch", "approval file_change",
				"tool shell", "approval command_execution", "tool apply_patch", "approval file_change"},
			status: map[string]int{"ok": 6, "declined": 4},
			axis:   "stream time",
		},
		{
			// The bundled sample, joined with Codex's own export of it:
			// model requests and the time to the first token appear.
			file: "",
			labels: []string{"thread 01a24277-91a0-72b2-afe6-bfe30a2edfa8", "turn 1",
				"model.request gpt-5.5", "mcp.tool_call echo", "model.request gpt-5.5", "mcp.tool_call fail",
				"model.request gpt-5.5", "mcp.tool_call crash", "model.request gpt-5.5"},
			status: map[string]int{"ok": 7, "failed": 2},
			axis:   "stream time",
		},
		{
			file:   "gen__codex-0.169.0-mock__web_search_search_open_find.jsonl",
			status: map[string]int{"ok": 5},
			axis:   "processing time",
		},
		{
			file:   "gen__codex-0.169.0-mock__turn_failed_http500.jsonl",
			status: map[string]int{"failed": 2}, // the turn, and so the thread
			axis:   "processing time",
		},
		{
			file:   "gen__codex-0.169.0-mock__file_change_add.jsonl",
			status: map[string]int{"ok": 3},
			axis:   "processing time",
		},
	}
	for _, tt := range tests {
		t.Run(cmp.Or(tt.file, "bundled sample"), func(t *testing.T) {
			page := filepath.Join(t.TempDir(), "session.html")
			args := []string{"timeline", "-o", page}
			if tt.file != "" {
				args = append(args, filepath.Join(dir, tt.file))
			} else {
				// The bundled sample's model (from Codex's own export) is
				// priced: the turn and the page's totals show a cost.
				prices := filepath.Join(t.TempDir(), "prices.json")
				if err := os.WriteFile(prices, []byte(`{"models": {"gpt-5.5": {"input": 1.25, "cached_input": 0.125, "output": 10}}}`), 0o644); err != nil {
					t.Fatal(err)
				}
				args = append(args, "--prices", prices)
			}
			code, _, errOut := runWith(t, "", args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			dom, _ := loadPage(t, browser, page, "", 2000)
			checkDOM(t, dom)
			status := map[string]int{}
			for _, m := range spanRow.FindAllStringSubmatch(dom, -1) {
				status[m[3]]++
			}
			if fmt.Sprint(status) != fmt.Sprint(tt.status) {
				t.Errorf("bars by status %v, want %v", status, tt.status)
			}
			if tt.labels != nil {
				var labels []string
				for _, m := range rowLabel.FindAllStringSubmatch(dom, -1) {
					labels = append(labels, m[1])
				}
				if strings.Join(labels, "|") != strings.Join(tt.labels, "|") {
					t.Errorf("rows %q, want %q", labels, tt.labels)
				}
			}
			if tt.file == "" && !strings.Contains(dom, "first token 58 ms") {
				t.Error("the turn does not show its time to the first token")
			}
			if costs := strings.Count(dom, "$0."); tt.file == "" && costs < 2 {
				t.Errorf("the priced sample shows %d costs, want the turn's and the page's total", costs)
			} else if tt.file != "" && costs != 0 {
				t.Errorf("an unpriced session shows %d costs", costs)
			}
			if !strings.Contains(dom, "axis: <b>"+tt.axis+"</b>") {
				t.Errorf("the page does not say the axis is %s", tt.axis)
			}
			if want := strings.Count(dom, `class="bar `); want != len(spanRow.FindAllString(dom, -1)) {
				t.Errorf("%d bars for %d span rows", want, len(spanRow.FindAllString(dom, -1)))
			}
		})
	}
}

// A span's fields show in the side panel: here for the page opened at
// #span=N, as a click shows them.
func TestTimelineDetailInChromium(t *testing.T) {
	browser := chromium(t)
	page := filepath.Join(t.TempDir(), "session.html")
	in := filepath.Join("..", "..", "core", "bridge", "testdata", "gen__codex-0.169.0-mock__mcp_tool_call_ok_iserror_rpcerror.jsonl")
	if code, _, errOut := runWith(t, "", "timeline", in, "-o", page); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	dom, _ := loadPage(t, browser, page, "#span=3", 1000)
	checkDOM(t, dom)
	_, panel, _ := strings.Cut(dom, `<aside id="detail">`)
	for _, want := range []string{
		"<h2>mcp.tool_call fail</h2>",
		"<td>status</td><td>failed</td>",
		"<td>events</td><td>codex.mcp.tool_call.start → codex.mcp.tool_call.failure</td>",
		"<td>server</td><td>",
		"<td>reason</td><td>the tool reported an error</td>",
	} {
		if !strings.Contains(panel, want) {
			t.Errorf("the panel lacks %q", want)
		}
	}
	if !regexp.MustCompile(`<div class="row sel" [^>]*data-span="3"`).MatchString(dom) {
		t.Error("span 3's row is not selected")
	}
}

// A command with markup and a secret in its output reach the page as text,
// scrubbed: the browser builds no element from them and runs nothing.
func TestTimelineEscapesInChromium(t *testing.T) {
	browser := chromium(t)
	secret := "ghp_" + strings.Repeat("Zq7Lm2Xv9K", 4)[:36]
	cmd := `echo "</script><script>document.title='pwned'</script><img src=x onerror=alert(1)>"`
	stream := fmt.Sprintf(`{"type":"thread.started","thread_id":"t1"}
{"type":"turn.started"}
{"type":"item.started","item":{"id":"i0","type":"command_execution","command":%[1]q,"aggregated_output":"","exit_code":null,"status":"in_progress"}}
{"type":"item.completed","item":{"id":"i0","type":"command_execution","command":%[1]q,"aggregated_output":"GITHUB_TOKEN=%[2]s\n","exit_code":0,"status":"completed"}}
{"type":"turn.completed","usage":{"input_tokens":1,"cached_input_tokens":0,"output_tokens":2}}
`, cmd, secret)
	dir := t.TempDir()
	in, page := filepath.Join(dir, "s.jsonl"), filepath.Join(dir, "s.html")
	if err := os.WriteFile(in, []byte(stream), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runWith(t, "", "timeline", "--log-tool-data", in, "-o", page); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(html, []byte(secret)) {
		t.Error("the secret is in the page")
	}
	dom, _ := loadPage(t, browser, page, "", 1000)
	checkDOM(t, dom)
	if strings.Contains(dom, "<img") || strings.Contains(dom, "<title>pwned") || strings.Count(dom, "<script") != 3 {
		t.Error("the command's markup became elements of the page")
	}
	if strings.Contains(dom, secret) {
		t.Error("the secret is in the DOM")
	}
	if !strings.Contains(dom, `data-status="ok"`) {
		t.Error("no bar for the command")
	}
}

// largeSession writes an exec stream of turns×perTurn command executions.
func largeSession(t *testing.T, path string, turns, perTurn int) {
	t.Helper()
	var b bytes.Buffer
	b.WriteString(`{"type":"thread.started","thread_id":"01a21107-0000-7000-8000-000000000000"}` + "\n")
	n := 0
	for range turns {
		b.WriteString(`{"type":"turn.started"}` + "\n")
		for range perTurn {
			item := map[string]any{"id": fmt.Sprintf("item_%d", n), "type": "command_execution", "command": fmt.Sprintf("/bin/bash -lc 'ls dir%d'", n), "aggregated_output": "", "exit_code": nil, "status": "in_progress"}
			start, _ := json.Marshal(map[string]any{"type": "item.started", "item": item})
			item["exit_code"], item["status"] = 0, "completed"
			if n%97 == 0 {
				item["exit_code"], item["status"] = 2, "failed"
			}
			end, _ := json.Marshal(map[string]any{"type": "item.completed", "item": item})
			b.Write(start)
			b.WriteByte('\n')
			b.Write(end)
			b.WriteByte('\n')
			n++
		}
		b.WriteString(`{"type":"turn.completed","usage":{"input_tokens":1000,"cached_input_tokens":0,"output_tokens":10}}` + "\n")
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Ten thousand tool calls open in a browser in seconds: turns are folded,
// rows are drawn only in view, and the file grows linearly with the calls.
func TestTimelineLargeSession(t *testing.T) {
	browser := chromium(t)
	dir := t.TempDir()
	sizes := map[int]int64{}
	for _, calls := range []int{1000, 10000} {
		in, page := filepath.Join(dir, fmt.Sprint(calls, ".jsonl")), filepath.Join(dir, fmt.Sprint(calls, ".html"))
		largeSession(t, in, 20, calls/20)
		if code, _, errOut := runWith(t, "", "timeline", in, "-o", page); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		fi, err := os.Stat(page)
		if err != nil {
			t.Fatal(err)
		}
		sizes[calls] = fi.Size()
		if calls != 10000 {
			continue
		}
		dom, took := loadPage(t, browser, page, "", 1000)
		checkDOM(t, dom)
		t.Logf("%d tool calls: %d bytes, loaded by headless chromium in %v", calls, fi.Size(), took.Round(time.Millisecond))
		if took > 30*time.Second {
			t.Errorf("the page took %v to load, want seconds", took)
		}
		// Folded by turn: the thread and its 20 turns are the rows.
		if rows := len(spanRow.FindAllString(dom, -1)); rows != 21 {
			t.Errorf("%d rows drawn, want the thread and 20 folded turns", rows)
		}
		if !strings.Contains(dom, "failed or declined") {
			t.Error("the folded turns do not say that calls inside them failed")
		}
		if !strings.Contains(dom, `data-children="500"`) || !strings.Contains(dom, "500 inside") {
			t.Error("the turns do not say they hold 500 calls")
		}
	}
	// Linear: the bytes per call of the large page are within 10% of the
	// small one's (the page's fixed part is a few kilobytes).
	small, large := float64(sizes[1000])/1000, float64(sizes[10000])/10000
	if large > small*1.1 {
		t.Errorf("%.0f bytes per call at 10000 calls, %.0f at 1000: not linear", large, small)
	}
}

// sessionJSON returns the session data of a page codextel wrote.
func sessionJSON(t *testing.T, page string) map[string]any {
	t.Helper()
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := bytes.Cut(html, []byte(`<script type="application/json" id="session">`))
	data, _, ok2 := bytes.Cut(rest, []byte("</script>"))
	if !ok || !ok2 {
		t.Fatalf("%s has no session data", page)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// --timeline writes the page next to the usual output, on replay,
// appserver, render and exec; timeline itself writes only the page.
func TestTimelineFlag(t *testing.T) {
	dir := t.TempDir()
	testdata := filepath.Join("..", "..", "core", "bridge", "testdata")
	events := filepath.Join(dir, "events.jsonl")
	if err := os.WriteFile(events, []byte(`{"time": "2025-12-02T10:52:12.5Z", "event": "codex.error", "metadata": {"error_message": "Reconnecting... 1/5"}}
{"time": "2025-12-02T10:52:14Z", "event": "codex.item.warning", "metadata": {"call_id": "item_0", "warning": "deprecated flag"}}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string // the page's path is appended
		stdout   bool     // log lines on stdout
		spans    int
		axis     string
		fakeMode string
	}{
		{"replay", []string{filepath.Join(testdata, "gen__codex-0.169.0-mock__command_failed_exit1.jsonl"), "--timeline"}, true, 3, "processing time", ""},
		{"replay with a fixed clock", []string{"--clock", "2026-01-01T00:00:00Z", filepath.Join(testdata, "gen__codex-0.169.0-mock__command_failed_exit1.jsonl"), "--timeline"}, true, 3, "event order", ""},
		{"appserver", []string{"appserver", filepath.Join(testdata, "appserver__codex-0.169.0-mock__approvals_accept_decline.wire.jsonl"), "--timeline"}, true, 10, "stream time", ""},
		{"render", []string{"render", events, "--timeline"}, true, 0, "event time", ""},
		{"timeline of an app-server log", []string{"timeline", filepath.Join(testdata, "appserver__codex-0.169.0-mock__approvals_accept_decline.wire.jsonl"), "-o"}, false, 10, "stream time", ""},
		{"timeline from stdin", []string{"timeline", "-", "--output"}, false, 2, "processing time", ""},
		{"exec", []string{"exec", "--timeline"}, true, 2, "processing time", "ok"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := filepath.Join(dir, fmt.Sprintf("%d.html", i))
			args := append(append([]string(nil), tt.args...), page)
			var code int
			var out, errOut string
			if tt.fakeMode != "" {
				code, out, errOut, _ = execFake(t, tt.fakeMode, args[1:]...)
			} else {
				code, out, errOut = runWith(t, strings.Join(fakeSession, "\n")+"\n", args...)
			}
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if (out != "") != tt.stdout {
				t.Errorf("stdout %q: want log lines %v", out, tt.stdout)
			}
			doc := sessionJSON(t, page)
			if spans, _ := doc["spans"].([]any); len(spans) != tt.spans || doc["axis"] != tt.axis {
				t.Errorf("%d spans on the %v axis, want %d on the %s axis", len(spans), doc["axis"], tt.spans, tt.axis)
			}
		})
	}
}

func TestTimelineErrors(t *testing.T) {
	sample := filepath.Join("..", "..", "core", "bridge", "testdata", "gen__codex-0.169.0-mock__file_change_add.jsonl")
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no -o", []string{"timeline", sample}, 2, "codextel: timeline needs -o FILE, the HTML file to write\n"},
		{"unwritable", []string{"timeline", sample, "-o", filepath.Join(t.TempDir(), "no", "such", "dir", "s.html")}, 1, "--timeline: open "},
		{"unwritable on replay", []string{sample, "--timeline", filepath.Join(t.TempDir(), "no", "s.html")}, 1, "--timeline: open "},
		{"unwritable on exec: codex does not run", []string{"exec", "--codex", "/nonexistent/codex", "--timeline", filepath.Join(t.TempDir(), "no", "s.html"), "--", "hi"}, 1, "--timeline: open "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runWith(t, "", tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, tt.code, tt.stderr)
			}
		})
	}
}

// stringsOf appends every string in a decoded JSON value to b, a line each.
func stringsOf(b *strings.Builder, v any) {
	switch v := v.(type) {
	case string:
		b.WriteString(v)
		b.WriteByte('\n')
	case []any:
		for _, x := range v {
			stringsOf(b, x)
		}
	case map[string]any:
		for _, x := range v {
			stringsOf(b, x)
		}
	}
}

// The leak test's corpus through the timeline: no secret of it is in the
// page, neither in its bytes nor in the session data once decoded (JSON
// escapes would hide a secret with < or & from a byte search), with model
// and tool data redacted or let through. With them let through, the texts
// around the secrets are there: the page shows what the logs show.
func TestTimelineLeakCorpus(t *testing.T) {
	cases, err := loadSecretCorpus(secretCorpusPath)
	if err != nil {
		t.Fatalf("the secret corpus: %v", err)
	}
	if testing.Short() {
		cases = shortCorpus(cases)
	}
	leakEnv(t)
	f := newFinder(cases)
	texts := make([]string, len(cases))
	for i, c := range cases {
		texts[i] = c.Text
	}
	dir := t.TempDir()
	for _, source := range leakSources {
		input := map[string][]byte{"replay": execStream(texts), "appserver": appServerLog(texts), "render": rawEvents(texts)}[source]
		in := filepath.Join(dir, source+".jsonl")
		if err := os.WriteFile(in, input, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, data := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s data=%v", source, data), func(t *testing.T) {
				page := filepath.Join(dir, fmt.Sprintf("%s-%v.html", source, data))
				args := []string{"timeline", in, "-o", page}
				if data {
					args = append(args, "--log-tool-data", "--log-model-data")
				}
				if code, _, errOut := runWith(t, "", args...); code != 0 {
					t.Fatalf("exit %d: %s", code, errOut)
				}
				html, err := os.ReadFile(page)
				if err != nil {
					t.Fatal(err)
				}
				var decoded strings.Builder
				stringsOf(&decoded, sessionJSON(t, page))
				for where, out := range map[string][]byte{"page": html, "decoded data": []byte(decoded.String())} {
					if hits := f.find(out); len(hits) > 0 {
						ref := f.refs[hits[0].ref]
						t.Errorf("%d secrets in the %s, the first of case %q (secrets.jsonl line %d)", len(hits), where, cases[ref.cas].Name, cases[ref.cas].line)
					}
				}
				if !data {
					return
				}
				kept := 0
				for _, c := range cases {
					if len(c.Keep) > 0 && strings.Contains(decoded.String(), c.Keep[0]) {
						kept++
					}
				}
				want := len(cases) / 2
				if source == "render" {
					// Raw events without span ids are marks of the
					// session row, which keeps the first 200: the
					// texts of about 48 cases.
					want = 24
				}
				if kept < want {
					t.Errorf("only %d of %d texts are in the page with data logging on: the test checks too little", kept, len(cases))
				}
			})
		}
	}
}
