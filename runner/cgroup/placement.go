package cgroup

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// Placement says where a Manager makes its groups.
type Placement string

// Placements, in the order Detect tries them. The first four are cgroup
// v2; PlaceV2 names cgroup v2 as a whole when it is refused before any of
// them can be tried.
const (
	// PlaceOwn: the harness's own cgroup hands memory to child groups
	// (it is the host's root cgroup, or memory is already enabled in its
	// cgroup.subtree_control, or writing "+memory" there is accepted), or
	// the nearest enclosing cgroup that is not a systemd unit already has
	// memory enabled in its subtree.
	PlaceOwn Placement = "own-cgroup"
	// PlaceSlice: as root on a host, a dedicated parent oomlab.slice
	// directly under the cgroup v2 root, which may always delegate. The
	// harness stays where it is; no process but a target is moved.
	PlaceSlice Placement = "oomlab.slice"
	// PlaceLeaf: in a container with its own cgroup namespace whose root
	// holds only the harness and its descendants, these are moved into the
	// leaf oomlab.harness first, as Docker-in-Docker entry points do, and
	// memory is enabled at the namespace root.
	PlaceLeaf Placement = "namespace-leaf"
	// PlaceScope: where systemd is PID 1, each target gets a transient
	// scope with MemoryMax, made by systemd-run --scope (--user when not
	// root).
	PlaceScope Placement = "systemd-scope"
	// PlaceV2 stands for all of cgroup v2 when it is refused as a whole.
	PlaceV2 Placement = "cgroup-v2"
	// PlaceV1: the harness's own cgroup v1 memory cgroup.
	PlaceV1 Placement = "cgroup-v1"
	// PlaceNone: no memory cgroup at all.
	PlaceNone Placement = "none"
)

// Names of what a placement makes.
const (
	sliceName = "oomlab.slice"   // PlaceSlice's parent, under the v2 root
	leafName  = "oomlab.harness" // PlaceLeaf's leaf for the harness
)

// Attempt is one placement Detect tried, in order.
type Attempt struct {
	Placement Placement
	// Used is true for the one placement chosen (the last attempt).
	Used bool
	// Detail says how the placement is used (what was, or would be,
	// written) or why it was refused.
	Detail string
}

// v2tree is what Detect learned of the cgroup v2 hierarchy.
type v2tree struct {
	mt       mount
	top      string // the mount point under root: the host's root cgroup or a namespace's
	own      string // the harness's cgroup directory
	hostRoot bool   // top is the host's root cgroup (it has no cgroup.type file)
}

// placeV2 tries the cgroup v2 placements in order. It returns the parent
// for new groups, or "" when every one was refused.
func (m *Manager) placeV2(mounts []mount, groups []membership) string {
	t, why := m.v2Tree(mounts, groups)
	if t == nil {
		m.refuse(PlaceV2, why)
		return ""
	}
	m.v2 = t
	tries := []struct {
		p   Placement
		try func(*v2tree) (string, string, error)
	}{
		{PlaceOwn, m.tryOwn}, {PlaceSlice, m.trySlice}, {PlaceLeaf, m.tryLeaf}, {PlaceScope, m.tryScope},
	}
	for _, tr := range tries {
		parent, detail, err := tr.try(t)
		if err != nil {
			m.refuse(tr.p, err.Error())
			continue
		}
		m.attempts = append(m.attempts, Attempt{Placement: tr.p, Used: true, Detail: detail})
		m.placement = tr.p
		return parent
	}
	return ""
}

func (m *Manager) refuse(p Placement, why string) {
	m.attempts = append(m.attempts, Attempt{Placement: p, Detail: why})
}

// v2Tree finds the cgroup v2 mount and the harness's cgroup in it, and
// checks that the hierarchy has a memory controller at all.
func (m *Manager) v2Tree(mounts []mount, groups []membership) (*v2tree, string) {
	mt, ok := findMount(mounts, func(mt mount) bool { return mt.fstype == "cgroup2" })
	if !ok {
		return nil, "cgroup v2: not mounted"
	}
	g, ok := findGroup(groups, func(g membership) bool { return g.id == "0" && g.controllers == "" })
	if !ok {
		return nil, "cgroup v2: no 0:: line in /proc/self/cgroup"
	}
	own, err := m.join(mt, g.path)
	if err != nil {
		return nil, "cgroup v2: " + err.Error()
	}
	top := filepath.Join(m.root, mt.point)
	ctrl, err := readFields(filepath.Join(top, "cgroup.controllers"))
	if err != nil {
		return nil, fmt.Sprintf("cgroup v2 at %s: %v", m.show(top), err)
	}
	if !slices.Contains(ctrl, "memory") {
		return nil, fmt.Sprintf("cgroup v2 at %s: no memory controller (cgroup.controllers: %q)%s", m.show(top),
			strings.Join(ctrl, " "), m.v1Hint(mounts))
	}
	_, err = os.Stat(filepath.Join(top, "cgroup.type"))
	return &v2tree{mt: mt, top: top, own: own, hostRoot: errors.Is(err, os.ErrNotExist)}, ""
}

