package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/oomlab/oomlab/runner/proc/proctest"
	"github.com/oomlab/oomlab/runner/results"
)

// bin is the oomlab binary built once for the end-to-end tests: real
// subprocesses all the way down, as a user runs them.
var bin string

// parallelTests: the tests marked "see parallelTests" run up to four at
// a time (make test's -parallel 4) once the others are done.
// Each either runs no target or checks nothing that another run beside
// it could change: exit codes, files, messages, CPU time of its own
// children, events it waits for. Tests that judge a run's timing or a
// kill (the catalog, edge, fail-fast, fast), and the Python runs whose
// tracemalloc snapshots need the CPU, stay serial. Every harness
// a test starts carries the test's name in its environment, so
// assertNothingLeft looks only at its own.
//
// runs records the harness started last by each test (oomlab, oomlabIn,
// startOomlab), so that tests running in parallel each check what their
// own harness left (pidOf, assertNothingLeft).
var runs struct {
	sync.Mutex
	started []startedRun
}

type startedRun struct {
	test string
	pid  int
}

// testMarker is the variable each harness a test starts (and so every
// target it starts) carries in its environment: the test's name.
const testMarker = "OOMLAB_E2E_TEST"

// markRun gives cmd the test's marker; call before cmd.Start.
func markRun(t *testing.T, cmd *exec.Cmd) {
	cmd.Env = append(os.Environ(), testMarker+"="+t.Name())
}

// recordRun notes the harness cmd started for t.
func recordRun(t *testing.T, cmd *exec.Cmd) {
	runs.Lock()
	defer runs.Unlock()
	runs.started = append(runs.started, startedRun{t.Name(), cmd.Process.Pid})
}

// pidOf is the pid of the harness t (or, failing that, one of its
// subtests, or its parent) started last; 0 when none.
func pidOf(t *testing.T) int {
	runs.Lock()
	defer runs.Unlock()
	name := t.Name()
	for _, match := range []func(string) bool{
		func(n string) bool { return n == name },
		func(n string) bool { return strings.HasPrefix(n, name+"/") },
		func(n string) bool { return strings.HasPrefix(name, n+"/") },
	} {
		for i := len(runs.started) - 1; i >= 0; i-- {
			if match(runs.started[i].test) {
				return runs.started[i].pid
			}
		}
	}
	return 0
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "oomlab-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "oomlab")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building oomlab:", err)
		os.Exit(1)
	}
	code := proctest.Main(m).Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// oomlab runs the binary to completion under a deadline and returns its
// combined output and exit code.
func oomlab(t *testing.T, timeout time.Duration, args ...string) (string, int) {
	t.Helper()
	return oomlabWith(t, nil, timeout, args...)
}

// oomlabWith is oomlab with env (KEY=VALUE) added to the environment: a
// test running in parallel cannot use t.Setenv.
func oomlabWith(t *testing.T, env []string, timeout time.Duration, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	markRun(t, cmd)
	cmd.Env = append(cmd.Env, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Start()
	if err == nil {
		recordRun(t, cmd)
		err = cmd.Wait()
	}
	if ctx.Err() != nil {
		t.Fatalf("oomlab %v: still running after %s\n%s", args, timeout, out.String())
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("oomlab %v: %v", args, err)
	}
	return out.String(), code
}

func readResults(t *testing.T, dir string) *results.Results {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, results.ResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	var res results.Results
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatalf("results.json: %v", err)
	}
	if res.Schema != results.Schema {
		t.Errorf("schema = %q; want %q", res.Schema, results.Schema)
	}
	return &res
}

func target(t *testing.T, res *results.Results, name string) results.Target {
	t.Helper()
	for _, tr := range res.Targets {
		if tr.Name == name {
			return tr
		}
	}
	t.Fatalf("no target %q in results", name)
	return results.Target{}
}

