package runner

import (
	"context"
	"io"
	"sync"

	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

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

// headerResults is results.json as written when the run starts: the
// schedule, the environment and the targets planned, marked partial until
// the final results replace it. A harness killed mid-run leaves this.
func headerResults(res *results.Results, sc *scenarios.Scenario) *results.Results {
	hdr := *res
	hdr.Files = map[string]string{"samples": results.SamplesFile, "load": results.LoadFile}
	hdr.Partial = true
	hdr.PartialReason = "the run had not finished when this was written (still running, or the harness was killed)"
	hdr.Targets = make([]results.Target, 0, len(sc.Targets))
	for _, t := range sc.Targets {
		hdr.Targets = append(hdr.Targets, results.Target{
			Name: t.Name, Role: t.Role, Runtime: t.Runtime, Command: []string{}, Outcome: results.OutcomeInterrupted,
			OutcomeDetail: "not finished when results.json was last written", Stages: []results.Stage{}, Events: []results.Event{},
		})
	}
	return &hdr
}

// runInfo is what live recorders learn when the run starts.
func runInfo(res *results.Results, sc *scenarios.Scenario, parallel bool) results.RunInfo {
	info := results.RunInfo{
		Scenario: res.Scenario, MemoryLimitBytes: res.MemoryLimitBytes, LimitMode: res.LimitMode, Parallel: parallel,
		StartedAt: res.StartedAt, Stages: res.Stages, Phases: res.Phases,
	}
	for _, t := range sc.Targets {
		info.Targets = append(info.Targets, results.TargetInfo{Name: t.Name, Role: t.Role, Runtime: t.Runtime})
	}
	return info
}

// spanIndex returns the index of the span holding t (start ≤ t < end),
// the last span once t has passed them all, or -1 before the first.
func spanIndex(n int, start, end func(int) float64, t float64) int {
	idx := -1
	for i := range n {
		if t >= start(i) {
			idx = i
		}
		if t < end(i) && t >= start(i) {
			return i
		}
	}
	return idx
}

// lockedWriter serialises writes: targets running in parallel log to the
// same writer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
