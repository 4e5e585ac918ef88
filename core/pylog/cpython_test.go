package pylog

// The differential tests: the same values and records rendered by this
// package and by CPython with python-json-logger, compared byte for byte.
// CPython runs once per test binary (testdata/cpython.py), answering one
// request per line, so a fuzz loop stays fast. Without /usr/bin/python3
// 3.11 and python-json-logger 2.0.1 these tests skip, unless
// CODEXTEL_REQUIRE_PYTHON=1, which turns the skip into a failure.

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const pythonPath = "/usr/bin/python3"

type pyHelper struct {
	mu  sync.Mutex
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

var (
	pyOnce sync.Once
	py     *pyHelper
	pyErr  error
)

func startPython() (*pyHelper, error) {
	if _, err := os.Stat(pythonPath); err != nil {
		return nil, fmt.Errorf("no CPython at %s", pythonPath)
	}
	cmd := exec.Command(pythonPath, "-u", "testdata/cpython.py")
	cmd.Env = append(os.Environ(), "TZ=UTC", "PYTHONIOENCODING=utf-8")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	h := &pyHelper{cmd: cmd, in: in, out: bufio.NewReaderSize(out, 1<<20)}
	line, err := h.out.ReadBytes('\n')
	if err != nil {
		h.close()
		return nil, fmt.Errorf("CPython helper did not start: %v", err)
	}
	var hello struct{ Python, Jsonlogger string }
	if err := json.Unmarshal(line, &hello); err != nil {
		h.close()
		return nil, err
	}
	if !strings.HasPrefix(hello.Python, "3.11.") || hello.Jsonlogger != "2.0.1" {
		h.close()
		return nil, fmt.Errorf("need CPython 3.11 with python-json-logger 2.0.1 (apt-get install -y python3-pythonjsonlogger), have Python %q, python-json-logger %q",
			hello.Python, hello.Jsonlogger)
	}
	return h, nil
}

func (h *pyHelper) close() {
	h.in.Close()
	h.cmd.Wait()
}

// cpython returns the shared helper, skipping (or, under
// CODEXTEL_REQUIRE_PYTHON=1, failing) the test when there is none.
func cpython(t testing.TB) *pyHelper {
	t.Helper()
	pyOnce.Do(func() { py, pyErr = startPython() })
	if pyErr != nil {
		if os.Getenv("CODEXTEL_REQUIRE_PYTHON") == "1" {
			t.Fatalf("CODEXTEL_REQUIRE_PYTHON=1: %v", pyErr)
		}
		noteSkip(t, "core/pylog")
		t.Skipf("differential test needs CPython: %v", pyErr)
	}
	return py
}

// noteSkip appends the skipped test's name to the file CODEXTEL_SKIP_LOG
// names, if any: `make test` counts the CPython comparisons skipped there
// and says so loudly at its end.
func noteSkip(t testing.TB, pkg string) {
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
	if _, err := fmt.Fprintf(f, "%s %s\n", pkg, t.Name()); err != nil {
		t.Errorf("CODEXTEL_SKIP_LOG: %v", err)
	}
}

// call sends one request and returns CPython's text, or its exception.
func (h *pyHelper) call(t testing.TB, req map[string]any) (string, error) {
	t.Helper()
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, err := h.in.Write(append(b, '\n')); err != nil {
		t.Fatalf("writing to CPython: %v", err)
	}
	line, err := h.out.ReadBytes('\n')
	if err != nil {
		t.Fatalf("reading from CPython: %v", err)
	}
	var res struct{ Out, Err string }
	if err := json.Unmarshal(line, &res); err != nil {
		t.Fatalf("bad answer %q: %v", line, err)
	}
	if res.Err != "" {
		return "", fmt.Errorf("%s", res.Err)
	}
	out, err := hex.DecodeString(res.Out)
	if err != nil {
		t.Fatal(err)
	}
	return string(out), nil
}

// mustCall is call for requests CPython must answer.
func (h *pyHelper) mustCall(t testing.TB, req map[string]any) string {
	t.Helper()
	out, err := h.call(t, req)
	if err != nil {
		t.Fatalf("CPython failed on %v: %v", req, err)
	}
	return out
}

// describe turns a value into the tagged form testdata/cpython.py reads.
func describe(v slog.Value) map[string]any {
	v = v.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return pyStr(v.String())
	case slog.KindInt64:
		return map[string]any{"t": "i", "v": strconv.FormatInt(v.Int64(), 10)}
	case slog.KindUint64:
		return map[string]any{"t": "i", "v": strconv.FormatUint(v.Uint64(), 10)}
	case slog.KindFloat64:
		return pyFloat(v.Float64())
	case slog.KindBool:
		return map[string]any{"t": "b", "v": v.Bool()}
	case slog.KindDuration:
		return map[string]any{"t": "td", "us": int64(v.Duration() / time.Microsecond)}
	case slog.KindTime:
		t := v.Time()
		_, off := t.Zone()
		return map[string]any{"t": "dt", "s": t.Unix(), "us": t.Nanosecond() / 1000, "off": off}
	case slog.KindGroup:
		pairs := [][2]any{}
		for _, a := range v.Group() {
			pairs = append(pairs, [2]any{pyStr(a.Key), describe(a.Value)})
		}
		return map[string]any{"t": "d", "v": pairs}
	}
	switch x := v.Any().(type) {
	case nil:
		return map[string]any{"t": "n"}
	case []byte:
		return map[string]any{"t": "by", "b": hex.EncodeToString(x)}
	case []any:
		l := []any{}
		for _, e := range x {
			l = append(l, describe(slog.AnyValue(e)))
		}
		return map[string]any{"t": "l", "v": l}
	}
	panic(fmt.Sprintf("describe: no Python form for %T", v.Any()))
}

func pyStr(s string) map[string]any {
	return map[string]any{"t": "s", "b": hex.EncodeToString([]byte(s))}
}

func pyFloat(f float64) map[string]any {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], math.Float64bits(f))
	return map[string]any{"t": "f", "x": hex.EncodeToString(b[:])}
}

// describeRecord gives the LogRecord testdata/cpython.py builds for r.
func describeRecord(r *Record, start time.Time, pid int, tid int) map[string]any {
	d := map[string]any{
		"name": r.Logger, "levelno": int(r.Level), "lineno": r.Line,
		"msg":     pyStr(r.Message),
		"created": pyFloat(created(r.Time))["x"], "start": pyFloat(created(start))["x"],
		"process": pid, "thread": tid,
	}
	if r.File != "" {
		d["pathname"] = r.File
	}
	if r.Function != "" {
		d["funcName"] = r.Function
	}
	extra := [][2]any{}
	for _, a := range r.Attrs {
		extra = append(extra, [2]any{pyStr(a.Key), describe(a.Value)})
	}
	d["extra"] = extra
	if r.Err != nil {
		d["exc"] = pyStr(r.Err.Error())
	}
	return d
}

// checkSame reports a difference between Go's and CPython's bytes.
func checkSame(t testing.TB, what string, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n got %q\nwant %q (CPython)", what, got, want)
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if py != nil {
		py.close()
	}
	os.Exit(code)
}
