package proc

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// WaitDelay is how long a process gets after SIGTERM, sent to its group
// when Start's ctx is done, before its leader is sent SIGKILL (and, once
// the leader is gone, the rest of its group).
const WaitDelay = 3 * time.Second

// readerGrace bounds the wait for the output readers after the process
// group has been killed: something that left the group (setsid) may still
// hold the pipes open; past this grace they are closed under it.
const readerGrace = time.Second

// The signals Stop sends.
var (
	sigTerm os.Signal = syscall.SIGTERM
	sigKill os.Signal = syscall.SIGKILL
)

// ErrUnsupported is returned by Start on platforms other than Linux.
var ErrUnsupported = errors.New("proc: target processes need linux (process groups and Pdeathsig)")

// Spec describes a process to start.
type Spec struct {
	// Name labels the process in errors; empty means the base name of Argv[0].
	Name string
	// Argv is the program and its arguments, run without a shell.
	Argv []string
	// Env is the full environment; nil means the harness's own.
	Env []string
	// Dir is the working directory; empty means the harness's.
	Dir string
	// OnStderrLine and OnStdoutLine, when set, receive each output line
	// (without its newline, cut to MaxLineBytes). They run on the reader
	// goroutines, one line at a time per stream, and must not block for
	// long: the target blocks once its pipe is full.
	OnStderrLine func(string)
	OnStdoutLine func(string)
	// DeathSignal is sent to the process when the harness dies (Pdeathsig);
	// 0 means SIGKILL. A guard that must clean up after itself (a
	// throwaway database's directory) asks for SIGTERM.
	DeathSignal syscall.Signal
}

func (s Spec) name() string {
	if s.Name != "" {
		return s.Name
	}
	if len(s.Argv) > 0 {
		return filepath.Base(s.Argv[0])
	}
	return "process"
}

// Process is a started target. Its leader is waited for by a goroutine the
// Process owns; Done is closed once the leader has exited, the rest of its
// group has been killed and its output has been read. Callers never Wait.
// All methods are safe for concurrent use.
type Process struct {
	name   string
	cmd    *exec.Cmd
	pid    int
	done   chan struct{}
	stderr tail
	stdout tail

	mu     sync.Mutex
	exited bool // the leader has exited: its group may no longer be signalled
	code   *int
	signal string
}

// PID returns the process id of the leader, which is also its group id.
func (p *Process) PID() int { return p.pid }

// Name returns Spec.Name, or the base name of the program.
func (p *Process) Name() string { return p.name }

// Done returns a channel closed after the process has exited, the rest of
// its process group has been killed and both output readers have finished.
func (p *Process) Done() <-chan struct{} { return p.done }

// Exit returns how the process ended: its exit code, or the name of the
// signal that killed it ("SIGKILL") with a nil code. Both are zero values
// until Done is closed.
func (p *Process) Exit() (code *int, signal string) {
	select {
	case <-p.done:
	default:
		return nil, ""
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.code != nil {
		c := *p.code
		code = &c
	}
	return code, p.signal
}

// ExitString describes how the process ended ("exit status 2", "killed by
// SIGKILL"), or "running" before Done is closed.
func (p *Process) ExitString() string {
	select {
	case <-p.done:
	default:
		return "running"
	}
	code, sig := p.Exit()
	switch {
	case sig != "":
		return "killed by " + sig
	case code != nil:
		return "exit status " + strconv.Itoa(*code)
	default:
		return "exit status unknown"
	}
}

// StderrTail returns the last lines written to stderr: at most TailLines
// lines and TailBytes bytes, each line ended by "\n".
func (p *Process) StderrTail() string { return p.stderr.String() }

// StdoutTail is StderrTail for stdout, kept separately.
func (p *Process) StdoutTail() string { return p.stdout.String() }

// Kill sends SIGKILL to the process group. It returns an error wrapping
// os.ErrProcessDone when the leader has already exited.
func (p *Process) Kill() error { return p.Signal(sigKill) }

// Stop sends SIGTERM to the process group, waits up to grace for the
// process to exit, then sends SIGKILL to the group and waits for Done.
// It is safe to call repeatedly, concurrently and after the process has
// exited (it then returns nil at once).
func (p *Process) Stop(grace time.Duration) error {
	select {
	case <-p.done:
		return nil
	default:
	}
	if err := p.Signal(sigTerm); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-p.done:
		return nil
	case <-t.C:
	}
	if err := p.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	<-p.done
	return nil
}

// earlyExitGrace is how long ExitedEarly waits for a process that is
// already gone to be reaped and its output read.
const earlyExitGrace = 2 * time.Second

// ExitedEarly explains err, met while setting up a process just started
// (moving it into its cgroup, opening its sampler), by how the process
// ended when it has exited: its exit status and the tail of its stderr,
// not the setup step's "process is gone". While the process runs it
// returns err unchanged.
func (p *Process) ExitedEarly(err error) error {
	t := time.NewTimer(earlyExitGrace)
	defer t.Stop()
	if !p.zombie() {
		return err
	}
	select {
	case <-p.done:
	case <-t.C:
		return err
	}
	return fmt.Errorf("proc: %s exited at once (%s); stderr tail:\n%s", p.name, p.ExitString(), p.StderrTail())
}

// zombie reports whether the leader has exited (reaped or not yet).
func (p *Process) zombie() bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(p.pid) + "/stat")
	if err != nil {
		return true
	}
	i := bytes.LastIndexByte(b, ')')
	return i < 0 || i+2 >= len(b) || b[i+2] == 'Z' || b[i+2] == 'X'
}
