package judge

import (
	"fmt"
	"strings"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/runner/results"
)

// GateState is what a gate concluded: pass, fail or nothing to judge. The
// CLI maps it to its exit status (0, 1, 3) in one place.
type GateState int

// Gate states.
const (
	// GatePass: every check held, and at least one was made.
	GatePass GateState = iota
	// GateFail: at least one check failed (an expectation, or a baseline
	// figure that got worse beyond the tolerance).
	GateFail
	// GateNothing: there was nothing to judge — no targets, no target
	// that left samples, or no expectation to check. A gate that checked
	// nothing must not read as a pass.
	GateNothing
)

// String names the state as the terminal prints it.
func (s GateState) String() string {
	switch s {
	case GatePass:
		return "PASS"
	case GateFail:
		return "FAIL"
	case GateNothing:
		return "NOTHING TO JUDGE"
	}
	return fmt.Sprintf("GateState(%d)", int(s))
}

// Word names the state in lower case, as verdicts.json and headlines
// write it: "pass", "fail", "nothing to judge".
func (s GateState) Word() string {
	switch s {
	case GatePass:
		return "pass"
	case GateFail:
		return "fail"
	case GateNothing:
		return "nothing to judge"
	}
	return s.String()
}

// MarshalText writes the state as Word does.
func (s GateState) MarshalText() ([]byte, error) { return []byte(s.Word()), nil }

// UnmarshalText reads what MarshalText writes.
func (s *GateState) UnmarshalText(b []byte) error {
	for _, st := range []GateState{GatePass, GateFail, GateNothing} {
		if string(b) == st.Word() {
			*s = st
			return nil
		}
	}
	return fmt.Errorf("report: unknown gate status %q", b)
}

// GateStatus is the one gate of a report: computed once from the verdicts
// (GateOf) and, for gate and compare, from the baseline's rows
// (WithBaseline). Every output renders it — the headlines of the
// terminal, summary.md, report.html and catalog.md, verdicts.json's gate
// object, JUnit, the GitHub annotations — and the CLI's exit status is
// taken from State alone.
type GateStatus struct {
	State GateState `json:"status"`
	// Reason says why, in words: "5 checks held", "1 of 5 checks failed:
	// upload-aware max_rss", "no expectation to check (…)".
	Reason string `json:"reason"`
	// Checks and Failed count the expectations checked and failed.
	Checks int `json:"checks"`
	Failed int `json:"failed"`
	// FailedChecks name each failed expectation, "target check".
	FailedChecks []string `json:"failed_checks,omitempty"`
	// Baseline is set when the gate also compared figures with a
	// baseline (gate, compare).
	Baseline *BaselineGate `json:"baseline,omitempty"`
	// Warnings are said on every output beside the status: a baseline
	// compared although it was made under other conditions, figures a
	// version 1 baseline cannot vouch for.
	Warnings []string `json:"warnings,omitempty"`
}

// BaselineGate is the baseline's part of a gate status.
type BaselineGate struct {
	// Rows is the number of figures compared (a target new in the run
	// is not compared), Worse those that got worse
	// beyond Tolerance (a share: 0.15 is 15 %).
	Rows      int      `json:"rows"`
	Worse     []string `json:"worse,omitempty"`
	Tolerance float64  `json:"tolerance"`
}

// Pass reports whether the gate passed: State is GatePass.
func (g GateStatus) Pass() bool { return g.State == GatePass }

// GateOf decides the gate from the verdicts, with the reason in words.
// A failed check fails the gate even when other targets left nothing to
// judge.
func GateOf(verdicts []Verdict) GateStatus {
	var g GateStatus
	judged := 0
	for _, v := range verdicts {
		for _, c := range v.Expectations {
			g.Checks++
			if !c.Pass {
				g.Failed++
				g.FailedChecks = append(g.FailedChecks, v.Target+" "+c.Label())
			}
		}
		if v.Class != ClassNoData && v.Class != ClassSkipped && v.Outcome != results.OutcomeInterrupted {
			judged++
		}
	}
	switch {
	case len(verdicts) == 0:
		g.State, g.Reason = GateNothing, "the results hold no targets"
	case g.Failed > 0:
		g.State, g.Reason = GateFail, fmt.Sprintf("%d of %d checks failed: %s", g.Failed, g.Checks, strings.Join(g.FailedChecks, ", "))
	case judged == 0:
		g.State, g.Reason = GateNothing, "no target ran long enough to leave samples"
	case g.Checks == 0:
		g.State, g.Reason = GateNothing, "no expectation to check (add expect: to the scenario's targets, or pass --no-gate)"
	default:
		g.State, g.Reason = GatePass, fmt.Sprintf("%d checks held", g.Checks)
	}
	return g
}

// WithBaseline adds the baseline's rows to the gate of a run's own
// expectations: a figure worse beyond tol fails it, and so does a failed
// expectation, whatever the baseline says. With no figure compared there
// is nothing to judge (unless an expectation failed); with no expectation
// to check the rows alone decide.
func (g GateStatus) WithBaseline(rows []BaselineRow, tol float64) GateStatus {
	b := &BaselineGate{Tolerance: tol}
	for _, r := range rows {
		if r.Change != ChangeNew {
			b.Rows++
		}
		if r.Change == ChangeWorse {
			b.Worse = append(b.Worse, r.Target+" "+r.Figure)
		}
	}
	g.Baseline = b
	own := "expectations: " + g.Reason
	base := fmt.Sprintf("baseline: no figure worse beyond the %s tolerance", format.Percent(tol))
	if len(b.Worse) > 0 {
		base = fmt.Sprintf("baseline: %d worse beyond the %s tolerance: %s", len(b.Worse), format.Percent(tol), strings.Join(b.Worse, ", "))
	}
	switch {
	case g.State == GateFail || len(b.Worse) > 0:
		g.State = GateFail
	case b.Rows == 0:
		// Nothing compared: a gate on a baseline that checked no figure
		// is no pass.
		g.State = GateNothing
	case g.State == GatePass:
	case g.Checks == 0:
		// No expectation, but the figures were compared: the baseline
		// decides.
		g.State = GatePass
	default:
		g.State = GateNothing
	}
	if b.Rows == 0 {
		base = "baseline: nothing to compare"
	}
	g.Reason = own + "; " + base
	return g
}

// WithWarnings returns g with warnings added (to be said on every output).
func (g GateStatus) WithWarnings(w ...string) GateStatus {
	g.Warnings = append(append([]string(nil), g.Warnings...), w...)
	return g
}

// Line is the gate in one line, the last of the terminal and summary.md:
// "expectations: PASS (5 checks)", "expectations: FAIL (1 of 5 checks
// failed: …)", "expectations: NOTHING TO JUDGE (why)"; with a baseline,
// "gate: FAIL (expectations: …; baseline: …)".
func (g GateStatus) Line() string {
	if g.Baseline != nil {
		return fmt.Sprintf("gate: %s (%s)", g.State, g.Reason)
	}
	switch g.State {
	case GatePass:
		return fmt.Sprintf("expectations: PASS (%d checks)", g.Checks)
	case GateFail:
		return fmt.Sprintf("expectations: FAIL (%s)", g.Reason)
	}
	return fmt.Sprintf("expectations: %s (%s)", g.State, g.Reason)
}

// String is Line.
func (g GateStatus) String() string { return g.Line() }
