package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/oomlab/oomlab/report"
	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

type runFlags struct {
	// merged is set for a run of a --repeat campaign, whose merge writes
	// the JUnit file, job summary and annotations of every run at once:
	// the run itself writes none.
	merged      bool
	out         string
	targets     []string // --target NAME=COMMAND
	addTargets  []string // --add-target NAME=COMMAND
	runtime     string
	allowRemote bool
	limitMode   string
	memoryLimit string
	noGate      bool
	quiet       bool
	all         bool
	restart     bool
	parallel    bool
	failFast    bool
	fast        bool
	junit       string
	noEvidence  bool
	ui          string
	narrate     bool
	shard       string
	repeat      int // --repeat K: 0 when not given
	repeatIndex int // this run's k of K in a --repeat campaign (repeat.go), 0 otherwise
}

func newRunCmd() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run FILE|NAME...",
		Short: "Run a scenario (a file or a built-in name) and write results, plots and verdicts",
		Long: `Run starts each target of the scenario in turn under its memory limit, drives it
with the staged load while the mock downstream follows its timeline, samples it,
and writes results.json, samples.csv, load.csv and the plots to --out.

Given several scenarios (files or names), or --all for the built-in catalog,
it runs each into --out/<scenario>/ and writes --out/catalog.md, one table of
them all. --shard I/N runs only leg I of N: the scenarios are split by
expected duration (longest first, each to the leg with the least so far), the
same way on every machine, so N legs of a CI matrix given the same scenarios
and flags run each scenario once; each run's results.json records the shard.
A leg with nothing to run (more legs than scenarios) says so and exits 0.
` + "`oomlab list --shards N --json`" + ` prints the plan.
`,
		Example: `  oomlab run upload-proxy
  oomlab run my-scenario.yaml --out out/
  oomlab run upload-proxy --target upload-naive="node server.js"
  oomlab run upload-proxy --add-target mine="./server" --runtime go
  oomlab run --all --shard 2/3 --out leg2/
  oomlab run a.yaml b.yaml c.yaml --shard 1/2 --out leg1/
  oomlab run upload-proxy --repeat 5 --out spread/`,
		Args: func(cmd *cobra.Command, args []string) error {
			if f.all {
				return cobra.NoArgs(cmd, args)
			}
			return cobra.MinimumNArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("repeat") {
				return runRepeats(cmd, args, f)
			}
			if f.all || len(args) > 1 || f.shard != "" {
				return runCatalog(cmd, args, f)
			}
			_, err := runScenario(cmd, args[0], f)
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.out, "out", "o", "", "output directory (default oomlab-out/<scenario>-<time>-<random>)")
	fl.StringArrayVar(&f.targets, "target", nil, "NAME=COMMAND: run COMMAND in place of the scenario's target NAME, keeping its expectations (repeatable; run without a shell)")
	fl.StringArrayVar(&f.addTargets, "add-target", nil, "NAME=COMMAND: add a target of your own beside the scenario's, without expectations (repeatable; run without a shell)")
	fl.StringVar(&f.runtime, "runtime", "all", "run only targets of this runtime: "+strings.Join(scenarios.Runtimes(), ", ")+" or all")
	fl.BoolVar(&f.allowRemote, "allow-remote", false, "allow load to addresses other than loopback")
	fl.StringVar(&f.limitMode, "limit-mode", runner.LimitAuto, "how the memory limit is enforced: auto, cgroup or watchdog")
	fl.StringVar(&f.memoryLimit, "memory-limit", "", "override the scenario's memory limit (\"256MiB\")")
	fl.BoolVar(&f.noGate, "no-gate", false, "exit 0 even when an expectation fails or there is nothing to judge (the outputs still say so)")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print only the summary")
	fl.BoolVar(&f.restart, "restart", false, "start a target again each time it dies under load, as a container's restart policy would (at most 5 times)")
	fl.BoolVar(&f.parallel, "parallel", false, "run every target at the same time, each with its own cgroup, downstream and load (as parallel: true in a scenario)")
	fl.BoolVar(&f.failFast, "fail-fast", false, "end a target's load once its memory is confidently forecast to reach the limit before the load ends (outcome forecast-oom)")
	fl.BoolVar(&f.fast, "fast", false, "stop a target's load early once its memory is flat beyond doubt over the settled part of the top stage (outcome survived; the verdict says it stopped early and why)")
	fl.StringVar(&f.junit, "junit", "", "also write the verdicts as a JUnit XML report to this file (one test case per target and expectation)")
	fl.BoolVar(&f.noEvidence, "no-evidence", false, "take no evidence (heap profile, memoryUsage, smaps_rollup) as memory nears the limit")
	fl.StringVar(&f.ui, "ui", "", "serve a live view of the run to browsers at ADDR (--ui alone: "+defaultUIAddr+"; give --ui=ADDR to listen elsewhere)")
	fl.Lookup("ui").NoOptDefVal = defaultUIAddr
	fl.BoolVar(&f.narrate, "narrate", false, "say in a line at each stage, downstream phase and death what is happening and what to watch (make demo)")
	fl.BoolVar(&f.all, "all", false, "run every built-in scenario (the catalog) and write one summary, catalog.md")
	fl.StringVar(&f.shard, "shard", "", "I/N: run only leg I of N of --all or of the scenarios given, balanced by expected duration (plan: oomlab list --shards N)")
	fl.IntVar(&f.repeat, "repeat", 0, "run each scenario K times (1-1000) into OUT/<scenario>-r01 …, then merge them: spread.md gives per target and gated figure min/median/max and how many runs passed")
	return cmd
}

