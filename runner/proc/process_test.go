//go:build linux

package proc

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestExit(t *testing.T) {
	tests := []struct {
		name     string
		spec     Spec
		act      func(p *Process) error // after the helper printed "ready", if wait is set
		wait     bool
		cancel   bool // cancel Start's ctx instead of act
		wantCode int  // -1: no code
		wantSig  string
	}{
		{name: "exit 3", spec: helperSpec("exit", "3", "bye"), wantCode: 3},
		{name: "exit 0", spec: helperSpec("exit", "0", "bye"), wantCode: 0},
		{name: "kill", spec: helperSpec("sleep"), wait: true, act: (*Process).Kill, wantCode: -1, wantSig: "SIGKILL"},
		{name: "term", spec: helperSpec("sleep"), wait: true, wantCode: -1, wantSig: "SIGTERM",
			act: func(p *Process) error { return p.Signal(syscall.SIGTERM) }},
		{name: "ctx cancel", spec: helperSpec("sleep"), wait: true, cancel: true, wantCode: -1, wantSig: "SIGTERM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			on, ch := lines()
			tt.spec.OnStdoutLine = on
			p := startT(t, ctx, tt.spec)
			if tt.wait {
				recv(t, ch, 5*time.Second)
			}
			switch {
			case tt.cancel:
				cancel()
			case tt.act != nil:
				if err := tt.act(p); err != nil {
					t.Fatalf("act = %v", err)
				}
			}
			waitDone(t, p, 5*time.Second)
			code, sig := p.Exit()
			got := -1
			if code != nil {
				got = *code
			}
			if got != tt.wantCode || sig != tt.wantSig {
				t.Errorf("Exit() = %d, %q; want %d, %q", got, sig, tt.wantCode, tt.wantSig)
			}
			if err := p.Kill(); !errors.Is(err, os.ErrProcessDone) {
				t.Errorf("Kill() after exit = %v; want os.ErrProcessDone", err)
			}
			if err := p.Stop(time.Second); err != nil {
				t.Errorf("Stop() after exit = %v; want nil", err)
			}
		})
	}
}

func TestExitBeforeDone(t *testing.T) {
	on, ch := lines()
	s := helperSpec("sleep")
	s.OnStdoutLine = on
	p := startT(t, context.Background(), s)
	recv(t, ch, 5*time.Second)
	if code, sig := p.Exit(); code != nil || sig != "" {
		t.Errorf("Exit() while running = %v, %q; want nil, \"\"", code, sig)
	}
	if got := p.ExitString(); got != "running" {
		t.Errorf("ExitString() while running = %q; want running", got)
	}
}

func TestStartErrors(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		want string
	}{
		{name: "empty argv", spec: Spec{Name: "x"}, want: "proc: start x: empty argv"},
		{name: "missing program", spec: Spec{Argv: []string{"/nonexistent/oomlab-target"}}, want: "proc: start oomlab-target:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Start(context.Background(), tt.spec)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("Start() = %v, %v; want error starting %q", p, err, tt.want)
			}
		})
	}
}

func TestStopEscalates(t *testing.T) {
	on, ch := lines()
	s := helperSpec("ignore-term")
	s.OnStdoutLine = on
	p := startT(t, context.Background(), s)
	recv(t, ch, 5*time.Second)
	const grace = 300 * time.Millisecond
	start := time.Now()
	if err := p.Stop(grace); err != nil {
		t.Fatalf("Stop() = %v", err)
	}
	took := time.Since(start)
	if took < grace || took > grace+2*time.Second {
		t.Errorf("Stop(%s) took %s; want between %s and %s", grace, took, grace, grace+2*time.Second)
	}
	if _, sig := p.Exit(); sig != "SIGKILL" {
		t.Errorf("Exit() signal = %q; want SIGKILL", sig)
	}
	if err := p.Stop(grace); err != nil { // again
		t.Errorf("second Stop() = %v; want nil", err)
	}
}

