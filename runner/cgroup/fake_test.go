package cgroup

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// fakeKernel plays the kernel's part for a fake tree copied from
// testdata, answering as the kernel does: mkdir creates the control files
// (on cgroup v2 the memory files only where the parent's subtree has
// memory), writing "+memory" to cgroup.subtree_control fails with EBUSY
// in a non-root cgroup that holds processes, EOPNOTSUPP in a threaded one
// and ENOENT when the controller is not available; writing a pid to
// cgroup.procs moves it out of every other group of its hierarchy, and
// fails with EBUSY when the destination has controllers enabled for
// children; cgroup.kill kills the subtree; kill takes a pid out of every
// cgroup.procs; rmdir refuses a group with processes or children.
type fakeKernel struct {
	root   string
	absent map[string]bool // control files this kernel does not have

	mu         sync.Mutex
	alive      map[int]bool
	killed     []int
	stubborn   bool             // kill leaves the pid in place
	failWrite  map[string]error // write errors by file base name
	euid       int
	writable   error         // overrides the recorded permission rules when set
	recorded   bool          // permissions from the recording (mount flags, uids file)
	beforeKill func(pid int) // runs as a pid is about to be killed, before it is checked
	scopeSlice string        // where the fake systemd puts scopes, under the v2 top
	scopes     [][]string    // argv of each startScope
	writes     []string      // "path <- data", path relative to root
}

// newFake copies testdata/<tree> to a temporary directory. mode is kept
// for the callers' sake: mkdir decides the files from the tree itself.
func newFake(t testing.TB, tree, mode string) *fakeKernel {
	t.Helper()
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS(filepath.Join("testdata", tree))); err != nil {
		t.Fatal(err)
	}
	return &fakeKernel{root: root, absent: map[string]bool{}, alive: map[int]bool{}, failWrite: map[string]error{}}
}

func (k *fakeKernel) ops() sysOps {
	return sysOps{
		kill:  k.kill,
		alive: func(pid int) bool { k.mu.Lock(); defer k.mu.Unlock(); return k.alive[pid] },
		mkdir: k.mkdir,
		rmdir: k.rmdir,
		writable: func(path string) error {
			if k.writable != nil || !k.recorded {
				return k.writable
			}
			return recordedWritable(k.root, path)
		},
		euid:       func() int { return k.euid },
		write:      k.write,
		lookPath:   func(name string) (string, error) { return recordedLookPath(k.root, name) },
		startScope: k.startScope,
	}
}

// detect runs Detect on the fake tree.
func (k *fakeKernel) detect(t testing.TB) *Manager {
	t.Helper()
	m, err := detect(k.root, k.ops(), false)
	if err != nil {
		t.Fatalf("detect(%s) = %v", k.root, err)
	}
	return m
}

var fakeFiles = map[string]map[string]string{
	ModeV1: {
		"cgroup.procs": "", "memory.limit_in_bytes": "9223372036854771712\n",
		"memory.memsw.limit_in_bytes": "9223372036854771712\n", "memory.swappiness": "60\n",
		"memory.usage_in_bytes": "0\n", "memory.max_usage_in_bytes": "0\n", "memory.failcnt": "0\n",
		"memory.memsw.failcnt": "0\n",
		"memory.oom_control":   "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n",
	},
	ModeV2: {
		"cgroup.procs": "", "cgroup.subtree_control": "", "cgroup.type": "domain\n", "cgroup.kill": "",
		"cgroup.events": "populated 0\nfrozen 0\n",
	},
	"v2 memory": {
		"memory.max": "max\n", "memory.swap.max": "max\n", "memory.oom.group": "0\n",
		"memory.current": "0\n", "memory.peak": "0\n",
		"memory.events": "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n",
	},
}

