package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/report/saved"

	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved/savedtest"
)

func TestSummaryMarkdown(t *testing.T) {
	run := savedtest.Upload(t)
	run.Dir = "run"
	var b bytes.Buffer
	if err := writeMarkdown(&b, []*saved.Run{run}, [][]judge.Verdict{judge.Judge(run)}, judge.GateOf(judge.Judge(run))); err != nil {
		t.Fatal(err)
	}
	savedtest.Golden(t, ".md", b.Bytes())
}

func TestTerminal(t *testing.T) {
	run := savedtest.Upload(t)
	var b bytes.Buffer
	Terminal(&b, run, judge.Judge(run), judge.GateOf(judge.Judge(run)))
	savedtest.Golden(t, ".txt", b.Bytes())
}

// TestReportHTML checks the page's text; the figures are replaced by
// placeholders (the plot tests check those).
func TestReportHTML(t *testing.T) {
	run := savedtest.Upload(t)
	run.Dir = "run"
	var b bytes.Buffer
	err := writeHTML(&b, []*saved.Run{run}, [][]judge.Verdict{judge.Judge(run)}, judge.GateOf(judge.Judge(run)),
		[]byte(`<?xml version="1.0"?><svg id="dashboard"></svg>`), []byte(`<svg id="memory"></svg>`))
	if err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, bad := range []string{"<script", "http://", "https://"} {
		if bad == "http://" {
			// The pprof advice names a local URL in text; no resource is loaded.
			html = strings.ReplaceAll(html, "http://localhost:PORT", "")
		}
		if strings.Contains(html, bad) {
			t.Errorf("report.html contains %q; want a self-contained page", bad)
		}
	}
	if strings.Contains(html, "<?xml") {
		t.Errorf("report.html keeps the SVG's XML declaration")
	}
	savedtest.Golden(t, ".html", b.Bytes())
}

func TestCatalogMarkdown(t *testing.T) {
	run, err := saved.Load("testdata/upload-proxy")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteCatalog(&b, []*saved.Run{run}, [][]judge.Verdict{judge.Judge(run)}, judge.GateOf(judge.Judge(run))); err != nil {
		t.Fatal(err)
	}
	savedtest.Golden(t, ".md", b.Bytes())
}
