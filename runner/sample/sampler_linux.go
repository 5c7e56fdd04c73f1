//go:build linux

package sample

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/shirou/gopsutil/v4/common"
	"github.com/shirou/gopsutil/v4/process"
)

// New returns a Sampler for process pid. It fails with an error wrapping
// ErrGone when the process does not exist (or is a zombie).
func New(pid int, opts ...Option) (*Sampler, error) {
	if pid <= 0 || pid > 1<<31-1 {
		return nil, fmt.Errorf("sample: invalid pid %d", pid)
	}
	s := &Sampler{pid: pid, procRoot: "/proc", now: time.Now}
	for _, o := range opts {
		o(s)
	}
	s.pidDir = s.procRoot + "/" + strconv.Itoa(pid)
	s.statusPath = statusPath(s.procRoot, pid)
	s.ctx = context.WithValue(context.Background(), common.EnvKey,
		common.EnvMap{common.HostProcEnvKey: s.procRoot})
	// process.NewProcess would check existence by signalling the PID,
	// which a fake tree cannot answer; the /proc directory is the truth.
	s.proc = &process.Process{Pid: int32(pid)}
	if _, err := readStatus(s.statusPath, &s.buf); err != nil {
		return nil, fmt.Errorf("sample: new sampler for pid %d: %w", pid, err)
	}
	return s, nil
}

// Self returns a Sampler for the calling process (the harness's own RSS).
func Self() (*Sampler, error) {
	return New(os.Getpid())
}

// Sample reads the process's figures now. When the process has exited
// the error wraps ErrGone; other errors mean /proc could not be read or
// parsed and are worth reporting.
func (s *Sampler) Sample() (Proc, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	st, err := readStatus(s.statusPath, &s.buf)
	if err != nil {
		return Proc{}, err
	}
	mem, err := s.proc.MemoryInfoWithContext(s.ctx)
	if err != nil {
		return Proc{}, s.wrap("memory", err)
	}
	times, err := s.proc.TimesWithContext(s.ctx)
	if err != nil {
		return Proc{}, s.wrap("cpu times", err)
	}
	now := s.now()
	fds := s.fds
	if s.fdsAt.IsZero() || now.Sub(s.fdsAt) >= FDRefresh {
		n, err := s.proc.NumFDsWithContext(s.ctx)
		if err != nil {
			if !errors.Is(err, fs.ErrPermission) {
				return Proc{}, s.wrap("file descriptors", err)
			}
			n = -1
		}
		fds, s.fds, s.fdsAt = n, n, now
	}

	p := Proc{
		RSSBytes: int64(mem.RSS),
		HWMBytes: st.VmHWM,
		Threads:  int32(st.Threads),
		FDs:      fds,
	}
	// VmHWM is updated lazily by the kernel; never report a peak below
	// the current RSS.
	p.HWMBytes = max(p.HWMBytes, p.RSSBytes)

	cpu := times.User + times.System
	if s.primed {
		if wall := now.Sub(s.lastAt).Seconds(); wall > 0 {
			p.CPUPercent = max(0, (cpu-s.lastCPU)/wall*100)
		}
	}
	s.primed, s.lastCPU, s.lastAt = true, cpu, now
	return p, nil
}

// wrap names the failed read and wraps ErrGone when the process has
// exited meanwhile. Whether it has is decided by reading its status
// again, not from the error: gopsutil's errors do not always say so
// (an empty stat file), and a missing file is not proof on its own.
func (s *Sampler) wrap(what string, err error) error {
	if s.gone() {
		return fmt.Errorf("sample: pid %d: %s: %w (%w)", s.pid, what, ErrGone, err)
	}
	return fmt.Errorf("sample: pid %d: %s: %w", s.pid, what, err)
}

// gone reports whether the process has left /proc or is a zombie.
func (s *Sampler) gone() bool {
	_, err := readStatus(s.statusPath, &s.buf)
	return errors.Is(err, ErrGone)
}

// isGoneErr reports whether a read failed because the process is gone.
func isGoneErr(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ESRCH) ||
		errors.Is(err, process.ErrorProcessNotRunning)
}
