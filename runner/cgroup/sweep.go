package cgroup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"time"
)

// Removal bounds: how long Remove and Sweep wait for a group's processes
// to die, how often they look, and how deep they walk nested groups.
const (
	removeTimeout = 5 * time.Second
	removePoll    = 10 * time.Millisecond
	maxDepth      = 16
)

// Remove kills (SIGKILL) every process still in the group and in any
// group nested in it — by writing cgroup.kill where the kernel has it
// (cgroup v2, Linux 5.14), otherwise pid by pid, each pid pinned and
// checked to be still in the group before it is signalled — waits until
// they are gone (polling, up to 5s or ctx), and removes the groups,
// deepest first. It is safe to call repeatedly, and Stats fails after it.
func (g *Group) Remove(ctx context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.removed = true
	g.closeFiles()
	err := g.m.removeDir(ctx, g.path)
	if g.stop != nil {
		err = errors.Join(err, g.stop())
		g.stop = nil
	}
	live.Delete(g.path)
	return err
}

// removeDir empties the group at path and everything nested in it and
// removes them; a missing directory counts as removed.
func (m *Manager) removeDir(ctx context.Context, path string) error {
	ctx, cancel := context.WithTimeout(ctx, removeTimeout)
	defer cancel()
	t := time.NewTicker(removePoll)
	defer t.Stop()
	for {
		dirs, err := subtree(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("cgroup: remove %s: %w", path, err)
		}
		left, err := m.killAll(path, dirs)
		if err != nil {
			return fmt.Errorf("cgroup: remove %s: %w", path, err)
		}
		if left == 0 {
			done, err := m.rmdirAll(dirs)
			if err != nil {
				return fmt.Errorf("cgroup: remove %s: %w", path, err)
			}
			if done {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("cgroup: remove %s: %d processes left: %w", path, left, ctx.Err())
		case <-t.C:
		}
	}
}

// killAll kills what runs in dirs (path and its nested groups) and
// returns how many processes it found.
func (m *Manager) killAll(path string, dirs []string) (int, error) {
	pids := make([][]int, len(dirs))
	left := 0
	for i, d := range dirs {
		p, err := readPids(filepath.Join(d, "cgroup.procs"))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return 0, err
		}
		pids[i], left = p, left+len(p)
	}
	if left == 0 {
		return 0, nil
	}
	if kill := filepath.Join(path, "cgroup.kill"); m.mode == ModeV2 {
		if _, err := os.Stat(kill); err == nil {
			// The kernel kills every process in the subtree, and only those.
			if err := m.ops.write(kill, []byte("1"), false); err == nil || errors.Is(err, fs.ErrNotExist) {
				return left, nil
			}
		}
	}
	for i, d := range dirs {
		for _, pid := range pids[i] {
			member := func() bool {
				now, _ := readPids(filepath.Join(d, "cgroup.procs"))
				return slices.Contains(now, pid)
			}
			if err := m.ops.kill(pid, member); err != nil {
				return 0, fmt.Errorf("kill %d: %w", pid, err)
			}
		}
	}
	return left, nil
}

// rmdirAll removes dirs, deepest first. It returns false when the kernel
// still finds one busy (a process not reaped yet).
func (m *Manager) rmdirAll(dirs []string) (bool, error) {
	for _, d := range slices.Backward(dirs) {
		err := m.ops.rmdir(d)
		if err == nil || errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if errors.Is(err, syscall.EBUSY) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// subtree returns path and the groups nested in it, parents before
// children, at most maxDepth levels deep.
func subtree(path string) ([]string, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	dirs := []string{path}
	for i, depth, end := 0, 0, 1; i < len(dirs); i++ {
		if i == end {
			if depth++; depth >= maxDepth {
				return nil, fmt.Errorf("groups nested more than %d deep", maxDepth)
			}
			end = len(dirs)
		}
		entries, err := os.ReadDir(dirs[i])
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		for _, e := range entries {
			if e.IsDir() {
				dirs = append(dirs, filepath.Join(dirs[i], e.Name()))
			}
		}
	}
	return dirs, nil
}

// Sweep removes the groups that earlier harnesses left under Parent:
// oomlab-<pid>-* where no process <pid> runs any more (a harness killed
// with SIGKILL cannot clean up), and those named with this process's own
// pid that this process did not make (an earlier harness had the same
// pid). Their processes, and any group nested in them, go first, as in
// Remove. It returns the paths removed; errors for single groups are
// joined. In mode none, and under PlaceScope (a scope ends with the
// process holding it open, which dies with the harness), it does nothing.
// A pid reused by an unrelated process keeps its groups until a later
// sweep; a harness in another pid namespace sharing this parent would be
// mistaken for a dead one. It also works on a Manager from Explain("/"),
// which is how oomlab cleanup finds the groups without placing anything.
func (m *Manager) Sweep() (removed []string, err error) {
	if m.mode == ModeNone || m.parent == "" {
		return nil, nil
	}
	entries, err := os.ReadDir(m.parent)
	if errors.Is(err, fs.ErrNotExist) { // an explained oomlab.slice not made yet
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cgroup: sweep: %w", err)
	}
	var errs []error
	for _, e := range entries {
		pid, ok := ownerPid(e.Name())
		if !e.IsDir() || !ok {
			continue
		}
		path := filepath.Join(m.parent, e.Name())
		if _, mine := live.Load(path); mine || pid != m.pid && m.ops.alive(pid) {
			continue
		}
		if err := m.removeDir(context.Background(), path); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, path)
	}
	return removed, errors.Join(errs...)
}