func TestRunKillsNaiveNotAware(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run of about 10 s")
	}
	out := t.TempDir()
	// Both targets at once (--parallel): the run is as long as its load.
	text, code := oomlab(t, 2*time.Minute, "run", "testdata/short-upload.yaml", "--parallel", "--out", out)
	t.Log(text)
	res := readResults(t, out)
	naive, aware := target(t, res, "upload-naive"), target(t, res, "upload-aware")
	if naive.Outcome != results.OutcomeOOMKilled && naive.Outcome != results.OutcomeLimitStall {
		t.Errorf("upload-naive outcome = %s (%s); want oom-killed or limit-stall", naive.Outcome, naive.OutcomeDetail)
	}
	if naive.OOMAtSeconds == nil || *naive.OOMAtSeconds > 20 {
		t.Errorf("upload-naive oom_at_seconds = %v; want <= 20", naive.OOMAtSeconds)
	}
	if naive.OOMMechanism == nil || *naive.OOMMechanism != res.LimitMode {
		t.Errorf("upload-naive oom_mechanism = %v; want %s", naive.OOMMechanism, res.LimitMode)
	}
	if aware.Outcome != results.OutcomeSurvived || aware.OOMKilled {
		t.Errorf("upload-aware outcome = %s (%s); want survived", aware.Outcome, aware.OutcomeDetail)
	}
	if aware.RSSPeakBytes <= 0 || aware.RSSPeakBytes > 64<<20 {
		t.Errorf("upload-aware rss_peak_bytes = %d; want (0, 64 MiB]", aware.RSSPeakBytes)
	}
	if aware.GCCount == nil || naive.GCCount == nil {
		t.Errorf("gc_count of Go targets = %v, %v; want numbers", naive.GCCount, aware.GCCount)
	}
	if len(aware.Stages) != 3 || aware.Stages[0].Requests == 0 {
		t.Errorf("upload-aware stages = %+v; want 3 with requests", aware.Stages)
	}
	if res.Harness.RSSPeakBytes <= 0 {
		t.Errorf("harness rss_peak_bytes = %d; want > 0", res.Harness.RSSPeakBytes)
	}
	if code != 0 {
		t.Errorf("exit code = %d; want 0 (every expectation held)", code)
	}
	checkEvidence(t, out, text, naive, aware)
	for _, f := range []string{results.SamplesFile, results.LoadFile, "memory.png", "memory.svg"} {
		if fi, err := os.Stat(filepath.Join(out, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: missing or empty (%v)", f, err)
		}
	}
	assertNothingLeft(t, pidOf(t))
}

// TestInterruptWritesPartialAndLeavesNothing sends SIGINT mid-run: the
// harness must stop the load, end the target, remove its cgroup, write
// results.json marked partial and exit 130.
func TestInterruptWritesPartialAndLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run")
	}
	out := t.TempDir()
	cmd, samples := startRun(t, out)
	waitRows(t, samples, 20, 20*time.Second)
	pid := cmd.Process.Pid
	interruptAndWait(t, cmd, 20*time.Second)
	res := readResults(t, out)
	if !res.Partial {
		t.Error("results.json partial = false after SIGINT; want true")
	}
	if len(res.Targets) == 0 || res.Targets[0].Outcome == "" {
		t.Errorf("results.json targets = %+v; want the interrupted target recorded", res.Targets)
	}
	assertNothingLeft(t, pid)
}

// TestHarnessKilledLeavesNoTarget SIGKILLs the harness: Pdeathsig must take
// the target with it, and the next run (here `oomlab cleanup`) removes the
// empty cgroup the dead harness could not.
func TestHarnessKilledLeavesNoTarget(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run")
	}
	out := t.TempDir()
	cmd, samples := startRun(t, out)
	waitRows(t, samples, 10, 20*time.Second)
	pid := cmd.Process.Pid
	cmd.Process.Kill()
	cmd.Wait()
	// Pdeathsig ends the targets: wait for their exits.
	await(5*time.Second, nil, processesOf(bin), func() bool { return len(processesOf(bin)) == 0 })
	if left := processesOf(bin); len(left) > 0 {
		t.Fatalf("processes left after the harness was SIGKILLed: %v", left)
	}
	text, code := oomlab(t, 30*time.Second, "cleanup")
	if code != 0 {
		t.Fatalf("oomlab cleanup: exit %d\n%s", code, text)
	}
	assertNothingLeft(t, pid)
}

