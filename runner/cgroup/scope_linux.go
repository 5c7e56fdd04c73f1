package cgroup

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// scopeTimeout bounds how long startScope waits for systemd to put the
// holder in its scope.
const scopeTimeout = 5 * time.Second

// startScope runs argv (systemd-run --scope ... -- sleep infinity): once
// systemd has made the scope unit and moved systemd-run into it,
// systemd-run execs the holder, which keeps the scope alive until stop
// kills it. The holder dies with the harness (Pdeathsig), and systemd
// removes an empty scope. It returns the scope's cgroup path, read from
// /proc/<holder>/cgroup.
func startScope(argv []string, unit string) (string, func() error, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &limitedWriter{buf: &stderr, max: 4096}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	// Pdeathsig belongs to the forking thread (golang/go#27505): fork from
	// a fresh goroutine locked only for the fork, so that thread is an
	// ordinary pooled one that lives as long as the harness.
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		started <- cmd.Start()
	}()
	if err := <-started; err != nil {
		return "", nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() error {
		_ = cmd.Process.Kill()
		select {
		case <-exited:
			return nil
		case <-time.After(scopeTimeout):
			return fmt.Errorf("holder %d of %s did not exit", cmd.Process.Pid, unit)
		}
	}
	deadline := time.Now().Add(scopeTimeout)
	for time.Now().Before(deadline) {
		if p, ok := scopeOf(cmd.Process.Pid, unit); ok {
			return p, stop, nil
		}
		select {
		case err := <-exited:
			exited <- err // for stop
			return "", nil, fmt.Errorf("%s exited (%v) before %s was made: %s", argv[0], err, unit, oneLine(stderr.String()))
		case <-time.After(removePoll):
		}
	}
	return "", nil, errors.Join(fmt.Errorf("%s was not made within %s: %s", unit, scopeTimeout, oneLine(stderr.String())), stop())
}

// scopeOf returns pid's cgroup v2 path if it ends in unit.
func scopeOf(pid int, unit string) (string, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cgroup")
	if err != nil {
		return "", false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if p, ok := strings.CutPrefix(line, "0::"); ok && strings.HasSuffix(p, "/"+unit) {
			return p, true
		}
	}
	return "", false
}

// limitedWriter keeps the first max bytes written to it.
type limitedWriter struct {
	buf *bytes.Buffer
	max int
}

func (w *limitedWriter) Write(p []byte) (int, error) {
	if room := w.max - w.buf.Len(); room > 0 {
		w.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// oneLine joins the lines of s with "; ".
func oneLine(s string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), "\n", "; ")
}
