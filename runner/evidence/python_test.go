package evidence

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oomlab/oomlab/runner/gctrace"
	"github.com/oomlab/oomlab/runner/results"
)

// TestParsePythonHeapRecorded reads answers of the preload recorded from
// fixtures/examples/upload_naive.py (http.server, 10 bodies of 1 MiB
// held) and from a gunicorn worker and master running its WSGI app.
func TestParsePythonHeapRecorded(t *testing.T) {
	tests := []struct {
		file               string
		wantFile           string // base name of the top site's file
		wantLine           int64
		wantVia            string // base name of the top site's via_file
		wantMinBytes       int64
		wantCode           string
		wantPID, wantSites int
	}{
		{file: "tracemalloc-upload-naive.json", wantFile: "upload_naive.py", wantLine: 36, wantMinBytes: 10 << 20,
			wantCode: "body = self.rfile.read(length)", wantPID: 19020, wantSites: 3},
		{file: "tracemalloc-gunicorn-worker.json", wantFile: "upload_naive.py", wantLine: 64, wantVia: "body.py", wantMinBytes: 6 << 20,
			wantCode: `body = environ["wsgi.input"].read(length)`, wantPID: 24265, wantSites: 3},
		// The master holds no body: the imports it made are its top site.
		{file: "tracemalloc-gunicorn-master.json", wantFile: "<frozen importlib._bootstrap_external>", wantLine: 729, wantMinBytes: 1 << 20,
			wantPID: 23538, wantSites: 3},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			h, err := ParsePythonHeap(bytes.NewReader(raw), DefaultTopSites)
			if err != nil {
				t.Fatalf("ParsePythonHeap(%s) = %v", tt.file, err)
			}
			if h.PID != tt.wantPID || len(h.Sites) != tt.wantSites || h.TracedBytes <= 0 || h.Frames != PythonFrames || h.SnapshotMs <= 0 {
				t.Fatalf("ParsePythonHeap(%s) = PID %d, %d sites, traced %d, frames %d, snapshot %v ms; want PID %d, %d sites, figures > 0, %d frames",
					tt.file, h.PID, len(h.Sites), h.TracedBytes, h.Frames, h.SnapshotMs, tt.wantPID, tt.wantSites, PythonFrames)
			}
			top := h.Sites[0]
			if filepath.Base(top.File) != tt.wantFile || top.Line != tt.wantLine || top.Bytes < tt.wantMinBytes ||
				!strings.HasPrefix(top.Code, tt.wantCode) || (tt.wantVia != "" && filepath.Base(top.ViaFile) != tt.wantVia) {
				t.Errorf("top site = %+v; want %s:%d (via %q) holding at least %d bytes, code %q", top, tt.wantFile, tt.wantLine, tt.wantVia, tt.wantMinBytes, tt.wantCode)
			}
			if !slices.IsSortedFunc(h.Sites, func(a, b results.PythonSite) int { return -cmpInt64(a.Bytes, b.Bytes) }) {
				t.Errorf("sites not largest first: %+v", h.Sites)
			}
		})
	}
}

func TestParsePythonHeapErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "EOF"},
		{"not JSON", "oomlab-pygc 1 2 0 3\n", "invalid character"},
		{"cut", `{"pid": 12, "traced_bytes": 1`, "unexpected EOF"},
		{"no pid", `{"traced_bytes": 1, "sites": []}`, "no valid pid"},
		{"pid zero", `{"pid": 0}`, "no valid pid"},
		{"pid beyond int32", `{"pid": 4294967296}`, "no valid pid"},
		{"the preload's error", `{"pid": 7, "error": "RuntimeError('the tracemalloc module must be tracing memory allocations to take a snapshot')"}`, "must be tracing"},
		{"negative traced", `{"pid": 7, "traced_bytes": -1}`, "out of range"},
		{"site without file", `{"pid": 7, "sites": [{"line": 3, "bytes": 1}]}`, "site 0"},
		{"negative site", `{"pid": 7, "sites": [{"file": "a.py", "line": 3, "bytes": -1}]}`, "site 0"},
		{"wrong type", `{"pid": "7"}`, "cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePythonHeap(strings.NewReader(tt.in), 3)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "evidence: ") {
				t.Errorf("ParsePythonHeap(%q) = %v; want an error containing %q", tt.in, err, tt.want)
			}
		})
	}
}