func TestValidateNamesFileLineField(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("name: x\ntargets:\n  - name: a\n    builtin: upload-naive\nload:\n  stages:\n    - {rate: -5, duration: 1s}\n"), 0o644)
	text, code := oomlab(t, 30*time.Second, "validate", bad)
	if code != exitBadInput {
		t.Errorf("exit code = %d; want %d\n%s", code, exitBadInput, text)
	}
	if !strings.Contains(text, "bad.yaml:7") || !strings.Contains(text, "rate") {
		t.Errorf("validate output = %q; want file:line and the field", text)
	}
	if text, code := oomlab(t, 30*time.Second, "validate", "upload-proxy"); code != 0 {
		t.Errorf("validate upload-proxy: exit %d\n%s", code, text)
	}
	if text, code := oomlab(t, 30*time.Second, "run", bad); code != exitBadInput {
		t.Errorf("run of a bad file: exit %d; want %d\n%s", code, exitBadInput, text)
	}
}

func TestListShowsBuiltins(t *testing.T) {
	text, code := oomlab(t, 30*time.Second, "list")
	if code != 0 || !strings.Contains(text, "upload-proxy") {
		t.Errorf("oomlab list = %q (exit %d); want upload-proxy listed", text, code)
	}
}

// TestUserTargets runs a user's own command as a target: one that cannot
// start (failed-to-start, the run goes on, exit 1) and a Python server
// (RSS sampled, GC read through the sitecustomize preload).
func TestUserTargets(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	// A target's command runs in the scenario file's folder (dir:'s
	// default), so the server is named by its absolute path.
	server, err := filepath.Abs("../../fixtures/examples/upload_naive.py")
	if err != nil {
		t.Fatal(err)
	}
	// A program that is there but cannot start (its interpreter is
	// missing) passes validate's check and fails at run time; a program
	// that is not there at all is refused before (TestMissingProgram).
	dir := t.TempDir()
	broken := writeFile(t, dir, "broken-server", "#!/nonexistent/interpreter\n")
	if err := os.Chmod(broken, 0o755); err != nil {
		t.Fatal(err)
	}
	sc := filepath.Join(dir, "tiny.yaml")
	os.WriteFile(sc, []byte(`name: tiny
targets:
  - {name: missing, command: `+broken+`}
  - {name: python, command: "python3 `+server+`"}
load:
  stages: [{rate: 5, duration: 3s}]
  request: {method: POST, path: /upload, body: {size: 64KiB}, timeout: 5s}
downstream:
  phases: [{at: 0s, latency: 10ms}]
`), 0o644)
	out := t.TempDir()
	text, code := oomlab(t, time.Minute, "run", sc, "--out", out)
	if code != exitFailed {
		t.Errorf("exit code = %d; want %d (a target could not start)\n%s", code, exitFailed, text)
	}
	res := readResults(t, out)
	missing, py := target(t, res, "missing"), target(t, res, "python")
	if missing.Outcome != results.OutcomeFailedToStart || missing.Error == "" {
		t.Errorf("missing: outcome %s, error %q; want failed-to-start with a message", missing.Outcome, missing.Error)
	}
	if py.Outcome != results.OutcomeSurvived || py.RSSPeakBytes <= 0 || py.GCCount == nil {
		t.Errorf("python: outcome %s, rss %d, gc %v; want survived, RSS > 0, GC read by the preload", py.Outcome, py.RSSPeakBytes, py.GCCount)
	}
	if py.Runtime != "python" {
		t.Errorf("python runtime = %q; want python (detected from the program)", py.Runtime)
	}
	assertNothingLeft(t, pidOf(t))
}

