//go:build !linux

package cgroup

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
)

var errNotLinux = fmt.Errorf("cgroup: memory cgroups need linux (running on %s)", runtime.GOOS)

// defaultOps refuse everything but reading: memory cgroups are Linux-only.
func defaultOps() sysOps {
	return sysOps{
		unsupported: errNotLinux,
		kill:        func(int, func() bool) error { return errNotLinux },
		alive:       func(int) bool { return true },
		mkdir:       func(string) error { return errNotLinux },
		rmdir:       func(string) error { return errNotLinux },
		writable:    func(string) error { return errNotLinux },
		euid:        os.Geteuid,
		write:       func(string, []byte, bool) error { return errNotLinux },
		lookPath:    exec.LookPath,
		startScope: func([]string, string) (string, func() error, error) {
			return "", nil, errNotLinux
		},
	}
}