func (k *fakeKernel) mkdir(path string) error {
	if err := os.Mkdir(path, 0o755); err != nil {
		return err
	}
	files := fakeFiles[ModeV1]
	sub, err := readFields(filepath.Join(filepath.Dir(path), "cgroup.subtree_control"))
	v2 := err == nil
	if v2 {
		files = maps(fakeFiles[ModeV2], map[string]string{"cgroup.controllers": strings.Join(sub, " ") + "\n"})
		if slices.Contains(sub, "memory") {
			files = maps(files, fakeFiles["v2 memory"])
		}
	}
	for name, content := range files {
		if k.absent[name] {
			continue
		}
		if err := os.WriteFile(filepath.Join(path, name), []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func maps(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func (k *fakeKernel) rmdir(path string) error {
	entries, err := os.ReadDir(path)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			return syscall.EBUSY
		}
	}
	if pids, _ := readPids(filepath.Join(path, "cgroup.procs")); len(pids) > 0 {
		return syscall.EBUSY
	}
	return os.RemoveAll(path)
}

func (k *fakeKernel) write(path string, data []byte, appendTo bool) error {
	k.mu.Lock()
	err := k.failWrite[filepath.Base(path)]
	rel, _ := filepath.Rel(k.root, path)
	k.writes = append(k.writes, "/"+rel+" <- "+strings.TrimSpace(string(data)))
	k.mu.Unlock()
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	switch filepath.Base(path) {
	case "cgroup.subtree_control":
		return k.subtreeControl(dir, string(data))
	case "cgroup.procs":
		if _, err := os.Stat(filepath.Join(dir, "cgroup.type")); err == nil { // not a v1 group, not the root
			if typ, _ := os.ReadFile(filepath.Join(dir, "cgroup.type")); strings.TrimSpace(string(typ)) == "domain invalid" {
				return syscall.EOPNOTSUPP
			}
			if sub, _ := readFields(filepath.Join(dir, "cgroup.subtree_control")); len(sub) > 0 {
				return syscall.EBUSY
			}
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
		if err != nil {
			return syscall.EINVAL
		}
		top := hierarchyTop(dir)
		if err := k.takeOut(top, pid); err != nil {
			return err
		}
		if err := k.followSelf(top, dir, pid); err != nil {
			return err
		}
		return writeFile(path, data, true)
	case "cgroup.kill":
		if strings.TrimSpace(string(data)) != "1" {
			return syscall.EINVAL
		}
		dirs, err := subtree(dir)
		if err != nil {
			return err
		}
		for _, d := range dirs {
			pids, _ := readPids(filepath.Join(d, "cgroup.procs"))
			for _, pid := range pids {
				if err := k.kill(pid, func() bool { return true }); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return writeFile(path, data, appendTo)
}

// subtreeControl applies "+c -c ..." to dir's cgroup.subtree_control.
func (k *fakeKernel) subtreeControl(dir, req string) error {
	ctrl, _ := readFields(filepath.Join(dir, "cgroup.controllers"))
	sub, err := readFields(filepath.Join(dir, "cgroup.subtree_control"))
	if err != nil {
		return err
	}
	typ, terr := os.ReadFile(filepath.Join(dir, "cgroup.type"))
	for _, tok := range strings.Fields(req) { // the kernel parses every token first
		if len(tok) < 2 || tok[0] != '+' && tok[0] != '-' {
			return syscall.EINVAL
		}
		if tok[0] == '+' && !slices.Contains(ctrl, tok[1:]) {
			return syscall.ENOENT
		}
	}
	for _, tok := range strings.Fields(req) {
		c := tok[1:]
		switch tok[0] {
		case '+':
			if slices.Contains(sub, c) {
				continue
			}
			if terr == nil && strings.TrimSpace(string(typ)) != "domain" {
				return syscall.EOPNOTSUPP
			}
			if pids, _ := readPids(filepath.Join(dir, "cgroup.procs")); terr == nil && len(pids) > 0 {
				return syscall.EBUSY
			}
			sub = append(sub, c)
		case '-':
			sub = slices.DeleteFunc(sub, func(s string) bool { return s == c })
		}
	}
	slices.Sort(sub)
	if err := os.WriteFile(filepath.Join(dir, "cgroup.subtree_control"), []byte(strings.Join(sub, " ")+"\n"), 0o644); err != nil {
		return err
	}
	// The children's cgroup.controllers follow, and enabling memory gives
	// them its interface files.
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		child := filepath.Join(dir, e.Name())
		if _, err := os.Stat(filepath.Join(child, "cgroup.controllers")); !e.IsDir() || err != nil {
			continue
		}
		if err := os.WriteFile(filepath.Join(child, "cgroup.controllers"), []byte(strings.Join(sub, " ")+"\n"), 0o644); err != nil {
			return err
		}
		if !slices.Contains(sub, "memory") {
			continue
		}
		for name, content := range fakeFiles["v2 memory"] {
			if _, err := os.Stat(filepath.Join(child, name)); err == nil || k.absent[name] {
				continue
			}
			if err := os.WriteFile(filepath.Join(child, name), []byte(content), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// hierarchyTop returns the topmost directory above dir that is a group.
func hierarchyTop(dir string) string {
	for {
		up := filepath.Dir(dir)
		if _, err := os.Stat(filepath.Join(up, "cgroup.procs")); err != nil || up == dir {
			return dir
		}
		dir = up
	}
}

// takeOut removes pid from every cgroup.procs under top.
func (k *fakeKernel) takeOut(top string, pid int) error {
	return filepath.WalkDir(top, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.Name() != "cgroup.procs" {
			return err
		}
		pids, err := readPids(path)
		if err != nil || !slices.Contains(pids, pid) {
			return err
		}
		var out strings.Builder
		for _, p := range slices.DeleteFunc(pids, func(p int) bool { return p == pid }) {
			out.WriteString(strconv.Itoa(p) + "\n")
		}
		return os.WriteFile(path, []byte(out.String()), 0o644)
	})
}

func (k *fakeKernel) kill(pid int, member func() bool) error {
	if k.beforeKill != nil {
		k.beforeKill(pid)
	}
	if !member() {
		return nil
	}
	k.mu.Lock()
	k.killed = append(k.killed, pid)
	stubborn := k.stubborn
	k.mu.Unlock()
	if stubborn {
		return nil
	}
	return k.takeOut(k.root, pid) // a pid is a number: whoever has it dies
}

// startScope plays systemd: it makes the scope's group under scopeSlice
// with the holder (pid 7777) in it.
func (k *fakeKernel) startScope(argv []string, unit string) (string, func() error, error) {
	k.mu.Lock()
	k.scopes = append(k.scopes, argv)
	k.mu.Unlock()
	if k.scopeSlice == "" {
		return "", nil, errors.New("fake systemd: no slice for scopes")
	}
	rel := filepath.Join("/", k.scopeSlice, unit)
	dir := filepath.Join(k.root, "sys/fs/cgroup", rel)
	if err := k.mkdir(dir); err != nil {
		return "", nil, err
	}
	if err := writeFile(filepath.Join(dir, "cgroup.procs"), []byte("7777\n"), true); err != nil {
		return "", nil, err
	}
	return rel, func() error { return nil }, nil
}

func (k *fakeKernel) killedPids() []int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.killed)
}

// writeSwaps replaces proc/swaps; "-" removes it.
func (k *fakeKernel) writeSwaps(t testing.TB, content string) {
	t.Helper()
	p := filepath.Join(k.root, "proc/swaps")
	var err error
	if content == "-" {
		err = os.Remove(p)
	} else {
		err = os.WriteFile(p, []byte(content), 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// readFile returns a file's contents, failing t if it cannot be read.
func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// followSelf rewrites proc/self/cgroup's 0:: line when the recorded
// harness (proc/self/status's Pid) moves to dir in a v2 hierarchy.
func (k *fakeKernel) followSelf(top, dir string, pid int) error {
	if _, err := os.Stat(filepath.Join(top, "cgroup.subtree_control")); err != nil {
		return nil // v1
	}
	m := &Manager{root: k.root, pid: -1, ops: sysOps{euid: func() int { return 0 }}}
	m.readStatus()
	if pid != m.pid {
		return nil
	}
	rel, err := filepath.Rel(top, dir)
	if err != nil {
		return err
	}
	p := filepath.Join(k.root, "proc/self/cgroup")
	b, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.HasPrefix(line, "0::") {
			line = "0::" + filepath.Join("/", rel)
		}
		out = append(out, line)
	}
	return os.WriteFile(p, []byte(strings.Join(out, "\n")+"\n"), 0o644)
}
