package runner

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/oomlab/oomlab/runner/results"
)

// ErrPanic is returned (wrapped) when the harness itself panicked during
// the run: a bug in oomlab. The targets were stopped, their cgroups
// removed and the results collected so far written, marked partial.
var ErrPanic = errors.New("runner: internal error (panic)")

// panics is the harness's record of a panic while targets ran: the first
// one, and how to stop the rest of the run.
type panics struct {
	mu     sync.Mutex
	first  error
	cancel context.CancelCauseFunc
}

// runAllRecovered is runAll with the top-level recover. A panic while a
// target runs is caught by that target's runTarget (cleanupOnPanic: its
// process group ended, its cgroup removed, its result kept) and stops the
// whole run; a panic elsewhere on the run's goroutine is caught here.
// Either way it returns an error wrapping ErrPanic, and Run closes the
// harness and writes the partial results as for any error.
func (h *harness) runAllRecovered(ctx context.Context) (err error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	h.panics.mu.Lock()
	h.panics.cancel = cancel
	h.panics.mu.Unlock()
	defer func() {
		if v := recover(); v != nil {
			h.notePanic(v)
		}
		h.panics.mu.Lock()
		defer h.panics.mu.Unlock()
		if h.panics.first != nil {
			err = h.panics.first
		}
	}()
	return h.runAll(ctx)
}

// notePanic logs a recovered panic with its stack, keeps the first, and
// cancels the run.
func (h *harness) notePanic(v any) {
	fmt.Fprintf(h.opts.Log, "oomlab: internal error: %v\n%s", v, debug.Stack())
	h.panics.mu.Lock()
	defer h.panics.mu.Unlock()
	if h.panics.first == nil {
		h.panics.first = fmt.Errorf("%w: %v", ErrPanic, v)
	}
	if h.panics.cancel != nil {
		h.panics.cancel(h.panics.first)
	}
}

// guardLines wraps a callback that reads a target's output lines (on a
// goroutine of proc's, not the run's): a panic in it — a parser's fault on
// what the target printed — stops the run as any harness panic does,
// instead of ending the process with its targets' cgroups left and its
// results unwritten. The lines after it are dropped. nil stays nil.
func (h *harness) guardLines(fn func(string)) func(string) {
	if fn == nil {
		return nil
	}
	var failed atomic.Bool
	return func(line string) {
		if failed.Load() {
			return
		}
		defer func() {
			if v := recover(); v != nil {
				failed.Store(true)
				h.notePanic(v)
			}
		}()
		fn(line)
	}
}

// cleanupOnPanic, deferred by runTarget, recovers a panic while the
// target runs: it ends the target's process group, removes its cgroup,
// records the target as interrupted in *tr and stops the run.
func (r *targetRun) cleanupOnPanic(tr *results.Target) {
	v := recover()
	if v == nil {
		return
	}
	r.h.notePanic(v)
	r.cleanup()
	r.res.Outcome = results.OutcomeInterrupted
	r.res.OutcomeDetail = fmt.Sprintf("the harness failed while this target ran (internal error: %v)", v)
	if r.p != nil {
		r.res.StderrTail = r.p.StderrTail()
		r.res.Exit.Code, r.res.Exit.Signal = r.p.Exit()
		r.res.Exit.ByHarness = true
	}
	*tr = r.res
}
