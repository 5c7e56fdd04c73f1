package cgroup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name       string
		tree       string
		setup      func(k *fakeKernel)
		wantMode   string
		wantParent string   // relative to the fake root
		wantReason []string // substrings; nil means an empty reason
	}{
		{name: "v1", tree: "v1", wantMode: ModeV1, wantParent: "sys/fs/cgroup/memory/process_api/abc",
			wantReason: []string{"cgroup v2: not mounted"}},
		{name: "v2", tree: "v2", wantMode: ModeV2, wantParent: "sys/fs/cgroup"},
		{name: "v2 busy", tree: "v2", setup: func(k *fakeKernel) { k.failWrite["cgroup.subtree_control"] = syscall.EBUSY },
			wantMode: ModeNone, wantReason: []string{"cannot enable memory for child groups", "device or resource busy",
				"no-internal-processes", "cgroup v1: no memory hierarchy mounted"}},
		{name: "mixed", tree: "mixed", wantMode: ModeV1, wantParent: "sys/fs/cgroup/memory/process_api/abc",
			wantReason: []string{`no memory controller (cgroup.controllers: "hugetlb")`}},
		{name: "none", tree: "none", wantMode: ModeNone, wantReason: []string{
			`cgroup v2 at /sys/fs/cgroup: no memory controller (cgroup.controllers: "cpu io pids")`,
			"cgroup v1: no memory hierarchy mounted"}},
		{name: "v1 not root", tree: "v1", setup: func(k *fakeKernel) { k.euid, k.writable = 1000, syscall.EACCES },
			wantMode: ModeNone, wantReason: []string{"not writable (not root): permission denied"}},
		{name: "v1 read-only", tree: "v1", setup: func(k *fakeKernel) { k.writable = syscall.EROFS },
			wantMode: ModeNone, wantReason: []string{"not writable: read-only file system"}},
		{name: "no proc", tree: "", setup: func(k *fakeKernel) { k.root = filepath.Join(k.root, "missing") },
			wantMode: ModeNone, wantReason: []string{"no /proc/self/mountinfo"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := newFake(t, tt.tree, "")
			if tt.setup != nil {
				tt.setup(k)
			}
			m := k.detect(t)
			wantParent := ""
			if tt.wantParent != "" {
				wantParent = filepath.Join(k.root, tt.wantParent)
			}
			if m.Mode() != tt.wantMode || m.Parent() != wantParent {
				t.Errorf("Detect(%s) = %s at %q; want %s at %q (reason %q)", tt.tree, m.Mode(), m.Parent(), tt.wantMode, wantParent, m.Reason())
			}
			if tt.wantReason == nil && m.Reason() != "" {
				t.Errorf("Detect(%s).Reason() = %q; want \"\"", tt.tree, m.Reason())
			}
			for _, w := range tt.wantReason {
				if !strings.Contains(m.Reason(), w) {
					t.Errorf("Detect(%s).Reason() = %q; want it to contain %q", tt.tree, m.Reason(), w)
				}
			}
		})
	}
}

func TestDetectEnablesMemory(t *testing.T) {
	k := newFake(t, "v2", ModeV2)
	k.detect(t)
	if got := readFile(t, filepath.Join(k.root, "sys/fs/cgroup/cgroup.subtree_control")); got != "cpu memory\n" {
		t.Errorf("cgroup.subtree_control = %q; want \"cpu memory\\n\"", got)
	}
}

func TestDetectMalformed(t *testing.T) {
	tests := []struct {
		name, file, content, want string
	}{
		{name: "mountinfo", file: "proc/self/mountinfo", content: "1 2 3\n", want: "malformed mountinfo line"},
		{name: "cgroup", file: "proc/self/cgroup", content: "4:memory\n", want: "malformed cgroup line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := newFake(t, "v1", ModeV1)
			if err := os.WriteFile(filepath.Join(k.root, tt.file), []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			m, err := detect(k.root, k.ops(), false)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "cgroup: ") {
				t.Errorf("Detect() = %v, %v; want error with %q", m, err, tt.want)
			}
		})
	}
}

