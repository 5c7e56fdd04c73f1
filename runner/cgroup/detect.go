package cgroup

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Modes a Manager can be in.
const (
	ModeV1   = "cgroup-v1"
	ModeV2   = "cgroup-v2"
	ModeNone = "none"
)

// ErrUnavailable is returned (wrapped, with the reason) by New when the
// Manager is in mode "none".
var ErrUnavailable = errors.New("cgroup: no usable memory cgroup")

// sysOps are the system calls the package makes, a seam for fake trees.
type sysOps struct {
	unsupported error               // set on platforms without cgroups
	kill        func(pid int) error // SIGKILL; nil when pid is gone
	alive       func(pid int) bool
	mkdir       func(path string) error
	rmdir       func(path string) error
	writable    func(path string) error
	euid        func() int
	write       func(path string, data []byte, appendTo bool) error
}

// Manager creates memory cgroups under the harness's own cgroup. Detect
// makes one; its methods are safe for concurrent use.
type Manager struct {
	root   string
	mode   string
	reason string
	parent string
	pid    int // the harness's pid, part of every group's name
	ops    sysOps
}

// Mode returns ModeV2, ModeV1 or ModeNone.
func (m *Manager) Mode() string { return m.mode }

// Reason says why a preferred mode was not used: why v2 was passed over
// for v1, or why there is no memory cgroup at all. It is empty when v2 is
// used.
func (m *Manager) Reason() string { return m.reason }

// Parent returns the directory new groups are created in (the harness's
// own memory cgroup, under root), or "" in mode none.
func (m *Manager) Parent() string { return m.parent }

// Detect finds the memory cgroup the harness runs in, from
// <root>/proc/self/mountinfo and <root>/proc/self/cgroup; root is "/"
// except in tests. It prefers cgroup v2 when the harness's cgroup has the
// memory controller and can enable it for child groups (it writes
// "+memory" to cgroup.subtree_control if needed, which the kernel refuses
// while the cgroup itself holds processes: the "no internal processes"
// rule); otherwise the cgroup v1 memory controller; otherwise mode none,
// with Reason saying why. It returns an error only when the files exist
// but cannot be read or parsed.
func Detect(root string) (*Manager, error) {
	return detect(root, defaultOps())
}

