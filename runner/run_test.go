package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/oomlab/oomlab/runner/proc/proctest"

	"github.com/oomlab/oomlab/fixtures"
	"github.com/oomlab/oomlab/runner/proc"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// TestMain lets the test binary serve as the built-in targets, as the
// oomlab binary does: the runner re-executes "<exe> fixture NAME".
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == ExecInCommand {
		err := ExecIn(os.Args[2:])
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
	if len(os.Args) == 3 && os.Args[1] == "fixture" {
		if err := fixtures.Run(context.Background(), os.Args[2], os.Getenv); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	// Every goroutine the runner starts has an owner and ends with Run.
	goleak.VerifyTestMain(proctest.Main(m))
}

func parse(t *testing.T, text string) *scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.Parse("test.yaml", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// mustRun runs sc with opts, given at most within, and fails the test
// when Run returns an error; it returns the results and the run's log.
func mustRun(t *testing.T, within time.Duration, sc *scenarios.Scenario, opts Options) (*results.Results, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	res, log, err := runScenario(t, ctx, sc, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res, log
}

func runScenario(t *testing.T, ctx context.Context, sc *scenarios.Scenario, opts Options) (*results.Results, string, error) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	opts.Scenario, opts.Executable, opts.Log = sc, exe, &log
	if opts.OutDir == "" {
		opts.OutDir = t.TempDir()
	}
	res, err := Run(ctx, opts)
	t.Cleanup(func() {
		if t.Failed() || testing.Verbose() {
			t.Log(log.String())
		}
	})
	// results.json on disk must say what Run returned.
	b, rerr := os.ReadFile(filepath.Join(opts.OutDir, results.ResultsFile))
	if rerr != nil {
		t.Fatalf("results.json: %v", rerr)
	}
	var disk results.Results
	if err := json.Unmarshal(b, &disk); err != nil {
		t.Fatalf("results.json: %v", err)
	}
	if len(disk.Targets) != len(res.Targets) || disk.Partial != res.Partial {
		t.Errorf("results.json differs from the returned results")
	}
	return res, opts.OutDir, err
}

const shortUpload = `
name: short
pattern: upload-proxy
targets:
  - {name: naive, builtin: upload-naive, role: naive}
  - {name: aware, builtin: upload-aware, role: aware, env: {MAX_IN_FLIGHT: "8"}}
memory_limit: 96MiB
load:
  stages:
    - {rate: 20, duration: 3s}
    - {rate: 60, duration: 5s}
  request: {method: POST, path: /upload, body: {size: 1MiB}, timeout: 10s}
downstream:
  phases:
    - {name: slow, at: 0s, latency: 1s, read_bandwidth: 2MB/s, capacity: 8}
`

// TestRunNaiveKilledAwareHolds is the whole loop on real subprocesses:
// the naive proxy must meet its memory limit, the aware one must not.
func TestRunNaiveKilledAwareHolds(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real targets for about 20 s")
	}
	res, out := mustRun(t, 90*time.Second, parse(t, shortUpload), Options{})
	if len(res.Targets) != 2 {
		t.Fatalf("targets = %d; want 2", len(res.Targets))
	}
	naive, aware := res.Targets[0], res.Targets[1]
	if naive.Outcome != results.OutcomeOOMKilled && naive.Outcome != results.OutcomeLimitStall {
		t.Errorf("naive outcome = %s (%s); want oom-killed or limit-stall", naive.Outcome, naive.OutcomeDetail)
	}
	if naive.OOMAtSeconds == nil || *naive.OOMAtSeconds <= 0 {
		t.Errorf("naive oom_at_seconds = %v; want > 0", naive.OOMAtSeconds)
	}
	if aware.Outcome != results.OutcomeSurvived {
		t.Errorf("aware outcome = %s (%s); want survived", aware.Outcome, aware.OutcomeDetail)
	}
	if aware.Downstream.Requests == 0 || aware.Downstream.GoodputRatio == nil {
		t.Errorf("aware downstream = %+v; want requests and a goodput ratio", aware.Downstream)
	}
	var ok503 bool
	for _, st := range aware.Stages {
		if st.StatusCodes["503"] > 0 {
			ok503 = true
		}
	}
	if !ok503 {
		t.Errorf("aware stages = %+v; want some 503 (it sheds past its bound)", aware.Stages)
	}
	rows := map[string]int{}
	f, err := os.Open(filepath.Join(out, results.SamplesFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := results.ReadSamples(f, func(r results.SampleRow) error { rows[r.Target]++; return nil }); err != nil {
		t.Fatal(err)
	}
	if rows["naive"] < 3 || rows["aware"] < 50 {
		t.Errorf("sample rows = %v; want >= 3 for naive (it dies within a second under -race), >= 50 for aware", rows)
	}
}

// TestRunWatchdog runs without a cgroup: the watchdog must kill the naive
// target and say so, never pretending to be the kernel.
func TestRunWatchdog(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real target")
	}
	sc := parse(t, strings.Replace(shortUpload, "  - {name: aware, builtin: upload-aware, role: aware, env: {MAX_IN_FLIGHT: \"8\"}}\n", "", 1))
	res, _ := mustRun(t, 60*time.Second, sc, Options{LimitMode: LimitWatchdog})
	naive := res.Targets[0]
	if res.LimitMode != results.MechanismWatchdog || res.LimitNote == "" {
		t.Errorf("limit mode = %q, note %q; want watchdog with a note", res.LimitMode, res.LimitNote)
	}
	if naive.Outcome != results.OutcomeOOMKilled || naive.OOMMechanism == nil || *naive.OOMMechanism != results.MechanismWatchdog {
		t.Errorf("naive = %s via %v; want oom-killed via watchdog", naive.Outcome, naive.OOMMechanism)
	}
}

// TestRunFailedStartGoesOn: a target that exits before it listens is
// reported with its stderr, and the next target still runs.
func TestRunFailedStartGoesOn(t *testing.T) {
	sc := parse(t, `
name: fail
targets:
  - {name: broken, command: "sh -c 'echo no config here >&2; exit 3'"}
  - {name: fine, builtin: upload-aware}
load:
  stages: [{rate: 5, duration: 1s}]
  request: {path: /healthz}
downstream:
  phases: [{at: 0s}]
`)
	res, _ := mustRun(t, 30*time.Second, sc, Options{})
	broken, fine := res.Targets[0], res.Targets[1]
	if broken.Outcome != results.OutcomeFailedToStart || !strings.Contains(broken.StderrTail, "no config here") {
		t.Errorf("broken = %s, stderr %q; want failed-to-start with its stderr", broken.Outcome, broken.StderrTail)
	}
	if broken.Exit.Code == nil || *broken.Exit.Code != 3 {
		t.Errorf("broken exit = %+v; want code 3", broken.Exit)
	}
	if fine.Outcome != results.OutcomeSurvived || fine.Stages[0].Successes == 0 {
		t.Errorf("fine = %s, stages %+v; want survived with successes", fine.Outcome, fine.Stages)
	}
}

// TestRunInterrupted cancels the run mid-load: results are written and
// marked partial, the remaining targets recorded as not run.
func TestRunInterrupted(t *testing.T) {
	sc := parse(t, `
name: intr
targets:
  - {name: first, builtin: upload-aware}
  - {name: second, builtin: upload-aware}
load:
  stages: [{rate: 5, duration: 30s}]
  request: {path: /healthz}
downstream:
  phases: [{at: 0s}]
`)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(3*time.Second, cancel)
	start := time.Now()
	res, _, err := runScenario(t, ctx, sc, Options{})
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("Run took %s after cancel at 3s; want prompt stop", took)
	}
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("Run error = %v; want interrupted", err)
	}
	if !res.Partial || len(res.Targets) != 2 {
		t.Fatalf("partial = %v, targets %d; want partial with 2 targets", res.Partial, len(res.Targets))
	}
	if res.Targets[0].Outcome != results.OutcomeInterrupted || res.Targets[1].Outcome != results.OutcomeInterrupted {
		t.Errorf("outcomes = %s, %s; want interrupted, interrupted", res.Targets[0].Outcome, res.Targets[1].Outcome)
	}
}

