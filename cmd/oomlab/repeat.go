package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// maxRepeats bounds --repeat: a thousand runs of the shortest built-in
// scenario (slow-client, about 32 s) take nine hours.
const maxRepeats = 1000

// unfinishedDir is where a campaign's unfinished runs are set aside, in
// its output folder: two levels down, where neither a merge nor a report
// of the folder looks for runs.
const unfinishedDir = "unfinished"

// campaignRun is one run of a --repeat campaign: the scenario arg (a
// built-in name or a file) named name, run k of the campaign's K, into
// dir.
type campaignRun struct {
	arg, name string
	k         int
	dir       string
}

// repeatDir is the folder of run k of repeats runs of the scenario name
// under root: root/<name>-r<k>, k zero-padded to the width of repeats
// and to at least two digits (upload-proxy-r01 … upload-proxy-r10), as a
// merge numbers repeats.
func repeatDir(root, name string, k, repeats int) string {
	width := max(2, len(strconv.Itoa(repeats)))
	return filepath.Join(root, fmt.Sprintf("%s-r%0*d", name, width, k))
}

// checkRepeat says what is wrong with --repeat K: the count out of
// 1…maxRepeats, or a flag that cannot go with it.
func checkRepeat(f runFlags) error {
	if f.repeat < 1 || f.repeat > maxRepeats {
		return fmt.Errorf("--repeat %d: want a number of runs from 1 to %d", f.repeat, maxRepeats)
	}
	if f.ui != "" {
		return errors.New("--ui shows one run and stays up after it: not with --repeat")
	}
	return nil
}

// planRepeats lists the runs of a campaign under root in the order they
// run: each scenario's K repeats one after another, scenario by scenario.
// With a shard spec (N > 0) only leg I's runs are kept, planned two ways
// with planShards — whole scenarios (K runs each), or scenario × repeat
// items — and the way whose longest leg is shorter taken (ties: whole
// scenarios, so that a scenario's spread stays on one machine); both are
// stable, so every leg picks the same way. It also returns the number of
// runs in all legs and the leg's expected duration.
func planRepeats(root string, items []shardItem, repeats int, spec shardSpec) ([]campaignRun, int, time.Duration) {
	var split []shardItem
	byName := map[string]campaignRun{}
	whole := slices.Clone(items)
	for i, it := range items {
		whole[i].Expected = it.Expected * time.Duration(repeats)
		for k := 1; k <= repeats; k++ {
			dir := repeatDir(root, it.Name, k, repeats)
			byName[filepath.Base(dir)] = campaignRun{arg: it.Arg, name: it.Name, k: k, dir: dir}
			split = append(split, shardItem{Name: filepath.Base(dir), Arg: it.Arg, Expected: it.Expected})
		}
	}
	all := len(split)
	if spec.N == 0 {
		spec = shardSpec{I: 1, N: 1}
	}
	var keep map[string]bool
	var expected time.Duration
	wholeLegs, splitLegs := planShards(whole, spec.N), planShards(split, spec.N)
	if longestLeg(splitLegs) < longestLeg(wholeLegs) {
		leg := splitLegs[spec.I-1]
		keep, expected = map[string]bool{}, legTotal(leg)
		for _, it := range leg {
			keep[it.Name] = true
		}
	} else {
		leg := wholeLegs[spec.I-1]
		keep, expected = map[string]bool{}, legTotal(leg)
		for _, it := range leg {
			for k := 1; k <= repeats; k++ {
				keep[filepath.Base(repeatDir(root, it.Name, k, repeats))] = true
			}
		}
	}
	var runs []campaignRun
	for _, it := range split {
		if keep[it.Name] {
			runs = append(runs, byName[it.Name])
		}
	}
	return runs, all, expected
}

// longestLeg is the expected duration of the longest of legs.
func longestLeg(legs [][]shardItem) time.Duration {
	var longest time.Duration
	for _, leg := range legs {
		longest = max(longest, legTotal(leg))
	}
	return longest
}

