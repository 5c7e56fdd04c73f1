package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/oomlab/oomlab/report"
	"github.com/oomlab/oomlab/report/plot"
	"github.com/oomlab/oomlab/runner"
	"github.com/oomlab/oomlab/runner/edge"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

type edgeFlags struct {
	targets        []string
	out            string
	probe          time.Duration
	startRate      float64
	maxRate        float64
	resolution     float64
	maxProbes      int
	behindRetries  int
	maxSlope       float64
	minTimeToLimit time.Duration
	minSuccess     float64
	minGoodput     float64
	maxP95         time.Duration
	memoryLimit    string
	limitMode      string
	quiet          bool
}

func newEdgeCmd() *cobra.Command {
	var f edgeFlags
	cmd := &cobra.Command{
		Use:   "edge FILE|NAME --target NAME [--target NAME]",
		Short: "Find the highest constant rate a target holds under the scenario's downstream",
		Long: `Edge searches a target's breaking point: the highest constant rate it holds
under the scenario's downstream — the phase in effect when the scenario's load
ends, applied from the first second — with short probes, each a fresh process in
a fresh cgroup: doubling from --start-rate until a probe fails, then bisecting
until the bracket is within --resolution, then the edge once more.

A probe where the load generator fell behind (it could not send the rate, or
lagged its schedule by over a second) is load-generator bound: no evidence that
the target held or failed. It is run again (--behind-retries); if the generator
still cannot offer the rate, the search stops there. A target that holds every
rate judged gets a lower bound, not an edge: "holds ≥ R/s", R being the highest
rate offered in full, or the search's ceiling --max-rate. The default ceiling is
the largest start × 2ᵏ within an eighth of the load generator's ceiling measured
on a 2-core machine for the scenario's body size (15000 requests/s, 1.4 GiB/s of
body): 160/s for upload-proxy's 1 MiB bodies. Beyond it a generator on the same
two cores as the target falls behind too often to be judged; raise it on a
bigger or quieter machine.

A target holds a rate when it survives the probe; its RSS after the warm-up
(the first 30 %) is not growing by the verdict's own rule (--max-slope as its
growth threshold), nor reaches the limit within --min-time-to-limit at its slope; at least --min-success of its answers
are 2xx, or the downstream is kept --min-goodput busy (a target that sheds only
what the downstream cannot take holds); and its p95 is under --max-p95.

Writes edge.json, edge.png and edge.svg (rate → RSS slope, successes/s, p95,
the edge marked) and one run folder per probe to --out. With a naive and an
aware target, says how many times the load the aware one holds.`,
		Example: `  oomlab edge upload-proxy --target upload-naive --target upload-aware
  oomlab edge my.yaml --target mine --probe 30s --max-p95 2s`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runEdge(cmd, args[0], f) },
	}
	fl := cmd.Flags()
	d := edge.DefaultCriteria()
	fl.StringArrayVar(&f.targets, "target", nil, "a target of the scenario to search (repeatable; required)")
	fl.StringVarP(&f.out, "out", "o", "", "output directory (default oomlab-out/edge-<scenario>-<time>)")
	fl.DurationVar(&f.probe, "probe", edge.DefaultProbeDuration, "load duration of each probe")
	fl.Float64Var(&f.startRate, "start-rate", 0, "first rate probed, requests/s (default: the scenario's first stage)")
	fl.Float64Var(&f.maxRate, "max-rate", 0, "the search's ceiling, requests/s (default: derived from the load generator's ceiling for the body size)")
	fl.Float64Var(&f.resolution, "resolution", edge.DefaultResolution, "stop bisecting when (failed − held) ÷ held is at most this")
	fl.IntVar(&f.maxProbes, "max-probes", edge.DefaultMaxProbes, "at most this many probes per target")
	fl.IntVar(&f.behindRetries, "behind-retries", edge.DefaultBehindRetries, "probe a rate this many more times when the load generator fell behind on it")
	fl.Float64Var(&f.maxSlope, "max-slope", d.MaxSlopeMiBPerSec, "largest RSS slope that holds, MiB/s")
	fl.DurationVar(&f.minTimeToLimit, "min-time-to-limit", edge.DefaultMinTimeToLimit, "shortest forecast time to the memory limit that holds")
	fl.Float64Var(&f.minSuccess, "min-success", d.MinSuccessRatio, "success floor: share of 2xx answers (0..1)")
	fl.Float64Var(&f.minGoodput, "min-goodput", d.MinGoodputRatio, "or goodput floor: share of the downstream's capacity kept busy (0..1)")
	fl.DurationVar(&f.maxP95, "max-p95", edge.DefaultMaxP95, "p95 latency ceiling")
	fl.StringVar(&f.memoryLimit, "memory-limit", "", "override the scenario's memory limit (\"256MiB\")")
	fl.StringVar(&f.limitMode, "limit-mode", runner.LimitAuto, "how the memory limit is enforced: auto, cgroup or watchdog")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print only the summary")
	return cmd
}

