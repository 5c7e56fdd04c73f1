package cgroup

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
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
	unsupported error // set on platforms without cgroups
	// kill sends SIGKILL to pid if member, called once pid is pinned (by a
	// pidfd where the kernel has them), still says it is in the group: a
	// pid that left the group and was reused is not killed. A pid already
	// gone is not an error.
	kill     func(pid int, member func() bool) error
	alive    func(pid int) bool
	mkdir    func(path string) error
	rmdir    func(path string) error
	writable func(path string) error
	euid     func() int
	write    func(path string, data []byte, appendTo bool) error
	lookPath func(name string) (string, error)
	// startScope starts holder (argv) under systemd-run in a transient
	// scope and returns the scope's cgroup path (as in /proc/<pid>/cgroup)
	// and a function that ends the holder and waits for it.
	startScope func(argv []string, unit string) (cgPath string, stop func() error, err error)
}

// Manager creates memory cgroups where Detect chose to (its Placement).
// Detect makes one; its methods are safe for concurrent use.
type Manager struct {
	root      string
	mode      string
	placement Placement
	attempts  []Attempt
	parent    string
	pid       int // the harness's pid, part of every group's name
	euid      int
	dry       bool // Explain: decide, write nothing
	v2        *v2tree
	scope     *scopeConf // PlaceScope only
	ops       sysOps
}

// scopeConf is how PlaceScope makes a scope.
type scopeConf struct {
	user              bool
	systemdRun, sleep string
}

// Mode returns ModeV2, ModeV1 or ModeNone.
func (m *Manager) Mode() string { return m.mode }

// Placement returns where groups are made.
func (m *Manager) Placement() Placement { return m.placement }

// Attempts returns the placements tried, in order: the refused ones with
// why, then the one used, if any.
func (m *Manager) Attempts() []Attempt { return slices.Clone(m.attempts) }

// Reason says why the placements before the one used were refused (why
// v2 was passed over for v1, or why there is no memory cgroup at all). It
// is empty when the first placement tried is used.
func (m *Manager) Reason() string {
	var why []string
	for _, a := range m.attempts {
		if !a.Used {
			why = append(why, a.Detail)
		}
	}
	return strings.Join(why, "; ")
}

// Note says in one paragraph which placement is used and how, and why
// each earlier one was refused: what a run records as its limit_note.
func (m *Manager) Note() string {
	var b strings.Builder
	for _, a := range m.attempts {
		if a.Used {
			if string(a.Placement) == m.mode {
				fmt.Fprintf(&b, "%s: %s", m.mode, a.Detail)
			} else {
				fmt.Fprintf(&b, "%s via %s: %s", m.mode, a.Placement, a.Detail)
			}
		}
	}
	if m.mode == ModeNone {
		b.WriteString("no memory cgroup")
	}
	var refused []string
	for _, a := range m.attempts {
		if !a.Used {
			refused = append(refused, fmt.Sprintf("%s refused: %s", a.Placement, a.Detail))
		}
	}
	if len(refused) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(refused, "; "))
	}
	return b.String()
}

// Parent returns the directory new groups are created in, or "" in mode
// none and under PlaceScope (systemd places each scope).
func (m *Manager) Parent() string { return m.parent }

// Detect finds where memory cgroups can be made for the targets, from
// <root>/proc/self/mountinfo, <root>/proc/self/cgroup and the cgroup
// trees; root is "/" except in tests. It tries, in order, the cgroup v2
// placements (PlaceOwn, PlaceSlice, PlaceLeaf, PlaceScope: see each),
// then the harness's cgroup v1 memory cgroup, and otherwise reports mode
// none; Attempts and Note say what was tried and why each was refused.
// PlaceOwn, PlaceSlice and PlaceLeaf write to the cgroup tree (enable
// memory, make oomlab.slice, move the harness into a leaf); Explain
// decides the same without writing. Detect returns an error only when the
// files exist but cannot be read or parsed.
func Detect(root string) (*Manager, error) {
	return detect(root, defaultOps(), false)
}

// Explain decides as Detect does but writes nothing: each Attempt says
// what Detect would do or why it would refuse, predicting the kernel's
// refusals from the tree. A root other than "/" is a recorded tree (a
// copy of a machine's /proc/self, /sys/fs/cgroup and /run/systemd; see
// recordedOps): its ownership and mount flags are taken from the
// recording, not from this machine.
func Explain(root string) (*Manager, error) {
	ops := defaultOps()
	if filepath.Clean(root) != "/" {
		ops = recordedOps(root)
	}
	return detect(root, ops, true)
}

func detect(root string, ops sysOps, dry bool) (*Manager, error) {
	m := &Manager{root: root, mode: ModeNone, placement: PlaceNone, pid: os.Getpid(), euid: -1, dry: dry, ops: ops}
	if ops.unsupported != nil {
		m.refuse(PlaceNone, ops.unsupported.Error())
		return m, nil
	}
	m.readStatus()
	mounts, err := readMountinfo(filepath.Join(root, "proc/self/mountinfo"))
	if errors.Is(err, fs.ErrNotExist) {
		m.refuse(PlaceNone, "no /proc/self/mountinfo: "+err.Error())
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	groups, err := readSelfCgroup(filepath.Join(root, "proc/self/cgroup"))
	if errors.Is(err, fs.ErrNotExist) {
		m.refuse(PlaceNone, "no /proc/self/cgroup: "+err.Error())
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	if parent := m.placeV2(mounts, groups); m.placement != PlaceNone {
		m.mode, m.parent = ModeV2, parent
		return m, nil
	}
	parent, why1 := m.tryV1(mounts, groups)
	if parent != "" {
		m.mode, m.parent, m.placement = ModeV1, parent, PlaceV1
		m.attempts = append(m.attempts, Attempt{Placement: PlaceV1, Used: true,
			Detail: fmt.Sprintf("groups under the harness's cgroup v1 memory cgroup %s", m.show(parent))})
		return m, nil
	}
	m.refuse(PlaceV1, why1)
	return m, nil
}

// readStatus takes the harness's pid and effective uid from
// <root>/proc/self/status when it has them (a recorded tree does), and
// from the process otherwise.
func (m *Manager) readStatus() {
	m.euid = m.ops.euid()
	if filepath.Clean(m.root) == "/" {
		return
	}
	_ = eachLine(filepath.Join(m.root, "proc/self/status"), func(_ int, line string) error {
		k, v, _ := strings.Cut(line, ":")
		f := strings.Fields(v)
		switch {
		case k == "Pid" && len(f) == 1:
			if pid, err := strconv.Atoi(f[0]); err == nil {
				m.pid = pid
			}
		case k == "Uid" && len(f) >= 2: // real, effective, saved, fs
			if uid, err := strconv.Atoi(f[1]); err == nil {
				m.euid = uid
			}
		}
		return nil
	})
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
		return "", fmt.Sprintf("cgroup v1 at %s: %v", m.show(dir), err)
	}
	if err := m.checkWritable(dir); err != nil {
		return "", "cgroup v1: " + err.Error()
	}
	return dir, ""
}

func (m *Manager) checkWritable(dir string) error {
	if err := m.ops.writable(dir); err != nil {
		dir = m.show(dir)
		if m.euid != 0 {
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
	ro                  bool // mounted read-only (per-mount options)
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
		ms = append(ms, mount{root: unescape(f[3]), point: unescape(f[4]), fstype: g[0],
			ro: slices.Contains(strings.Split(f[5], ","), "ro"), superOpts: strings.Split(g[2], ",")})
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
