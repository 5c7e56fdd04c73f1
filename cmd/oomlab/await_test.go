package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// await returns true as soon as cond holds, false if it still does not
// after d. It is woken, to ask cond again, by a change in one of dirs (a
// file created, written, removed or renamed: inotify) and by the exit of
// one of pids (a pidfd becomes readable), not by a clock; the deadline
// bounds it when the event never comes. Where neither can be watched (an
// old kernel) it asks cond again every 100 ms.
func await(d time.Duration, dirs []string, pids []int, cond func() bool) bool {
	deadline := time.Now().Add(d)
	var fds []unix.PollFd // the inotify descriptor first, if any, then pidfds
	var open []int
	defer func() {
		for _, fd := range open {
			unix.Close(fd)
		}
	}()
	inotify := false
	if len(dirs) > 0 {
		if in, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK); err == nil {
			open = append(open, in)
			for _, dir := range dirs {
				_, err := unix.InotifyAddWatch(in, dir, unix.IN_CREATE|unix.IN_MODIFY|unix.IN_CLOSE_WRITE|unix.IN_DELETE|unix.IN_MOVED_FROM|unix.IN_MOVED_TO)
				inotify = inotify || err == nil
			}
			if inotify {
				fds = append(fds, unix.PollFd{Fd: int32(in), Events: unix.POLLIN})
			}
		}
	}
	for _, pid := range pids {
		if fd, err := unix.PidfdOpen(pid, 0); err == nil {
			open = append(open, fd)
			fds = append(fds, unix.PollFd{Fd: int32(fd), Events: unix.POLLIN})
		}
	}
	buf := make([]byte, 64<<10)
	for {
		// The watches are set before cond is first asked: no change is lost.
		if cond() {
			return true
		}
		left := time.Until(deadline)
		if left <= 0 {
			return false
		}
		ms := int(left/time.Millisecond) + 1
		if !watching(fds) || len(dirs) > 0 && !inotify {
			// Nothing left to wake us (every process has exited, a
			// folder is not made yet): ask again soon.
			ms = min(ms, 100)
		}
		if _, err := unix.Poll(fds, ms); err != nil && !errors.Is(err, unix.EINTR) {
			fds = nil // cannot poll these: ask every 100 ms from now on
		}
		for i := range fds {
			if fds[i].Revents == 0 {
				continue
			}
			fds[i].Revents = 0
			if i == 0 && inotify {
				for { // drain: only "something changed" matters
					if n, err := unix.Read(int(fds[0].Fd), buf); n <= 0 || err != nil {
						break
					}
				}
				continue
			}
			fds[i].Fd = -1 // that process has exited: poll ignores it from now on
		}
	}
}

// watching reports whether poll still has a descriptor to wait on.
func watching(fds []unix.PollFd) bool {
	for _, f := range fds {
		if f.Fd >= 0 {
			return true
		}
	}
	return false
}

// TestAwait: await is woken by a file written in a watched folder and by
// a watched process's exit, well before its deadline, and gives up at the
// deadline when cond never holds.
func TestAwait(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	go os.WriteFile(path, []byte("x"), 0o644)
	start := time.Now()
	if !await(20*time.Second, []string{dir}, nil, func() bool { _, err := os.Stat(path); return err == nil }) {
		t.Errorf("await(a file to appear) = false after %s; want true", time.Since(start))
	}

	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var exited atomic.Bool
	done := make(chan struct{})
	go func() { cmd.Wait(); exited.Store(true); close(done) }()
	defer func() { cmd.Process.Kill(); <-done }()
	go cmd.Process.Kill()
	if !await(20*time.Second, nil, []int{cmd.Process.Pid}, exited.Load) {
		t.Errorf("await(a process to exit) = false; want true")
	}

	start = time.Now()
	if await(200*time.Millisecond, []string{dir}, nil, func() bool { return false }) || time.Since(start) < 200*time.Millisecond {
		t.Errorf("await(never) = true or returned after %s; want false after 200 ms", time.Since(start))
	}
}
