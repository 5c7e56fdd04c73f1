//go:build linux

package proctest

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Reap waits up to grace for every process marked with token (see Main) or
// descended from this one to exit, woken by their exits (a pidfd of each
// becomes readable), not by a clock; it then kills what is left, each
// whole process group whose members are all left over, otherwise the
// process alone (never this binary's own group), waits up to a second for
// them to go, and returns them as they were before the kill. It returns
// nil when nothing was left.
func Reap(token string, grace time.Duration) []Leftover {
	left, procs := awaitExits(token, time.Now().Add(grace))
	if len(left) == 0 {
		return nil
	}
	kill(left, procs)
	awaitExits(token, time.Now().Add(time.Second))
	return left
}

// awaitExits scans for the marked processes and waits for their exits
// until deadline, scanning again after each (a process that ends may
// have started another); it returns what the last scan found.
func awaitExits(token string, deadline time.Time) ([]Leftover, map[int]stat) {
	for {
		left, procs := scan(token)
		ms := int(time.Until(deadline) / time.Millisecond)
		if len(left) == 0 || ms <= 0 {
			return left, procs
		}
		fds := make([]unix.PollFd, 0, len(left))
		for _, l := range left {
			if fd, err := unix.PidfdOpen(l.PID, 0); err == nil {
				fds = append(fds, unix.PollFd{Fd: int32(fd), Events: unix.POLLIN})
			}
		}
		if len(fds) == 0 { // gone meanwhile, or no pidfds here: scan again shortly
			ms = min(ms, 50)
		}
		_, _ = unix.Poll(fds, ms) // EINTR: scan again
		for _, f := range fds {
			unix.Close(int(f.Fd))
		}
	}
}

// stat is what /proc/PID/stat says of a process.
type stat struct {
	ppid, pgid int
	state      byte
}

// scan returns the running processes (not zombies) marked with token or
// descended from this one, this one excepted, and every process's stat.
func scan(token string) ([]Leftover, map[int]stat) {
	self := os.Getpid()
	procs := map[int]stat{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, ok := readStat(pid); ok {
			procs[pid] = st
		}
	}
	var left []Leftover
	for pid, st := range procs {
		if pid == self || st.state == 'Z' || st.state == 'X' {
			continue
		}
		if !descends(pid, self, procs) && !hasMark(pid, token) {
			continue
		}
		left = append(left, Leftover{PID: pid, PGID: st.pgid, PPID: st.ppid, Cmdline: cmdline(pid)})
	}
	return left, procs
}

// descends reports whether pid's parent chain reaches ancestor.
func descends(pid, ancestor int, procs map[int]stat) bool {
	for i := 0; i < 64 && pid > 1; i++ {
		pid = procs[pid].ppid
		if pid == ancestor {
			return true
		}
	}
	return false
}

// hasMark reports whether pid's environment carries token; a process of
// another user cannot be read and is not marked.
func hasMark(pid int, token string) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil {
		return false
	}
	for _, kv := range bytes.Split(b, []byte{0}) {
		if v, ok := strings.CutPrefix(string(kv), MarkEnv+"="); ok && marked(v, token) {
			return true
		}
	}
	return false
}

// readStat parses /proc/PID/stat; the command name may hold spaces and
// parentheses, so fields are counted from the last ')'.
func readStat(pid int) (stat, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return stat{}, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return stat{}, false
	}
	f := strings.Fields(s[i+1:]) // state ppid pgrp ...
	if len(f) < 3 || f[0] == "" {
		return stat{}, false
	}
	ppid, err1 := strconv.Atoi(f[1])
	pgid, err2 := strconv.Atoi(f[2])
	if err1 != nil || err2 != nil {
		return stat{}, false
	}
	return stat{ppid: ppid, pgid: pgid, state: f[0][0]}, true
}

func cmdline(pid int) string {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	s := strings.TrimSpace(string(bytes.ReplaceAll(b, []byte{0}, []byte{' '})))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// kill sends SIGKILL to each left process's group when every member of the
// group is left over and the group is not this binary's own (which holds
// `go test` too), else to the process alone.
func kill(left []Leftover, procs map[int]stat) {
	own := syscall.Getpgrp()
	isLeft := map[int]bool{}
	for _, l := range left {
		isLeft[l.PID] = true
	}
	whole := map[int]bool{}
	for _, l := range left {
		whole[l.PGID] = l.PGID > 1 && l.PGID != own
	}
	for pid, st := range procs {
		if whole[st.pgid] && !isLeft[pid] && st.state != 'Z' && st.state != 'X' && pid != os.Getpid() {
			whole[st.pgid] = false // a member that is not ours
		}
	}
	for _, l := range left {
		if whole[l.PGID] {
			_ = syscall.Kill(-l.PGID, syscall.SIGKILL)
		} else {
			_ = syscall.Kill(l.PID, syscall.SIGKILL)
		}
	}
}
