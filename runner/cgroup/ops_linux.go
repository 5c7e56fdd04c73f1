package cgroup

import (
	"errors"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// defaultOps are the real system calls.
func defaultOps() sysOps {
	return sysOps{
		kill: func(pid int) error {
			err := syscall.Kill(pid, syscall.SIGKILL)
			if errors.Is(err, syscall.ESRCH) {
				return nil
			}
			return err
		},
		alive: func(pid int) bool {
			err := syscall.Kill(pid, 0)
			return err == nil || errors.Is(err, syscall.EPERM)
		},
		mkdir:    func(path string) error { return os.Mkdir(path, 0o755) },
		rmdir:    func(path string) error { return syscall.Rmdir(path) },
		writable: func(path string) error { return unix.Access(path, unix.W_OK) },
		euid:     os.Geteuid,
		write:    writeFile,
	}
}
