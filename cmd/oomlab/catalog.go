package main

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/oomlab/oomlab/report"
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
		err := runScenario(cmd, in.Name, sub)
		var ee *exitError
		if err != nil && !(errors.As(err, &ee) && ee.code == exitFailed) {
			errs = append(errs, fmt.Errorf("%s: %w", in.Name, err))
			if errors.As(err, &ee) && ee.code == exitInterrupted {
				interrupted = true
			}
		}
		if run, lerr := saved.Load(sub.out); lerr == nil {
			runs = append(runs, run)
		}
		if interrupted {
			break
		}
	}
	if len(runs) == 0 {
		return errors.Join(append(errs, errors.New("catalog: no scenario ran"))...)
	}
	pass, err := writeCatalog(cmd, root, runs)
	if err != nil {
		return err
	}
	switch {
	case interrupted:
		return &exitError{code: exitInterrupted, err: errors.Join(append(errs, runner.ErrInterrupted)...)}
	case len(errs) > 0:
		return errors.Join(errs...)
	case !pass && !f.noGate:
		return &exitError{code: exitFailed, err: errors.New("an expectation failed (see catalog.md)")}
	}
	return nil
}

// renderCatalog renders every run of a saved catalog again, then its
// catalog.md; `oomlab report CATALOG_DIR`.
func renderCatalog(cmd *cobra.Command, root string, dirs []string) error {
	var runs []*saved.Run
	for _, d := range dirs {
		fmt.Fprintf(cmd.OutOrStdout(), "\n=== %s\n", d)
		run, _, err := renderReport(cmd.OutOrStdout(), d)
		if err != nil {
			return err
		}
		runs = append(runs, run)
	}
	pass, err := writeCatalog(cmd, root, runs)
	if err != nil {
		return err
	}
	if !pass {
		return &exitError{code: exitFailed, err: errors.New("an expectation failed (see catalog.md)")}
	}
	return nil
}

// writeCatalog writes catalog.md for the runs, prints it, and reports
// whether every expectation held.
func writeCatalog(cmd *cobra.Command, root string, runs []*saved.Run) (bool, error) {
	out, err := results.CreateOutDir(root)
	if err != nil {
		return false, err
	}
	defer out.Close()
	path := out.Join(report.CatalogFile)
	var b bytes.Buffer
	pass, err := report.WriteCatalog(&b, runs)
	if err != nil {
		return false, err
	}
	if err := out.WriteFile(report.CatalogFile, b.Bytes()); err != nil {
		return false, err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "\n== catalog\n%s\ncatalog  %s\n", b.Bytes(), path)
	return pass, nil
}
