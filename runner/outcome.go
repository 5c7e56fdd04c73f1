package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"

	"github.com/oomlab/oomlab/fixtures"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// errSkip marks a target that cannot run on this machine (node missing).
var errSkip = errors.New("skipped")

// targetArgv resolves what to execute for a target: a built-in Go fixture
// re-executes the oomlab binary, a built-in Node.js fixture is written to a
// temporary directory and run with node, a command runs as given.
func (h *harness) targetArgv(t *scenarios.Target) ([]string, error) {
	switch {
	case len(t.Command) > 0:
		return append([]string(nil), t.Command...), nil
	case t.Runtime == "node":
		if _, ok := fixtures.NodeScript(t.Builtin); !ok {
			return nil, fmt.Errorf("runner: no built-in Node.js target %q", t.Builtin)
		}
		node := h.opts.Node
		if node == "" {
			node = "node"
		}
		path, err := exec.LookPath(node)
		if err != nil {
			return nil, fmt.Errorf("%w: node is not installed (%v), so the Node.js target %s cannot run", errSkip, err, t.Name)
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.tmpDir == "" {
			if h.tmpDir, err = os.MkdirTemp("", "oomlab-fixtures-"); err != nil {
				return nil, fmt.Errorf("runner: %w", err)
			}
		}
		file, err := fixtures.WriteNode(h.tmpDir, t.Builtin) // the script and the module it requires
		if err != nil {
			return nil, fmt.Errorf("runner: %w", err)
		}
		if err := h.nodeModules(t.Builtin); err != nil {
			return nil, err
		}
		return []string{path, file}, nil
	default:
		return []string{h.opts.Executable, "fixture", t.Builtin}, nil
	}
}

// cleanup ends the target's process group and removes its cgroup. It is
// safe to call in every state, more than once.
func (r *targetRun) cleanup() {
	if r.p != nil {
		select {
		case <-r.p.Done():
		default:
			r.stopped = true
			r.p.Stop(stopGrace)
		}
	}
	r.evidenceFinish()
	if r.group != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.group.Remove(ctx); err != nil {
			fmt.Fprintf(r.h.opts.Log, "  warning: %v\n", err)
		}
	}
}

// recordDeath classifies the death of the current process from how it
// ended and what the cgroup counted since it started, records it, and
// starts the target again when its restart policy allows. It reports
// whether the target runs again.
func (r *targetRun) recordDeath(ctx context.Context) bool {
	code, sig := r.p.Exit()
	d := death{
		At: r.killedAt, Exit: results.Exit{Code: code, Signal: sig}, KilledBy: r.killedBy,
		Signs: r.signs.Lines(), Tail: r.p.StderrTail(),
		Limit: int64(r.h.opts.Scenario.MemoryLimit), StallWindow: r.h.opts.StallWindow,
	}
	if r.group != nil {
		d.Cgroup = &cgroupDelta{Mode: r.group.Mode(), FailTotal: r.mon.failCount()}
		if st, err := r.group.Stats(); err == nil {
			d.Cgroup.OOMKills, d.Cgroup.Fails = st.OOMKills-r.oomBase, st.FailCount-r.failBase
			r.mon.counted(st)
			d.Cgroup.FailTotal = st.FailCount
		}
	}
	ev := classify(d)
	r.res.StderrTail = r.p.StderrTail()
	r.stopped = r.killedBy == killWatchdog || r.killedBy == killStall // the harness's kill is not the process's own exit
	r.killedBy = killNone
	r.mon.released()
	fmt.Fprintf(r.h.opts.Log, "  %s %s: %s\n", r.t.Name, ev.Outcome, ev.Detail)
	r.h.rec.Event(results.RunEvent{Kind: results.EventDeath, Target: r.t.Name, AtSeconds: ev.AtSeconds, Outcome: ev.Outcome,
		Mechanism: ev.Mechanism, Detail: ev.Detail})
	if r.t.Restart == scenarios.RestartOnFailure && r.res.Restarts < r.t.MaxRestarts && ctx.Err() == nil {
		if err := r.launch(ctx); err != nil {
			fmt.Fprintf(r.h.opts.Log, "  restart failed: %v\n", err)
		} else {
			ev.Restarted = true
			r.stopped = false
			r.res.Restarts++
			fmt.Fprintf(r.h.opts.Log, "  restarted (%d of at most %d)\n", r.res.Restarts, r.t.MaxRestarts)
			r.h.rec.Event(results.RunEvent{Kind: results.EventRestart, Target: r.t.Name, AtSeconds: time.Since(r.t0).Seconds(),
				Detail: fmt.Sprintf("restarted (%d of at most %d)", r.res.Restarts, r.t.MaxRestarts)})
		}
	}
	r.deaths = append(r.deaths, ev)
	return ev.Restarted
}

// finish fills in the outcome — the first death under load decides it,
// else whether the load ended or was interrupted — and the summary figures.
func (r *targetRun) finish(ctx context.Context) {
	res := &r.res
	if tail := r.p.StderrTail(); tail != "" {
		res.StderrTail = tail
	}
	res.Exit.Code, res.Exit.Signal = r.p.Exit()
	res.Exit.ByHarness = r.stopped
	r.mon.figures(res)
	res.Events = append([]results.Event{}, r.deaths...)
	if cut, _ := r.mon.forecasts(); cut != nil && len(r.deaths) == 0 {
		r.finishForecast()
		return
	}
	if len(r.deaths) == 0 {
		if ctx.Err() != nil && r.res.DurationSeconds < r.h.opts.Scenario.Load.TotalDuration().Seconds() {
			res.Outcome, res.OutcomeDetail = results.OutcomeInterrupted, "the run was interrupted while this target was under load"
		} else if ev, ok := survivorHeapLimit(r.signs, r.t0); ok {
			res.Outcome, res.OutcomeDetail, res.OOMAtSeconds = ev.Outcome, ev.Detail, &ev.AtSeconds
		} else {
			res.Outcome, res.OutcomeDetail = results.OutcomeSurvived, "alive at the end of the load; stopped by the harness"
			r.keepForecast()
		}
		return
	}
	first := r.deaths[0]
	at := first.AtSeconds
	res.Outcome, res.OutcomeDetail, res.OOMAtSeconds = first.Outcome, first.Detail, &at
	if first.Mechanism != "" {
		res.OOMMechanism = ptr(first.Mechanism)
	}
	res.OOMKilled = first.Outcome == results.OutcomeOOMKilled
	if n := len(r.deaths); n > 1 || r.res.Restarts > 0 {
		res.OutcomeDetail += fmt.Sprintf("; died %d times under load, restarted %d times", n, r.res.Restarts)
	}
}

func exitText(e results.Exit) string {
	switch {
	case e.Signal != "":
		return "signal " + e.Signal
	case e.Code != nil:
		return fmt.Sprintf("exit code %d", *e.Code)
	}
	return "unknown exit"
}

func orNone(s string) string {
	if s == "" {
		return "no signal"
	}
	return s
}

func ptr[T any](v T) *T { return &v }

// mib formats bytes as MiB with one decimal.
func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