// startRun starts a long run in the background and returns it with the
// path of its samples.csv.
func startRun(t *testing.T, out string) (*exec.Cmd, string) {
	t.Helper()
	cmd, _ := startOomlab(t, "run", "upload-proxy", "--out", out, "--quiet")
	return cmd, filepath.Join(out, results.SamplesFile)
}

// startOomlab starts oomlab with args in the background and returns it
// with its output (stdout and stderr; read it once the command has been
// waited for); when the test ends it is killed if still running, and its
// output logged if the test failed.
func startOomlab(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	markRun(t, cmd)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	recordRun(t, cmd)
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
		if t.Failed() {
			t.Log(buf.String())
		}
	})
	return cmd, &buf
}

// waitRows waits until the CSV file has at least n data rows, woken by
// each change in its folder.
func waitRows(t *testing.T, path string, n int, timeout time.Duration) {
	t.Helper()
	if await(timeout, []string{filepath.Dir(path)}, nil, func() bool {
		b, err := os.ReadFile(path)
		return err == nil && bytes.Count(b, []byte("\n")) > n
	}) {
		return
	}
	t.Fatalf("%s: fewer than %d rows after %s", path, n, timeout)
}

// processesOf lists the pids whose command line starts with exe.
func processesOf(exe string) []int {
	return processesOfTest(exe, "")
}

// processesOfTest is processesOf, keeping only the processes whose
// environment marks them as started by test (or one of its subtests,
// or its parent); test "" keeps them all. A process whose environment
// cannot be read is kept.
func processesOfTest(exe, test string) []int {
	var pids []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.HasPrefix(b, []byte(exe+"\x00")) {
			continue
		}
		if test != "" {
			if env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ")); err == nil && !startedBy(env, test) {
				continue
			}
		}
		pids = append(pids, pid)
	}
	return pids
}

// startedBy reports whether an environment (NUL-separated) carries the
// marker of test, of a subtest of it, or of its parent.
func startedBy(env []byte, test string) bool {
	top, _, _ := strings.Cut(test, "/")
	for _, kv := range bytes.Split(env, []byte{0}) {
		if v, ok := bytes.CutPrefix(kv, []byte(testMarker+"=")); ok {
			mark, _, _ := strings.Cut(string(v), "/")
			return mark == top
		}
	}
	return false
}

// assertNothingLeft fails when a process of the test binary that the
// test started is still running, or when a cgroup of the harness with
// that pid is left. Tests that run in parallel each see only their own.
func assertNothingLeft(t *testing.T, harnessPID int) {
	t.Helper()
	if left := processesOfTest(bin, t.Name()); len(left) > 0 {
		t.Errorf("processes left: %v", left)
	}
	parent := memoryCgroupDir()
	if parent == "" {
		return
	}
	if m, _ := filepath.Glob(filepath.Join(parent, fmt.Sprintf("oomlab-%d-*", harnessPID))); len(m) > 0 {
		t.Errorf("cgroups left: %v", m)
	}
}

// memoryCgroupDir is this process's memory cgroup directory (v1), or the
// unified one (v2), where the harness creates its groups.
func memoryCgroupDir() string {
	f, err := os.Open("/proc/self/cgroup")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) == 3 && parts[1] == "memory" {
			return filepath.Join("/sys/fs/cgroup/memory", parts[2])
		}
	}
	return ""
}

// interruptAndWait sends cmd SIGINT and waits up to within for it to exit
// with exitInterrupted; it fails the test otherwise (killing a harness
// that does not exit).
func interruptAndWait(t *testing.T, cmd *exec.Cmd, within time.Duration) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
			t.Errorf("exit after SIGINT = %v; want code %d", err, exitInterrupted)
		}
	case <-time.After(within):
		cmd.Process.Kill()
		t.Fatalf("oomlab did not exit within %s of SIGINT", within)
	}
}
