package report

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/oomlab/oomlab/report/judge"
	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/report/saved/savedtest"
	"github.com/oomlab/oomlab/runner/results"
)

func TestWriteAllCompare(t *testing.T) {
	a, b := savedtest.Upload(t), savedtest.Upload(t)
	dir := t.TempDir()
	files, err := writeAll([]*saved.Run{a, b}, dir)
	if err != nil {
		t.Fatalf("WriteAll: %v", err)
	}
	if len(files.Paths) != 7 {
		t.Errorf("WriteAll wrote %d files; want 7: %q", len(files.Paths), files.Paths)
	}
	var names []string
	for _, v := range files.Verdicts {
		names = append(names, v.Target)
	}
	want := []string{"A:upload-naive", "A:upload-aware", "B:upload-naive", "B:upload-aware"}
	if len(names) != len(want) {
		t.Fatalf("verdict targets = %q; want %q", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Errorf("verdict %d target = %q; want %q", i, names[i], want[i])
		}
	}
	html, err := os.ReadFile(filepath.Join(dir, HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(html, []byte("<svg")) || bytes.Contains(html, []byte("<?xml")) {
		t.Errorf("report.html: want inline SVG without XML declarations")
	}
}

// TestWriteAllEmpty renders a run with no targets, stages or samples
// without failing: a harness that died early still gets a report.
func TestWriteAllEmpty(t *testing.T) {
	run := saved.NewRun(&results.Results{Schema: results.Schema, Scenario: "empty"})
	files, err := writeAll([]*saved.Run{run}, t.TempDir())
	if err != nil {
		t.Fatalf("WriteAll(empty run): %v", err)
	}
	if len(files.Verdicts) != 0 || files.Gate.State != judge.GateNothing {
		t.Errorf("WriteAll(empty run) = %d verdicts, gate %v; want 0, nothing to judge", len(files.Verdicts), files.Gate)
	}
}

// TestWriteAllResultsOnly renders a run whose CSVs are missing: the
// outputs still come from results.json alone.
func TestWriteAllResultsOnly(t *testing.T) {
	res, err := os.ReadFile(filepath.Join(savedtest.UploadDir(), results.ResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, results.ResultsFile), res, 0o644); err != nil {
		t.Fatal(err)
	}
	run, err := saved.Load(dir)
	if err != nil {
		t.Fatalf("Load(results.json only): %v", err)
	}
	files, err := writeAll([]*saved.Run{run}, t.TempDir())
	if err != nil {
		t.Fatalf("WriteAll(results.json only): %v", err)
	}
	if files.Verdicts[0].Class != judge.ClassOOMKilled {
		t.Errorf("verdict without samples = %q; want %q", files.Verdicts[0].Class, judge.ClassOOMKilled)
	}
}