func (m *Manager) v1Hint(mounts []mount) string {
	if _, ok := findMount(mounts, func(mt mount) bool {
		return mt.fstype == "cgroup" && slices.Contains(mt.superOpts, "memory")
	}); ok {
		return ": the memory controller is bound to cgroup v1 here (a hybrid host)"
	}
	return ""
}

// tryOwn: the harness's own cgroup, or the nearest enclosing non-unit
// cgroup whose subtree already has memory.
func (m *Manager) tryOwn(t *v2tree) (string, string, error) {
	dir := t.own
	ctrl, err := readFields(filepath.Join(dir, "cgroup.controllers"))
	if err != nil {
		return "", "", fmt.Errorf("cgroup v2 at %s: %w", m.show(dir), err)
	}
	if !slices.Contains(ctrl, "memory") {
		if p, d, ok := m.enclosing(t); ok {
			return p, d, nil
		}
		return "", "", fmt.Errorf("cgroup v2 at %s: no memory controller (cgroup.controllers: %q)", m.show(dir), strings.Join(ctrl, " "))
	}
	if err := m.checkWritable(dir); err != nil {
		if p, d, ok := m.enclosing(t); ok {
			return p, d, nil
		}
		return "", "", fmt.Errorf("cgroup v2: %w", err)
	}
	sub, err := readFields(filepath.Join(dir, "cgroup.subtree_control"))
	if err != nil {
		return "", "", fmt.Errorf("cgroup v2 at %s: %w", m.show(dir), err)
	}
	if slices.Contains(sub, "memory") {
		return dir, fmt.Sprintf("groups under the harness's own cgroup %s, whose subtree already has memory enabled", m.show(dir)), nil
	}
	if err := m.enable(t, dir, false); err != nil {
		why := fmt.Errorf("cgroup v2 at %s: cannot enable memory for child groups: %w", m.show(dir), err)
		if n := len(m.procs(dir)); n > 0 && errors.Is(err, syscall.EBUSY) {
			why = fmt.Errorf("%w (the cgroup holds %s, the harness among them, and the no-internal-processes rule forbids it)", why, plural(n, "process", "processes"))
		}
		if p, d, ok := m.enclosing(t); ok {
			return p, d, nil
		}
		return "", "", why
	}
	return dir, fmt.Sprintf("groups under the harness's own cgroup %s; %s \"+memory\" to its cgroup.subtree_control", m.show(dir), m.verb("wrote")), nil
}

// enclosing finds the nearest cgroup above the harness's, up to the top
// of the mount, that already has memory in its cgroup.subtree_control and
// can be written, skipping systemd's units (.slice, .service, .scope):
// those belong to systemd, which hands them out by delegation only; and
// the host's root cgroup, where PlaceSlice makes a dedicated parent.
func (m *Manager) enclosing(t *v2tree) (string, string, bool) {
	for d := t.own; d != t.top && strings.HasPrefix(d, t.top); {
		d = filepath.Dir(d)
		if isUnit(filepath.Base(d)) && d != t.top || d == t.top && t.hostRoot {
			continue // systemd's, or the host's root: PlaceSlice makes a dedicated parent there
		}
		sub, err := readFields(filepath.Join(d, "cgroup.subtree_control"))
		if err != nil || !slices.Contains(sub, "memory") || m.checkWritable(d) != nil {
			continue
		}
		return d, fmt.Sprintf("groups under %s, which encloses the harness's cgroup %s and whose subtree already has memory enabled",
			m.show(d), m.show(t.own)), true
	}
	return "", "", false
}

