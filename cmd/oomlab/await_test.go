package main

import (
	"errors"
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
			open, inotify = append(open, in), true
			fds = append(fds, unix.PollFd{Fd: int32(in), Events: unix.POLLIN})
			for _, dir := range dirs {
				_, _ = unix.InotifyAddWatch(in, dir, unix.IN_CREATE|unix.IN_MODIFY|unix.IN_CLOSE_WRITE|unix.IN_DELETE|unix.IN_MOVED_FROM|unix.IN_MOVED_TO)
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
		if len(fds) == 0 {
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
