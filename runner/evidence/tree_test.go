package evidence

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oomlab/oomlab/runner/proc"
	"github.com/oomlab/oomlab/runner/sample"
)

// sleeper starts a small process that would die of SIGUSR2 (its default
// action), so a test can tell whether it was signalled.
func sleeper(t *testing.T) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start sleep: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd
}

// alive: the process exists and is not a zombie (a child killed and not
// yet waited for still answers kill 0); sample.New tells them apart.
func alive(pid int) bool {
	_, err := sample.New(pid)
	return err == nil
}

// TestCapturerTree: a target started through a wrapper (a shell, npm) is
// a tree whose root holds little. smaps_rollup and the cost's RSS are read
// of the member with the most RSS, and a heap snapshot is asked only of
// the process the memoryUsage reading came from when it is a member:
// never of the root, which a signal it does not handle would kill.
func TestCapturerTree(t *testing.T) {
	root := sleeper(t) // stands for the shell: small, dies of SIGUSR2
	big := os.Getpid() // stands for the server: this test process
	tests := []struct {
		name    string
		reading string // the memoryUsage line fed to the stream ("" none)
		wantErr string
	}{
		{name: "no reading", wantErr: "no memoryUsage reading from a process of the target's tree"},
		{name: "reading from outside the tree", reading: "oomlab-mem " + strconv.Itoa(sleeper(t).Process.Pid) + " 10 1 1 1 1",
			wantErr: "no memoryUsage reading from a process of the target's tree"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			node := NewNodeStream()
			var outside int
			if tt.reading != "" {
				node.Filter(nil)(tt.reading)
				outside, _ = strconv.Atoi(strings.Fields(tt.reading)[1])
			}
			c := New(Config{Target: "t", Runtime: "node", PID: root.Process.Pid, OutDir: t.TempDir(), LimitBytes: 100,
				Marks: []float64{0.5}, Node: node, SnapshotDir: t.TempDir(),
				Members: func() []int { return []int{root.Process.Pid, big} }})
			c.Observe(0, 60, -1)
			evs := c.Close()
			if len(evs) != 1 {
				t.Fatalf("Close = %+v; want one capture", evs)
			}
			ev := evs[0]
			if ev.PID != big || ev.Smaps == nil || ev.Smaps.RSSBytes < 4<<20 || ev.Cost.RSSBeforeBytes < 4<<20 {
				t.Errorf("evidence of PID %d, smaps %+v, cost %+v; want PID %d (the largest member), its smaps_rollup and RSS", ev.PID, ev.Smaps, ev.Cost, big)
			}
			if !strings.Contains(strings.Join(ev.Errors, "; "), tt.wantErr) {
				t.Errorf("errors %q; want %q", ev.Errors, tt.wantErr)
			}
			if !alive(root.Process.Pid) || outside > 0 && !alive(outside) {
				t.Errorf("a process was signalled: root alive %v, the reading's process alive %v", alive(root.Process.Pid), outside == 0 || alive(outside))
			}
		})
	}
}

// TestSnapshotThroughShell runs node behind sh, as `command: sh -c "node
// server.js; …"` does, with the preload and the snapshot signal: the
// snapshot is asked of node (found through the tree and its reading), it
// is written, and the shell lives on.
func TestSnapshotThroughShell(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("SKIPPED: node is not installed; the heap snapshot through a shell is not tested")
	}
	dir, snaps := t.TempDir(), t.TempDir()
	env, err := NodeEnv(os.Environ(), dir, snaps, 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	node := NewNodeStream()
	feed := node.Filter(nil)
	read := make(chan struct{}, 1) // a memoryUsage reading has arrived
	// The trailing command keeps sh from exec'ing node: two processes.
	// proc.Start puts them in a group of their own, and Stop ends the
	// whole group: killing the shell alone left node running under PID 1.
	p, err := proc.Start(ctx, proc.Spec{Name: "sh-node", Env: env,
		Argv: []string{"sh", "-c", `node -e 'const b = Buffer.alloc(8 << 20, 1); setInterval(() => b.length, 1000)'; echo node ended`},
		OnStdoutLine: func(line string) {
			feed(line)
			if node.Latest() != nil {
				select {
				case read <- struct{}{}:
				default:
				}
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Stop(time.Second) })
	select {
	case <-read:
	case <-p.Done():
		t.Fatalf("the shell ended before node reported its memory: %s\n%s", p.ExitString(), p.StderrTail())
	case <-ctx.Done():
		t.Fatalf("no memoryUsage reading from node within 60 s; stderr:\n%s", p.StderrTail())
	}
	shell := p.PID()
	tree, err := sample.NewTree(shell)
	if err != nil {
		t.Fatal(err)
	}
	c := New(Config{Target: "t", Runtime: "node", PID: shell, Members: tree.Members, OutDir: t.TempDir(),
		LimitBytes: 100, Marks: []float64{0.5}, Node: node, SnapshotDir: snaps})
	c.Observe(0, 60, -1)
	evs := c.Close()
	if len(evs) != 1 {
		t.Fatalf("Close = %+v; want one capture", evs)
	}
	ev := evs[0]
	m := node.Latest()
	if ev.PID != m.PID || ev.PID == shell {
		t.Errorf("evidence of PID %d; want node's (%d), not the shell's (%d)", ev.PID, m.PID, shell)
	}
	snapshot := false
	for _, f := range ev.Files {
		snapshot = snapshot || strings.HasSuffix(f, ".heapsnapshot")
	}
	if !snapshot || ev.Cost.StallMs == nil {
		t.Errorf("files %q, cost %+v, errors %q; want a heap snapshot and its stall", ev.Files, ev.Cost, ev.Errors)
	}
	if !alive(shell) {
		t.Errorf("the shell died: the snapshot's signal reached it")
	}
}
