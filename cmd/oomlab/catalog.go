package main

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
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

// runCatalog runs every built-in scenario in turn (run --all), or the
// scenarios named by args (run FILE|NAME FILE|NAME...), each into its own
// folder under the output directory, then writes catalog.md: one table of
// every pattern and target. With --shard I/N it runs only leg I of the
// plan (planShards). It stops at the first interrupt and still writes the
// summary of what ran.
func runCatalog(cmd *cobra.Command, args []string, f runFlags) error {
	var spec shardSpec
	if f.shard != "" {
		var err error
		if spec, err = parseShard(f.shard); err != nil {
			return usage(cmd, "%w", err)
		}
	}
	var items []shardItem
	if f.all {
		items = builtinItems(f.parallel)
	} else {
		var err error
		if items, err = fileItems(args, f.parallel); err != nil {
			if !scenarios.IsInvalid(err) {
				return usage(cmd, "%w", err)
			}
			return &exitError{code: exitBadInput, err: err}
		}
	}
	all := len(items)
	if f.shard != "" {
		leg := planShards(items, spec.N)[spec.I-1]
		if len(leg) > 0 {
			fmt.Fprintf(cmd.OutOrStdout(), "shard %s: %d of %s, expected %s: %s\n",
				spec, len(leg), scenarioCount(len(items)), legTotal(leg).Round(time.Second), strings.Join(itemNames(leg), ", "))
		}
		items = leg
		f.shard = spec.String() // as results.json records it
	}
	root := f.out
	if root == "" {
		var err error
		if root, err = newOutDir("catalog"); err != nil {
			return err
		}
	}
	if len(items) == 0 {
		return writeEmptyShard(cmd, root, spec, all, f.junit)
	}
	return runItems(cmd, root, items, f)
}

// runItems runs each item into root/<name> and writes catalog.md.
func runItems(cmd *cobra.Command, root string, items []shardItem, f runFlags) error {
	var runs []*saved.Run
	var verdicts [][]judge.Verdict
	var errs []error
	interrupted := false
	for _, in := range items {
		if cmd.Context().Err() != nil {
			interrupted = true
			break
		}
		sub := f
		sub.out = filepath.Join(root, in.Name)
		sub.all = false
		sub.junit = "" // one file of every run, below
		if f.all && f.runtime != "all" && !slices.Contains(runtimesOf(in.Name), f.runtime) {
			continue
		}
		fmt.Fprintf(cmd.OutOrStdout(), "\n=== %s\n", in.Name)
		files, err := runScenario(cmd, in.Arg, sub)
		var ee *exitError
		// A failed gate or nothing to judge is the catalog gate's to say.
		if err != nil && !(errors.As(err, &ee) && (ee.code == exitFailed || ee.code == exitNothing)) {
			errs = append(errs, fmt.Errorf("%s: %w", in.Name, err))
			if errors.As(err, &ee) && ee.code == exitInterrupted {
				interrupted = true
			}
		}
		if run, lerr := saved.Load(sub.out); lerr == nil {
			if len(files.Verdicts) != len(run.Results.Targets) {
				// The report could not be rendered: judge what was saved.
				files.Verdicts = judge.Judge(run)
			}
			runs, verdicts = append(runs, run), append(verdicts, files.Verdicts)
		}
		if interrupted {
			break
		}
	}
	if len(runs) == 0 {
		return errors.Join(append(errs, errors.New("catalog: no scenario ran"))...)
	}
	gate, err := writeCatalog(cmd, root, runs, verdicts)
	if err != nil {
		return err
	}
	if f.junit != "" {
		if err := writeCatalogJUnit(cmd, f.junit, runs, verdicts, gate); err != nil {
			return &exitError{code: exitBadInput, err: err}
		}
	}
	switch {
	case interrupted:
		return &exitError{code: exitInterrupted, err: errors.Join(append(errs, runner.ErrInterrupted)...)}
	case len(errs) > 0:
		return errors.Join(errs...)
	}
	return exitFor(gate, f.noGate)
}

