package edge

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/oomlab/oomlab/runner"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// Probe defaults.
const (
	// DefaultProbeDuration is each probe's load: long enough for a climb
	// of 0.5 MiB/s to stand out of a collector's saw-tooth after the
	// warm-up, short enough for a dozen probes in five minutes.
	DefaultProbeDuration = 20 * time.Second
	// WarmUpShare of each probe is left out of the RSS fit: connections,
	// pools and the first requests in flight fill up then.
	WarmUpShare = 0.3
	// probeGrace is added to a probe's load for its deadline.
	probeGrace = 60 * time.Second
)

// SteadyPhase returns the downstream phase in effect when the scenario's
// load ends — the downstream at its slowest in the usual timeline — to be
// applied from a probe's first second to its last. ok is false when no
// phase is in effect then (the downstream answers at once).
func SteadyPhase(sc *scenarios.Scenario) (scenarios.Phase, bool) {
	end := scenarios.Duration(sc.Load.TotalDuration())
	for i := len(sc.Downstream.Phases) - 1; i >= 0; i-- {
		p := sc.Downstream.Phases[i]
		if p.At < end && (p.Duration == 0 || p.At+p.Duration >= end) {
			return p, true
		}
	}
	return scenarios.Phase{}, false
}

// ProbeScenario derives the scenario of one probe from sc: the target
// named, alone, without expectations or restarts; one stage at rate for
// d; the steady downstream phase from t = 0 to the end; no evidence.
func ProbeScenario(sc *scenarios.Scenario, target string, rate float64, d time.Duration) (*scenarios.Scenario, error) {
	i := slices.IndexFunc(sc.Targets, func(t scenarios.Target) bool { return t.Name == target })
	if i < 0 {
		names := make([]string, 0, len(sc.Targets))
		for _, t := range sc.Targets {
			names = append(names, t.Name)
		}
		return nil, fmt.Errorf("edge: scenario %s has no target %q (targets: %v)", sc.Name, target, names)
	}
	if rate <= 0 || rate > scenarios.MaxRate || math.IsNaN(rate) {
		return nil, fmt.Errorf("edge: rate %v out of range (0, %v]", rate, scenarios.MaxRate)
	}
	p := *sc
	t := sc.Targets[i]
	t.Expect = scenarios.Expectation{}
	t.Restart, t.MaxRestarts = scenarios.RestartNever, 0
	p.Targets = []scenarios.Target{t}
	p.Load.Stages = []scenarios.Stage{{Rate: rate, Duration: scenarios.Duration(d)}}
	p.Downstream.Phases = nil
	if ph, ok := SteadyPhase(sc); ok {
		ph.At, ph.Duration = 0, 0
		p.Downstream.Phases = []scenarios.Phase{ph}
	}
	p.Evidence = scenarios.Evidence{Off: true}
	p.Parallel = false
	p.Deadline = scenarios.Duration(d + probeGrace)
	return &p, nil
}

// Runner is the Prober that runs each probe through runner.Run: a fresh
// process in a fresh cgroup, against a fresh downstream, every time.
type Runner struct {
	// Scenario is the scenario whose target and downstream are probed.
	Scenario *scenarios.Scenario
	// Target names the target.
	Target string
	// Criteria judge each probe.
	Criteria results.EdgeCriteria
	// Duration is each probe's load (default DefaultProbeDuration).
	Duration time.Duration
	// Dir receives one folder per probe ("03-12.5rps").
	Dir string
	// Options is the template of every run (Executable, LimitMode,
	// CgroupRoot, Log, Version); Scenario and OutDir are set per probe.
	Options runner.Options
	// OnProbe, if set, is called after each probe (progress).
	OnProbe func(results.EdgeProbe)

	n         int
	limitMode string // as the last probe's results said
}

var _ Prober = (*Runner)(nil)

// Probe runs the target at rate for Duration and judges it. Harness
// failures are errors; what the target did is in the probe.
func (r *Runner) Probe(ctx context.Context, rate float64) (results.EdgeProbe, error) {
	d := r.Duration
	if d <= 0 {
		d = DefaultProbeDuration
	}
	sc, err := ProbeScenario(r.Scenario, r.Target, rate, d)
	if err != nil {
		return results.EdgeProbe{}, err
	}
	r.n++
	name := fmt.Sprintf("%02d-%srps", r.n, rateText(rate))
	opts := r.Options
	opts.Scenario, opts.OutDir = sc, filepath.Join(r.Dir, name)
	res, runErr := runner.Run(ctx, opts)
	if runErr != nil && (res == nil || ctx.Err() != nil) {
		return results.EdgeProbe{}, fmt.Errorf("edge: probe at %s/s: %w", rateText(rate), runErr)
	}
	r.limitMode = res.LimitMode
	if len(res.Targets) != 1 {
		return results.EdgeProbe{}, fmt.Errorf("edge: probe at %s/s: %d targets in the results", rateText(rate), len(res.Targets))
	}
	o, err := observe(opts.OutDir, res, d)
	if err != nil {
		return results.EdgeProbe{}, fmt.Errorf("edge: probe at %s/s: %w", rateText(rate), err)
	}
	p := Judge(r.Criteria, o)
	if t := res.Targets[0]; t.Outcome == results.OutcomeFailedToStart || t.Outcome == results.OutcomeSkipped {
		return p, fmt.Errorf("edge: probe at %s/s: %s %s: %s", rateText(rate), r.Target, t.Outcome, t.Error)
	}
	p.RatePerSecond = rate
	p.Dir = filepath.Base(opts.OutDir)
	if r.OnProbe != nil {
		r.OnProbe(p)
	}
	return p, nil
}

// observe reads what Judge needs from a probe's run: its RSS samples
// after the warm-up (samples.csv) and its one stage.
func observe(dir string, res *results.Results, d time.Duration) (Observed, error) {
	t := res.Targets[0]
	o := Observed{Outcome: t.Outcome, RSSPeakBytes: t.RSSPeakBytes, LimitBytes: res.MemoryLimitBytes, GoodputRatio: t.Downstream.GoodputRatio}
	if len(t.Stages) > 0 {
		o.Stage = t.Stages[0]
	}
	f, err := os.Open(filepath.Join(dir, results.SamplesFile))
	if err != nil {
		return o, err
	}
	defer f.Close()
	from := WarmUpShare * d.Seconds()
	err = results.ReadSamples(f, func(row results.SampleRow) error {
		if row.Target == t.Name && row.TSeconds >= from && row.RSSBytes > 0 {
			o.T = append(o.T, row.TSeconds)
			o.RSSBytes = append(o.RSSBytes, float64(row.RSSBytes))
		}
		return nil
	})
	if err != nil && !errors.Is(err, context.Canceled) {
		return o, err
	}
	return o, nil
}
