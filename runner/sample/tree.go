package sample

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MaxTreeProcs bounds the processes a Tree samples at once; a target that
// forks more is measured by its first MaxTreeProcs (TreeSample.Truncated).
const MaxTreeProcs = 512

// Tree samples a whole process tree: a target started through a wrapper
// (sh -c, npm start) or one that forks workers (gunicorn, a Node cluster)
// is the sum of its processes, not its first one. The members are the
// processes listed in the target's cgroup (its cgroup.procs file) when
// it has one — every descendant, also those that left the process group
// — else the root and every descendant found through
// /proc/PID/task/TID/children (or, on kernels without that file, the PPid
// of every process in /proc).
//
// Sample is safe for concurrent use; one owner calling it on a ticker is
// what makes sense (CPU is "since the previous sample", per process).
type Tree struct {
	root      int
	procRoot  string
	procsFile string
	opts      []Option
	now       func() time.Time // nil: the Samplers' own clock; tests set it

	mu       sync.Mutex
	samplers map[int]*Sampler // one per member, pruned each sample
	names    map[int]string   // command lines of processes named so far, pruned likewise
	buf      []byte
}

// TreeSample is one sample of a process tree: the figures of Proc summed
// over its members.
type TreeSample struct {
	// Proc holds the sums: RSS, VmHWM, CPU %, threads and FDs over every
	// member. HWMBytes is the sum of each member's own peak: exact for one
	// process, an upper bound of the tree's peak for several (their peaks
	// need not coincide). FDs is -1 when no member's could be counted.
	Proc
	// Processes is how many members were sampled.
	Processes int
	// Truncated is true when the tree had more than MaxTreeProcs members.
	Truncated bool
	// Largest is the member with the most RSS now.
	Largest Member
}

// Member is one process of a tree.
type Member struct {
	PID      int
	RSSBytes int64
	HWMBytes int64
}

// TreeOption tunes a Tree from code.
type TreeOption func(*Tree)

// WithCgroupProcs makes the tree's members the processes listed in path,
// a cgroup's cgroup.procs file.
func WithCgroupProcs(path string) TreeOption {
	return func(t *Tree) { t.procsFile = path }
}

// WithSamplerOptions passes options (WithProcRoot) to the per-process
// Samplers and makes the Tree read its own /proc files under the same
// root.
func WithSamplerOptions(opts ...Option) TreeOption {
	return func(t *Tree) { t.opts = append(t.opts, opts...) }
}

// NewTree returns a Tree rooted at pid. It fails with an error wrapping
// ErrGone when the root does not exist.
func NewTree(pid int, opts ...TreeOption) (*Tree, error) {
	t := &Tree{root: pid, procRoot: "/proc", samplers: map[int]*Sampler{}, names: map[int]string{}}
	for _, o := range opts {
		o(t)
	}
	probe := &Sampler{procRoot: "/proc"}
	for _, o := range t.opts {
		o(probe)
	}
	t.procRoot = probe.procRoot
	s, err := New(pid, t.opts...)
	if err != nil {
		return nil, err
	}
	t.adopt(pid, s)
	return t, nil
}

// adopt keeps s as member pid's Sampler.
func (t *Tree) adopt(pid int, s *Sampler) {
	if t.now != nil {
		s.now = t.now
	}
	t.samplers[pid] = s
}

// Root returns the pid the tree is rooted at.
func (t *Tree) Root() int { return t.root }

// Members returns the pids of the tree's processes now, the root first
// when it is listed, at most MaxTreeProcs.
func (t *Tree) Members() []int {
	t.mu.Lock()
	defer t.mu.Unlock()
	pids, _ := t.members()
	return slices.Clone(pids)
}

// Sample reads every member now and returns the sums. When the root has
// exited the error wraps ErrGone: the target is gone, whatever its
// children do (the runner kills its group then). Members that exit
// during the sample are left out.
func (t *Tree) Sample() (TreeSample, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	pids, truncated := t.members()
	var out TreeSample
	out.Truncated = truncated
	out.FDs = -1
	seen := make(map[int]bool, len(pids))
	rootSeen := false
	for _, pid := range pids {
		s, ok := t.samplers[pid]
		if !ok {
			var err error
			if s, err = New(pid, t.opts...); err != nil {
				continue // exited meanwhile, or not ours to read
			}
			t.adopt(pid, s)
		}
		p, err := s.Sample()
		if err != nil {
			if pid == t.root {
				return TreeSample{}, err
			}
			continue
		}
		seen[pid] = true
		rootSeen = rootSeen || pid == t.root
		out.RSSBytes += p.RSSBytes
		out.HWMBytes += p.HWMBytes
		out.CPUPercent += p.CPUPercent
		out.Threads += p.Threads
		if p.FDs >= 0 {
			out.FDs = max(out.FDs, 0) + p.FDs
		}
		out.Processes++
		if p.RSSBytes > out.Largest.RSSBytes || out.Largest.PID == 0 {
			out.Largest = Member{PID: pid, RSSBytes: p.RSSBytes, HWMBytes: p.HWMBytes}
		}
	}
	for pid := range t.samplers {
		if !seen[pid] {
			delete(t.samplers, pid)
		}
	}
	for pid := range t.names {
		if !seen[pid] {
			delete(t.names, pid)
		}
	}
	if !rootSeen {
		// Not listed (a cgroup.procs read that raced the exit) or
		// unreadable: the root's own status decides.
		if _, err := ReadStatus(t.procRoot, t.root); err != nil {
			return TreeSample{}, err
		}
	}
	return out, nil
}

