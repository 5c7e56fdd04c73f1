package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/report/format"
	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/runner/results"
)

// FuzzLoad feeds Load a results.json and a samples.csv made of anything,
// then judges the run and renders the text outputs: nothing may panic, and
// no control character from the files may reach summary.md or the
// terminal. Seeded with the saved upload-proxy run.
func FuzzLoad(f *testing.F) {
	res, err := os.ReadFile("testdata/upload-proxy/results.json")
	if err != nil {
		f.Fatal(err)
	}
	samples, err := os.ReadFile("testdata/upload-proxy/samples.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(res, samples[:2000])
	f.Add([]byte(`{"targets":[{"name":"a\u001b[2J","outcome":"crashed","stderr_tail":"<script>\u0007"}],"phases":[{"name":"\u001b"}]}`),
		[]byte("target,t_seconds,rss_bytes\na\x1b[2J,1,NaN\n"))
	f.Add([]byte(`{"partial":true,"targets":[{"name":"a"}]}`), []byte("target,t_seconds,rss_bytes\na,1,"))
	f.Fuzz(func(t *testing.T, resJSON, samplesCSV []byte) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, results.ResultsFile), resJSON, 0o644)
		os.WriteFile(filepath.Join(dir, results.SamplesFile), samplesCSV, 0o644)
		run, err := saved.Load(dir)
		if err != nil {
			return
		}
		verdicts := judge.Judge(run)
		var md, term bytes.Buffer
		if err := writeMarkdown(&md, []*saved.Run{run}, [][]judge.Verdict{verdicts}, judge.GateOf(verdicts)); err != nil {
			t.Fatalf("writeMarkdown: %v", err)
		}
		Terminal(&term, run, verdicts, judge.GateOf(verdicts))
		if i := strings.IndexFunc(md.String(), func(r rune) bool { return format.IsControl(r) && r != '\n' }); i >= 0 {
			t.Fatalf("summary.md holds control character %q at %d", md.String()[i], i)
		}
		if i := strings.IndexFunc(term.String(), func(r rune) bool { return format.IsControl(r) && r != '\n' && r != '\t' }); i >= 0 {
			t.Fatalf("terminal output holds control character %q at %d", term.String()[i], i)
		}
	})
}
