package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oomlab/oomlab/runner/results"
)

// pythonScenario is a short upload-proxy run of one Python target with
// tracemalloc on: 1 MiB bodies at 20 rps for 6 s into a downstream that
// holds each for 2 s and reads it at 1 MB/s, so that bodies are held when
// the evidence is taken (at mark, a share of the limit, or else 2 s
// before the load ends). ready_timeout is long: with tracemalloc on, a Python
// server starts several times slower, and more on a busy machine.
func pythonScenario(t *testing.T, command, limit string, mark float64) string {
	t.Helper()
	sc := filepath.Join(t.TempDir(), "python.yaml")
	err := os.WriteFile(sc, []byte(fmt.Sprintf(`name: short-upload-python
pattern: upload-proxy
targets:
  - {name: py, role: naive, command: %q, ready_timeout: 40s}
memory_limit: %s
sample_interval: 100ms
deadline: 90s
evidence: {tracemalloc: true, at: [%v]}
load:
  stages: [{rate: 20, duration: 6s}]
  request: {method: POST, path: /upload, body: {size: 1MiB}, timeout: 10s}
downstream:
  phases: [{name: slow downstream, at: 0s, latency: 2s, read_bandwidth: 1MB/s, capacity: 16}]
`, command, limit, mark)), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// checkPythonTarget: GC read (not null, some collections), what was
// injected said, and the evidence naming the example's line that reads
// the whole body, in the process tracing the most.
func checkPythonTarget(t *testing.T, py results.Target, line int64, wantProcs int) {
	t.Helper()
	if py.Runtime != "python" {
		t.Errorf("runtime = %q; want python (told by the program's name)", py.Runtime)
	}
	if py.GCCount == nil || *py.GCCount < 1 {
		t.Errorf("gc_count = %v; want at least one collection read from the preload", py.GCCount)
	}
	joined := strings.Join(py.Injected, "\n")
	if !strings.Contains(joined, "PYTHONPATH") || !strings.Contains(joined, "tracemalloc") {
		t.Errorf("injected = %q; want the PYTHONPATH preload and tracemalloc said", py.Injected)
	}
	i := len(py.Evidence) - 1
	for i >= 0 && len(py.Evidence[i].Python) == 0 {
		i--
	}
	if i < 0 {
		t.Fatalf("no tracemalloc reading in the evidence: %+v", py.Evidence)
	}
	ev := py.Evidence[i]
	if len(ev.Python) < wantProcs {
		t.Errorf("readings of %d processes; want %d or more (errors %q)", len(ev.Python), wantProcs, ev.Errors)
	}
	top := ev.Python[0].Sites[0]
	if filepath.Base(top.File) != "upload_naive.py" || top.Line != line || top.Bytes < 1<<20 || !strings.Contains(top.Code, "read(length)") {
		t.Errorf("top site = %+v; want upload_naive.py:%d, the line that reads the whole body, holding at least 1 MiB", top, line)
	}
	t.Logf("GC %d; tracemalloc: %s:%d holds %d MiB of %d MiB traced (PID %d, %d processes; snapshot %.0f ms)",
		*py.GCCount, filepath.Base(top.File), top.Line, top.Bytes>>20, ev.Python[0].TracedBytes>>20,
		ev.Python[0].PID, len(ev.Python), ev.Python[0].SnapshotMs)
}

func pythonExample(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end run")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("SKIPPED: python3 is not installed (apt-get install python3)")
	}
	dir, err := filepath.Abs("../../fixtures/examples")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestPythonExample runs fixtures/examples/upload_naive.py
// (http.server) under the short upload load with tracemalloc on.
func TestPythonExample(t *testing.T) {
	dir := pythonExample(t)
	out := t.TempDir()
	text, _ := oomlab(t, 2*time.Minute, "run", pythonScenario(t, "python3 "+filepath.Join(dir, "upload_naive.py"), "256MiB", 0.2), "--out", out)
	res := readResults(t, out)
	if t.Failed() {
		t.Log(text)
	}
	checkPythonTarget(t, target(t, res, "py"), 36, 1)
	assertNothingLeft(t, pidOf(t))
}

// TestPythonGunicorn runs the same app under gunicorn, a master and two
// forked workers: each process reports its own collections and answers
// for its own tracemalloc, named by its PID.
func TestPythonGunicorn(t *testing.T) {
	dir := pythonExample(t)
	if _, err := exec.LookPath("gunicorn"); err != nil {
		t.Skip("SKIPPED: gunicorn is not installed (apt-get install -y gunicorn, or pip install gunicorn); the Python tree test did not run")
	}
	out := t.TempDir()
	cmd := "gunicorn -w 2 --threads 8 -b 127.0.0.1:${PORT} --chdir " + dir + " upload_naive:app"
	// The master listens before it forks its workers, so the target is
	// ready before they are: a mark reached a few seconds into the load
	// finds all three. Each of the three processes holds 50-70 MiB with
	// tracemalloc on (its traces of every module gunicorn imports): at
	// 256 MiB the kernel killed a worker while the others were asked.
	text, _ := oomlab(t, 2*time.Minute, "run", pythonScenario(t, cmd, "512MiB", 0.35), "--out", out)
	res := readResults(t, out)
	py := target(t, res, "py")
	checkPythonTarget(t, py, 64, 3)
	for _, ev := range py.Evidence {
		if len(ev.Python) > 0 && filepath.Base(ev.Python[0].Sites[0].ViaFile) != "body.py" {
			t.Errorf("top site %+v; want it allocated in gunicorn's http/body.py", ev.Python[0].Sites[0])
		}
	}
	if t.Failed() {
		t.Log(text)
	}
	assertNothingLeft(t, pidOf(t))
}