func isUnit(name string) bool {
	for _, s := range []string{".slice", ".service", ".scope"} {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// trySlice: as root on a host, <v2 root>/oomlab.slice.
func (m *Manager) trySlice(t *v2tree) (string, string, error) {
	if m.euid != 0 {
		return "", "", fmt.Errorf("not root (euid %d): only root may make a group under the v2 root", m.euid)
	}
	if !t.hostRoot {
		return "", "", fmt.Errorf("%s is a cgroup namespace's root (it has cgroup.type), not the host's: this is a container", m.show(t.top))
	}
	if err := m.checkWritable(t.top); err != nil {
		return "", "", err
	}
	sub, err := readFields(filepath.Join(t.top, "cgroup.subtree_control"))
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", m.show(t.top), err)
	}
	var did []string
	if !slices.Contains(sub, "memory") {
		if err := m.enable(t, t.top, false); err != nil {
			return "", "", fmt.Errorf("cannot enable memory at the root %s: %w", m.show(t.top), err)
		}
		did = append(did, fmt.Sprintf("\"+memory\" to %s/cgroup.subtree_control", m.show(t.top)))
	}
	slice := filepath.Join(t.top, sliceName)
	switch _, err := os.Stat(slice); {
	case err == nil:
		if n := len(m.procs(slice)); n > 0 {
			return "", "", fmt.Errorf("%s holds %s: child groups cannot get memory there", m.show(slice), plural(n, "process", "processes"))
		}
	case errors.Is(err, os.ErrNotExist):
		if !m.dry {
			if err := m.ops.mkdir(slice); err != nil {
				return "", "", fmt.Errorf("mkdir %s: %w", m.show(slice), err)
			}
		}
		did = append(did, "mkdir "+m.show(slice))
	default:
		return "", "", err
	}
	if sub, _ := readFields(filepath.Join(slice, "cgroup.subtree_control")); !slices.Contains(sub, "memory") {
		if err := m.enable(t, slice, false); err != nil {
			return "", "", fmt.Errorf("cannot enable memory in %s: %w", m.show(slice), err)
		}
		did = append(did, fmt.Sprintf("\"+memory\" to %s/cgroup.subtree_control", m.show(slice)))
	}
	detail := fmt.Sprintf("groups under %s (root on a host; the harness stays in %s and no other process is moved)", m.show(slice), m.show(t.own))
	if len(did) > 0 {
		detail += "; " + m.verb("did") + ": " + strings.Join(did, ", ")
	}
	return slice, detail, nil
}

// tryLeaf: in a cgroup namespace whose root holds only the harness's own
// process tree, move it into a leaf and enable memory at the root.
func (m *Manager) tryLeaf(t *v2tree) (string, string, error) {
	if t.hostRoot {
		return "", "", fmt.Errorf("not in a cgroup namespace (%s is the host's root cgroup)", m.show(t.top))
	}
	if t.own != t.top {
		return "", "", fmt.Errorf("the harness is in %s, not at its cgroup namespace's root %s", m.show(t.own), m.show(t.top))
	}
	if err := m.checkWritable(t.top); err != nil {
		if errors.Is(err, syscall.EROFS) {
			return "", "", fmt.Errorf("%w (Docker mounts a private cgroup namespace read-only unless the container is --privileged)", err)
		}
		return "", "", err
	}
	pids := m.procs(t.top)
	var foreign []string
	for _, pid := range pids {
		if !m.isOurs(pid) {
			foreign = append(foreign, fmt.Sprintf("%d (%s)", pid, m.comm(pid)))
		}
	}
	if len(foreign) > 0 {
		return "", "", fmt.Errorf("%s also holds processes that are not oomlab's: %s; oomlab moves only its own", m.show(t.top), strings.Join(foreign, ", "))
	}
	leaf := filepath.Join(t.top, leafName)
	if !m.dry {
		if err := m.ops.mkdir(leaf); err != nil && !errors.Is(err, os.ErrExist) {
			return "", "", fmt.Errorf("mkdir %s: %w", m.show(leaf), err)
		}
		for _, pid := range pids {
			if err := m.ops.write(filepath.Join(leaf, "cgroup.procs"), []byte(strconv.Itoa(pid)+"\n"), true); err != nil {
				return "", "", fmt.Errorf("move pid %d into %s: %w", pid, m.show(leaf), err)
			}
		}
	}
	if err := m.enable(t, t.top, true); err != nil {
		return "", "", fmt.Errorf("cannot enable memory at %s after moving the harness out: %w", m.show(t.top), err)
	}
	return t.top, fmt.Sprintf("groups under the namespace root %s; %s the harness's processes %v into %s first (as Docker-in-Docker entry points do), then \"+memory\" to %s/cgroup.subtree_control",
		m.show(t.top), m.verb("moved"), pids, m.show(leaf), m.show(t.top)), nil
}

// tryScope: where systemd is PID 1, a transient scope per target.
func (m *Manager) tryScope(t *v2tree) (string, string, error) {
	if _, err := os.Stat(filepath.Join(m.root, "run/systemd/system")); err != nil {
		return "", "", errors.New("systemd is not PID 1 here (no /run/systemd/system)")
	}
	run, err := m.ops.lookPath("systemd-run")
	if err != nil {
		return "", "", fmt.Errorf("systemd is PID 1 but systemd-run is not found: %w", err)
	}
	sleep, err := m.ops.lookPath("sleep")
	if err != nil {
		return "", "", fmt.Errorf("no sleep(1) to hold a scope open: %w", err)
	}
	user := m.euid != 0
	if user {
		if _, err := os.Stat(filepath.Join(m.root, "run/user", strconv.Itoa(m.euid), "systemd/private")); err != nil {
			return "", "", fmt.Errorf("not root, and no systemd user manager runs for uid %d (no /run/user/%d/systemd/private; a CI user without a login session has none)", m.euid, m.euid)
		}
		mgr := filepath.Join(t.top, "user.slice", fmt.Sprintf("user-%d.slice", m.euid), fmt.Sprintf("user@%d.service", m.euid))
		if ctrl, err := readFields(filepath.Join(mgr, "cgroup.controllers")); err == nil && !slices.Contains(ctrl, "memory") {
			return "", "", fmt.Errorf("the user manager's cgroup %s has no memory controller delegated (cgroup.controllers: %q)", m.show(mgr), strings.Join(ctrl, " "))
		}
	}
	m.scope = &scopeConf{user: user, systemdRun: run, sleep: sleep}
	flag := ""
	if user {
		flag = " --user"
	}
	return "", fmt.Sprintf("each target in its own transient scope, made by systemd-run%s --scope -p MemoryMax=<limit> and held open by sleep(1) until the target's group is removed; systemd makes the cgroup, oomlab writes memory.swap.max and memory.oom.group in it", flag), nil
}

// enable writes "+memory" to dir's cgroup.subtree_control. Dry, it
// predicts the kernel's answer: EOPNOTSUPP in a threaded subtree, EBUSY
// when dir holds processes and is not the host's root cgroup (the
// no-internal-processes rule) unless they were just moved out (emptied).
func (m *Manager) enable(t *v2tree, dir string, emptied bool) error {
	if !m.dry {
		return m.ops.write(filepath.Join(dir, "cgroup.subtree_control"), []byte("+memory"), false)
	}
	if typ, err := os.ReadFile(filepath.Join(dir, "cgroup.type")); err == nil && strings.TrimSpace(string(typ)) != "domain" {
		return syscall.EOPNOTSUPP
	}
	if !(t.hostRoot && dir == t.top) && !emptied && len(m.procs(dir)) > 0 {
		return syscall.EBUSY
	}
	return nil
}

// isOurs reports whether pid is the harness or one of its descendants,
// from <root>/proc/<pid>/stat.
func (m *Manager) isOurs(pid int) bool {
	for range 64 { // bounded: a pid chain deeper than this is not ours
		if pid == m.pid {
			return true
		}
		if pid <= 1 {
			return false
		}
		b, err := os.ReadFile(filepath.Join(m.root, "proc", strconv.Itoa(pid), "stat"))
		if err != nil {
			return false
		}
		// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 {
			return false
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 2 {
			return false
		}
		if pid, err = strconv.Atoi(f[1]); err != nil {
			return false
		}
	}
	return false
}

func (m *Manager) comm(pid int) string {
	b, err := os.ReadFile(filepath.Join(m.root, "proc", strconv.Itoa(pid), "comm"))
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}

// procs returns the pids in dir's cgroup.procs (none when unreadable).
func (m *Manager) procs(dir string) []int {
	pids, _ := readPids(filepath.Join(dir, "cgroup.procs"))
	return pids
}

// verb returns "would <base form>" in a dry run, past otherwise.
func (m *Manager) verb(past string) string {
	if !m.dry {
		return past
	}
	base := map[string]string{"wrote": "write", "did": "do", "moved": "move"}[past]
	return "would " + base
}

// show returns path as it is on the machine, without the test root.
func (m *Manager) show(path string) string {
	if m.root == "/" || m.root == "" {
		return path
	}
	if rel, err := filepath.Rel(m.root, path); err == nil && !strings.HasPrefix(rel, "..") {
		return "/" + rel
	}
	return path
}

// readFields returns the whitespace-separated words of a file.
func readFields(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(b)), nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
