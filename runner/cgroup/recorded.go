package cgroup

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// errRecorded refuses every change to a recorded tree.
var errRecorded = errors.New("cgroup: a recorded tree is only explained, never changed")

// recordedOps read a recorded tree: a copy of a machine's
// proc/self/{mountinfo,cgroup,status}, proc/<pid>/{stat,comm} of the
// processes in its cgroups, its cgroup directories with their control
// files, and run/systemd/system, run/user/<uid>/systemd/private and
// usr/bin/systemd-run, usr/bin/sleep where the machine has them. A copy
// loses ownership and mount flags, so they come from the recording:
// a directory is writable when the mount holding it is not read-only
// (proc/self/mountinfo) and the recorded euid (proc/self/status) is 0 or
// owns it or a directory above it (the file "uids", lines "<uid> <path>",
// as systemd chowns a delegated subtree).
func recordedOps(root string) sysOps {
	return sysOps{
		kill:       func(int, func() bool) error { return errRecorded },
		alive:      func(int) bool { return true },
		mkdir:      func(string) error { return errRecorded },
		rmdir:      func(string) error { return errRecorded },
		writable:   func(path string) error { return recordedWritable(root, path) },
		euid:       func() int { return recordedEuid(root) },
		write:      func(string, []byte, bool) error { return errRecorded },
		lookPath:   func(name string) (string, error) { return recordedLookPath(root, name) },
		startScope: func([]string, string) (string, func() error, error) { return "", nil, errRecorded },
	}
}

func recordedWritable(root, path string) error {
	mounts, err := readMountinfo(filepath.Join(root, "proc/self/mountinfo"))
	if err != nil {
		return err
	}
	rel := "/" + strings.TrimPrefix(strings.TrimPrefix(path, root), "/")
	best := -1
	for i, mt := range mounts {
		if within(rel, mt.point) && (best < 0 || len(mt.point) > len(mounts[best].point)) {
			best = i
		}
	}
	if best >= 0 && mounts[best].ro {
		return syscall.EROFS
	}
	euid := recordedEuid(root)
	if euid == 0 {
		return nil
	}
	var ok bool
	_ = eachLine(filepath.Join(root, "uids"), func(_ int, line string) error {
		uid, dir, _ := strings.Cut(line, " ")
		if uid == strconv.Itoa(euid) && within(rel, strings.TrimSpace(dir)) {
			ok = true
		}
		return nil
	})
	if !ok {
		return syscall.EACCES
	}
	return nil
}

// within reports whether path is dir or below it.
func within(path, dir string) bool {
	return path == dir || strings.HasPrefix(path, strings.TrimSuffix(dir, "/")+"/")
}

func recordedEuid(root string) int {
	euid := 0
	_ = eachLine(filepath.Join(root, "proc/self/status"), func(_ int, line string) error {
		if v, ok := strings.CutPrefix(line, "Uid:"); ok {
			if f := strings.Fields(v); len(f) >= 2 {
				euid, _ = strconv.Atoi(f[1])
			}
		}
		return nil
	})
	return euid
}

func recordedLookPath(root, name string) (string, error) {
	p := filepath.Join("/usr/bin", name)
	if _, err := os.Stat(filepath.Join(root, p)); err != nil {
		return "", errors.New(name + ": not in the recorded /usr/bin")
	}
	return p, nil
}
