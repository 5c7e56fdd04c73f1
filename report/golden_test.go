package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// golden compares got with testdata/golden/<test name><ext>, rewriting it
// with -update.
func golden(t *testing.T, ext string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", strings.ReplaceAll(t.Name(), "/", "_")+ext)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s (run with -update and review the diff):\n%s", t.Name(), path, got)
	}
}

func TestSummaryMarkdown(t *testing.T) {
	run := loadUpload(t)
	run.Dir = "run"
	var b bytes.Buffer
	if err := writeMarkdown(&b, []*Run{run}, [][]Verdict{Judge(run)}, GateOf(Judge(run))); err != nil {
		t.Fatal(err)
	}
	golden(t, ".md", b.Bytes())
}

func TestTerminal(t *testing.T) {
	run := loadUpload(t)
	var b bytes.Buffer
	Terminal(&b, run, Judge(run), GateOf(Judge(run)))
	golden(t, ".txt", b.Bytes())
}

// TestReportHTML checks the page's text; the figures are replaced by
// placeholders (the plot tests check those).
func TestReportHTML(t *testing.T) {
	run := loadUpload(t)
	run.Dir = "run"
	var b bytes.Buffer
	err := writeHTML(&b, []*Run{run}, [][]Verdict{Judge(run)}, GateOf(Judge(run)),
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
	golden(t, ".html", b.Bytes())
}

func TestCatalogMarkdown(t *testing.T) {
	run, err := Load("testdata/upload-proxy")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteCatalog(&b, []*Run{run}, [][]Verdict{Judge(run)}, GateOf(Judge(run))); err != nil {
		t.Fatal(err)
	}
	golden(t, ".md", b.Bytes())
}