// runRepeats runs each scenario (args, or the catalog for --all) --repeat
// K times, one run after another, into root/<scenario>-rNN
// (runner.Options Repeat k of K), then merges the runs that finished in
// place (mergeRuns with out == root): catalog.md, summary.md,
// report.html, verdicts.json, legs.md and spread.md — per target and
// gated figure, min/median/max and how many runs passed, printed too —
// and the --junit file of every run. With --shard I/N it runs leg I's
// share (planRepeats). The exit status is the gate over every run's
// verdicts. An interrupt stops at once: the interrupted run's partial
// results are moved to root/unfinished/, the runs that finished are
// merged, and the command exits 130.
func runRepeats(cmd *cobra.Command, args []string, f runFlags) error {
	if err := checkRepeat(f); err != nil {
		return usage(cmd, "%w", err)
	}
	var spec shardSpec
	if f.shard != "" {
		var err error
		if spec, err = parseShard(f.shard); err != nil {
			return usage(cmd, "%w", err)
		}
		f.shard = spec.String() // as results.json records it
	}
	items, err := repeatItems(args, f)
	switch {
	case err != nil && scenarios.IsInvalid(err):
		return &exitError{code: exitBadInput, err: err}
	case err != nil:
		return usage(cmd, "%w", err)
	}
	root := f.out
	if root == "" {
		name := "catalog"
		if !f.all && len(items) == 1 {
			name = items[0].Name
		}
		if root, err = newOutDir(name + "-repeat"); err != nil {
			return err
		}
	} else if err := checkRepeatOut(root); err != nil {
		return usage(cmd, "%w", err)
	}
	if n := len(items) * f.repeat; n > maxMergeRuns {
		return usage(cmd, "--repeat %d of %d scenarios is %d runs, and one merge takes at most %d: repeat fewer times, or fewer scenarios at once",
			f.repeat, len(items), n, maxMergeRuns)
	}
	runs, all, expected := planRepeats(root, items, f.repeat, spec)
	if runs = keepRuntime(runs, f); len(runs) == 0 && f.shard == "" {
		return usage(cmd, "--runtime %s: no built-in scenario has a target of that runtime", f.runtime)
	}
	w := cmd.OutOrStdout()
	if f.shard != "" {
		fmt.Fprintf(w, "shard %s: %d of %d runs (%d scenarios × %d), expected %s\n",
			spec, len(runs), all, len(items), f.repeat, expected.Round(time.Second))
		if len(runs) == 0 {
			return writeEmptyShard(cmd, root, spec, len(items), f.junit)
		}
	}
	finished, tally, errs, interrupted := repeatLoop(cmd, runs, f)
	if interrupted && !errors.Is(errors.Join(errs...), runner.ErrInterrupted) {
		errs = append(errs, runner.ErrInterrupted) // stopped between two runs
	}
	if len(finished) == 0 {
		return &exitError{code: repeatCode(interrupted), err: errors.Join(append(errs, errors.New("repeat: no run finished"))...)}
	}
	fmt.Fprintf(w, "\n== %d of %d runs finished; merged in %s\n", len(finished), len(runs), root)
	if err := setAsideUnfinished(w, root, runs, finished); err != nil {
		errs = append(errs, err)
	}
	// The merge is the campaign's report: it is written even after an
	// interrupt (a second one exits at once).
	cmd.SetContext(context.WithoutCancel(cmd.Context()))
	merr := mergeRuns(cmd, finished, root, mergeOptions{junit: f.junit})
	fmt.Fprintln(w)
	tally.print(w)
	var ee *exitError
	if f.noGate && errors.As(merr, &ee) && (ee.code == exitFailed || ee.code == exitNothing) {
		merr = nil
	}
	switch {
	case interrupted:
		return &exitError{code: exitInterrupted, err: errors.Join(append(errs, merr)...)}
	case len(errs) > 0:
		return errors.Join(append(errs, merr)...)
	}
	return merr
}

// repeatItems lists the scenarios of a campaign with their expected
// durations: every built-in for --all, else args, each file read and
// checked before anything runs.
func repeatItems(args []string, f runFlags) ([]shardItem, error) {
	if f.all {
		return builtinItems(f.parallel), nil
	}
	return fileItems(args, f.parallel)
}

// keepRuntime drops, for --all --runtime R, the runs of built-ins with no
// target of runtime R. It filters the plan rather than the items, as a
// catalog run does: legs given different filters split the same catalog.
func keepRuntime(runs []campaignRun, f runFlags) []campaignRun {
	if !f.all || f.runtime == "all" {
		return runs
	}
	return slices.DeleteFunc(runs, func(r campaignRun) bool { return !slices.Contains(runtimesOf(r.name), f.runtime) })
}

