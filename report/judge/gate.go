package judge

import (
	"fmt"

	"github.com/oomlab/oomlab/runner/results"
)

// GateStatus is what a gate concluded: the CLI turns it into its exit
// status (0, 1, 3).
type GateStatus int

// Gate statuses.
const (
	// GatePass: every check held.
	GatePass GateStatus = iota
	// GateFail: at least one check failed.
	GateFail
	// GateNothing: there was nothing to judge — no targets, no target
	// that left samples, or no expectation to check. A gate that checked
	// nothing must not read as a pass.
	GateNothing
)

// String names the status as the terminal prints it.
func (s GateStatus) String() string {
	switch s {
	case GatePass:
		return "PASS"
	case GateFail:
		return "FAIL"
	case GateNothing:
		return "NOTHING TO JUDGE"
	}
	return fmt.Sprintf("GateStatus(%d)", int(s))
}

// GateOf decides the gate from the verdicts, with the reason in words.
// A failed check fails the gate even when other targets left nothing to
// judge.
func GateOf(verdicts []Verdict) (GateStatus, string) {
	if len(verdicts) == 0 {
		return GateNothing, "the results hold no targets"
	}
	var checks, failed int
	judged := 0
	for _, v := range verdicts {
		for _, c := range v.Expectations {
			checks++
			if !c.Pass {
				failed++
			}
		}
		if v.Class != ClassNoData && v.Class != ClassSkipped && v.Outcome != results.OutcomeInterrupted {
			judged++
		}
	}
	switch {
	case failed > 0:
		return GateFail, fmt.Sprintf("%d of %d checks failed (see the verdicts above)", failed, checks)
	case judged == 0:
		return GateNothing, "no target ran long enough to leave samples"
	case checks == 0:
		return GateNothing, "no expectation to check (add expect: to the scenario's targets, or pass --no-gate)"
	}
	return GatePass, fmt.Sprintf("%d checks held", checks)
}
