package cgroup

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary text to the parsers of the files a recorded
// tree or a machine supplies: they must return lines or an error naming
// the file and line, never panic.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"33 27 0:29 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n",
		"35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n",
		"0::/system.slice/x.service\n4:memory:/process_api/abc\n",
		"1 2 3\n", "4:memory\n", `/a\040b`, "Pid:\t1\nUid:\t0\t0\t0\t0\n", "1 (a) b) S 0 1\n",
	} {
		f.Add(seed)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, s string) {
		p := filepath.Join(dir, "in")
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := readMountinfo(p); err != nil && !strings.HasPrefix(err.Error(), "cgroup: ") {
			t.Errorf("readMountinfo error %q lacks the package prefix", err)
		}
		gs, err := readSelfCgroup(p)
		for _, g := range gs {
			if !strings.HasPrefix(g.path, "/") {
				t.Errorf("readSelfCgroup(%q) gave path %q", s, g.path)
			}
		}
		if err != nil && !strings.HasPrefix(err.Error(), "cgroup: ") {
			t.Errorf("readSelfCgroup error %q lacks the package prefix", err)
		}
		_ = unescape(s)
		_, _ = readPids(p)
		root := filepath.Join(dir, "root")
		for _, sub := range []string{"proc/self", "proc/5"} {
			if err := os.MkdirAll(filepath.Join(root, sub), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for _, file := range []string{"proc/self/status", "proc/5/stat"} {
			if err := os.WriteFile(filepath.Join(root, file), []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		m := &Manager{root: root, pid: 1, ops: sysOps{euid: func() int { return 0 }}}
		m.readStatus()
		_ = m.isOurs(5)
	})
}