// checkRepeatOut refuses an output folder that is a run's folder or
// already holds runs: the merge at the end takes every run folder in it.
func checkRepeatOut(root string) error {
	if _, err := os.Stat(filepath.Join(root, results.ResultsFile)); err == nil {
		return fmt.Errorf("--out %s holds a run's results: choose another directory", root)
	}
	if held := catalogRuns(root); len(held) > 0 {
		return fmt.Errorf("--out %s already holds runs (%s): choose another directory", root, filepath.Base(held[0]))
	}
	return nil
}

// setAsideUnfinished moves the folders of runs that left results but did
// not finish (interrupted, or cut short by a harness error) into
// root/unfinished/, out of the merge, and says where.
func setAsideUnfinished(w io.Writer, root string, runs []campaignRun, finished []string) error {
	for _, r := range runs {
		if slices.Contains(finished, r.dir) {
			continue
		}
		if _, err := os.Stat(filepath.Join(r.dir, results.ResultsFile)); err != nil {
			continue
		}
		to := filepath.Join(root, unfinishedDir, filepath.Base(r.dir))
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return fmt.Errorf("repeat: setting %s aside: %w", r.dir, err)
		}
		if err := os.Rename(r.dir, to); err != nil {
			return fmt.Errorf("repeat: setting %s aside: %w", r.dir, err)
		}
		fmt.Fprintf(w, "unfinished   %s run %d: its partial results are in %s, outside the spread\n", r.name, r.k, to)
	}
	return nil
}

// repeatCode is the exit status of a campaign in which no run finished.
func repeatCode(interrupted bool) int {
	if interrupted {
		return exitInterrupted
	}
	return exitBadInput
}

// repeatLoop runs each planned run in turn and returns the folders of
// those that finished (results written, not cut short), each scenario's
// gate tally, the errors other than a gate's, and whether an interrupt
// stopped it. A run that left no results skips its scenario's other runs.
func repeatLoop(cmd *cobra.Command, runs []campaignRun, f runFlags) (finished []string, t repeatTally, errs []error, interrupted bool) {
	w := cmd.OutOrStdout()
	failed := map[string]bool{} // scenarios whose run left no results
	for _, r := range runs {
		if cmd.Context().Err() != nil {
			return finished, t, errs, true
		}
		if failed[r.name] {
			continue
		}
		sub := f
		sub.out, sub.all, sub.junit, sub.repeatIndex, sub.merged = r.dir, false, "", r.k, true
		fmt.Fprintf(w, "\n=== %s, run %d of %d\n", r.name, r.k, f.repeat)
		files, err := runScenario(cmd, r.arg, sub)
		var ee *exitError
		if err != nil && !(errors.As(err, &ee) && (ee.code == exitFailed || ee.code == exitNothing)) {
			errs = append(errs, fmt.Errorf("%s run %d: %w", r.name, r.k, err))
		}
		if errors.As(err, &ee) && ee.code == exitInterrupted {
			return finished, t, errs, true
		}
		run, lerr := saved.Load(r.dir)
		if lerr != nil {
			// Nothing ran (a bad flag, a scenario the runner refused):
			// the scenario's other runs would fail alike.
			failed[r.name] = true
			continue
		}
		if run.Results.Partial {
			continue // a harness error cut it short: not a run to judge
		}
		if len(files.Verdicts) != len(run.Results.Targets) {
			files.Verdicts = judge.Judge(run) // the report failed: judge what was saved
		}
		finished = append(finished, r.dir)
		t.add(r.name, judge.GateOf(files.Verdicts).State == judge.GatePass)
	}
	return finished, t, errs, false
}

// repeatTally counts, per scenario in the order run, the runs that
// finished and those whose gate passed.
type repeatTally struct {
	names         []string
	ran, passedBy map[string]int
}

func (t *repeatTally) add(name string, passed bool) {
	if t.ran == nil {
		t.ran, t.passedBy = map[string]int{}, map[string]int{}
	}
	if t.ran[name] == 0 {
		t.names = append(t.names, name)
	}
	t.ran[name]++
	if passed {
		t.passedBy[name]++
	}
}

// print writes one line per scenario: "runs passed  NAME  n of K".
func (t repeatTally) print(w io.Writer) {
	for _, n := range t.names {
		fmt.Fprintf(w, "runs passed  %s  %d of %d\n", n, t.passedBy[n], t.ran[n])
	}
}
