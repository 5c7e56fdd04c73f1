package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/oomlab/oomlab/report"
	"github.com/oomlab/oomlab/runner/results"
)

func newReportCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "report DIR|results.json",
		Short: "Render plots, report.html, summary.md and verdicts again from saved results, running nothing",
		Long: `Report renders every output again from saved results, running nothing. DIR is
a run's folder (or its results.json), or the folder of a catalog run (run --all),
whose scenarios are rendered one by one, then catalog.md.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
				dir = filepath.Dir(dir)
			}
			if subs := catalogRuns(dir); len(subs) > 0 {
				return renderCatalog(cmd, dir, subs)
			}
			_, ok, err := renderReport(cmd.OutOrStdout(), dir)
			if err != nil {
				return err
			}
			if !ok {
				return &exitError{code: exitFailed, err: fmt.Errorf("an expectation failed (see the verdicts above)")}
			}
			return nil
		},
	}
}

func newCompareCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "compare RUN_A RUN_B",
		Short: "Overlay two saved runs (before and after a change) in one dashboard and table",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var runs []*report.Run
			for _, a := range args {
				r, err := report.Load(a)
				if err != nil {
					return err
				}
				runs = append(runs, r)
			}
			if out == "" {
				var err error
				if out, err = newOutDir("compare-" + filepath.Base(filepath.Clean(args[0])) + "-vs-" + filepath.Base(filepath.Clean(args[1]))); err != nil {
					return err
				}
			}
			files, err := report.WriteAll(runs, out)
			if err != nil {
				return err
			}
			for i, r := range runs {
				fmt.Fprintf(cmd.OutOrStdout(), "== %s: %s\n", []string{"A", "B"}[i], args[i])
				report.Terminal(cmd.OutOrStdout(), r, report.Judge(r))
			}
			for _, p := range files.Paths {
				fmt.Fprintf(cmd.OutOrStdout(), "output   %s\n", p)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "output directory (default oomlab-out/compare-A-vs-B-<time>-<random>)")
	return cmd
}

// catalogRuns lists the subfolders of dir that hold a run's results, when
// dir itself does not: the folder of a catalog run.
func catalogRuns(dir string) []string {
	if _, err := os.Stat(filepath.Join(dir, results.ResultsFile)); err == nil {
		return nil
	}
	m, _ := filepath.Glob(filepath.Join(dir, "*", results.ResultsFile))
	for i := range m {
		m[i] = filepath.Dir(m[i])
	}
	return m
}
