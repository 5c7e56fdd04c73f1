package report

import (
	"bytes"
	stdhtml "html"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/report/saved/savedtest"
)

// TestEarlyStopEveryOutput: a load --fast stopped early is said in the
// terminal summary, summary.md and report.html, as the verdict words it,
// and only for the target it was stopped for (report.html read as text:
// html/template writes + as &#43;).
func TestEarlyStopEveryOutput(t *testing.T) {
	run := savedtest.UploadProxyFast()
	run.Dir = "run"
	vs := judge.Judge(run)
	gate := judge.GateOf(vs)
	var term, md, html bytes.Buffer
	Terminal(&term, run, vs, gate)
	if err := writeMarkdown(&md, []*saved.Run{run}, [][]judge.Verdict{vs}, gate); err != nil {
		t.Fatal(err)
	}
	if err := writeHTML(&html, []*saved.Run{run}, [][]judge.Verdict{vs}, gate, []byte(`<svg id="dashboard"></svg>`), []byte(`<svg id="memory"></svg>`)); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"terminal": unwrapped(term.String()), "summary.md": md.String(), "report.html": stdhtml.UnescapeString(html.String())} {
		for _, want := range []string{"stopped early at 38.0 s of 40 s under --fast: memory flat (slope +0.19 MiB/s, upper bound +0.23", "over 32.5–38.0 s)"} {
			if n := strings.Count(out, want); n != 1 {
				t.Errorf("%s says %q %d times; want once (for the aware target)", name, want, n)
			}
		}
	}
}
