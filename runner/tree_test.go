package runner

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oomlab/oomlab/runner/results"
)

// cgroupOrSkip skips a test that needs a real memory cgroup where none
// can be made (not root, no controller).
func cgroupOrSkip(t *testing.T, res *results.Results) {
	t.Helper()
	if res.LimitMode == results.MechanismWatchdog {
		t.Skipf("SKIP: no memory cgroup can be made here (%s)", res.LimitNote)
	}
}

// TestRunForkAtOnceInCgroup: a target whose first act is to fork must
// have that child inside its cgroup — the harness starts it through the
// exec-in shim, so it never runs outside.
func TestRunForkAtOnceInCgroup(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(t.TempDir(), "child.cgroup")
	sc := parse(t, `
name: forker
targets:
  - name: forker
    command: ["sh", "-c", "cat /proc/self/cgroup > \"$REPORT\"; exec \"$0\" fixture upload-aware", "`+exe+`"]
    env: {REPORT: "`+report+`"}
load:
  stages: [{rate: 5, duration: 1s}]
  request: {path: /healthz}
downstream:
  phases: [{at: 0s}]
`)
	res, _ := mustRun(t, 30*time.Second, sc, Options{})
	cgroupOrSkip(t, res)
	if got := res.Targets[0].Outcome; got != results.OutcomeSurvived {
		t.Fatalf("outcome = %s (%s %s); want survived", got, res.Targets[0].OutcomeDetail, res.Targets[0].Error)
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	// v1: "N:memory:/.../oomlab-PID-forker"; v2: "0::/.../oomlab-PID-forker".
	want := "oomlab-" + strconv.Itoa(os.Getpid()) + "-forker"
	var in bool
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.SplitN(line, ":", 3)
		if len(f) == 3 && (f[1] == "memory" || f[0] == "0" && f[1] == "") && strings.HasSuffix(f[2], "/"+want) {
			in = true
		}
	}
	if !in {
		t.Errorf("the child forked at once was in:\n%s\nwant its memory cgroup to end in /%s", b, want)
	}
}

// TestRunShellWrapper: a leaking server behind a shell (sh -c "SERVER;
// true") is measured as the whole tree and judged by its death: the
// kernel's kill of the server is seen although the shell exits 0.
func TestRunShellWrapper(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real target for about 10 s")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	sc := parse(t, `
name: wrapped
targets:
  - {name: naive, command: ["sh", "-c", "\"$0\" fixture upload-naive; true", "`+exe+`"], runtime: go}
memory_limit: 64MiB
load:
  stages: [{rate: 60, duration: 8s}]
  request: {method: POST, path: /upload, body: {size: 1MiB}, timeout: 10s}
downstream:
  phases: [{at: 0s, latency: 1s, read_bandwidth: 2MB/s, capacity: 4}]
`)
	res, _ := mustRun(t, 60*time.Second, sc, Options{})
	cgroupOrSkip(t, res)
	naive := res.Targets[0]
	if naive.Outcome != results.OutcomeOOMKilled && naive.Outcome != results.OutcomeLimitStall {
		t.Errorf("outcome = %s (%s); want oom-killed or limit-stall", naive.Outcome, naive.OutcomeDetail)
	}
	if naive.RSSPeakBytes < 24<<20 {
		t.Errorf("rss_peak_bytes = %d MiB; want ≥ 24 MiB (the server under the shell; the shell alone is ~1 MiB)", naive.RSSPeakBytes>>20)
	}
	if naive.ProcessesMax < 2 || naive.LargestProcess == nil || !strings.Contains(naive.LargestProcess.Command, "fixture upload-naive") {
		t.Errorf("processes_max = %d, largest %+v; want ≥ 2 and the server named", naive.ProcessesMax, naive.LargestProcess)
	}
	if naive.GCCount == nil || *naive.GCCount == 0 {
		t.Errorf("gc_count = %v; want the server's GC cycles (GODEBUG reaches it through the shell)", naive.GCCount)
	}
}
