package cgroup

import (
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
// testdata: mkdir creates the control files, kill takes a pid out of every
// cgroup.procs, rmdir refuses a group with processes.
type fakeKernel struct {
	root   string
	mode   string          // which control files mkdir creates
	absent map[string]bool // control files this kernel does not have

	mu        sync.Mutex
	alive     map[int]bool
	killed    []int
	stubborn  bool             // kill leaves the pid in place
	failWrite map[string]error // write errors by file base name
	euid      int
	writable  error
}

// newFake copies testdata/<tree> to a temporary directory.
func newFake(t testing.TB, tree, mode string) *fakeKernel {
	t.Helper()
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS(filepath.Join("testdata", tree))); err != nil {
		t.Fatal(err)
	}
	return &fakeKernel{root: root, mode: mode, absent: map[string]bool{}, alive: map[int]bool{}, failWrite: map[string]error{}}
}

func (k *fakeKernel) ops() sysOps {
	return sysOps{
		kill:     k.kill,
		alive:    func(pid int) bool { k.mu.Lock(); defer k.mu.Unlock(); return k.alive[pid] },
		mkdir:    k.mkdir,
		rmdir:    k.rmdir,
		writable: func(string) error { return k.writable },
		euid:     func() int { return k.euid },
		write: func(path string, data []byte, appendTo bool) error {
			k.mu.Lock()
			err := k.failWrite[filepath.Base(path)]
			k.mu.Unlock()
			if err != nil {
				return err
			}
			return writeFile(path, data, appendTo)
		},
	}
}

// detect runs Detect on the fake tree.
func (k *fakeKernel) detect(t testing.TB) *Manager {
	t.Helper()
	m, err := detect(k.root, k.ops())
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
		"cgroup.procs": "", "memory.max": "max\n", "memory.swap.max": "max\n", "memory.oom.group": "0\n",
		"memory.current": "0\n", "memory.peak": "0\n",
		"memory.events": "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n",
	},
}

func (k *fakeKernel) mkdir(path string) error {
	if err := os.Mkdir(path, 0o755); err != nil {
		return err
	}
	for name, content := range fakeFiles[k.mode] {
		if k.absent[name] {
			continue
		}
		if err := os.WriteFile(filepath.Join(path, name), []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func (k *fakeKernel) rmdir(path string) error {
	b, err := os.ReadFile(filepath.Join(path, "cgroup.procs"))
	if err != nil {
		return err
	}
	if strings.TrimSpace(string(b)) != "" {
		return syscall.EBUSY
	}
	return os.RemoveAll(path)
}

func (k *fakeKernel) kill(pid int) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.killed = append(k.killed, pid)
	if k.stubborn {
		return nil
	}
	return filepath.WalkDir(k.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.Name() != "cgroup.procs" {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		lines := slices.DeleteFunc(strings.Fields(string(b)), func(s string) bool { return s == strconv.Itoa(pid) })
		out := strings.Join(lines, "\n")
		if out != "" {
			out += "\n"
		}
		return os.WriteFile(path, []byte(out), 0o644)
	})
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