func detect(root string, ops sysOps) (*Manager, error) {
	m := &Manager{root: root, mode: ModeNone, pid: os.Getpid(), ops: ops}
	if ops.unsupported != nil {
		m.reason = ops.unsupported.Error()
		return m, nil
	}
	mounts, err := readMountinfo(filepath.Join(root, "proc/self/mountinfo"))
	if errors.Is(err, fs.ErrNotExist) {
		m.reason = "no /proc/self/mountinfo: " + err.Error()
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	groups, err := readSelfCgroup(filepath.Join(root, "proc/self/cgroup"))
	if errors.Is(err, fs.ErrNotExist) {
		m.reason = "no /proc/self/cgroup: " + err.Error()
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	parent, why2 := m.tryV2(mounts, groups)
	if parent != "" {
		m.mode, m.parent = ModeV2, parent
		return m, nil
	}
	parent, why1 := m.tryV1(mounts, groups)
	if parent != "" {
		m.mode, m.parent, m.reason = ModeV1, parent, why2
		return m, nil
	}
	m.reason = why2 + "; " + why1
	return m, nil
}

// tryV2 returns the harness's cgroup v2 directory if child groups can get
// the memory controller there, or "" and why not.
func (m *Manager) tryV2(mounts []mount, groups []membership) (string, string) {
	mt, ok := findMount(mounts, func(mt mount) bool { return mt.fstype == "cgroup2" })
	if !ok {
		return "", "cgroup v2: not mounted"
	}
	g, ok := findGroup(groups, func(g membership) bool { return g.id == "0" && g.controllers == "" })
	if !ok {
		return "", "cgroup v2: no 0:: line in /proc/self/cgroup"
	}
	dir, err := m.join(mt, g.path)
	if err != nil {
		return "", "cgroup v2: " + err.Error()
	}
	b, err := os.ReadFile(filepath.Join(dir, "cgroup.controllers"))
	if err != nil {
		return "", fmt.Sprintf("cgroup v2 at %s: %v", dir, err)
	}
	if !slices.Contains(strings.Fields(string(b)), "memory") {
		return "", fmt.Sprintf("cgroup v2 at %s: no memory controller (cgroup.controllers: %q)", dir, strings.TrimSpace(string(b)))
	}
	if err := m.checkWritable(dir); err != nil {
		return "", "cgroup v2: " + err.Error()
	}
	sub := filepath.Join(dir, "cgroup.subtree_control")
	b, err = os.ReadFile(sub)
	if err != nil {
		return "", fmt.Sprintf("cgroup v2 at %s: %v", dir, err)
	}
	if slices.Contains(strings.Fields(string(b)), "memory") {
		return dir, ""
	}
	if err := m.ops.write(sub, []byte("+memory"), false); err != nil {
		why := fmt.Sprintf("cgroup v2 at %s: cannot enable memory for child groups: %v", dir, err)
		if procs, _ := os.ReadFile(filepath.Join(dir, "cgroup.procs")); len(strings.Fields(string(procs))) > 0 {
			why += " (the cgroup holds processes, the harness among them, and the no-internal-processes rule forbids it)"
		}
		return "", why
	}
	return dir, ""
}

// tryV1 returns the harness's cgroup v1 memory directory if it is usable,
// or "" and why not.
func (m *Manager) tryV1(mounts []mount, groups []membership) (string, string) {
	mt, ok := findMount(mounts, func(mt mount) bool {
		return mt.fstype == "cgroup" && slices.Contains(mt.superOpts, "memory")
	})
	if !ok {
		return "", "cgroup v1: no memory hierarchy mounted"
	}
	g, ok := findGroup(groups, func(g membership) bool {
		return slices.Contains(strings.Split(g.controllers, ","), "memory")
	})
	if !ok {
		return "", "cgroup v1: no memory line in /proc/self/cgroup"
	}
	dir, err := m.join(mt, g.path)
	if err != nil {
		return "", "cgroup v1: " + err.Error()
	}
	if _, err := os.Stat(filepath.Join(dir, "memory.limit_in_bytes")); err != nil {
		return "", fmt.Sprintf("cgroup v1 at %s: %v", dir, err)
	}
	if err := m.checkWritable(dir); err != nil {
		return "", "cgroup v1: " + err.Error()
	}
	return dir, ""
}

func (m *Manager) checkWritable(dir string) error {
	if err := m.ops.writable(dir); err != nil {
		if m.ops.euid() != 0 {
			return fmt.Errorf("%s not writable (not root): %w", dir, err)
		}
		return fmt.Errorf("%s not writable: %w", dir, err)
	}
	return nil
}

// join maps a cgroup path from /proc/self/cgroup to a directory under root.
func (m *Manager) join(mt mount, path string) (string, error) {
	rel := path
	if mt.root != "/" {
		var ok bool
		if rel, ok = strings.CutPrefix(path, mt.root); !ok || rel != "" && rel[0] != '/' {
			return "", fmt.Errorf("cgroup %s is outside the mount at %s (root %s)", path, mt.point, mt.root)
		}
	}
	if strings.Contains(rel, "/..") {
		return "", fmt.Errorf("cgroup %s is outside this cgroup namespace", path)
	}
	return filepath.Join(m.root, mt.point, rel), nil
}

// mount is one line of /proc/self/mountinfo.
type mount struct {
	root, point, fstype string
	superOpts           []string
}

// membership is one line of /proc/self/cgroup.
type membership struct {
	id, controllers, path string
}

func findMount(ms []mount, ok func(mount) bool) (mount, bool) {
	i := slices.IndexFunc(ms, ok)
	if i < 0 {
		return mount{}, false
	}
	return ms[i], true
}

func findGroup(gs []membership, ok func(membership) bool) (membership, bool) {
	i := slices.IndexFunc(gs, ok)
	if i < 0 {
		return membership{}, false
	}
	return gs[i], true
}

// readMountinfo parses the cgroup mounts of a mountinfo file (proc(5)):
// "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue".
func readMountinfo(path string) ([]mount, error) {
	var ms []mount
	err := eachLine(path, func(n int, line string) error {
		pre, post, ok := strings.Cut(line, " - ")
		f, g := strings.Fields(pre), strings.Fields(post)
		if !ok || len(f) < 6 || len(g) < 3 {
			return fmt.Errorf("cgroup: %s:%d: malformed mountinfo line %q", path, n, line)
		}
		if g[0] != "cgroup" && g[0] != "cgroup2" {
			return nil
		}
		ms = append(ms, mount{root: unescape(f[3]), point: unescape(f[4]), fstype: g[0], superOpts: strings.Split(g[2], ",")})
		return nil
	})
	return ms, err
}

// readSelfCgroup parses /proc/self/cgroup: "4:memory:/process_api/id", "0::/".
func readSelfCgroup(path string) ([]membership, error) {
	var gs []membership
	err := eachLine(path, func(n int, line string) error {
		f := strings.SplitN(line, ":", 3)
		if len(f) != 3 || !strings.HasPrefix(f[2], "/") {
			return fmt.Errorf("cgroup: %s:%d: malformed cgroup line %q", path, n, line)
		}
		gs = append(gs, membership{id: f[0], controllers: f[1], path: f[2]})
		return nil
	})
	return gs, err
}

// eachLine calls fn for each non-empty line of the file at path, numbered from 1.
func eachLine(path string, fn func(n int, line string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cgroup: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			if err := fn(n, line); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("cgroup: read %s: %w", path, err)
	}
	return nil
}

// unescape undoes mountinfo's octal escapes ("\040" for a space).
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }
