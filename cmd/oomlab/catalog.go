package main

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/oomlab/oomlab/report"
	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner"
	"github.com/oomlab/oomlab/runner/results"
	"github.com/oomlab/oomlab/scenarios"
)

// runCatalog runs every built-in scenario in turn, each into its own
// folder under the output directory, then writes catalog.md: one table of
// every pattern and target. It stops at the first interrupt and still
// writes the summary of what ran.
func runCatalog(cmd *cobra.Command, f runFlags) error {
	root := f.out
	if root == "" {
		var err error
		if root, err = newOutDir("catalog"); err != nil {
			return err
		}
	}
	var runs []*saved.Run
	var verdicts [][]judge.Verdict
	var errs []error
	interrupted := false
	for _, in := range scenarios.Builtins() {
		if cmd.Context().Err() != nil {
			interrupted = true
			break
		}
		sub := f
		sub.out = filepath.Join(root, in.Name)
		sub.all = false
		if f.runtime != "all" && !slices.Contains(in.Runtimes, f.runtime) {
			continue
		}
		fmt.Fprintf(cmd.OutOrStdout(), "\n=== %s\n", in.Name)
		files, err := runScenario(cmd, in.Name, sub)
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