// TestRunRestartOnFailure: with restart: on-failure the naive target is
// started again after each kill while the load goes on (crash and
// restart); the first death decides the outcome, every one is recorded.
func TestRunRestartOnFailure(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real target for about 12 s")
	}
	sc := parse(t, `
name: restart
targets:
  - {name: naive, builtin: upload-naive, restart: on-failure, max_restarts: 3}
memory_limit: 64MiB
load:
  stages: [{rate: 60, duration: 10s}]
  request: {method: POST, path: /upload, body: {size: 1MiB}, timeout: 10s}
downstream:
  phases: [{at: 0s, latency: 1s, read_bandwidth: 2MB/s, capacity: 4}]
`)
	res, _ := mustRun(t, 60*time.Second, sc, Options{})
	naive := res.Targets[0]
	if naive.Outcome != results.OutcomeOOMKilled && naive.Outcome != results.OutcomeLimitStall {
		t.Errorf("outcome = %s; want oom-killed or limit-stall", naive.Outcome)
	}
	if naive.Restarts < 1 || len(naive.Events) < 2 || !naive.Events[0].Restarted {
		t.Fatalf("restarts = %d, events %+v; want at least one restart and two deaths", naive.Restarts, naive.Events)
	}
	if naive.Restarts > 3 {
		t.Errorf("restarts = %d; want at most max_restarts 3", naive.Restarts)
	}
	for i := 1; i < len(naive.Events); i++ {
		if naive.Events[i].AtSeconds <= naive.Events[i-1].AtSeconds {
			t.Errorf("events out of order: %+v", naive.Events)
		}
	}
	if *naive.OOMAtSeconds != naive.Events[0].AtSeconds {
		t.Errorf("oom_at_seconds = %v; want the first death's %v", *naive.OOMAtSeconds, naive.Events[0].AtSeconds)
	}
}

