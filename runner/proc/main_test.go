//go:build linux

package proc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/sys/unix"

	"github.com/oomlab/oomlab/runner/proc/proctest"
)

// helperEnv selects a helper program: the test binary re-executed, as
// os/exec's own tests do.
const helperEnv = "OOMLAB_PROC_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelper(mode, os.Args[1:]))
	}
	goleak.VerifyTestMain(proctest.Main(m))
}

// helperSpec returns a Spec that runs helper mode with args.
func helperSpec(mode string, args ...string) Spec {
	return Spec{
		Name: "helper-" + mode,
		Argv: append([]string{os.Args[0]}, args...),
		// The race detector sleeps a second before a clean exit: not in helpers.
		Env: append(os.Environ(), helperEnv+"="+mode, "GORACE=atexit_sleep_ms=0"),
	}
}

// runHelper is the main of the helper programs; it returns the exit code.
func runHelper(mode string, args []string) int {
	switch mode {
	case "exit": // exit <code> <stderr line>
		code, _ := strconv.Atoi(args[0])
		fmt.Fprintln(os.Stderr, args[1])
		return code
	case "sleep":
		fmt.Println("ready")
		time.Sleep(time.Minute)
		return 0
	case "ignore-term":
		signal.Ignore(syscall.SIGTERM)
		fmt.Println("ready")
		time.Sleep(time.Minute)
		return 0
	case "listen": // listen <addr>: /ok answers 200, anything else 500
		l, err := net.Listen("tcp", args[0])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/ok" {
				w.WriteHeader(http.StatusInternalServerError)
			}
		})
		_ = http.Serve(l, h)
		return 1
	case "child": // child <exit|sleep>: start a sleeping child in our group, print its pid
		c := exec.Command(os.Args[0])
		c.Env = append(os.Environ(), helperEnv+"=sleep")
		c.Stderr = os.Stderr // the child holds our stderr pipe open
		if err := c.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Println(c.Process.Pid)
		if args[0] == "exit" {
			return 0
		}
		time.Sleep(time.Minute)
		return 0
	case "escape": // start a sleeping child in a new session holding our stderr, print its pid, exit
		c := exec.Command(os.Args[0])
		c.Env = append(os.Environ(), helperEnv+"=sleep")
		c.Stderr = os.Stderr
		c.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if err := c.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Println(c.Process.Pid)
		return 0
	case "intermediate": // proc.Start a sleeping grandchild, print its pid
		s := helperSpec("sleep")
		s.OnStdoutLine = func(string) {}
		p, err := Start(context.Background(), s)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Println(p.PID())
		time.Sleep(time.Minute)
		return 0
	case "flood": // 10 MiB of stderr: one 1 MiB line, then 9 MiB of 1000-byte lines
		w := os.Stderr
		big := strings.Repeat("x", 1<<20)
		fmt.Fprintln(w, "first")
		fmt.Fprintln(w, big)
		line := strings.Repeat("y", 999) + "\n"
		for i := 0; i < 9*1024*1024/1000; i++ {
			_, _ = w.WriteString(line)
		}
		fmt.Fprintln(w, "last")
		return 0
	}
	fmt.Fprintln(os.Stderr, "unknown helper mode", mode)
	return 2
}

// lines returns a Spec callback sending lines to a buffered channel, and
// the channel; lines beyond its capacity are dropped.
func lines() (func(string), chan string) {
	ch := make(chan string, 16)
	return func(s string) {
		select {
		case ch <- s:
		default:
		}
	}, ch
}

// recv returns the next line from ch, failing after d.
func recv(t *testing.T, ch <-chan string, d time.Duration) string {
	t.Helper()
	select {
	case s := <-ch:
		return s
	case <-time.After(d):
		t.Fatalf("no line within %s", d)
		return ""
	}
}

// waitDone fails t if p is not done within d.
func waitDone(t *testing.T, p *Process, d time.Duration) {
	t.Helper()
	select {
	case <-p.Done():
	case <-time.After(d):
		t.Fatalf("%s still running after %s", p.Name(), d)
	}
}

// startT starts s and stops it at the end of the test.
func startT(t *testing.T, ctx context.Context, s Spec) *Process {
	t.Helper()
	p, err := Start(ctx, s)
	if err != nil {
		t.Fatalf("Start(%s) = %v", s.Name, err)
	}
	t.Cleanup(func() { _ = p.Stop(time.Second) })
	return p
}

// gone reports whether pid no longer runs (absent, or a zombie).
func gone(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] == 'Z' || s[i+2] == 'X'
}

// waitGone fails t unless pid is gone within d: a pidfd of it becomes
// readable when it exits, whoever its parent is.
func waitGone(t *testing.T, pid int, d time.Duration) {
	t.Helper()
	fd, err := unix.PidfdOpen(pid, 0)
	if errors.Is(err, unix.ESRCH) {
		return // gone and reaped already
	}
	if err != nil {
		t.Fatalf("pidfd_open(%d): %v", pid, err)
	}
	defer unix.Close(fd)
	deadline := time.Now().Add(d)
	for {
		ms := max(int(time.Until(deadline)/time.Millisecond), 0)
		n, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, ms)
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case err != nil:
			t.Fatalf("poll pidfd of %d: %v", pid, err)
		case n > 0:
			return
		}
		syscall.Kill(pid, syscall.SIGKILL)
		t.Fatalf("pid %d still alive after %s", pid, d)
	}
}