// TestParsePythonHeapBounded: a long file name or line is cut, sites are
// sorted and cut to top, and input past maxPythonReading is not read.
func TestParsePythonHeapBounded(t *testing.T) {
	long := strings.Repeat("é", 400)
	in := fmt.Sprintf(`{"pid": 7, "traced_bytes": 10, "sites": [{"file": %q, "line": 1, "code": "\udcff%s", "bytes": 1}, {"file": "b.py", "line": 2, "bytes": 9}, {"file": "c.py", "line": 3, "bytes": 5}]}`, long, long)
	h, err := ParsePythonHeap(strings.NewReader(in), 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Sites) != 2 || h.Sites[0].File != "b.py" || h.Sites[1].File != "c.py" {
		t.Errorf("sites = %+v; want b.py then c.py", h.Sites)
	}
	h, _ = ParsePythonHeap(strings.NewReader(in), 3)
	if s := h.Sites[2]; len(s.File) > maxText+len("…") || len(s.Code) > maxText+len("…") || !strings.HasSuffix(s.File, "…") {
		t.Errorf("long site kept as %d and %d bytes; want at most %d", len(s.File), len(s.Code), maxText+len("…"))
	}
	huge := `{"pid": 7, "code": "` + strings.Repeat("x", 2*maxPythonReading) + `"}`
	if _, err := ParsePythonHeap(strings.NewReader(huge), 3); err == nil {
		t.Errorf("ParsePythonHeap of %d bytes = nil error; want it refused past %d", len(huge), maxPythonReading)
	}
}

