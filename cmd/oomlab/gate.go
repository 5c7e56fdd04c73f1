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
	"github.com/oomlab/oomlab/report/format"
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
		Use:   "save RUN_DIR FILE.json | save CATALOG_DIR OUT_DIR",
		Short: "Write the figures of a saved run, per target, to FILE.json (small, meant to be committed)",
		Long: `Save writes a run's gated figures — outcome, peak RSS, RSS slope, time to
limit, p95 of the last stage, goodput, shed — per target to FILE.json.
Commit it next to the scenario and gate later runs on it with
'oomlab gate RUN_DIR --baseline FILE.json'.

For a catalog folder (run --all, a shard leg, oomlab merge's output: run
folders one level down) the second argument is a folder, and one file is
written per scenario, OUT_DIR/<scenario>.json; of a scenario's repeats
(<scenario>-r01, …) the first is saved. Gate the next catalog on them with
'oomlab gate CATALOG_DIR --baseline OUT_DIR'.`,
		Example: `  oomlab baseline save oomlab-out/upload-proxy-20261201 baseline.json
  oomlab baseline save merged/ baselines/`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if subs := catalogRuns(args[0]); len(subs) > 0 {
				return saveCatalogBaselines(cmd, args[0], subs, args[1])
			}
			run, err := saved.Load(args[0])
			if err != nil {
				return err
			}
			verdicts := judge.Judge(run)
			b := judge.NewBaseline(run, verdicts)
			if len(b.Targets) == 0 {
				return &exitError{code: exitNothing, err: fmt.Errorf("nothing to save: %s holds no targets", args[0])}
			}
			if err := writeBaselineFile(args[1], b); err != nil {
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
	var baseline, tolerance, junit string
	var allowMismatch bool
	cmd := &cobra.Command{
		Use:   "gate RUN_DIR|CATALOG_DIR --baseline FILE_OR_RUN|BASELINE_DIR",
		Short: "Gate a saved run on its own expectations and on a baseline, figure by figure; exit 1 on a failure",
		Long: `Gate judges a saved run's own expectations, then compares each target with the
same target of a baseline (a file written by 'oomlab baseline save', or another
run's folder): outcome, peak RSS, RSS slope, time to limit, p95 of the last
stage and goodput, as before → after → change with a verdict per row. A
figure counts as worse when it moved the bad way by more than the tolerance
and more than a small absolute floor (4 MiB, 0.5 MiB/s, 5 s, 50 ms, 2 points
of goodput). The gate fails when an expectation of the run failed, whatever
the baseline says, or when a figure got worse.

A baseline made under other conditions than the run — another scenario,
memory limit, limit mode (the kernel's cgroup limit or the watchdog) or
request shape (method, path, body) — is refused (exit 2) and the differing
fields named; --allow-mismatch compares it all the same, with a warning on
every output. A baseline file of schema v1 records neither limit mode nor
request shape: those are reported as unchecked.

For a catalog folder (run --all, a shard leg, oomlab merge's output: run
folders one level down) each run is compared with its scenario's baseline —
repeats (<scenario>-r01, …) each with the same one — from --baseline: a
folder of baseline files (<scenario>.json, as 'oomlab baseline save
CATALOG_DIR OUT_DIR' writes), one baseline file, or another catalog folder.
One table (targets named <run folder>/<target>), one gate, one exit status.
A scenario without a baseline is judged on its own expectations only, with a
warning; a baseline without any run of its scenario (a lost shard leg)
counts as worse.

--junit FILE writes the gate as JUnit XML for CI test views: one test case
per target and gated figure (before, after, change and tolerance in the
failure message) and one per expectation of the run. Under GitHub Actions
the table is appended to the job summary (GITHUB_STEP_SUMMARY) and each
failure is an ::error annotation.`,
		Example: `  oomlab baseline save oomlab-out/last-week baseline.json
  oomlab gate out/ --baseline baseline.json --tolerance 15%
  oomlab gate out/ --baseline baseline.json --junit gate.xml
  oomlab gate merged/ --baseline baselines/`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			tol, err := parseTolerance(tolerance)
			if err != nil {
				return usage(cmd, "%w", err)
			}
			out := gateOutputs{before: baseline, after: args[0], junit: junit}
			if subs := catalogRuns(args[0]); len(subs) > 0 {
				return out.harnessJUnit(gateCatalog(cmd, out, subs, tol, allowMismatch))
			}
			return out.harnessJUnit(gateRun(cmd, out, tol, allowMismatch))
		},
	}
	cmd.Flags().StringVar(&baseline, "baseline", "", "baseline file (oomlab baseline save) or a run's folder; for a catalog folder also a folder of <scenario>.json baseline files (required)")
	cmd.Flags().StringVar(&tolerance, "tolerance", defaultTolerance, "how much worse a figure may get before the gate fails (\"15%\" or 0.15)")
	cmd.Flags().BoolVar(&allowMismatch, "allow-mismatch", false, "compare with a baseline made under another scenario, memory limit, limit mode or request shape (with a warning) instead of refusing it")
	cmd.Flags().StringVar(&junit, "junit", "", "also write the gate as a JUnit XML report to this file (one test case per target and gated figure, one per expectation); written on a harness error too")
	_ = cmd.MarkFlagRequired("baseline")
	return cmd
}

