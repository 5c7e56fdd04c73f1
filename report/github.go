package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/oomlab/oomlab/report/format"

	"github.com/oomlab/oomlab/report/judge"
)

// GitHubAnnotations writes one ::error workflow command per failed check
// (GitHub Actions shows them on the run's summary page), each titled with
// the scenario and target; then one ::warning per warning of the gate,
// one ::warning when there was nothing to judge, and one ::error for
// baseline figures that got worse. Values are escaped as the runner's
// command parser expects: % CR LF in the message, also : and , in
// properties.
func GitHubAnnotations(w io.Writer, scenario string, verdicts []judge.Verdict, gate judge.GateStatus) error {
	title := ghProperty("oomlab " + scenario + ": gate")
	for _, warn := range gate.Warnings {
		if _, err := fmt.Fprintf(w, "::warning title=%s::%s\n", title, ghData(warn)); err != nil {
			return err
		}
	}
	switch {
	case gate.State == judge.GateNothing:
		if _, err := fmt.Fprintf(w, "::warning title=%s::%s\n", title, ghData("nothing to judge: "+gate.Reason)); err != nil {
			return err
		}
	case gate.Baseline != nil && len(gate.Baseline.Worse) > 0:
		msg := "baseline: worse beyond the " + format.Percent(gate.Baseline.Tolerance) + " tolerance: " + strings.Join(gate.Baseline.Worse, ", ")
		if _, err := fmt.Fprintf(w, "::error title=%s::%s\n", title, ghData(msg)); err != nil {
			return err
		}
	}
	for _, v := range verdicts {
		for _, c := range v.Expectations {
			if c.Pass {
				continue
			}
			title := fmt.Sprintf("oomlab %s: %s %s", scenario, v.Target, c.Label())
			if _, err := fmt.Fprintf(w, "::error title=%s::%s\n", ghProperty(title), ghData(c.Text)); err != nil {
				return err
			}
		}
	}
	return nil
}

var (
	ghDataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	ghPropertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func ghData(s string) string     { return ghDataEscaper.Replace(s) }
func ghProperty(s string) string { return ghPropertyEscaper.Replace(s) }
