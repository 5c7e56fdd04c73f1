package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/oomlab/oomlab/report"
	"github.com/oomlab/oomlab/report/judge"
)

// gateOutputs is what 'oomlab gate' writes besides its exit status: the
// terminal table (and the job summary, printBaselineGate), the JUnit
// file the user asked for, and ::error annotations under GitHub Actions.
type gateOutputs struct {
	before string // --baseline as given
	after  string // RUN_DIR or CATALOG_DIR as given
	junit  string // --junit, "" for none
}

// write prints the gate of rows and own to w and writes the JUnit file
// and, under GitHub Actions, the annotations.
func (o gateOutputs) write(w io.Writer, rows []judge.BaselineRow, gate judge.GateStatus, own []judge.Verdict) error {
	if err := printBaselineGate(w, o.before, o.after, rows, gate, own); err != nil {
		return err
	}
	if o.junit != "" {
		var b bytes.Buffer
		if err := report.WriteBaselineJUnit(&b, o.before, o.after, rows, own, gate); err != nil {
			return err
		}
		if err := writeUserFile(o.junit, b.Bytes()); err != nil {
			return fmt.Errorf("--junit: %w", err)
		}
		fmt.Fprintf(w, "output   %s\n", o.junit)
	}
	if os.Getenv("GITHUB_ACTIONS") == "true" {
		return report.GitHubAnnotations(w, o.after, own, gate)
	}
	return nil
}

// harnessJUnit passes err through, writing first the JUnit file of a
// gate that could not be carried out (exit 2: a baseline refused, a
// folder that cannot be read) when --junit was given.
func (o gateOutputs) harnessJUnit(err error) error {
	return junitOnHarnessError(o.junit, "oomlab gate "+o.before+" → "+o.after, err)
}
