package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/sys/unix"
)

// notifyContext returns a context cancelled by the first SIGINT, SIGTERM
// or SIGHUP (a closed terminal or SSH session), or by SIGPIPE when it
// comes from a closed stdout or stderr (`oomlab run … | head -1`): the run
// then stops its load and targets, removes its cgroups and writes a
// partial results.json, and main exits 130. A second SIGINT, SIGTERM or
// SIGHUP exits at once (targets die with the harness by Pdeathsig, and
// the next run removes any cgroup left behind).
//
// A SIGPIPE from a socket — a target that died while a request was being
// written, a daily event in oomlab — is not an interrupt: the write fails
// with EPIPE and the death is a finding. Telling the two apart is
// brokenStdio's job.
func notifyContext() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGPIPE)
	go watchStdout(ctx, ch)
	go func() {
		first := true
		for sig := range ch {
			switch {
			case sig == syscall.SIGPIPE && (!first || !brokenStdio()):
				continue
			case sig == syscall.SIGPIPE || sig == stdoutClosed{}:
				if !first {
					continue
				}
				sig = stdoutClosed{}
			}
			if !first {
				os.Exit(exitInterrupted)
			}
			first = false
			fmt.Fprintf(os.Stderr, "\noomlab: %v: stopping the load and the targets, writing what was collected (again to quit at once)\n", sig)
			cancel(fmt.Errorf("%v", sig))
		}
	}()
	return ctx, func() { signal.Stop(ch); cancel(nil) }
}

// stdoutClosed names the interrupt a SIGPIPE on stdout or stderr stands for.
type stdoutClosed struct{}

func (stdoutClosed) String() string { return "broken pipe: stdout or stderr was closed" }
func (stdoutClosed) Signal()        {}

// watchStdout sends stdoutClosed{} on ch when stdout is a pipe or socket
// whose reader goes away, without waiting for the next write to fail:
// `oomlab run … | head -1` stops the run as soon as head exits. It
// returns when ctx ends, or at once when stdout is a terminal or a file.
func watchStdout(ctx context.Context, ch chan<- os.Signal) {
	var st unix.Stat_t
	if unix.Fstat(1, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFIFO && st.Mode&unix.S_IFMT != unix.S_IFSOCK {
		return
	}
	for ctx.Err() == nil {
		// POLLERR and POLLHUP are reported without being asked for.
		fds := []unix.PollFd{{Fd: 1}}
		if n, err := unix.Poll(fds, 250); err != nil && err != unix.EINTR {
			return
		} else if n > 0 && fds[0].Revents&(unix.POLLERR|unix.POLLHUP) != 0 {
			ch <- stdoutClosed{}
			return
		}
	}
}

// brokenStdio reports whether stdout or stderr is a pipe or socket whose
// reader has gone: poll reports POLLERR (or POLLHUP) on its write end.
func brokenStdio() bool {
	fds := []unix.PollFd{{Fd: 1, Events: unix.POLLOUT}, {Fd: 2, Events: unix.POLLOUT}}
	if _, err := unix.Poll(fds, 0); err != nil {
		return false
	}
	for _, f := range fds {
		if f.Revents&(unix.POLLERR|unix.POLLHUP) != 0 {
			return true
		}
	}
	return false
}
