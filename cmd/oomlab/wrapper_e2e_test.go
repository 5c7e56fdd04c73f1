package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oomlab/oomlab/fixtures"
	"github.com/oomlab/oomlab/runner/results"
)

// wrapperScenario is a one-target upload-proxy run short enough for the
// test suite: a naive proxy reaches the 128 MiB limit within ~10 s.
const wrapperScenario = `name: wrapped
pattern: upload-proxy
targets:
  - name: wrapped
%s
memory_limit: 128MiB
deadline: 60s
load:
  stages:
    - {rate: 20, duration: 4s}
    - {rate: 60, duration: 8s}
  request: {method: POST, path: /upload, body: {size: 1MiB}, timeout: 10s}
downstream:
  phases:
    - {name: slow, at: 0s, latency: 2s, read_bandwidth: 1MB/s, capacity: 16}
`

// runWrapped writes the scenario with the given target lines into dir and
// runs it, returning the target's findings.
func runWrapped(t *testing.T, dir, targetLines string) results.Target {
	t.Helper()
	file := filepath.Join(dir, "wrapped.yaml")
	if err := os.WriteFile(file, []byte(strings.Replace(wrapperScenario, "%s", targetLines, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	text, _ := oomlab(t, 90*time.Second, "run", file, "--out", out, "--quiet")
	res := readResults(t, out)
	if res.LimitMode == results.MechanismWatchdog {
		t.Logf("no cgroup here: %s", res.LimitNote)
	}
	tg := target(t, res, "wrapped")
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(text)
		}
	})
	assertNothingLeft(t, pidOf(t))
	return tg
}

// TestRunThroughShell: a leaking Go server started as sh -c "SERVER;
// true" is measured as its tree and dies as the server dies, although the
// shell then exits 0.
func TestRunThroughShell(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run of about 12 s")
	}
	tg := runWrapped(t, t.TempDir(), `    command: ["sh", "-c", "\"$0\" fixture upload-naive; true", "`+bin+`"]
    runtime: go`)
	if tg.Outcome != results.OutcomeOOMKilled && tg.Outcome != results.OutcomeLimitStall {
		t.Errorf("outcome = %s (%s); want oom-killed or limit-stall", tg.Outcome, tg.OutcomeDetail)
	}
	if tg.RSSPeakBytes < 96<<20 {
		t.Errorf("rss_peak_bytes = %d MiB; want ≥ 96 MiB: the server's, not the shell's ~1 MiB", tg.RSSPeakBytes>>20)
	}
	if tg.ProcessesMax < 2 || tg.LargestProcess == nil || !strings.Contains(tg.LargestProcess.Command, "fixture upload-naive") {
		t.Errorf("processes_max %d, largest %+v; want ≥ 2 and the server named", tg.ProcessesMax, tg.LargestProcess)
	}
	if tg.GCCount == nil || *tg.GCCount == 0 {
		t.Errorf("gc_count = %v; want the server's cycles", tg.GCCount)
	}
}

// TestRunThroughNpmStart: a Node.js server started with npm start (a
// package.json written here, its folder the scenario's) gets its GC
// counted through the NODE_OPTIONS preload and meets its limit.
func TestRunThroughNpmStart(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run of about 15 s")
	}
	for _, prog := range []string{"node", "npm"} {
		if _, err := exec.LookPath(prog); err != nil {
			t.Skipf("SKIP: %s is not installed (.ci/run installs nodejs and npm): %v", prog, err)
		}
	}
	dir := t.TempDir()
	script, err := fixtures.WriteNode(dir, "node-upload-naive") // with lib/, which it requires
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(script, filepath.Join(dir, "server.js")); err != nil {
		t.Fatal(err)
	}
	pkg := `{"name": "upload-naive", "version": "1.0.0", "private": true, "scripts": {"start": "node server.js"}}`
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(pkg), 0o644); err != nil {
		t.Fatal(err)
	}
	tg := runWrapped(t, dir, `    command: npm start
    ready_timeout: 20s`)
	if tg.Runtime != "node" {
		t.Errorf("runtime = %s; want node (npm start)", tg.Runtime)
	}
	if tg.Outcome != results.OutcomeOOMKilled && tg.Outcome != results.OutcomeLimitStall {
		t.Errorf("outcome = %s (%s); want oom-killed or limit-stall, as when run directly", tg.Outcome, tg.OutcomeDetail)
	}
	if tg.GCCount == nil || *tg.GCCount < 5 {
		t.Errorf("gc_count = %v; want the server's collections (≥ 5)", tg.GCCount)
	}
	if tg.ProcessesMax < 2 || tg.LargestProcess == nil || !strings.Contains(tg.LargestProcess.Command, "server.js") {
		t.Errorf("processes_max %d, largest %+v; want npm's tree and node server.js named", tg.ProcessesMax, tg.LargestProcess)
	}
	// The memoryUsage preload reached node through npm: its last reading
	// shows the bodies held outside the V8 heap (at this 128 MiB limit
	// about two thirds of RSS; ~56 MiB of node's RSS is never external),
	// taken shortly before the kill (every 20 ms past the first mark).
	m := tg.NodeMemoryLast
	if m != nil {
		t.Logf("last memoryUsage at %.2f s: RSS %d MiB, external %d MiB, V8 heap used %d MiB (kill at %v)", m.AtSeconds, m.RSSBytes>>20, m.ExternalBytes>>20, m.HeapUsedBytes>>20, tg.OOMAtSeconds)
	}
	switch {
	case m == nil:
		t.Errorf("node_memory_last missing: the preload's readings did not arrive through npm")
	case m.ExternalBytes < m.RSSBytes/2 || m.ExternalBytes < 4*m.HeapUsedBytes:
		t.Errorf("node_memory_last %+v; want external ≥ half of RSS and ≥ 4× the V8 heap used", *m)
	case tg.OOMAtSeconds != nil && (m.AtSeconds > *tg.OOMAtSeconds || m.AtSeconds < *tg.OOMAtSeconds-1):
		t.Errorf("last reading at %.2f s, kill at %.2f s; want it within the second before", m.AtSeconds, *tg.OOMAtSeconds)
	}
}