func FuzzParsePythonHeap(f *testing.F) {
	for _, name := range []string{"tracemalloc-upload-naive.json", "tracemalloc-gunicorn-worker.json"} {
		raw, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte(`{"pid": 7, "error": "x"}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		h, err := ParsePythonHeap(bytes.NewReader(in), 3)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "evidence: ") {
				t.Fatalf("ParsePythonHeap(%q) error %q lacks the package prefix", in, err)
			}
			return
		}
		if h.PID <= 0 || h.TracedBytes < 0 || len(h.Sites) > 3 || h.Sites == nil {
			t.Fatalf("ParsePythonHeap(%q) = %+v; out of range", in, h)
		}
		for i, s := range h.Sites {
			if s.File == "" || s.Bytes < 0 || len(s.File) > maxText+len("…") || len(s.Code) > maxText+len("…") ||
				i > 0 && s.Bytes > h.Sites[i-1].Bytes {
				t.Fatalf("ParsePythonHeap(%q) site %d = %+v; out of range or order", in, i, s)
			}
		}
	})
}

func TestPythonEnv(t *testing.T) {
	env, err := PythonEnv([]string{"A=1", PythonDirEnv + "=/old", PythonFramesEnv + "=1"}, "/tmp/x")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"A=1", PythonDirEnv + "=/tmp/x", PythonFramesEnv + "=" + strconv.Itoa(PythonFrames), PythonTopEnv + "=" + strconv.Itoa(DefaultTopSites)}
	if !slices.Equal(env, want) {
		t.Errorf("PythonEnv = %q; want %q", env, want)
	}
	if _, err := PythonEnv(nil, "/"+strings.Repeat("d", 100)); err == nil || !strings.Contains(err.Error(), "TMPDIR") {
		t.Errorf("PythonEnv with a 101-byte dir = %v; want an error saying to shorten TMPDIR", err)
	}
}

// fakePython answers like the preload on dir/PID.sock for pid, with
// answer, until the test ends.
func fakePython(t *testing.T, dir string, pid int, answer string) {
	t.Helper()
	l, err := net.Listen("unix", filepath.Join(dir, strconv.Itoa(pid)+".sock"))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Write([]byte(answer))
			c.Close()
		}
	}()
	t.Cleanup(func() { l.Close(); <-done })
}

// TestCapturerPython: at a mark, every process of the tree that answers
// is asked (named by PID), the one tracing the most comes first, each
// answer is saved, the longest snapshot is the stall, and a member that
// does not answer is said so.
func TestCapturerPython(t *testing.T) {
	dir, out := t.TempDir(), t.TempDir()
	self := os.Getpid()
	other := sleeper(t).Process.Pid // a second member, answering a smaller reading
	fakePython(t, dir, self, `{"pid": 1, "traced_bytes": 50, "snapshot_ms": 4.5, "sites": [{"file": "/srv/upload_naive.py", "line": 36, "bytes": 40, "blocks": 1}]}`)
	fakePython(t, dir, other, `{"pid": 2, "traced_bytes": 90, "snapshot_ms": 7.25, "sites": []}`)
	if err := os.WriteFile(filepath.Join(dir, "99.sock"), nil, 0o644); err != nil { // a dead process's, not a member
		t.Fatal(err)
	}
	c := New(Config{Target: "py", Runtime: "python", PID: self, Members: func() []int { return []int{self, other, 1} }, OutDir: out,
		LimitBytes: 100, Marks: []float64{0.5}, PythonDir: dir})
	c.Observe(time.Second, 60, -1)
	evs := c.Close()
	if len(evs) != 1 {
		t.Fatalf("evidence = %+v; want one capture", evs)
	}
	ev := evs[0]
	if len(ev.Python) != 2 || ev.Python[0].PID != 2 || ev.Python[1].PID != 1 || ev.Python[1].Sites[0].Line != 36 {
		t.Fatalf("Python readings = %+v; want PID 2 (90 traced) then PID 1 (upload_naive.py:36)", ev.Python)
	}
	if ev.Cost.StallMs == nil || *ev.Cost.StallMs != 7.25 || ev.Cost.Millis <= 0 {
		t.Errorf("cost = %+v; want a stall of 7.25 ms (the longest snapshot) and the time taken", ev.Cost)
	}
	for _, h := range ev.Python {
		if _, err := os.Stat(filepath.Join(out, h.File)); h.File == "" || err != nil {
			t.Errorf("reading of PID %d saved as %q: %v", h.PID, h.File, err)
		}
	}
	if slices.ContainsFunc(ev.Errors, func(e string) bool { return strings.Contains(e, "tracemalloc") }) {
		t.Errorf("errors = %q; want none about tracemalloc", ev.Errors)
	}
}

func TestCapturerPythonNoAnswer(t *testing.T) {
	c := New(Config{Target: "py", Runtime: "python", PID: os.Getpid(), OutDir: t.TempDir(), LimitBytes: 100, Marks: []float64{0.5}, PythonDir: t.TempDir()})
	c.Observe(time.Second, 60, -1)
	ev := c.Close()[0]
	if len(ev.Python) != 0 || ev.Cost.StallMs != nil || !slices.ContainsFunc(ev.Errors, func(e string) bool { return strings.Contains(e, "no Python process") }) {
		t.Errorf("evidence = %+v; want no reading, no stall, and an error saying none answered", ev)
	}
}

// TestPythonPreloadAnswers runs the real preload in python3: tracemalloc
// names the line that holds a large bytes object, and a forked child
// answers on its own socket.
func TestPythonPreloadAnswers(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("SKIPPED: python3 is not installed (apt-get install python3)")
	}
	pre, dir, out := t.TempDir(), t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(pre, "sitecustomize.py"), gctrace.PythonPreload, 0o644); err != nil {
		t.Fatal(err)
	}
	app := filepath.Join(t.TempDir(), "holder.py")
	if err := os.WriteFile(app, []byte(`import os, sys, time
held = bytes(8 << 20)  # line 2 holds 8 MiB
child = os.fork()
if child == 0:
    time.sleep(60); os._exit(0)
print(child, flush=True)
sys.stdin.read()
os.kill(child, 9)
`), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, app)
	env, err := PythonEnv(gctrace.WithPythonPath(os.Environ(), pre), dir)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Env = env
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); cmd.Wait() }()
	var child int
	var line []byte
	for b := make([]byte, 1); ; { // the first line that is not the preload's
		if _, err := stdout.Read(b); err != nil {
			t.Fatalf("reading the child's PID: %v", err)
		}
		if b[0] != '\n' {
			line = append(line, b[0])
			continue
		}
		if n, err := strconv.Atoi(string(line)); err == nil {
			child = n
			break
		}
		line = line[:0]
	}
	go func() { // the rest: the preload's GC lines, so a write never blocks
		buf := make([]byte, 4096)
		for {
			if _, err := stdout.Read(buf); err != nil {
				return
			}
		}
	}()
	// Both listen once their socket exists (the child's right after fork).
	deadline := time.Now().Add(20 * time.Second)
	for _, pid := range []int{cmd.Process.Pid, child} {
		for _, err := os.Stat(filepath.Join(dir, strconv.Itoa(pid)+".sock")); errors.Is(err, os.ErrNotExist); _, err = os.Stat(filepath.Join(dir, strconv.Itoa(pid)+".sock")) {
			if time.Now().After(deadline) {
				t.Fatalf("no socket for PID %d in %s", pid, dir)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	c := New(Config{Target: "py", Runtime: "python", PID: cmd.Process.Pid, Members: func() []int { return []int{cmd.Process.Pid, child} },
		OutDir: out, LimitBytes: 100, Marks: []float64{0.5}, PythonDir: dir})
	c.Observe(time.Second, 60, -1)
	ev := c.Close()[0]
	if len(ev.Python) != 2 {
		t.Fatalf("readings = %+v, errors %q; want the parent's and the child's", ev.Python, ev.Errors)
	}
	for _, h := range ev.Python {
		top := h.Sites[0]
		if filepath.Base(top.File) != "holder.py" || top.Line != 2 || top.Bytes < 8<<20 {
			t.Errorf("PID %d: top site %+v; want holder.py:2 holding 8 MiB", h.PID, top)
		}
	}
}
