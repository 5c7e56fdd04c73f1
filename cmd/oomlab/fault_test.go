package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oomlab/oomlab/runner"
	"github.com/oomlab/oomlab/runner/results"
)

// Fault injection: the harness hung up on, its stdout closed under it, and
// panicking mid-run. Each must leave no process and no cgroup, and write
// results.json marked partial.
func TestFaultInjection(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end runs")
	}
	tests := []struct {
		name     string
		env      []string
		quiet    bool
		fault    func(t *testing.T, cmd *exec.Cmd, stdout *os.File)
		wantCode int
		wantWhy  string // in partial_reason
	}{
		{name: "SIGHUP", quiet: true, wantCode: exitInterrupted, wantWhy: "hangup",
			fault: func(t *testing.T, cmd *exec.Cmd, _ *os.File) { cmd.Process.Signal(syscall.SIGHUP) }},
		{name: "SIGPIPE", wantCode: exitInterrupted, wantWhy: "broken pipe",
			// The reader of stdout goes away, as `oomlab run … | head -1` does.
			fault: func(t *testing.T, _ *exec.Cmd, stdout *os.File) { stdout.Close() }},
		{name: "panic", quiet: true, env: []string{runner.TestPanicEnv + "=15"}, wantCode: exitBadInput, // a panic is a harness error
			wantWhy: "internal error (panic): test hook", fault: func(*testing.T, *exec.Cmd, *os.File) {}},
		// The load's goroutine is not the run loop's: its panic must be
		// caught there too, not end the process with nothing written.
		{name: "panic in the load", quiet: true, env: []string{runner.TestPanicEnv + "=load:4"}, wantCode: exitBadInput,
			wantWhy: "internal error (panic): test hook", fault: func(*testing.T, *exec.Cmd, *os.File) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			args := []string{"run", "upload-proxy", "--runtime", "go", "--out", out}
			if tt.quiet {
				args = append(args, "--quiet")
			}
			cmd := exec.Command(bin, args...)
			cmd.Env = append(os.Environ(), tt.env...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stdout = w
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			w.Close()
			lines := make(chan string, 1000)
			go func() {
				sc := bufio.NewScanner(r)
				for sc.Scan() {
					select {
					case lines <- sc.Text():
					default:
					}
				}
			}()
			t.Cleanup(func() {
				if cmd.ProcessState == nil {
					cmd.Process.Kill()
					cmd.Wait()
				}
				r.Close()
				if t.Failed() {
					t.Log(stderr.String())
				}
			})
			waitRows(t, filepath.Join(out, results.SamplesFile), 10, 30*time.Second)
			start := time.Now()
			tt.fault(t, cmd, r)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				var ee *exec.ExitError
				if code := exitCodeOf(err, ee); code != tt.wantCode {
					t.Errorf("exit = %v (code %d); want code %d", err, code, tt.wantCode)
				}
			case <-time.After(60 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("oomlab did not exit within 60 s of the %s", tt.name)
			}
			t.Logf("%s: exited %s after the fault", tt.name, time.Since(start).Round(time.Millisecond))
			res := readResults(t, out)
			if !res.Partial || !strings.Contains(res.PartialReason, tt.wantWhy) {
				t.Errorf("results.json partial = %v (%q); want partial, reason saying %q", res.Partial, res.PartialReason, tt.wantWhy)
			}
			if len(res.Targets) == 0 || res.Targets[0].Outcome != results.OutcomeInterrupted {
				t.Errorf("results.json targets = %+v; want the first one interrupted", res.Targets)
			}
			assertNothingLeft(t, cmd.Process.Pid)
		})
	}
}

func exitCodeOf(err error, ee *exec.ExitError) int {
	if err == nil {
		return 0
	}
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// TestTargetExitingAtOnce: a target that exits as soon as it starts is
// reported with its exit status and its stderr, not as a process gone;
// being the only target, nothing started: exit 2 with that one line.
func TestTargetExitingAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run")
	}
	sc := filepath.Join(t.TempDir(), "quits.yaml")
	os.WriteFile(sc, []byte(`name: quits
targets:
  - {name: quits, command: ["sh", "-c", "echo 'config.yaml: no such file' >&2; exit 3"]}
load:
  stages: [{rate: 5, duration: 2s}]
`), 0o644)
	out := t.TempDir()
	text, code := oomlab(t, time.Minute, "run", sc, "--out", out)
	const line = "  quits: exited before listening on "
	if code != exitBadInput || !strings.Contains(text, line) || !strings.Contains(text, "(exit status 3): config.yaml: no such file\n") {
		t.Errorf("exit code = %d; want %d and %q… saying the exit status and the stderr line\n%s", code, exitBadInput, line, text)
	}
	tr := target(t, readResults(t, out), "quits")
	if tr.Outcome != results.OutcomeFailedToStart || tr.Exit.Code == nil || *tr.Exit.Code != 3 {
		t.Errorf("outcome %s, exit %+v; want failed-to-start with exit code 3", tr.Outcome, tr.Exit)
	}
	for _, want := range []string{"exit status 3", "config.yaml: no such file"} {
		if !strings.Contains(tr.Error, want) {
			t.Errorf("error = %q; want it to say %q", tr.Error, want)
		}
	}
	if strings.Contains(tr.Error, "gone") {
		t.Errorf("error = %q; want the exit, not a process gone", tr.Error)
	}
	assertNothingLeft(t, pidOf(t))
}
