package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/oomlab/oomlab/report"
	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
)

func newReportCmd() *cobra.Command {
	var junit string
	var serve string
	cmd := &cobra.Command{
		Use:   "report DIR|results.json",
		Short: "Render plots, report.html, summary.md and verdicts again from saved results, running nothing",
		Long: `Report renders every output again from saved results, running nothing. DIR is
a run's folder (or its results.json), or the folder of a catalog run (run --all),
whose scenarios are rendered one by one, then catalog.md.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			if fi, err := os.Stat(path); err == nil && fi.IsDir() {
				if subs := catalogRuns(path); len(subs) > 0 {
					return cancellable(cmd.Context(), func() error { return renderCatalog(cmd, path, subs) })
				}
			}
			var run *saved.Run
			var files report.Files
			err := cancellable(cmd.Context(), func() (err error) {
				run, files, err = renderReport(cmd.OutOrStdout(), path)
				return err
			})
			if err != nil {
				return err
			}
			if err := ciOutputs(cmd.OutOrStdout(), run.Dir, junit, files); err != nil {
				return err
			}
			if serve != "" {
				if err := serveFinished(cmd.Context(), cmd.OutOrStdout(), run, files.Verdicts, serve); err != nil {
					return err
				}
			}
			return exitFor(files.Gate, false)
		},
	}
	cmd.Flags().StringVar(&junit, "junit", "", "also write the verdicts as a JUnit XML report to this file")
	cmd.Flags().StringVar(&serve, "serve", "", "then show the run in the browser at ADDR, as the live view does (--serve alone: "+defaultUIAddr+"; --serve=ADDR elsewhere)")
	cmd.Flags().Lookup("serve").NoOptDefVal = defaultUIAddr
	return cmd
}

func newCompareCmd() *cobra.Command {
	var out, tolerance string
	var allowMismatch bool
	cmd := &cobra.Command{
		Use:   "compare BEFORE AFTER",
		Short: "Overlay two saved runs (before and after a change) in one dashboard, with a table of what changed",
		Long: `Compare overlays two saved runs in one dashboard, report.html and summary.md
(written to --out), and prints per target what changed from BEFORE to AFTER,
as 'oomlab gate AFTER --baseline BEFORE' does. It exits 1 when a figure
regressed beyond the tolerance or an expectation of AFTER failed. Runs made
under another scenario, memory limit, limit mode or request shape are refused
(exit 2) unless --allow-mismatch, which compares them with a warning.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			tol, err := parseTolerance(tolerance)
			if err != nil {
				return usage(cmd, "%w", err)
			}
			var runs []*saved.Run
			for _, a := range args {
				r, err := saved.Load(a)
				if err != nil {
					return err
				}
				runs = append(runs, r)
			}
			verdicts := judge.Runs(runs)
			rows, gate, err := baselineGate(judge.NewBaseline(runs[0], verdicts[0]), judge.NewBaseline(runs[1], verdicts[1]),
				verdicts[1], tol, allowMismatch)
			if err != nil {
				return err
			}
			if out == "" {
				if out, err = newOutDir("compare-" + filepath.Base(filepath.Clean(args[0])) + "-vs-" + filepath.Base(filepath.Clean(args[1]))); err != nil {
					return err
				}
			}
			files, err := report.WriteAll(runs, verdicts, gate, out)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			for _, p := range files.Paths {
				fmt.Fprintf(w, "output   %s\n", p)
			}
			fmt.Fprintln(w)
			if err := printBaselineGate(w, args[0], args[1], rows, gate, verdicts[1]); err != nil {
				return err
			}
			return exitFor(gate, false)
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "output directory (default oomlab-out/compare-A-vs-B-<time>-<random>)")
	cmd.Flags().StringVar(&tolerance, "tolerance", defaultTolerance, "how much worse a figure may get before compare fails (\"15%\" or 0.15)")
	cmd.Flags().BoolVar(&allowMismatch, "allow-mismatch", false, "compare runs made under another scenario, memory limit, limit mode or request shape (with a warning) instead of refusing them")
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

// cancellable runs fn, a rendering of saved results, and returns its
// error, or returns at once when ctx ends (SIGINT, SIGTERM, SIGHUP): the
// report is abandoned mid-way (each file it wrote is whole, written by
// rename) and main exits 130. Rendering is bounded (report/bounds.go), but
// a user stopping it must not wait for it.
func cancellable(ctx context.Context, fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return &exitError{code: exitInterrupted, err: fmt.Errorf("report: interrupted: %w", context.Cause(ctx))}
	}
}