// renderCatalog renders every run of a saved catalog again, then its
// catalog.md; `oomlab report CATALOG_DIR`.
func renderCatalog(cmd *cobra.Command, root string, dirs []string) error {
	var runs []*saved.Run
	var verdicts [][]judge.Verdict
	for _, d := range dirs {
		fmt.Fprintf(cmd.OutOrStdout(), "\n=== %s\n", d)
		run, files, err := renderReport(cmd.OutOrStdout(), d)
		if err != nil {
			return err
		}
		runs, verdicts = append(runs, run), append(verdicts, files.Verdicts)
	}
	gate, err := writeCatalog(cmd, root, runs, verdicts)
	if err != nil {
		return err
	}
	return exitFor(gate, false)
}

// writeCatalog decides the gate of every run's verdicts (verdicts[i] are
// runs[i]'s, judged once by the caller), writes catalog.md from them,
// prints it, and returns the gate.
func writeCatalog(cmd *cobra.Command, root string, runs []*saved.Run, verdicts [][]judge.Verdict) (judge.GateStatus, error) {
	var all []judge.Verdict
	for _, vs := range verdicts {
		all = append(all, vs...)
	}
	gate := judge.GateOf(all)
	out, err := results.CreateOutDir(root)
	if err != nil {
		return gate, err
	}
	defer out.Close()
	path := out.Join(report.CatalogFile)
	var b bytes.Buffer
	if err := report.WriteCatalog(&b, runs, verdicts, gate); err != nil {
		return gate, err
	}
	if err := out.WriteFile(report.CatalogFile, b.Bytes()); err != nil {
		return gate, err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "\n== catalog\n%s\ncatalog  %s\n", b.Bytes(), path)
	return gate, nil
}

// writeCatalogJUnit writes --junit for every run of a catalog, one test
// suite per scenario (each run wrote its own over the last before).
func writeCatalogJUnit(cmd *cobra.Command, path string, runs []*saved.Run, verdicts [][]judge.Verdict, gate judge.GateStatus) error {
	var b bytes.Buffer
	if err := report.WriteJUnit(&b, runs, verdicts, gate); err != nil {
		return err
	}
	if err := writeUserFile(path, b.Bytes()); err != nil {
		return fmt.Errorf("--junit: %w", err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "output   %s\n", path)
	return nil
}

// scenarioCount is "1 scenario", "3 scenarios".
func scenarioCount(n int) string {
	if n == 1 {
		return "1 scenario"
	}
	return fmt.Sprintf("%d scenarios", n)
}

// itemNames lists the items' names.
func itemNames(items []shardItem) []string {
	names := make([]string, len(items))
	for i, it := range items {
		names[i] = it.Name
	}
	return names
}

// runtimesOf is the runtimes of the builtin called name.
func runtimesOf(name string) []string {
	for _, in := range scenarios.Builtins() {
		if in.Name == name {
			return in.Runtimes
		}
	}
	return nil
}

// writeEmptyShard writes the catalog.md of a leg with nothing to run (more
// legs than scenarios) and says so: not a failure, so a CI matrix leg
// passes (exit 0), the others cover every scenario. --junit gets one
// skipped test case saying the same, so a step reading it finds the file.
func writeEmptyShard(cmd *cobra.Command, root string, spec shardSpec, all int, junit string) error {
	out, err := results.CreateOutDir(root)
	if err != nil {
		return err
	}
	defer out.Close()
	note := fmt.Sprintf("shard %s: nothing to run: %d legs share %s, and the other legs run them all.\n", spec, spec.N, scenarioCount(all))
	if err := out.WriteFile(report.CatalogFile, []byte(note)); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "\n== catalog\n%s\ncatalog  %s\n", note, out.Join(report.CatalogFile))
	if junit == "" {
		return nil
	}
	gate := judge.GateStatus{State: judge.GateNothing, Reason: strings.TrimSpace(note)}
	if err := writeCatalogJUnit(cmd, junit, nil, nil, gate); err != nil {
		return &exitError{code: exitBadInput, err: err}
	}
	return nil
}
