package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/oomlab/oomlab/report"
	"github.com/oomlab/oomlab/runner/results"
)

// nothingStarted reports whether a run had targets and none of them
// started: there is nothing to measure, and a report would be empty.
func nothingStarted(res *results.Results) bool {
	for _, t := range res.Targets {
		if t.Outcome != results.OutcomeFailedToStart {
			return false
		}
	}
	return len(res.Targets) > 0
}

// nothingStartedError is the one message of a run where no target
// started: each target with why, in one line each, and where its
// results.json was kept.
func nothingStartedError(res *results.Results, out string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "nothing started: no target of %s could start, so there is nothing to measure or report (results.json kept in %s):", res.Scenario, out)
	for _, t := range res.Targets {
		fmt.Fprintf(&b, "\n  %s: %s", t.Name, startFailure(t.Name, t.Error))
	}
	return errors.New(b.String())
}

// startFailure makes target name's start error one plain line: the
// process's "exited before listening" (or "did not listen") clause
// without the package prefix and the name, then the last line of its stderr tail
// without oomlab's own prefix — what the program said.
func startFailure(name, msg string) string {
	head, tail, _ := strings.Cut(msg, "; stderr tail:\n")
	head = strings.TrimPrefix(strings.TrimPrefix(head, "proc: "), name+" ")
	var last string
	for _, l := range strings.Split(tail, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			last = l
		}
	}
	last = strings.TrimPrefix(last, "oomlab: ")
	if last == "" {
		return head
	}
	return head + ": " + last
}

// junitOnHarnessError passes err through; when it is a harness or input
// error (exit 2) and path (--junit) is set, it first writes there a JUnit
// file whose one failed test case says so, named name, so that CI, which
// asked for the file, shows why the command did not judge anything.
func junitOnHarnessError(path, name string, err error) error {
	if err == nil || path == "" || codeOf(err) != exitBadInput {
		return err
	}
	var b bytes.Buffer
	if werr := report.WriteErrorJUnit(&b, name, err.Error()); werr != nil {
		return errors.Join(err, werr)
	}
	if werr := writeUserFile(path, b.Bytes()); werr != nil {
		return errors.Join(err, fmt.Errorf("--junit: %w", werr))
	}
	return err
}