// runScenario runs one scenario, renders its report and returns what was
// written and judged (Files.Verdicts, Files.Gate: empty when the run or
// its report failed) with the command's result.
func runScenario(cmd *cobra.Command, arg string, f runFlags) (files report.Files, err error) {
	ciWritten := false
	defer func() {
		// A harness error still writes the JUnit file CI asked for.
		if !ciWritten && !f.merged {
			err = junitOnHarnessError(f.junit, "oomlab run "+arg, err)
		}
	}()
	var repErr error
	sc, err := loadScenario(arg)
	if err != nil {
		if !scenarios.IsInvalid(err) {
			return files, usage(cmd, "%w", err)
		}
		return files, &exitError{code: exitBadInput, err: err}
	}
	if err := applyFlags(sc, f); err != nil {
		return files, usage(cmd, "%w", err)
	}
	if len(f.targets)+len(f.addTargets) > 0 {
		// Commands given on the command line: a program that is not
		// there is said once, before anything starts.
		if err := runner.Check(sc); err != nil {
			return files, &exitError{code: exitBadInput, err: err}
		}
	}
	for _, w := range scenarios.Warnings(arg, sc) {
		fmt.Fprintln(cmd.ErrOrStderr(), "oomlab: warning:", w)
	}
	out := f.out
	if out == "" {
		if out, err = newOutDir(sc.Name); err != nil {
			return files, err
		}
	}
	stdout := cmd.OutOrStdout()
	view := newLiveView(stdout, cmd.ErrOrStderr(), f.quiet, f.narrate)
	defer view.close()
	if f.ui != "" {
		if err := view.serveUI(f.ui, stdout); err != nil {
			return files, &exitError{code: exitBadInput, err: err}
		}
	}
	log := view.log
	fmt.Fprintf(log, "scenario    %s: %d targets, %s of load each, limit %s, output %s\n",
		sc.Name, len(sc.Targets), sc.Load.TotalDuration(), sc.MemoryLimit, out)
	res, runErr := runner.Run(cmd.Context(), runner.Options{
		Scenario: sc, OutDir: out, LimitMode: f.limitMode, AllowRemote: f.allowRemote, Log: log, Version: buildVersion(),
		Parallel: f.parallel, Recorder: view.recorder(),
		FailFast: f.failFast, Fast: f.fast, Shard: f.shard, Repeat: f.repeatIndex, Repeats: f.repeat,
	})
	view.closeDisplay()
	if res == nil {
		return files, &exitError{code: exitBadInput, err: runErr}
	}
	if runErr != nil && !errors.Is(runErr, runner.ErrInterrupted) && len(res.Targets) == 0 {
		// The harness stopped before any target (a cgroup it was told to
		// use and cannot make): one message, no empty report.
		return files, &exitError{code: exitBadInput, err: runErr}
	}
	if runErr == nil && nothingStarted(res) {
		return files, &exitError{code: exitBadInput, err: nothingStartedError(res, out)}
	}
	_, files, repErr = renderReport(stdout, out)
	if repErr == nil {
		view.showVerdicts(files.Verdicts)
	}
	view.linger(cmd.Context(), stdout)
	if runErr != nil {
		code := exitBadInput
		if errors.Is(runErr, runner.ErrInterrupted) {
			code = exitInterrupted
		}
		return files, &exitError{code: code, err: errors.Join(runErr, repErr)}
	}
	if repErr != nil {
		return files, &exitError{code: exitBadInput, err: repErr}
	}
	if !f.merged { // the merge of a campaign writes the CI outputs of all its runs once
		ciWritten = true
		if err := ciOutputs(stdout, out, f.junit, files); err != nil {
			return files, &exitError{code: exitBadInput, err: err}
		}
	}
	// A target that could not start fails its "ran" check: the gate says
	// so, and exitFor turns it into exit 1.
	return files, exitFor(files.Gate, f.noGate)
}