// Command returns the command line of member pid ("node server.js"),
// read once per process and cut to 200 bytes, or "" when it cannot be
// read.
func (t *Tree) Command(pid int) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if n, ok := t.names[pid]; ok {
		return n
	}
	b, err := os.ReadFile(filepath.Join(t.procRoot, strconv.Itoa(pid), "cmdline"))
	if err != nil {
		return ""
	}
	b = bytes.TrimRight(b, "\x00")
	n := strings.ReplaceAll(string(b), "\x00", " ")
	if len(n) > 200 {
		n = n[:200]
	}
	if len(t.names) < MaxTreeProcs {
		t.names[pid] = n
	}
	return n
}

// members lists the tree's pids, the root first when it is listed,
// at most MaxTreeProcs.
func (t *Tree) members() (pids []int, truncated bool) {
	if t.procsFile != "" {
		pids, err := readPidList(t.procsFile, &t.buf)
		if err == nil {
			return capPids(pids)
		}
		// The group is gone (removed after the target's death): walk.
	}
	return capPids(t.walk())
}

func capPids(pids []int) ([]int, bool) {
	if len(pids) > MaxTreeProcs {
		return pids[:MaxTreeProcs], true
	}
	return pids, false
}

// walk returns the root and its descendants, breadth first, read from
// /proc/PID/task/TID/children; where the kernel has no such file, from
// every process's PPid.
func (t *Tree) walk() []int {
	out := []int{t.root}
	seen := map[int]bool{t.root: true}
	for i := 0; i < len(out) && len(out) <= MaxTreeProcs; i++ {
		kids, err := t.children(out[i])
		if errors.Is(err, errNoChildrenFile) {
			return t.walkByParent()
		}
		for _, k := range kids {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}

var errNoChildrenFile = errors.New("sample: no /proc/PID/task/TID/children")

// children lists pid's children from each of its threads' children file.
func (t *Tree) children(pid int) ([]int, error) {
	taskDir := filepath.Join(t.procRoot, strconv.Itoa(pid), "task")
	tids, err := os.ReadDir(taskDir)
	if err != nil {
		return nil, nil // exited meanwhile
	}
	var out []int
	for _, tid := range tids {
		kids, err := readPidList(filepath.Join(taskDir, tid.Name(), "children"), &t.buf)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				if _, serr := os.Stat(filepath.Join(taskDir, tid.Name())); serr == nil {
					return nil, errNoChildrenFile
				}
			}
			continue
		}
		out = append(out, kids...)
	}
	return out, nil
}

// walkByParent finds the root's descendants from the PPid in every
// process's stat file: one read per process on the machine, the fallback
// only.
func (t *Tree) walkByParent() []int {
	entries, err := os.ReadDir(t.procRoot)
	if err != nil {
		return []int{t.root}
	}
	kids := map[int][]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid <= 0 {
			continue
		}
		b, err := os.ReadFile(filepath.Join(t.procRoot, e.Name(), "stat"))
		if err != nil {
			continue
		}
		if ppid, ok := parentFromStat(b); ok {
			kids[ppid] = append(kids[ppid], pid)
		}
	}
	out := []int{t.root}
	for i := 0; i < len(out) && len(out) <= MaxTreeProcs; i++ {
		k := kids[out[i]]
		slices.Sort(k)
		out = append(out, k...)
	}
	return out
}

// parentFromStat reads the PPid (4th field) of a /proc/PID/stat line,
// after the command name in parentheses, which may itself hold spaces
// and parentheses.
func parentFromStat(b []byte) (int, bool) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(f[1])
	return ppid, err == nil
}

// readPidList reads a file of whitespace-separated pids (cgroup.procs, a
// children file) into a fresh slice, reusing *buf for the bytes.
func readPidList(path string, buf *[]byte) ([]int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := (*buf)[:0]
	if cap(b) == 0 {
		b = make([]byte, 0, 4096)
	}
	for {
		if len(b) == cap(b) {
			if cap(b) >= 1<<20 {
				return nil, fmt.Errorf("sample: %s: larger than 1 MiB", path)
			}
			b = append(b, 0)[:len(b)]
		}
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil || n == 0 {
			break
		}
	}
	*buf = b
	var pids []int
	for _, field := range bytes.Fields(b) {
		pid, ok := parseUint(field)
		if !ok || pid <= 0 || pid > 1<<31-1 {
			return nil, fmt.Errorf("sample: %s: bad pid %q", path, field)
		}
		pids = append(pids, int(pid))
	}
	return pids, nil
}
