package cgroup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// realManager returns the machine's Manager, or skips t when there is no
// writable memory cgroup (not root, or no memory controller).
func realManager(t testing.TB) *Manager {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("not root: cannot create memory cgroups")
	}
	m, err := Detect("/")
	if err != nil {
		t.Fatalf("Detect(/) = %v", err)
	}
	if m.Mode() == ModeNone {
		t.Skipf("no writable memory cgroup: %s", m.Reason())
	}
	return m
}

// helper starts the test binary as helper mode with a stdin pipe.
func helper(t *testing.T, ctx context.Context, mode string) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	cmd := exec.CommandContext(ctx, os.Args[0])
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, "GORACE=atexit_sleep_ms=0")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, stdin
}

// TestRealOOMKill puts a child that touches 200 MiB in a 64 MiB group and
// expects the kernel to kill it.
func TestRealOOMKill(t *testing.T) {
	m := realManager(t)
	t.Logf("mode %s, parent %s, reason %q", m.Mode(), m.Parent(), m.Reason())
	g, err := m.New("real-oom", 64<<20)
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	defer g.Remove(context.Background())

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cmd, stdin := helper(t, ctx, "alloc")
	if err := g.Add(cmd.Process.Pid); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("Add(%d) = %v", cmd.Process.Pid, err)
	}
	if _, err := io.WriteString(stdin, "go\n"); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL || ctx.Err() != nil {
		t.Fatalf("helper allocating 200 MiB under 64 MiB: Wait() = %v (ctx %v); want killed by SIGKILL", err, ctx.Err())
	}
	s, err := g.Stats()
	if err != nil {
		t.Fatalf("Stats() = %v", err)
	}
	t.Logf("Stats() = %+v", s)
	if s.OOMKills < 1 || s.FailCount < 1 || s.PeakBytes < 60<<20 || s.PeakBytes > 65<<20 {
		t.Errorf("Stats() = %+v; want OOMKills >= 1, FailCount >= 1, PeakBytes in [60, 65] MiB", s)
	}
	if err := g.Remove(context.Background()); err != nil {
		t.Fatalf("Remove() = %v", err)
	}
	if _, err := os.Stat(g.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after Remove, stat(%s) = %v; want not exist", g.Path(), err)
	}
}

// TestRealRemoveKills checks that Remove kills what is left in a group.
func TestRealRemoveKills(t *testing.T) {
	m := realManager(t)
	g, err := m.New("real-remove", 64<<20)
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	defer g.Remove(context.Background())
	cmd, stdin := helper(t, context.Background(), "sleep")
	defer stdin.Close()
	if err := g.Add(cmd.Process.Pid); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("Add() = %v", err)
	}
	if err := g.Remove(context.Background()); err != nil {
		t.Fatalf("Remove() = %v", err)
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Errorf("helper in a removed group: Wait() = %v; want killed by SIGKILL", err)
	}
	if _, err := os.Stat(g.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after Remove, stat(%s) = %v; want not exist", g.Path(), err)
	}
}

// TestRealSweep leaves groups as a SIGKILLed harness would: one whose
// owner pid 999999 is above this machine's pid_max, with a process in a
// group nested in it (the sweep must remove it depth first), and one
// named with this process's own pid that it did not make (an earlier
// harness had the same pid).
func TestRealSweep(t *testing.T) {
	m := realManager(t)
	stale := filepath.Join(m.Parent(), "oomlab-999999-stale")
	samePid := filepath.Join(m.Parent(), fmt.Sprintf("oomlab-%d-earlier", os.Getpid()))
	for _, d := range []string{stale, filepath.Join(stale, "inner"), samePid} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	defer m.removeDir(context.Background(), stale)
	defer m.removeDir(context.Background(), samePid)
	cmd, stdin := helper(t, context.Background(), "sleep")
	defer stdin.Close()
	g := &Group{m: m, path: filepath.Join(stale, "inner")}
	if err := g.Add(cmd.Process.Pid); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal(err)
	}
	removed, err := m.Sweep()
	if err != nil || !slices.Contains(removed, stale) || !slices.Contains(removed, samePid) {
		t.Fatalf("Sweep() = %v, %v; want %s and %s removed", removed, err, stale, samePid)
	}
	if err := cmd.Wait(); err == nil {
		t.Errorf("helper in a swept group exited cleanly; want it killed")
	}
	for _, d := range []string{stale, samePid} {
		if _, err := os.Stat(d); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("after Sweep, stat(%s) = %v; want not exist", d, err)
		}
	}
}