// renderReport judges the saved results once, writes the plots,
// report.html, summary.md and verdicts.json from those verdicts and their
// gate status, and prints the terminal summary from the same; it returns
// the loaded run and what WriteAll wrote (Files.Verdicts, Files.Gate).
// path is a run's folder or a results file in it (DIR/other.json renders
// that file, not DIR/results.json).
func renderReport(w io.Writer, path string) (*saved.Run, report.Files, error) {
	run, err := saved.Load(path)
	if err != nil {
		return nil, report.Files{}, err
	}
	file := filepath.Join(run.Dir, results.ResultsFile)
	if fi, err := os.Stat(path); err == nil && !fi.IsDir() {
		file = path // DIR/other.json: that file, not DIR/results.json
	}
	verdicts := judge.Judge(run)
	files, err := report.WriteAll([]*saved.Run{run}, [][]judge.Verdict{verdicts}, judge.GateOf(verdicts), run.Dir)
	if err != nil {
		return run, files, err
	}
	fmt.Fprintln(w)
	report.Terminal(w, run, files.Verdicts, files.Gate)
	fmt.Fprintf(w, "\nresults  %s\n", file)
	for _, p := range files.Paths {
		fmt.Fprintf(w, "output   %s\n", p)
	}
	return run, files, nil
}

// applyFlags changes the scenario as the flags ask: targets replaced
// (--target) or added (--add-target), a runtime filter, a memory limit.
func applyFlags(sc *scenarios.Scenario, f runFlags) error {
	var named []string
	for _, o := range []struct {
		flag  string
		specs []string
		apply func(string, []string) error
	}{
		{"--target", f.targets, sc.ReplaceTargetCommand},
		{"--add-target", f.addTargets, sc.AddTargetCommand},
	} {
		for _, spec := range o.specs {
			name, command, ok := strings.Cut(spec, "=")
			if !ok || name == "" || strings.TrimSpace(command) == "" {
				return fmt.Errorf("%s %q: want NAME=COMMAND", o.flag, spec)
			}
			argv, err := scenarios.SplitWords(command)
			if err != nil {
				return fmt.Errorf("%s %q: %w", o.flag, spec, err)
			}
			if err := o.apply(name, argv); err != nil {
				return fmt.Errorf("%s %q: %w", o.flag, spec, err)
			}
			named = append(named, name)
		}
	}
	// A target named with --target or --add-target always runs, whatever
	// --runtime keeps.
	if f.runtime != "all" {
		if err := sc.KeepRuntime(f.runtime, named...); err != nil {
			return fmt.Errorf("--runtime: %w", err)
		}
	}
	if f.restart {
		if err := sc.SetRestart(scenarios.RestartOnFailure); err != nil {
			return err
		}
	}
	sc.Evidence.Off = sc.Evidence.Off || f.noEvidence
	if f.memoryLimit != "" {
		if err := sc.SetMemoryLimit(f.memoryLimit); err != nil {
			return fmt.Errorf("--memory-limit: %w", err)
		}
	}
	switch f.limitMode {
	case runner.LimitAuto, runner.LimitCgroup, runner.LimitWatchdog:
	default:
		return fmt.Errorf("--limit-mode %q: want auto, cgroup or watchdog", f.limitMode)
	}
	if f.out != "" {
		if _, err := os.Stat(filepath.Join(f.out, results.ResultsFile)); err == nil {
			return fmt.Errorf("--out %s already holds results: choose another directory", f.out)
		}
	}
	return nil
}

// newOutDir makes a fresh output directory for a run named name,
// oomlab-out/<name>-<time>-<random>: the random part keeps anyone from
// placing a link there before the run makes it.
func newOutDir(name string) (string, error) {
	out, err := results.CreateUniqueOutDir("oomlab-out", name+"-"+time.Now().Format("20060102-150405"))
	if err != nil {
		return "", err
	}
	return out.Path(), out.Close()
}