func TestJoin(t *testing.T) {
	tests := []struct {
		mountRoot, path, want, wantErr string
	}{
		{mountRoot: "/", path: "/", want: "/r/sys/fs/cgroup/memory"},
		{mountRoot: "/", path: "/a/b", want: "/r/sys/fs/cgroup/memory/a/b"},
		{mountRoot: "/docker/x", path: "/docker/x/y", want: "/r/sys/fs/cgroup/memory/y"},
		{mountRoot: "/docker/x", path: "/docker/x", want: "/r/sys/fs/cgroup/memory"},
		{mountRoot: "/docker/x", path: "/docker/xy", wantErr: "outside the mount"},
		{mountRoot: "/", path: "/../other", wantErr: "outside this cgroup namespace"},
	}
	for _, tt := range tests {
		t.Run(tt.mountRoot+tt.path, func(t *testing.T) {
			m := &Manager{root: "/r"}
			got, err := m.join(mount{root: tt.mountRoot, point: "/sys/fs/cgroup/memory"}, tt.path)
			if got != tt.want || (err == nil) != (tt.wantErr == "") || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("join(%s, %s) = %q, %v; want %q, %q", tt.mountRoot, tt.path, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestUnescape(t *testing.T) {
	tests := []struct{ in, want string }{
		{`/a\040b`, "/a b"}, {`/plain`, "/plain"}, {`/tab\011x`, "/tab\tx"}, {`/bad\09`, `/bad\09`}, {`/end\04`, `/end\04`},
	}
	for _, tt := range tests {
		if got := unescape(tt.in); got != tt.want {
			t.Errorf("unescape(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name   string
		tree   string
		mode   string
		absent []string
		swaps  string            // written to proc/swaps; "-" removes it
		want   map[string]string // control file → content after New
	}{
		{name: "v1 swap on", tree: "v1", mode: ModeV1, swaps: swapsOn, want: map[string]string{
			"memory.limit_in_bytes": "67108864", "memory.memsw.limit_in_bytes": "67108864", "memory.swappiness": "0",
			"memory.oom_control": "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n"}},
		{name: "v1 swap off", tree: "v1", mode: ModeV1, want: map[string]string{
			"memory.limit_in_bytes": "67108864", "memory.memsw.limit_in_bytes": "9223372036854771712\n", "memory.swappiness": "0"}},
		{name: "v1 no proc/swaps", tree: "v1", mode: ModeV1, swaps: "-", want: map[string]string{
			"memory.limit_in_bytes": "67108864", "memory.memsw.limit_in_bytes": "67108864"}},
		{name: "v1 no swap accounting", tree: "v1", mode: ModeV1, swaps: swapsOn, absent: []string{"memory.memsw.limit_in_bytes"},
			want: map[string]string{"memory.limit_in_bytes": "67108864", "memory.swappiness": "0"}},
		{name: "v2", tree: "v2", mode: ModeV2, want: map[string]string{
			"memory.max": "67108864", "memory.swap.max": "0", "memory.oom.group": "1"}},
		{name: "v2 no swap, no oom.group", tree: "v2", mode: ModeV2, absent: []string{"memory.swap.max", "memory.oom.group"},
			want: map[string]string{"memory.max": "67108864"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := newFake(t, tt.tree, tt.mode)
			for _, a := range tt.absent {
				k.absent[a] = true
			}
			if tt.swaps != "" {
				k.writeSwaps(t, tt.swaps)
			}
			m := k.detect(t)
			g, err := m.New("naive go/upload ü", 64<<20)
			if err != nil {
				t.Fatalf("New() = %v", err)
			}
			wantPath := filepath.Join(m.Parent(), fmt.Sprintf("oomlab-%d-naive_go_upload___", os.Getpid()))
			if g.Path() != wantPath || g.Mode() != tt.mode {
				t.Errorf("New() = %s group at %s; want %s at %s", g.Mode(), g.Path(), tt.mode, wantPath)
			}
			for file, want := range tt.want {
				if got := readFile(t, filepath.Join(g.Path(), file)); got != want {
					t.Errorf("%s = %q; want %q", file, got, want)
				}
			}
			for _, a := range tt.absent {
				if _, err := os.Stat(filepath.Join(g.Path(), a)); err == nil {
					t.Errorf("New() created %s; want it left absent", a)
				}
			}
		})
	}
}

const swapsOn = `Filename				Type		Size		Used		Priority
/dev/vdb                                partition	8388604		0		-2
`

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name    string
		tree    string
		mode    string
		setup   func(k *fakeKernel)
		names   []string // groups made first
		limit   int64
		wantErr string
		wantIs  error
	}{
		{name: "mode none", tree: "none", limit: 1 << 20, wantErr: "no memory controller", wantIs: ErrUnavailable},
		{name: "zero limit", tree: "v1", mode: ModeV1, limit: 0, wantErr: "must be > 0"},
		{name: "exists", tree: "v1", mode: ModeV1, names: []string{"t"}, limit: 1 << 20, wantIs: os.ErrExist},
		{name: "limit refused", tree: "v2", mode: ModeV2, limit: 1 << 20, wantErr: "set memory.max", wantIs: syscall.EINVAL,
			setup: func(k *fakeKernel) { k.failWrite["memory.max"] = syscall.EINVAL }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := newFake(t, tt.tree, tt.mode)
			m := k.detect(t)
			if tt.setup != nil {
				tt.setup(k)
			}
			for _, n := range tt.names {
				if _, err := m.New(n, 1<<20); err != nil {
					t.Fatal(err)
				}
			}
			g, err := m.New("t", tt.limit)
			if err == nil || !strings.HasPrefix(err.Error(), "cgroup: new t: ") || !strings.Contains(err.Error(), tt.wantErr) ||
				tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Fatalf("New(t, %d) = %v, %v; want error with %q, is %v", tt.limit, g, err, tt.wantErr, tt.wantIs)
			}
			if tt.names == nil && m.Mode() != ModeNone {
				if _, err := os.Stat(filepath.Join(m.Parent(), fmt.Sprintf("oomlab-%d-t", os.Getpid()))); err == nil {
					t.Errorf("failed New left its directory behind")
				}
			}
		})
	}
}

func TestSanitize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"naive", "naive"}, {"a/b c", "a_b_c"}, {"", "group"}, {".", "group"}, {"..", "group"},
		{"x.y-z_1", "x.y-z_1"}, {strings.Repeat("n", 100), strings.Repeat("n", maxNameLen)},
	}
	for _, tt := range tests {
		if got := sanitize(tt.in); got != tt.want {
			t.Errorf("sanitize(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestStats(t *testing.T) {
	tests := []struct {
		name   string
		tree   string
		mode   string
		absent []string
		files  []map[string]string // written before successive Stats calls
		want   []Stats
	}{
		{name: "v1", tree: "v1", mode: ModeV1, files: []map[string]string{{
			"memory.usage_in_bytes": "1000\n", "memory.max_usage_in_bytes": "67108864\n", "memory.failcnt": "40\n",
			"memory.memsw.failcnt": "2\n",
			"memory.oom_control":   "oom_kill_disable 0\nunder_oom 1\noom_kill 2\n"}},
			want: []Stats{{UsageBytes: 1000, PeakBytes: 64 << 20, FailCount: 42, OOMKills: 2, UnderOOM: true}}},
		{name: "v1 no swap accounting", tree: "v1", mode: ModeV1, absent: []string{"memory.memsw.failcnt"},
			files: []map[string]string{{"memory.failcnt": "7\n"}}, want: []Stats{{FailCount: 7}}},
		{name: "v2", tree: "v2", mode: ModeV2, files: []map[string]string{{
			"memory.current": "2000\n", "memory.peak": "3000\n",
			"memory.events": "low 0\nhigh 0\nmax 17\noom 1\noom_kill 1\noom_group_kill 1\n"}},
			want: []Stats{{UsageBytes: 2000, PeakBytes: 3000, FailCount: 17, OOMKills: 1}}},
		{name: "v2 without memory.peak", tree: "v2", mode: ModeV2, absent: []string{"memory.peak"},
			files: []map[string]string{{"memory.current": "5000"}, {"memory.current": "4000"}},
			want:  []Stats{{UsageBytes: 5000, PeakBytes: 5000}, {UsageBytes: 4000, PeakBytes: 5000}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := newFake(t, tt.tree, tt.mode)
			for _, a := range tt.absent {
				k.absent[a] = true
			}
			g, err := k.detect(t).New("s", 64<<20)
			if err != nil {
				t.Fatal(err)
			}
			for i, files := range tt.files {
				for f, c := range files {
					if err := os.WriteFile(filepath.Join(g.Path(), f), []byte(c), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				got, err := g.Stats()
				if err != nil || got != tt.want[i] {
					t.Errorf("Stats() #%d = %+v, %v; want %+v", i, got, err, tt.want[i])
				}
			}
			if err := g.Remove(context.Background()); err != nil {
				t.Fatal(err)
			}
			if _, err := g.Stats(); err == nil {
				t.Errorf("Stats() after Remove = nil error; want an error")
			}
		})
	}
}

func TestStatsMalformed(t *testing.T) {
	k := newFake(t, "v1", ModeV1)
	g, err := k.detect(t).New("s", 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(g.Path(), "memory.usage_in_bytes"), []byte("lots\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if s, err := g.Stats(); err == nil || !strings.Contains(err.Error(), "not a number") {
		t.Errorf("Stats() = %+v, %v; want a \"not a number\" error", s, err)
	}
}

func TestParse(t *testing.T) {
	ints := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"9223372036854771712", 9223372036854771712, true}, {"9223372036854775808", 0, false},
		{"", 0, false}, {"max", 0, false}, {"-1", 0, false},
	}
	for _, tt := range ints {
		if got, ok := parseInt([]byte(tt.in)); got != tt.want || ok != tt.ok {
			t.Errorf("parseInt(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	events := "low 1\nhigh 2\nmax 3\noom 4\noom_kill 5\noom_group_kill 6"
	fields := []struct {
		key  string
		want int64
	}{{"max", 3}, {"oom", 4}, {"oom_kill", 5}, {"oom_group_kill", 6}, {"absent", 0}, {"oom_", 0}}
	for _, tt := range fields {
		if got := field([]byte(events), tt.key); got != tt.want {
			t.Errorf("field(events, %q) = %d; want %d", tt.key, got, tt.want)
		}
	}
}

func TestAddRemove(t *testing.T) {
	for _, mode := range []string{ModeV1, ModeV2} {
		t.Run(mode, func(t *testing.T) {
			k := newFake(t, map[string]string{ModeV1: "v1", ModeV2: "v2"}[mode], mode)
			g, err := k.detect(t).New("r", 64<<20)
			if err != nil {
				t.Fatal(err)
			}
			for _, pid := range []int{4242, 4343} {
				if err := g.Add(pid); err != nil {
					t.Fatalf("Add(%d) = %v", pid, err)
				}
			}
			if got := readFile(t, filepath.Join(g.Path(), "cgroup.procs")); got != "4242\n4343\n" {
				t.Errorf("cgroup.procs = %q; want \"4242\\n4343\\n\"", got)
			}
			for i := range 2 { // Remove is idempotent
				if err := g.Remove(context.Background()); err != nil {
					t.Fatalf("Remove() #%d = %v", i, err)
				}
			}
			if _, err := os.Stat(g.Path()); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("after Remove, stat(%s) = %v; want not exist", g.Path(), err)
			}
			if got := k.killedPids(); !slices.Equal(got, []int{4242, 4343}) {
				t.Errorf("killed = %v; want [4242 4343]", got)
			}
			if err := g.Add(4444); err == nil {
				t.Errorf("Add() after Remove = nil; want an error")
			}
		})
	}
}

func TestRemoveStubborn(t *testing.T) {
	k := newFake(t, "v1", ModeV1)
	g, err := k.detect(t).New("r", 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Add(4242); err != nil {
		t.Fatal(err)
	}
	k.stubborn = true
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = g.Remove(ctx)
	if err == nil || !strings.Contains(err.Error(), "1 processes left") || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Remove() = %v; want \"1 processes left\" and a deadline error", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Remove() took %s; want about 100ms", took)
	}
}

func TestSweep(t *testing.T) {
	const dead, alive, reused = 999999, 888888, 4343
	tests := []struct {
		name       string
		tree       string
		absent     []string // control files the kernel lacks
		wantKilled []int
		wantKill   bool // cgroup.kill written
	}{
		{name: "v1", tree: "v1", wantKilled: []int{4242, 4444, 6161}},
		{name: "v2 with cgroup.kill", tree: "v2", wantKilled: []int{4242, 4444, 6161}, wantKill: true},
		{name: "v2 without cgroup.kill", tree: "v2", absent: []string{"cgroup.kill"}, wantKilled: []int{4242, 4444, 6161}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := newFake(t, tt.tree, "")
			for _, a := range tt.absent {
				k.absent[a] = true
			}
			k.alive[alive] = true
			m := k.detect(t)
			mk := func(name string, pids ...int) string {
				p := filepath.Join(m.Parent(), name)
				if err := k.mkdir(p); err != nil {
					t.Fatal(err)
				}
				for _, pid := range pids {
					if err := writeFile(filepath.Join(p, "cgroup.procs"), []byte(strconv.Itoa(pid)+"\n"), true); err != nil {
						t.Fatal(err)
					}
				}
				return p
			}
			stale := mk(fmt.Sprintf("oomlab-%d-naive", dead), 4242, reused)
			staleEmpty := mk(fmt.Sprintf("oomlab-%d-aware", dead))
			nested := mk(fmt.Sprintf("oomlab-%d-nested", dead))
			mk(fmt.Sprintf("oomlab-%d-nested/inner", dead), 4444)
			mk(fmt.Sprintf("oomlab-%d-nested/inner/deeper", dead))
			// An earlier harness had this process's pid: its group is stale too.
			samePid := mk(fmt.Sprintf("oomlab-%d-earlier", os.Getpid()), 6161)
			mine, err := m.New("mine", 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			defer mine.Remove(context.Background())
			if err := mine.Add(7171); err != nil {
				t.Fatal(err)
			}
			keep := []string{mk(fmt.Sprintf("oomlab-%d-naive", alive), 5252), mine.Path(), mk("oomlab-x-y"), mk("other", 5353)}
			// Pid 4343 exits after Sweep has read the stale group, and an
			// unrelated process outside the group is given the number.
			k.beforeKill = func(pid int) {
				if pid == reused {
					if err := k.takeOut(k.root, reused); err != nil {
						t.Error(err)
					}
					if err := writeFile(filepath.Join(m.Parent(), "other", "cgroup.procs"), []byte("4343\n"), true); err != nil {
						t.Error(err)
					}
				}
			}
			if tt.wantKill {
				k.beforeKill = nil // cgroup.kill: the kernel kills members only, no pid is read
			}
			removed, err := m.Sweep()
			if err != nil {
				t.Fatalf("Sweep() = %v", err)
			}
			slices.Sort(removed)
			want := []string{staleEmpty, samePid, nested, stale}
			slices.Sort(want)
			if !slices.Equal(removed, want) {
				t.Errorf("Sweep() removed %v; want %v", removed, want)
			}
			for _, p := range append(want, nested+"/inner") {
				if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("after Sweep, stat(%s) = %v; want not exist", p, err)
				}
			}
			for _, p := range keep {
				if _, err := os.Stat(p); err != nil {
					t.Errorf("Sweep() removed %s; want it kept", p)
				}
			}
			got := k.killedPids()
			slices.Sort(got)
			wantKilled := tt.wantKilled
			if tt.wantKill {
				wantKilled = []int{4242, reused, 4444, 6161}
			}
			if !slices.Equal(got, wantKilled) {
				t.Errorf("Sweep() killed %v; want %v", got, wantKilled)
			}
			if procs := readFile(t, filepath.Join(m.Parent(), "other", "cgroup.procs")); !tt.wantKill && !strings.Contains(procs, "4343") {
				t.Errorf("the process that reused pid 4343 outside the group was killed (other/cgroup.procs = %q)", procs)
			}
			wroteKill := slices.ContainsFunc(k.writes, func(w string) bool { return strings.HasSuffix(w, "/cgroup.kill <- 1") })
			if wroteKill != tt.wantKill {
				t.Errorf("cgroup.kill written = %v; want %v (writes %q)", wroteKill, tt.wantKill, k.writes)
			}
		})
	}
}

func TestOwnerPid(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"oomlab-123-naive", 123, true}, {"oomlab-123-a-b", 123, true}, {"oomlab-123", 0, false},
		{"oomlab-x-y", 0, false}, {"oomlab-0-y", 0, false}, {"other-1-y", 0, false},
	}
	for _, tt := range tests {
		if got, ok := ownerPid(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("ownerPid(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func BenchmarkStatsFake(b *testing.B) {
	for _, mode := range []string{ModeV1, ModeV2} {
		b.Run(mode, func(b *testing.B) {
			k := newFake(b, map[string]string{ModeV1: "v1", ModeV2: "v2"}[mode], mode)
			g, err := k.detect(b).New("bench", 64<<20)
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
		})
	}
}

// TestSweepExplained checks that a Manager from Explain sweeps (oomlab
// cleanup uses one) and that an explained oomlab.slice not made yet is
// nothing to sweep.
func TestSweepExplained(t *testing.T) {
	k := newFake(t, "v1", ModeV1)
	stale := filepath.Join(k.root, "sys/fs/cgroup/memory/process_api/abc/oomlab-999999-naive")
	if err := k.mkdir(stale); err != nil {
		t.Fatal(err)
	}
	m, err := detect(k.root, k.ops(), true)
	if err != nil {
		t.Fatal(err)
	}
	if removed, err := m.Sweep(); err != nil || !slices.Equal(removed, []string{stale}) {
		t.Errorf("Sweep() = %v, %v; want [%s]", removed, err, stale)
	}
	k = newFake(t, "layouts/gha-sudo", "")
	k.recorded = true
	if m, err = detect(k.root, k.ops(), true); err != nil || m.Placement() != PlaceSlice {
		t.Fatalf("detect(gha-sudo, dry) = %v, %v; want oomlab.slice", m, err)
	}
	if removed, err := m.Sweep(); err != nil || len(removed) > 0 {
		t.Errorf("Sweep() with no oomlab.slice yet = %v, %v; want nothing", removed, err)
	}
	if _, err := os.Stat(filepath.Join(k.root, "sys/fs/cgroup/oomlab.slice")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an explaining Manager made oomlab.slice: stat = %v", err)
	}
}