func BenchmarkStatsReal(b *testing.B) {
	m := realManager(b)
	g, err := m.New("bench", 64<<20)
	if err != nil {
		b.Fatal(err)
	}
	defer g.Remove(context.Background())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Stats(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRealStartScopeRefused runs the real systemd-run where it is
// installed: on a machine where systemd is not PID 1 (this one) it must
// fail at once with systemd-run's own message and leave no holder behind.
func TestRealStartScopeRefused(t *testing.T) {
	run, err := exec.LookPath("systemd-run")
	if err != nil {
		t.Skip("no systemd-run installed")
	}
	if _, err := os.Stat("/run/systemd/system"); err == nil {
		t.Skip("systemd is PID 1 here: systemd-run would succeed")
	}
	start := time.Now()
	_, _, err = startScope([]string{run, "--scope", "--quiet", "--collect", "--unit=oomlab-test-refused.scope",
		"-p", "MemoryMax=67108864", "--", "sleep", "infinity"}, "oomlab-test-refused.scope")
	if err == nil || !strings.Contains(err.Error(), "exited") {
		t.Fatalf("startScope() = %v; want an error saying systemd-run exited", err)
	}
	t.Logf("startScope() = %v (after %s)", err, time.Since(start).Round(time.Millisecond))
	if took := time.Since(start); took > scopeTimeout {
		t.Errorf("startScope() took %s; want it to fail as soon as systemd-run exits", took)
	}
}

// TestRealV2Kill checks cleanup on the real cgroup v2 hierarchy, whatever
// controllers it has (none is needed): a stale group with a process in a
// group nested in it is swept by writing cgroup.kill, the process dies
// by SIGKILL and both groups are removed, depth first.
func TestRealV2Kill(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("not root: cannot create cgroups")
	}
	mounts, err := readMountinfo("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	groups, err := readSelfCgroup("/proc/self/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	ops := defaultOps()
	var wroteKill bool
	write := ops.write
	ops.write = func(path string, data []byte, appendTo bool) error {
		wroteKill = wroteKill || filepath.Base(path) == "cgroup.kill"
		return write(path, data, appendTo)
	}
	m := &Manager{root: "/", mode: ModeV2, pid: os.Getpid(), ops: ops}
	mt, ok := findMount(mounts, func(mt mount) bool { return mt.fstype == "cgroup2" })
	g, ok2 := findGroup(groups, func(g membership) bool { return g.id == "0" })
	if !ok || !ok2 {
		t.Skip("no cgroup v2 hierarchy mounted")
	}
	if m.parent, err = m.join(mt, g.path); err != nil {
		t.Skip(err)
	}
	stale := filepath.Join(m.parent, "oomlab-999999-realv2")
	inner := filepath.Join(stale, "inner")
	for _, d := range []string{stale, inner} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Skipf("cannot make a v2 group under %s: %v", m.parent, err)
		}
	}
	defer m.removeDir(context.Background(), stale)
	if _, err := os.Stat(filepath.Join(stale, "cgroup.kill")); err != nil {
		t.Skipf("this kernel has no cgroup.kill: %v", err)
	}
	cmd, stdin := helper(t, context.Background(), "sleep")
	defer stdin.Close()
	if err := (&Group{m: m, path: inner}).Add(cmd.Process.Pid); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal(err)
	}
	removed, err := m.Sweep()
	if err != nil || !slices.Contains(removed, stale) {
		t.Fatalf("Sweep() = %v, %v; want %s removed", removed, err, stale)
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Errorf("helper in a swept v2 group: Wait() = %v; want killed by SIGKILL", err)
	}
	if !wroteKill {
		t.Errorf("Sweep() did not write cgroup.kill")
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after Sweep, stat(%s) = %v; want not exist", stale, err)
	}
}
