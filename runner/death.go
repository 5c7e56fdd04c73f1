package runner

import (
	"context"
	"fmt"

	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// died handles the end of the current process and reports whether the
// target runs again. When ctx ended, the process was stopped for us
// (exec's Cancel sends SIGTERM to the group): not a death.
func (r *targetRun) died(ctx context.Context) bool {
	if ctx.Err() != nil {
		r.stopped = true
		return false
	}
	if r.killedBy == killNone {
		r.killedAt = r.elapsed()
	}
	return r.recordDeath(ctx)
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
	d.Cgroup = r.mon.death()
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
			r.h.rec.Event(results.RunEvent{Kind: results.EventRestart, Target: r.t.Name, AtSeconds: r.elapsed().Seconds(),
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
	res.StoppedEarly = r.mon.stoppedEarly()
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
			if es := res.StoppedEarly; es != nil {
				res.OutcomeDetail = fmt.Sprintf("alive when --fast stopped the load at %.1f s of %.0f s (%s); stopped by the harness",
					es.AtSeconds, es.LoadSeconds, es.Reason)
			}
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