// gateRun is 'oomlab gate RUN_DIR' for one run's folder.
func gateRun(cmd *cobra.Command, out gateOutputs, tol float64, allowMismatch bool) error {
	before, err := judge.ReadBaseline(out.before)
	if err != nil {
		return err
	}
	run, err := saved.Load(out.after)
	if err != nil {
		return err
	}
	verdicts := judge.Judge(run)
	after := judge.NewBaseline(run, verdicts)
	rows, gate, err := baselineGate(before, after, verdicts, tol, allowMismatch)
	if err != nil {
		return err
	}
	if err := out.write(cmd.OutOrStdout(), rows, gate, verdicts); err != nil {
		return err
	}
	return exitFor(gate, false)
}

// baselineGate decides the one gate status of a run (after, own its
// verdicts) against a baseline (before): the run's own expectations and
// the baseline's rows together (report.GateStatus.WithBaseline), so that
// a run failing its expectations fails whatever its baseline says. A
// baseline made under other conditions is refused with exit 2 naming the
// differing fields, unless allowMismatch, when it is compared with a
// warning carried by the status to every output; conditions a baseline
// cannot vouch for (schema v1) are warned about too.
func baselineGate(before, after judge.Baseline, own []judge.Verdict, tol float64, allowMismatch bool) ([]judge.BaselineRow, judge.GateStatus, error) {
	if len(after.Targets) == 0 {
		return nil, judge.GateOf(own).WithBaseline(nil, tol), nil
	}
	unchecked, err := judge.CheckCompatible(before, after)
	var warnings []string
	if err != nil {
		var me *judge.MismatchError
		if !allowMismatch || !errors.As(err, &me) {
			return nil, judge.GateStatus{}, &exitError{code: exitBadInput,
				err: fmt.Errorf("%w; pass --allow-mismatch to compare them all the same", err)}
		}
		warnings = append(warnings, me.Warning())
	}
	warnings = append(warnings, unchecked...)
	rows := judge.CompareBaselines(before, after, tol)
	return rows, judge.GateOf(own).WithBaseline(rows, tol).WithWarnings(warnings...), nil
}

// printBaselineGate prints the baseline table of beforeName →
// afterName, the run's failed expectations and the gate with its
// warnings; and appends the same as Markdown to GITHUB_STEP_SUMMARY when
// set.
func printBaselineGate(w io.Writer, beforeName, afterName string, rows []judge.BaselineRow, gate judge.GateStatus, own []judge.Verdict) error {
	fmt.Fprintf(w, "baseline %s → %s\n\n", beforeName, afterName)
	var failed []string
	for _, v := range own {
		for _, c := range v.Expectations {
			if !c.Pass {
				failed = append(failed, v.Target+": "+c.Text)
			}
		}
	}
	if len(failed) > 0 {
		fmt.Fprintf(w, "failed expectations of %s:\n", afterName)
		for _, f := range failed {
			fmt.Fprintf(w, "  %s\n", format.TermText(f))
		}
		fmt.Fprintln(w)
	}
	report.WriteBaselineTable(w, rows, gate)
	if p := os.Getenv("GITHUB_STEP_SUMMARY"); p != "" {
		var b bytes.Buffer
		if err := report.WriteBaselineMarkdown(&b, beforeName, afterName, rows, gate); err != nil {
			return err
		}
		if err := appendBytes(p, b.Bytes()); err != nil {
			return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
		}
	}
	return nil
}

// writeBaselineFile writes b, indented, to path as a file the user named.
func writeBaselineFile(path string, b judge.Baseline) error {
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	return writeUserFile(path, append(data, '\n'))
}
