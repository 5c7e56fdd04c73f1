package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oomlab/oomlab/runner/pgtemp"
	"github.com/oomlab/oomlab/runner/results"
)

// dbScenario is a short scenario with a throwaway PostgreSQL behind the
// TCP fault proxy and one target writing to it through the proxy.
const dbScenario = `name: db-short
services:
  - name: pg
    builtin: postgres
targets:
  - name: writer
    builtin: db-pool-aware
    ready_timeout: 30s
    env:
      DATABASE_URL: "postgres://oomlab@${DOWNSTREAM_ADDR}/oomlab?sslmode=disable"
      POOL_SIZE: "2"
    expect: {outcome: [survived]}
load:
  stages:
    - {rate: 20, duration: 6s}
  request:
    method: POST
    path: /write
    body: {size: 64KiB}
downstream:
  proxy: {service: pg}
  phases:
    - {name: slow, at: 0s, latency: 20ms, capacity: 2}
`

// TestServicePostgresLeavesNothing runs a scenario with a throwaway
// PostgreSQL to its end, interrupts one with SIGINT, and SIGKILLs the
// harness of a third: each time no PostgreSQL process, no data directory
// and no cgroup may be left behind. The completed run must also show the
// proxy's figures and rows written through it.
func TestServicePostgresLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run")
	}
	if _, err := pgtemp.Bin("initdb"); err != nil {
		t.Skipf("SKIPPED: %v — the services end-to-end test needs PostgreSQL", err)
	}
	file := filepath.Join(t.TempDir(), "db-short.yaml")
	if err := os.WriteFile(file, []byte(dbScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, how := range []string{"completed", "SIGINT", "SIGKILL"} {
		t.Run(how, func(t *testing.T) {
			// A temporary directory of its own, readable by the
			// unprivileged user PostgreSQL runs as, so that what the run
			// leaves can be told from what other tests make.
			tmp, err := os.MkdirTemp("", "oomlab-e2e-pg-")
			if err != nil {
				t.Fatal(err)
			}
			defer os.RemoveAll(tmp)
			if err := os.Chmod(tmp, 0o755); err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			cmd := exec.Command(bin, "run", file, "--out", out, "--quiet")
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			var buf bytes.Buffer
			cmd.Stdout, cmd.Stderr = &buf, &buf
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			defer func() {
				if cmd.ProcessState == nil {
					cmd.Process.Kill()
					<-done
				}
				if t.Failed() {
					t.Log(buf.String())
				}
			}()
			if how != "completed" {
				waitRows(t, filepath.Join(out, results.SamplesFile), 10, 60*time.Second)
				if dirs, _ := filepath.Glob(filepath.Join(tmp, pgtemp.DirPrefix+"*")); len(dirs) != 1 {
					t.Fatalf("data directories while running = %v; want one", dirs)
				}
				sig := syscall.SIGINT
				if how == "SIGKILL" {
					sig = syscall.SIGKILL
				}
				if err := cmd.Process.Signal(sig); err != nil {
					t.Fatal(err)
				}
			}
			select {
			case err := <-done:
				var ee *exec.ExitError
				switch {
				case how == "completed" && err != nil:
					t.Fatalf("run = %v; want exit 0", err)
				case how == "SIGINT" && (!errors.As(err, &ee) || ee.ExitCode() != exitInterrupted):
					t.Errorf("exit after SIGINT = %v; want code %d", err, exitInterrupted)
				}
			case <-time.After(2 * time.Minute):
				t.Fatal("oomlab did not exit within 2 minutes")
			}
			// The guard cleans up after a SIGKILLed harness on its own.
			// Woken when a process of the database exits or its data
			// directory goes.
			await(20*time.Second, []string{tmp}, leftoverPIDs(tmp), func() bool { return len(leftovers(tmp)) == 0 })
			if left := leftovers(tmp); len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
			if how == "SIGKILL" {
				if text, code := oomlab(t, 30*time.Second, "cleanup"); code != 0 {
					t.Fatalf("oomlab cleanup: exit %d\n%s", code, text)
				}
			}
			assertNothingLeft(t, cmd.Process.Pid)
			if how == "completed" {
				res := readResults(t, out)
				tr := target(t, res, "writer")
				px := tr.Downstream.Proxy
				if tr.Outcome != results.OutcomeSurvived || px == nil || px.BytesToUpstream < 64<<10 || len(px.Phases) != 1 {
					t.Errorf("writer: outcome %s, proxy %+v; want survived, payload bytes through the proxy, one phase", tr.Outcome, px)
				}
				if ok := tr.Stages[0].Successes; ok == 0 {
					t.Errorf("successes = %d; want rows written through the proxy", ok)
				}
			}
		})
	}
}

// leftoverPIDs are the pids of the processes leftovers lists.
func leftoverPIDs(tmp string) []int {
	var pids []int
	for _, l := range leftovers(tmp) {
		if rest, ok := strings.CutPrefix(l, "pid "); ok {
			if pid, err := strconv.Atoi(rest[:strings.IndexByte(rest, ':')]); err == nil {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// leftovers lists the data directories in tmp and the processes whose
// command line or working directory names tmp (the PostgreSQL server, and
// its backends, which rename themselves but work in the data directory).
func leftovers(tmp string) []string {
	left, _ := filepath.Glob(filepath.Join(tmp, pgtemp.DirPrefix+"*"))
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		cwd, _ := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if err == nil && (bytes.Contains(b, []byte(tmp)) || strings.HasPrefix(cwd, tmp)) {
			left = append(left, "pid "+e.Name()+": "+strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
	return left
}
