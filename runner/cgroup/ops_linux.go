package cgroup

import (
	"errors"
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"
)

// defaultOps are the real system calls.
func defaultOps() sysOps {
	return sysOps{
		kill: killMember,
		alive: func(pid int) bool {
			err := syscall.Kill(pid, 0)
			return err == nil || errors.Is(err, syscall.EPERM)
		},
		mkdir:      func(path string) error { return os.Mkdir(path, 0o755) },
		rmdir:      func(path string) error { return syscall.Rmdir(path) },
		writable:   func(path string) error { return unix.Access(path, unix.W_OK) },
		euid:       os.Geteuid,
		write:      writeFile,
		lookPath:   exec.LookPath,
		startScope: startScope,
	}
}

// killMember pins pid with a pidfd, asks member whether it is still in
// the group, and only then signals it through the pidfd: a pid that
// died and was reused after the group's cgroup.procs was read is not
// killed (the pidfd of a dead process signals nothing). Before Linux 5.3
// (no pidfd_open) it checks and kills by number, a small race left.
func killMember(pid int, member func() bool) error {
	fd, err := unix.PidfdOpen(pid, 0)
	if errors.Is(err, unix.ESRCH) {
		return nil
	}
	if errors.Is(err, unix.ENOSYS) {
		if !member() {
			return nil
		}
		return ignoreGone(syscall.Kill(pid, syscall.SIGKILL))
	}
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if !member() {
		return nil
	}
	return ignoreGone(unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0))
}

func ignoreGone(err error) error {
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}
