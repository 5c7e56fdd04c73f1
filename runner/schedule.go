package runner

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// runAll runs the scenario's targets, one after another or all at once
// (parallel), and gives the harness's own figures; it returns the
// deadline or the interruption that ended the run early, if one did.
func (h *harness) runAll(ctx context.Context) error {
	if h.parallel() {
		h.res.Targets = h.runParallel(ctx)
	} else {
		for i := range h.opts.Scenario.Targets {
			h.res.Targets = append(h.res.Targets, h.runOne(ctx, &h.opts.Scenario.Targets[i]))
		}
	}
	h.res.Harness.RSSPeakBytes = h.selfPeak
	if h.selfN > 0 {
		h.res.Harness.RSSMeanBytes = h.selfSum / h.selfN
	}
	if ctx.Err() != nil {
		if cause := context.Cause(ctx); errors.Is(cause, ErrDeadline) {
			return cause
		}
		return fmt.Errorf("%w: %w", ErrInterrupted, context.Cause(ctx))
	}
	return nil
}

// runOne runs one target, or records that it was not run because the run
// was interrupted first.
func (h *harness) runOne(ctx context.Context, t *scenarios.Target) results.Target {
	if ctx.Err() != nil {
		tr := results.Target{
			Name: t.Name, Role: t.Role, Runtime: t.Runtime, Outcome: results.OutcomeInterrupted,
			OutcomeDetail: "not run: the run was interrupted before this target", Stages: []results.Stage{},
		}
		h.rec.Event(results.RunEvent{Kind: results.EventTargetDone, Target: t.Name, Outcome: tr.Outcome, Detail: tr.OutcomeDetail})
		return tr
	}
	tr := h.runTarget(ctx, t)
	h.rec.Event(results.RunEvent{Kind: results.EventTargetDone, Target: t.Name, AtSeconds: tr.DurationSeconds,
		Outcome: tr.Outcome, Detail: tr.OutcomeDetail})
	return tr
}

// parallel reports whether every target runs at once.
func (h *harness) parallel() bool { return h.opts.Parallel || h.opts.Scenario.Parallel }

// runParallel runs every target at the same time, each in its own cgroup,
// with its own downstream instance following the scenario's timeline and
// its own load, all started together so that the curves share one clock.
// It returns the findings in the scenario's order.
func (h *harness) runParallel(ctx context.Context) []results.Target {
	targets := h.opts.Scenario.Targets
	out := make([]results.Target, len(targets))
	var wg sync.WaitGroup
	for i := range targets {
		wg.Go(func() { out[i] = h.runOne(ctx, &targets[i]) })
	}
	wg.Wait()
	return out
}

// downstreamFor returns the downstream a target sends to: the harness's
// shared one when targets run one after another, else a new instance of
// its own, which the returned close function stops (safe to call once).
func (h *harness) downstreamFor(ctx context.Context, name string) (downstreamer, string, func() error, error) {
	if !h.parallel() {
		return h.down, h.downURL, func() error { return nil }, nil
	}
	d, url, err := h.newDownstream(ctx, name)
	if err != nil {
		return nil, "", nil, err
	}
	return d, url, d.Close, nil
}
