package cgroup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// namePrefix starts every group's directory name: oomlab-<harness pid>-<name>.
const namePrefix = "oomlab-"

// maxNameLen bounds the sanitised part of a group's name.
const maxNameLen = 64

// Group is one memory cgroup made by Manager.New. Whoever calls New must
// call Remove. Its methods are safe for concurrent use.
type Group struct {
	m    *Manager
	path string
	stop func() error // PlaceScope: ends the process holding the scope open

	mu      sync.Mutex
	removed bool
	files   [numStatFiles]statFile // opened by the first Stats, closed by Remove
	buf     [512]byte
	peak    int64 // highest usage seen, when the kernel keeps no peak
}

// Path returns the group's directory.
func (g *Group) Path() string { return g.path }

// Mode returns the Manager's mode, ModeV1 or ModeV2.
func (g *Group) Mode() string { return g.m.mode }

// New creates the group oomlab-<harness pid>-<name> (name sanitised to
// letters, digits, '.', '_' and '-') under Parent — under PlaceScope, a
// transient scope unit of that name with MemoryMax, which systemd makes —
// and limits its memory to limitBytes, swap included. For cgroup v1 it
// writes memory.limit_in_bytes, memory.memsw.limit_in_bytes (same value,
// when swap accounting exists and swap is on, see below) and
// memory.swappiness 0 (when the kernel takes it); memory.oom_control is
// left alone, so the kernel OOM-kills at the limit.
//
// Without swap the memory+swap limit adds nothing, and it costs the fail
// counter: the kernel charges memory+swap first, so that counter is the
// one that fails, and since Linux 6.12 only memory.failcnt counts
// failures (measured on 6.18: failcnt 0 at an OOM kill with memsw set, 95
// without). So memsw is set only when <root>/proc/swaps lists a swap
// area (or cannot be read). For cgroup v2 it writes memory.max, memory.swap.max 0 and
// memory.oom.group 1 (both when present: an OOM kill takes the whole
// group). It fails with ErrUnavailable in mode none, and if the group
// already exists.
func (m *Manager) New(name string, limitBytes int64) (*Group, error) {
	if m.mode == ModeNone {
		return nil, fmt.Errorf("cgroup: new %s: %w: %s", name, ErrUnavailable, m.Reason())
	}
	if limitBytes <= 0 {
		return nil, fmt.Errorf("cgroup: new %s: limit %d bytes must be > 0", name, limitBytes)
	}
	if m.dry {
		return nil, fmt.Errorf("cgroup: new %s: an explaining Manager makes no groups", name)
	}
	base := namePrefix + strconv.Itoa(m.pid) + "-" + sanitize(name)
	g := &Group{m: m, files: statFiles(m.mode)}
	if m.placement == PlaceScope {
		if err := g.startScope(base, limitBytes); err != nil {
			return nil, fmt.Errorf("cgroup: new %s: %w", name, err)
		}
	} else {
		g.path = filepath.Join(m.parent, base)
		if err := m.ops.mkdir(g.path); err != nil {
			return nil, fmt.Errorf("cgroup: new %s: %w", name, err)
		}
	}
	live.Store(g.path, true)
	if err := g.setLimit(limitBytes); err != nil {
		_ = g.Remove(context.Background())
		return nil, fmt.Errorf("cgroup: new %s: %w", name, err)
	}
	return g, nil
}

// live holds the paths of the groups this process made and has not
// removed yet, whatever Manager made them: Sweep leaves them alone even
// though their names carry this process's pid.
var live sync.Map

// startScope has systemd make a transient scope base+".scope" with
// MemoryMax, held open by a sleep(1) that Remove ends.
func (g *Group) startScope(base string, limit int64) error {
	sc := g.m.scope
	unit := base + ".scope"
	argv := []string{sc.systemdRun}
	if sc.user {
		argv = append(argv, "--user")
	}
	argv = append(argv, "--scope", "--quiet", "--collect", "--unit="+unit, "--description=oomlab target "+base,
		"-p", "MemoryMax="+strconv.FormatInt(limit, 10), "--", sc.sleep, "infinity")
	cg, stop, err := g.m.ops.startScope(argv, unit)
	if err != nil {
		return fmt.Errorf("systemd-run: %w", err)
	}
	if g.path, err = g.m.join(g.m.v2.mt, cg); err != nil {
		return errors.Join(err, stop())
	}
	g.stop = stop
	return nil
}

func (g *Group) setLimit(limit int64) error {
	lim := []byte(strconv.FormatInt(limit, 10))
	type setting struct {
		file     string
		value    []byte
		optional bool // skipped when absent
		ignore   bool // errors ignored
		skip     bool
	}
	var ss []setting
	if g.m.mode == ModeV1 {
		ss = []setting{
			{file: "memory.limit_in_bytes", value: lim},
			{file: "memory.memsw.limit_in_bytes", value: lim, optional: true, skip: !g.m.swapOn()},
			{file: "memory.swappiness", value: []byte("0"), optional: true, ignore: true},
		}
	} else {
		ss = []setting{
			{file: "memory.max", value: lim},
			{file: "memory.swap.max", value: []byte("0"), optional: true},
			{file: "memory.oom.group", value: []byte("1"), optional: true},
		}
	}
	for _, s := range ss {
		if s.skip {
			continue
		}
		p := filepath.Join(g.path, s.file)
		if s.optional {
			if _, err := os.Stat(p); err != nil {
				continue
			}
		}
		if err := g.m.ops.write(p, s.value, false); err != nil && !s.ignore {
			return fmt.Errorf("set %s: %w", s.file, err)
		}
	}
	return nil
}

// swapOn reports whether <root>/proc/swaps lists a swap area, or cannot
// be read.
func (m *Manager) swapOn() bool {
	b, err := os.ReadFile(filepath.Join(m.root, "proc/swaps"))
	if err != nil {
		return true
	}
	return len(strings.Fields(strings.TrimSpace(string(b)))) > 5 // more than the header
}

// Add moves pid (the whole thread group) into the group.
func (g *Group) Add(pid int) error {
	if err := g.m.ops.write(filepath.Join(g.path, "cgroup.procs"), []byte(strconv.Itoa(pid)+"\n"), true); err != nil {
		return fmt.Errorf("cgroup: add pid %d to %s: %w", pid, g.path, err)
	}
	return nil
}

// ownerPid returns the harness pid in a group name "oomlab-<pid>-<name>".
func ownerPid(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, namePrefix)
	if !ok {
		return 0, false
	}
	digits, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	pid, err := strconv.Atoi(digits)
	return pid, err == nil && pid > 0
}

// sanitize keeps letters, digits, '.', '_' and '-', replaces anything else
// with '_' and cuts the result to maxNameLen bytes.
func sanitize(name string) string {
	b := []byte(name)
	if len(b) > maxNameLen {
		b = b[:maxNameLen]
	}
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			b[i] = '_'
		}
	}
	if len(b) == 0 || string(b) == "." || string(b) == ".." {
		return "group"
	}
	return string(b)
}

// readPids returns the pids listed in a cgroup.procs file.
func readPids(path string) ([]int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("%s: bad pid %q", path, f)
		}
		pids = append(pids, pid)
	}
	return pids, nil
}

// writeFile writes data to an existing file, as a cgroup control file is
// written: truncating, or appending for cgroup.procs.
func writeFile(path string, data []byte, appendTo bool) error {
	flag := os.O_WRONLY | os.O_TRUNC
	if appendTo {
		flag = os.O_WRONLY | os.O_APPEND
	}
	f, err := os.OpenFile(path, flag, 0)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
