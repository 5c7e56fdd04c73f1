package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
)

// A catalog folder (run --all, a shard leg, a merged folder, a repeat
// folder) holds run folders one level down: gate compares each with its
// scenario's baseline, repeats (<scenario>-rNN) each with the same one,
// and decides one gate over all of them; baseline save writes one file
// per scenario.

// scenarioBaseline is a baseline and where it was read from.
type scenarioBaseline struct {
	baseline judge.Baseline
	from     string
}

// readBaselineSet reads the baselines at path, keyed by scenario: one
// file (oomlab baseline save) or run folder; a catalog folder, whose runs
// are taken as baselines (of a scenario's repeats the first in name
// order, as baseline save takes); or a folder of baseline files,
// <scenario>.json, every .json file of which must be a baseline, two of
// one scenario refused.
func readBaselineSet(path string) (map[string]scenarioBaseline, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("--baseline: %w", err)
	}
	var sources []string
	catalog := false
	switch {
	case !fi.IsDir():
		sources = []string{path}
	case fileExists(filepath.Join(path, results.ResultsFile)):
		sources = []string{path}
	default:
		sources = catalogRuns(path)
		if catalog = len(sources) > 0; !catalog {
			if sources, err = filepath.Glob(filepath.Join(path, "*.json")); err != nil {
				return nil, err
			}
		}
	}
	if len(sources) == 0 {
		return nil, fmt.Errorf("--baseline %s: no baseline file (<scenario>.json, as 'oomlab baseline save' writes) and no run folder in it", path)
	}
	slices.Sort(sources)
	set := map[string]scenarioBaseline{}
	for _, src := range sources {
		b, err := judge.ReadBaseline(src)
		if err != nil {
			return nil, fmt.Errorf("--baseline: %w", err)
		}
		if prev, ok := set[b.Scenario]; ok {
			if catalog {
				continue // repeats: the first, as baseline save takes
			}
			return nil, fmt.Errorf("--baseline: %s and %s are both baselines of scenario %q: keep one", prev.from, src, b.Scenario)
		}
		set[b.Scenario] = scenarioBaseline{baseline: b, from: src}
	}
	return set, nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// catalogGate is the gate of every run of a catalog folder.
type catalogGate struct {
	rows []judge.BaselineRow
	// own are the runs' verdicts, each target named "<run>/<target>".
	own      []judge.Verdict
	warnings []string
	// pairs say which baseline each run was compared with, a line each.
	pairs []string
}

// gateRuns compares each run folder of a catalog with its scenario's
// baseline in set. Targets and rows are named "<run folder>/<target>". A
// scenario without a baseline is judged on its own expectations alone,
// with a warning; a baseline's scenario without any run (a leg that
// never uploaded) is a row worse: it can no longer be checked. A baseline
// made under other conditions than a run is refused (exit 2) unless
// allowMismatch.
func gateRuns(runDirs []string, set map[string]scenarioBaseline, tol float64, allowMismatch bool) (catalogGate, error) {
	var g catalogGate
	without := map[string][]string{} // scenario → its runs without a baseline
	seen := map[string]bool{}
	noted := map[string]bool{} // unchecked-condition warnings, once per baseline
	for _, dir := range runDirs {
		run, err := saved.Load(dir)
		if err != nil {
			return g, err
		}
		label := filepath.Base(dir)
		verdicts := judge.Judge(run)
		for _, v := range verdicts {
			v.Target = label + "/" + v.Target
			g.own = append(g.own, v)
		}
		scenario := run.Results.Scenario
		seen[scenario] = true
		sb, ok := set[scenario]
		if !ok {
			without[scenario] = append(without[scenario], label)
			g.pairs = append(g.pairs, label+"\tno baseline: own expectations only")
			continue
		}
		g.pairs = append(g.pairs, label+"\t"+sb.from)
		after := judge.NewBaseline(run, verdicts)
		if len(after.Targets) == 0 {
			continue
		}
		unchecked, err := judge.CheckCompatible(sb.baseline, after)
		if err != nil {
			var me *judge.MismatchError
			if !allowMismatch || !errors.As(err, &me) {
				return g, &exitError{code: exitBadInput,
					err: fmt.Errorf("%s against %s: %w; pass --allow-mismatch to compare them all the same", label, sb.from, err)}
			}
			g.warnings = append(g.warnings, label+": "+me.Warning())
		}
		if !noted[sb.from] {
			noted[sb.from] = true
			for _, u := range unchecked {
				g.warnings = append(g.warnings, sb.from+": "+u)
			}
		}
		for _, r := range judge.CompareBaselines(sb.baseline, after, tol) {
			r.Target = label + "/" + r.Target
			g.rows = append(g.rows, r)
		}
	}
	for _, s := range slices.Sorted(maps.Keys(without)) {
		g.warnings = append(g.warnings, fmt.Sprintf("no baseline for scenario %s (%s): its figures were not compared, only its own expectations judged",
			s, strings.Join(without[s], ", ")))
	}
	for _, s := range slices.Sorted(maps.Keys(set)) {
		if seen[s] {
			continue
		}
		sb := set[s]
		g.rows = append(g.rows, judge.BaselineRow{Target: s, Figure: "outcome", Before: fmt.Sprintf("%d targets", len(sb.baseline.Targets)),
			After: "no run", Change: judge.ChangeWorse})
		g.warnings = append(g.warnings, fmt.Sprintf("%s has no run of scenario %s: a leg that did not run or upload? It counts as worse", sb.from, s))
	}
	return g, nil
}

