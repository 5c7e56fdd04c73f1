package sample

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/shirou/gopsutil/v4/process"
)

// ErrGone is wrapped by the errors of a Sampler or ReadStatus whose
// process has exited (reaped or zombie). Callers test it with errors.Is.
var ErrGone = errors.New("process is gone")

// Proc is one sample of one process.
type Proc struct {
	// RSSBytes is the resident set size now.
	RSSBytes int64
	// HWMBytes is the peak resident set size since the process started
	// (VmHWM), which catches peaks between two samples.
	HWMBytes int64
	// CPUPercent is the CPU time used (user + system) since the previous
	// sample ÷ the wall time between them × 100: 100 is one core busy,
	// 200 two. The first sample of a Sampler reports 0. The kernel counts
	// CPU time in ticks of 10 ms (USER_HZ = 100), so over a 100 ms
	// interval the figure moves in steps of 10.
	CPUPercent float64
	// Threads is the number of threads.
	Threads int32
	// FDs is the number of open file descriptors, -1 when they cannot be
	// listed (another user's process when not root). It is refreshed at
	// most once per FDRefresh and repeated in between: counting means
	// listing /proc/PID/fd, and a server holding thousands of connections
	// makes that milliseconds a sample (19 ms for 9,000 descriptors here).
	FDs int32
}

// Option tunes a Sampler from code.
type Option func(*Sampler)

// WithProcRoot reads every /proc file under dir instead of "/proc";
// tests point it at fake trees.
func WithProcRoot(dir string) Option {
	return func(s *Sampler) { s.procRoot = dir }
}

// Sampler samples one process. Sample is safe to call from several
// goroutines, but the CPU figure is "since the previous call", so one
// owner calling it on a ticker is what makes sense. A Sampler holds no
// open files and needs no closing.
type Sampler struct {
	pid      int
	procRoot string

	mu         sync.Mutex
	ctx        context.Context // carries procRoot to gopsutil
	proc       *process.Process
	pidDir     string
	statusPath string
	buf        []byte
	now        func() time.Time // time.Now; tests replace it
	primed     bool
	lastCPU    float64 // seconds of user + system time
	lastAt     time.Time
	fds        int32     // the descriptor count last listed
	fdsAt      time.Time // when; zero before the first listing
}

// FDRefresh is how often a Sampler lists a process's descriptors; the
// samples in between repeat the last count.
const FDRefresh = time.Second

// PID returns the process the Sampler reads.
func (s *Sampler) PID() int { return s.pid }