// check reports the first flag out of range, as a usage error.
func (f edgeFlags) check(cmd *cobra.Command) error {
	switch {
	case len(f.targets) == 0:
		return usage(cmd, "--target: name at least one target of the scenario")
	case f.probe < 3*time.Second || f.probe > time.Hour:
		return usage(cmd, "--probe %s: want 3s to 1h", f.probe)
	case f.startRate < 0 || f.maxRate < 0 || f.maxRate > scenarios.MaxRate || f.startRate > scenarios.MaxRate:
		return usage(cmd, "--start-rate/--max-rate: want rates in (0, %v]", scenarios.MaxRate)
	case f.resolution <= 0 || f.resolution >= 1:
		return usage(cmd, "--resolution %v: want a share between 0 and 1", f.resolution)
	case f.maxProbes < 2 || f.maxProbes > 100:
		return usage(cmd, "--max-probes %d: want 2 to 100", f.maxProbes)
	case f.behindRetries < 0 || f.behindRetries > 5:
		return usage(cmd, "--behind-retries %d: want 0 to 5", f.behindRetries)
	case f.maxRate > 0 && f.startRate > f.maxRate:
		return usage(cmd, "--start-rate %v is above --max-rate %v", f.startRate, f.maxRate)
	case f.maxSlope <= 0 || f.minTimeToLimit < 0 || f.maxP95 <= 0:
		return usage(cmd, "--max-slope and --max-p95 must be > 0, --min-time-to-limit ≥ 0")
	case f.minSuccess < 0 || f.minSuccess > 1 || f.minGoodput < 0 || f.minGoodput > 1:
		return usage(cmd, "--min-success and --min-goodput are shares between 0 and 1")
	}
	switch f.limitMode {
	case runner.LimitAuto, runner.LimitCgroup, runner.LimitWatchdog:
	default:
		return usage(cmd, "--limit-mode %q: want auto, cgroup or watchdog", f.limitMode)
	}
	return nil
}

func runEdge(cmd *cobra.Command, arg string, f edgeFlags) error {
	if err := f.check(cmd); err != nil {
		return err
	}
	sc, err := scenarios.Lookup(arg)
	if err != nil {
		return &exitError{code: exitBadInput, err: err}
	}
	if f.memoryLimit != "" {
		if err := sc.SetMemoryLimit(f.memoryLimit); err != nil {
			return &exitError{code: exitBadInput, err: fmt.Errorf("--memory-limit: %w", err)}
		}
	}
	start := f.startRate
	if start == 0 {
		start = sc.Load.Stages[0].Rate
	}
	out := f.out
	if out == "" {
		out = filepath.Join("oomlab-out", "edge-"+sc.Name+"-"+time.Now().Format("20060102-150405"))
	}
	if _, err := os.Stat(filepath.Join(out, results.EdgeFile)); err == nil {
		return &exitError{code: exitBadInput, err: fmt.Errorf("--out %s already holds %s: choose another directory", out, results.EdgeFile)}
	}
	stdout := cmd.OutOrStdout()
	var log io.Writer = stdout
	if f.quiet {
		log = io.Discard
	}
	cfg := edge.Config{
		Scenario: sc, Targets: f.targets, ProbeDuration: f.probe, Dir: out, Log: log,
		Criteria: results.EdgeCriteria{MaxSlopeMiBPerSec: f.maxSlope, MinTimeToLimitSeconds: f.minTimeToLimit.Seconds(),
			MinSuccessRatio: f.minSuccess, MinGoodputRatio: f.minGoodput, MaxP95Ms: float64(f.maxP95.Milliseconds())},
		Search: edge.SearchConfig{StartRate: start, MaxRate: f.maxRate, Resolution: f.resolution, MaxProbes: f.maxProbes,
			BehindRetries: f.behindRetries},
		Options: runner.Options{LimitMode: f.limitMode, Version: version},
	}
	fmt.Fprintf(log, "edge        %s: %d targets, output %s\n", sc.Name, len(f.targets), out)
	run, runErr := edge.Run(cmd.Context(), cfg)
	if run == nil || len(run.Targets) == 0 {
		if runErr == nil {
			runErr = errors.New("edge: nothing was probed")
		}
		return runErr
	}
	if err := writeEdge(out, run); err != nil {
		return errors.Join(runErr, err)
	}
	fmt.Fprintln(stdout)
	report.EdgeSummary(stdout, run)
	paths, plotErr := plot.WriteEdge(run, out)
	fmt.Fprintf(stdout, "\nresults  %s\n", filepath.Join(out, results.EdgeFile))
	for _, p := range paths {
		fmt.Fprintf(stdout, "output   %s\n", p)
	}
	if runErr != nil {
		code := exitBadInput
		if errors.Is(runErr, runner.ErrInterrupted) || cmd.Context().Err() != nil {
			code = exitInterrupted
		}
		return &exitError{code: code, err: runErr}
	}
	return plotErr
}

// writeEdge writes edge.json atomically, never through a link (see
// results.OutDir).
func writeEdge(dir string, run *results.EdgeRun) error {
	b, err := json.MarshalIndent(run, "", "  ")
	if err != nil {
		return err
	}
	return results.WriteFileIn(dir, results.EdgeFile, append(b, '\n'))
}