// gateCatalog is 'oomlab gate DIR' for a catalog folder DIR whose run
// folders are runDirs: one table, one gate, one exit status, and the
// table appended to GITHUB_STEP_SUMMARY as the single-run gate does.
func gateCatalog(cmd *cobra.Command, out gateOutputs, runDirs []string, tol float64, allowMismatch bool) error {
	set, err := readBaselineSet(out.before)
	if err != nil {
		return err
	}
	g, err := gateRuns(runDirs, set, tol, allowMismatch)
	if err != nil {
		return err
	}
	gate := judge.GateOf(g.own).WithBaseline(g.rows, tol).WithWarnings(g.warnings...)
	w := cmd.OutOrStdout()
	printPairs(w, g.pairs)
	if err := out.write(w, g.rows, gate, g.own); err != nil {
		return err
	}
	return exitFor(gate, false)
}

// printPairs prints which baseline each run was compared with.
func printPairs(w io.Writer, pairs []string) {
	width := 0
	for _, p := range pairs {
		width = max(width, strings.Index(p, "\t"))
	}
	for _, p := range pairs {
		run, base, _ := strings.Cut(p, "\t")
		fmt.Fprintf(w, "%-*s  ← %s\n", width, run, base)
	}
	fmt.Fprintln(w)
}

// saveCatalogBaselines is 'oomlab baseline save DIR OUTDIR' for a catalog
// folder: OUTDIR/<scenario>.json for each scenario, from its first run
// in name order (<scenario>, or <scenario>-r01 of repeats).
func saveCatalogBaselines(cmd *cobra.Command, dir string, runDirs []string, outDir string) error {
	if fi, err := os.Stat(outDir); err == nil && !fi.IsDir() {
		return usage(cmd, "%s is a catalog folder: the second argument must be a folder for its baseline files (<scenario>.json), not the file %s", dir, outDir)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	slices.Sort(runDirs)
	runsOf := map[string]int{}
	var written []string
	w := cmd.OutOrStdout()
	for _, rd := range runDirs {
		run, err := saved.Load(rd)
		if err != nil {
			return err
		}
		s := run.Results.Scenario
		if runsOf[s]++; runsOf[s] > 1 {
			continue
		}
		if s == "" || s == "." || s == ".." || strings.ContainsAny(s, `/\`) {
			return &exitError{code: exitBadInput, err: fmt.Errorf("%s: scenario name %q cannot name a baseline file", rd, s)}
		}
		b := judge.NewBaseline(run, judge.Judge(run))
		if len(b.Targets) == 0 {
			fmt.Fprintf(w, "skipped  %s: no targets\n", rd)
			continue
		}
		path := filepath.Join(outDir, s+".json")
		if err := writeBaselineFile(path, b); err != nil {
			return err
		}
		written = append(written, s)
		fmt.Fprintf(w, "baseline %s: %d targets of %s, from %s\n", path, len(b.Targets), s, filepath.Base(rd))
	}
	for _, s := range written {
		if n := runsOf[s]; n > 1 {
			fmt.Fprintf(w, "note     %s: %d runs (repeats); the baseline is the first's figures\n", s, n)
		}
	}
	if len(written) == 0 {
		return &exitError{code: exitNothing, err: fmt.Errorf("nothing to save: the runs of %s hold no targets", dir)}
	}
	return nil
}