// TestCancelEscalates cancels Start's ctx under a process that ignores
// SIGTERM: WaitDelay later its leader is killed.
func TestCancelEscalates(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	on, ch := lines()
	s := helperSpec("ignore-term")
	s.OnStdoutLine = on
	p := startT(t, ctx, s)
	recv(t, ch, 5*time.Second)
	start := time.Now()
	cancel()
	waitDone(t, p, WaitDelay+2*time.Second)
	if took := time.Since(start); took < WaitDelay {
		t.Errorf("process ignoring SIGTERM ended %s after cancel; want >= %s", took, WaitDelay)
	}
	if _, sig := p.Exit(); sig != "SIGKILL" {
		t.Errorf("Exit() signal = %q; want SIGKILL", sig)
	}
}

func TestStopConcurrent(t *testing.T) {
	on, ch := lines()
	s := helperSpec("ignore-term")
	s.OnStdoutLine = on
	p := startT(t, context.Background(), s)
	recv(t, ch, 5*time.Second)
	errs := make(chan error, 3)
	for range 3 {
		go func() { errs <- p.Stop(100 * time.Millisecond) }()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Errorf("Stop() = %v", err)
		}
	}
}

func TestGroupKill(t *testing.T) {
	tests := []struct {
		name string
		arg  string // helper "child" argument
		stop bool   // Stop the leader; otherwise it exits by itself
	}{
		{name: "stop kills the grandchild", arg: "sleep", stop: true},
		{name: "leader exit kills what it left", arg: "exit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			on, ch := lines()
			s := helperSpec("child", tt.arg)
			s.OnStdoutLine = on
			p := startT(t, context.Background(), s)
			gpid, err := strconv.Atoi(recv(t, ch, 5*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			if tt.stop {
				if err := p.Stop(time.Second); err != nil {
					t.Fatalf("Stop() = %v", err)
				}
			}
			waitDone(t, p, 5*time.Second)
			waitGone(t, gpid, 2*time.Second)
		})
	}
}

// TestEscapedPipeHolder checks that Done is closed even when a descendant
// that left the process group keeps the stderr pipe open.
func TestEscapedPipeHolder(t *testing.T) {
	on, ch := lines()
	s := helperSpec("escape")
	s.OnStdoutLine = on
	p := startT(t, context.Background(), s)
	gpid, err := strconv.Atoi(recv(t, ch, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer waitGone(t, gpid, 2*time.Second)
	defer syscall.Kill(gpid, syscall.SIGKILL)
	waitDone(t, p, readerGrace+2*time.Second)
}

// TestNoOrphan kills an intermediate process with SIGKILL, as if the
// harness itself was killed: the target it started must die with it.
func TestNoOrphan(t *testing.T) {
	on, ch := lines()
	s := helperSpec("intermediate")
	s.OnStdoutLine = on
	p := startT(t, context.Background(), s)
	gpid, err := strconv.Atoi(recv(t, ch, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if gone(gpid) {
		t.Fatalf("grandchild %d not running before the kill", gpid)
	}
	if err := syscall.Kill(p.PID(), syscall.SIGKILL); err != nil { // the leader only
		t.Fatal(err)
	}
	waitGone(t, gpid, 2*time.Second)
	waitDone(t, p, 5*time.Second)
}

func TestStderrFlood(t *testing.T) {
	var n, longest int
	var last string
	s := helperSpec("flood")
	s.OnStderrLine = func(l string) { // one line at a time: no lock needed
		n++
		longest = max(longest, len(l))
		last = l
	}
	p := startT(t, context.Background(), s)
	waitDone(t, p, 20*time.Second)
	if code, _ := p.Exit(); code == nil || *code != 0 {
		t.Fatalf("flood helper: %s", p.ExitString())
	}
	wantN := 3 + 9*1024*1024/1000
	if n != wantN || longest != MaxLineBytes || last != "last" {
		t.Errorf("lines = %d, longest %d, last %q; want %d, %d, \"last\"", n, longest, last, wantN, MaxLineBytes)
	}
	tail := p.StderrTail()
	if len(tail) > TailBytes || strings.Count(tail, "\n") > TailLines || !strings.HasSuffix(tail, "\nlast\n") {
		t.Errorf("StderrTail() = %d bytes, %d lines, ending %q; want <= %d bytes, <= %d lines, ending \"\\nlast\\n\"",
			len(tail), strings.Count(tail, "\n"), tail[max(0, len(tail)-10):], TailBytes, TailLines)
	}
	if got := p.StdoutTail(); got != "" {
		t.Errorf("StdoutTail() = %q; want \"\"", got)
	}
}
