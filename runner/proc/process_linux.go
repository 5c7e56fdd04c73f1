package proc

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Start starts s.Argv in its own process group and returns at once; use
// WaitReady to wait for it to listen. The process is bound to ctx: when ctx
// is done its group is sent SIGTERM and, WaitDelay later, its leader
// SIGKILL. It is also sent SIGKILL by the kernel if the harness dies
// (Pdeathsig), and whatever is left in its group when its leader exits is
// killed. The caller must eventually see Done closed (by the process
// exiting, Stop, Kill or ctx); stdin is /dev/null.
//
// Pdeathsig belongs to the thread that forked the child, not to the
// harness process (golang/go#27505): the child is killed when that thread
// exits. The Go runtime only ends a thread when a goroutine exits while
// locked to it, so Start forks from a fresh goroutine that locks its thread
// for the fork and unlocks it afterwards: the forking thread is then an
// ordinary pooled thread that lives as long as the harness, whatever the
// caller's goroutine does later.
func Start(ctx context.Context, s Spec) (*Process, error) {
	name := s.name()
	if len(s.Argv) == 0 || s.Argv[0] == "" {
		return nil, fmt.Errorf("proc: start %s: empty argv", name)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("proc: start %s: stdout pipe: %w", name, err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return nil, fmt.Errorf("proc: start %s: stderr pipe: %w", name, err)
	}
	p := &Process{name: name, done: make(chan struct{})}
	cmd := exec.CommandContext(ctx, s.Argv[0], s.Argv[1:]...)
	cmd.Env = s.Env
	cmd.Dir = s.Dir
	cmd.Stdout = outW // *os.File: passed as is, no copying goroutine
	cmd.Stderr = errW
	death := s.DeathSignal
	if death == 0 {
		death = syscall.SIGKILL
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: death}
	cmd.Cancel = func() error { return p.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = WaitDelay
	p.cmd = cmd

	// p.mu is held until pid is set: Cancel may run as soon as the
	// process has started.
	p.mu.Lock()
	err = startLocked(cmd)
	if err == nil {
		p.pid = cmd.Process.Pid
	}
	p.mu.Unlock()
	outW.Close()
	errW.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		return nil, fmt.Errorf("proc: start %s: %w", name, err)
	}

	var readers sync.WaitGroup
	readers.Add(2)
	go func() {
		defer readers.Done()
		readLines(errR, &p.stderr, s.OnStderrLine)
	}()
	go func() {
		defer readers.Done()
		readLines(outR, &p.stdout, s.OnStdoutLine)
	}()
	go p.wait(&readers, outR, errR)
	return p, nil
}

// startLocked runs cmd.Start on a fresh goroutine locked to its thread
// (see Start about Pdeathsig).
func startLocked(cmd *exec.Cmd) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		errc <- cmd.Start()
	}()
	return <-errc
}

// wait is the only waiter of p's leader. It first waits without reaping,
// so that the pid (the group id) stays reserved while the group is killed,
// then reaps with cmd.Wait, lets the readers drain and closes Done.
func (p *Process) wait(readers *sync.WaitGroup, pipes ...*os.File) {
	defer close(p.done)
	waitExitedNoReap(p.pid)
	p.mu.Lock()
	p.exited = true
	_ = syscall.Kill(-p.pid, syscall.SIGKILL) // leftovers of the group, if any
	p.mu.Unlock()

	_ = p.cmd.Wait() // the status is read from ProcessState below
	if st := p.cmd.ProcessState; st != nil {
		p.mu.Lock()
		if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			p.signal = unix.SignalName(ws.Signal())
		} else {
			c := st.ExitCode()
			p.code = &c
		}
		p.mu.Unlock()
	}

	finished := make(chan struct{})
	go func() {
		readers.Wait()
		close(finished)
	}()
	t := time.NewTimer(readerGrace)
	defer t.Stop()
	select {
	case <-finished:
	case <-t.C:
		for _, f := range pipes {
			f.Close() // unblocks the readers
		}
		<-finished
	}
	for _, f := range pipes {
		f.Close()
	}
}

// waitExitedNoReap blocks until pid has exited, leaving it a zombie.
func waitExitedNoReap(pid int) {
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if !errors.Is(err, unix.EINTR) {
			return
		}
	}
}

// Signal sends sig to the process group. It returns an error wrapping
// os.ErrProcessDone once the leader has exited.
func (p *Process) Signal(sig os.Signal) error {
	s, ok := sig.(syscall.Signal)
	if !ok {
		return fmt.Errorf("proc: signal %s: unsupported signal %v", p.name, sig)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.exited {
		return fmt.Errorf("proc: signal %s: %w", p.name, os.ErrProcessDone)
	}
	if p.pid <= 0 { // never: kill(-0) would signal the harness's own group
		return fmt.Errorf("proc: signal %s: process not started", p.name)
	}
	if err := syscall.Kill(-p.pid, s); err != nil {
		if errors.Is(err, syscall.ESRCH) {
			err = os.ErrProcessDone
		}
		return fmt.Errorf("proc: signal %s %s: %w", p.name, unix.SignalName(s), err)
	}
	return nil
}