// TestRunRestartCannotStart: a restart whose process cannot even start
// (its executable is gone) ends the target's run with the first death
// recorded, instead of waiting on a process that does not exist.
func TestRunRestartCannotStart(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real target for a few seconds")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "target")
	if err := os.WriteFile(target, data, 0o755); err != nil {
		t.Fatal(err)
	}
	sc := parse(t, `
name: restart-fails
targets:
  - {name: naive, command: "`+target+` fixture upload-naive", restart: on-failure, max_restarts: 3}
memory_limit: 64MiB
load:
  stages: [{rate: 60, duration: 8s}]
  request: {method: POST, path: /upload, body: {size: 1MiB}, timeout: 10s}
downstream:
  phases: [{at: 0s, latency: 1s, read_bandwidth: 2MB/s, capacity: 4}]
`)
	// Once the target runs, remove its executable: the running process
	// keeps it, a new one cannot start.
	removed := make(chan bool, 1)
	go func() {
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			ents, _ := os.ReadDir("/proc")
			for _, e := range ents {
				if l, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err == nil && l == target {
					removed <- os.Remove(target) == nil
					return
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
		removed <- false
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// The watchdog starts the target directly; a cgroup would start it
	// through the exec-in shim, which itself starts fine.
	res, _, err := runScenario(t, ctx, sc, Options{LimitMode: LimitWatchdog})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !<-removed {
		t.Fatal("the target's executable was not seen running, or not removed")
	}
	naive := res.Targets[0]
	if naive.Outcome != results.OutcomeOOMKilled || naive.Restarts != 0 || len(naive.Events) != 1 {
		t.Errorf("outcome %s, restarts %d, deaths %d; want oom-killed, 0 restarts (it could not start), 1 death",
			naive.Outcome, naive.Restarts, len(naive.Events))
	}
}

// TestRunPortTakenTriesAnother: when another process holds the port
// chosen for a target, what answers its readiness probe is not the
// target; the runner sees that, starts the target again on another port,
// and the load never goes to the stranger.
func TestRunPortTakenTriesAnother(t *testing.T) {
	stranger, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stranger.Close()
	var hits atomic.Int64
	go func() {
		for {
			c, err := stranger.Accept()
			if err != nil {
				return
			}
			hits.Add(1)
			c.Close()
		}
	}()
	taken := stranger.Addr().(*net.TCPAddr).Port
	calls := 0
	hk := &hooks{freePort: func(host string) (int, error) {
		calls++
		if calls == 1 {
			return taken, nil
		}
		return proc.FreePort(host)
	}}
	sc := parse(t, `
name: port-taken
targets:
  - {name: fine, builtin: upload-aware}
load:
  stages: [{rate: 5, duration: 1s}]
  request: {path: /healthz}
downstream:
  phases: [{at: 0s}]
`)
	res, _ := mustRun(t, 30*time.Second, sc, Options{hooks: hk})
	fine := res.Targets[0]
	if fine.Outcome != results.OutcomeSurvived || fine.Stages[0].Successes == 0 {
		t.Errorf("outcome %s, stages %+v; want survived with successes on its second port", fine.Outcome, fine.Stages)
	}
	if calls != 2 {
		t.Errorf("ports chosen = %d; want 2 (the taken one, then another)", calls)
	}
	// The readiness probe may have touched the stranger; the load (5
	// requests) must not have.
	if n := hits.Load(); n > 2 {
		t.Errorf("the stranger on the taken port got %d connections; want the readiness probe's at most", n)
	}
}
