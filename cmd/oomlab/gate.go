package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/oomlab/oomlab/report"
	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
)

// defaultTolerance is --tolerance's default: 15%.
const defaultTolerance = "15%"

// parseTolerance reads "15%" or "0.15" as 0.15; it must lie in [0, 10].
func parseTolerance(s string) (float64, error) {
	t := strings.TrimSpace(s)
	div := 1.0
	if strings.HasSuffix(t, "%") {
		t, div = strings.TrimSpace(strings.TrimSuffix(t, "%")), 100
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || !(v/div >= 0 && v/div <= 10) {
		return 0, fmt.Errorf("--tolerance %q: want a share such as 15%% or 0.15, from 0 to 1000%%", s)
	}
	return v / div, nil
}

func newBaselineCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "baseline",
		Short: "Save a run's figures as a baseline file to gate later runs on",
		Args:  cobra.NoArgs,
	}
	save := &cobra.Command{
		Use:   "save RUN_DIR FILE.json",
		Short: "Write the figures of a saved run, per target, to FILE.json (small, meant to be committed)",
		Long: `Save writes a run's gated figures — outcome, peak RSS, RSS slope, time to
limit, p95 of the last stage, goodput, shed — per target to FILE.json.
Commit it next to the scenario and gate later runs on it with
'oomlab gate RUN_DIR --baseline FILE.json'.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			run, err := saved.Load(args[0])
			if err != nil {
				return err
			}
			verdicts := judge.Judge(run)
			b := judge.NewBaseline(run, verdicts)
			if len(b.Targets) == 0 {
				return &exitError{code: exitNothing, err: fmt.Errorf("nothing to save: %s holds no targets", args[0])}
			}
			data, err := json.MarshalIndent(b, "", "  ")
			if err != nil {
				return err
			}
			if err := writeUserFile(args[1], append(data, '\n')); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "baseline %s: %d targets of %s\n", args[1], len(b.Targets), b.Scenario)
			return nil
		},
	}
	cmd.AddCommand(save)
	return cmd
}

func newGateCmd() *cobra.Command {
	var baseline, tolerance string
	cmd := &cobra.Command{
		Use:   "gate RUN_DIR --baseline FILE_OR_RUN",
		Short: "Compare a saved run with a baseline, figure by figure; exit 1 on a regression beyond the tolerance",
		Long: `Gate compares each target of a saved run with the same target of a baseline
(a file written by 'oomlab baseline save', or another run's folder): outcome,
peak RSS, RSS slope, time to limit, p95 of the last stage and goodput, as
before → after → change with a verdict per row. A figure counts as worse
when it moved the bad way by more than the tolerance and more than a small
absolute floor (4 MiB, 0.5 MiB/s, 5 s, 50 ms, 2 points of goodput).`,
		Example: `  oomlab baseline save oomlab-out/last-week baseline.json
  oomlab gate out/ --baseline baseline.json --tolerance 15%`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			tol, err := parseTolerance(tolerance)
			if err != nil {
				return usage(cmd, "%w", err)
			}
			before, err := judge.ReadBaseline(baseline)
			if err != nil {
				return err
			}
			run, err := saved.Load(args[0])
			if err != nil {
				return err
			}
			after := judge.NewBaseline(run, judge.Judge(run))
			return gateOnBaseline(cmd.OutOrStdout(), baseline, args[0], before, after, tol)
		},
	}
	cmd.Flags().StringVar(&baseline, "baseline", "", "baseline file (oomlab baseline save) or a run's folder (required)")
	cmd.Flags().StringVar(&tolerance, "tolerance", defaultTolerance, "how much worse a figure may get before the gate fails (\"15%\" or 0.15)")
	_ = cmd.MarkFlagRequired("baseline")
	return cmd
}

// gateOnBaseline prints the baseline table of before → after, appends
// its Markdown to GITHUB_STEP_SUMMARY when set, and returns exit 1 on a
// regression, 3 when there is nothing to compare.
func gateOnBaseline(w io.Writer, beforeName, afterName string, before, after judge.Baseline, tol float64) error {
	if len(after.Targets) == 0 || len(before.Targets) == 0 {
		return &exitError{code: exitNothing, err: errors.New("nothing to judge: the run or the baseline holds no targets")}
	}
	rows := judge.CompareBaselines(before, after, tol)
	fmt.Fprintf(w, "baseline %s → %s\n\n", beforeName, afterName)
	report.WriteBaselineTable(w, rows, tol)
	if p := os.Getenv("GITHUB_STEP_SUMMARY"); p != "" {
		var b bytes.Buffer
		if err := report.WriteBaselineMarkdown(&b, beforeName, afterName, rows, tol); err != nil {
			return err
		}
		if err := appendBytes(p, b.Bytes()); err != nil {
			return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
		}
	}
	if judge.Regressed(rows) {
		return &exitError{code: exitFailed, err: errors.New("a figure regressed beyond the tolerance (see the table above)")}
	}
	return nil
}
