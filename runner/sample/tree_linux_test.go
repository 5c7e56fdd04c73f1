//go:build linux

package sample

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const kB = 1 << 10

func TestTreeSampleFake(t *testing.T) {
	tests := []struct {
		name  string
		opts  []TreeOption
		nokid bool // remove every children file: the PPid fallback
		want  TreeSample
	}{
		{
			name: "walk children files",
			want: TreeSample{Proc: Proc{RSSBytes: (1024 + 204800 + 51200) * kB, HWMBytes: (1536 + 262144 + 61440) * kB,
				Threads: 1 + 11 + 7, FDs: 3 + 20 + 12}, Processes: 3,
				Largest: Member{PID: 101, RSSBytes: 204800 * kB, HWMBytes: 262144 * kB}},
		},
		{
			name:  "walk by PPid without children files",
			nokid: true,
			want: TreeSample{Proc: Proc{RSSBytes: (1024 + 204800 + 51200) * kB, HWMBytes: (1536 + 262144 + 61440) * kB,
				Threads: 1 + 11 + 7, FDs: 3 + 20 + 12}, Processes: 3,
				Largest: Member{PID: 101, RSSBytes: 204800 * kB, HWMBytes: 262144 * kB}},
		},
		{
			name: "cgroup.procs: also the process that left the tree",
			opts: []TreeOption{WithCgroupProcs("testdata/tree/cgroup/cgroup.procs")},
			want: TreeSample{Proc: Proc{RSSBytes: (1024 + 204800 + 51200 + 2048) * kB, HWMBytes: (1536 + 262144 + 61440 + 2048) * kB,
				Threads: 1 + 11 + 7 + 1, FDs: 3 + 20 + 12 + 4}, Processes: 4,
				Largest: Member{PID: 101, RSSBytes: 204800 * kB, HWMBytes: 262144 * kB}},
		},
		{
			name: "cgroup gone: walk",
			opts: []TreeOption{WithCgroupProcs("testdata/tree/cgroup/missing.procs")},
			want: TreeSample{Proc: Proc{RSSBytes: (1024 + 204800 + 51200) * kB, HWMBytes: (1536 + 262144 + 61440) * kB,
				Threads: 1 + 11 + 7, FDs: 3 + 20 + 12}, Processes: 3,
				Largest: Member{PID: 101, RSSBytes: 204800 * kB, HWMBytes: 262144 * kB}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := "testdata/tree/proc"
			if tt.nokid {
				root = copyDir(t, root)
				removeChildrenFiles(t, root)
			}
			tr, err := NewTree(100, append(tt.opts, WithSamplerOptions(WithProcRoot(root)))...)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tr.Sample()
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Sample() = %+v;\nwant       %+v", got, tt.want)
			}
			if c := tr.Command(got.Largest.PID); c != "node server.js" {
				t.Errorf("Command(%d) = %q; want %q", got.Largest.PID, c, "node server.js")
			}
		})
	}
}

func TestTreeCPUSum(t *testing.T) {
	root := copyDir(t, "testdata/tree/proc")
	tr, err := NewTree(100, WithSamplerOptions(WithProcRoot(root)))
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Unix(1_800_000_000, 0)
	tr.now = func() time.Time { return clock }
	if _, err := tr.Sample(); err != nil { // primes every member
		t.Fatal(err)
	}
	// +50 ticks for 101 and +25 for 102 over one second: 0.75 CPU.
	bump := func(pid string, utime int) {
		p := filepath.Join(root, pid, "stat")
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f := strings.Fields(string(b))
		f[13] = strconv.Itoa(utime) // utime, the 14th field
		if err := os.WriteFile(p, []byte(strings.Join(f, " ")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bump("101", 150+50)
	bump("102", 30+25)
	clock = clock.Add(time.Second)
	got, err := tr.Sample()
	if err != nil {
		t.Fatal(err)
	}
	if d := got.CPUPercent - 75; d > 1e-9 || d < -1e-9 {
		t.Errorf("Sample().CPUPercent = %v; want 75 (the sum of the members)", got.CPUPercent)
	}
}

func TestTreeRootGone(t *testing.T) {
	if _, err := NewTree(103, WithSamplerOptions(WithProcRoot("testdata/tree/proc"))); !errors.Is(err, ErrGone) {
		t.Errorf("NewTree(zombie) error = %v; want ErrGone", err)
	}
	if _, err := NewTree(9999, WithSamplerOptions(WithProcRoot("testdata/tree/proc"))); !errors.Is(err, ErrGone) {
		t.Errorf("NewTree(missing) error = %v; want ErrGone", err)
	}
}

// TestTreeRealWrapper measures a helper holding 64 MiB behind a shell
// (sh -c "helper; true"): the shell alone is a few MiB, the tree is not.
func TestTreeRealWrapper(t *testing.T) {
	cmd, stdin := startHelperVia(t, "sleep", func(exe string) *exec.Cmd {
		return exec.Command("sh", "-c", `"$0" -test.run='^$'; true`, exe)
	})
	defer func() {
		stdin.Close()
		cmd.Wait()
	}()
	tr, err := NewTree(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tr.Sample()
	if err != nil {
		t.Fatal(err)
	}
	if got.Processes != 2 || got.RSSBytes < helperMiB<<20 || got.Largest.PID == cmd.Process.Pid {
		t.Errorf("Sample() = %+v; want 2 processes, RSS ≥ %d MiB, the largest not the shell", got, helperMiB)
	}
	if c := tr.Command(got.Largest.PID); !strings.Contains(c, "-test.run") {
		t.Errorf("Command(largest) = %q; want the helper's command line", c)
	}
	shell, err := New(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := shell.Sample(); err != nil || p.RSSBytes > 16<<20 {
		t.Errorf("the shell alone: %+v, %v; want a few MiB", p, err)
	}
}

func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func removeChildrenFiles(t *testing.T, root string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(root, "*", "task", "*", "children"))
	for _, f := range files {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
	if len(files) == 0 {
		t.Fatal("no children files to remove")
	}
}
