package report

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "regenerate testdata and golden files")

const uploadDir = "testdata/upload-proxy"

// TestTestdata regenerates the recorded run in testdata with -update and
// checks that it loads cleanly.
func TestTestdata(t *testing.T) {
	if *update {
		if err := uploadProxy().writeDir(uploadDir); err != nil {
			t.Fatal(err)
		}
	}
	run, err := Load(uploadDir)
	if err != nil {
		t.Fatalf("Load(%s): %v", uploadDir, err)
	}
	if len(run.Notes) != 0 {
		t.Errorf("Load(%s).Notes = %q; want none", uploadDir, run.Notes)
	}
}

// TestScratch writes every output of the testdata run to $REPORT_SCRATCH
// for a person to look at.
func TestScratch(t *testing.T) {
	out := os.Getenv("REPORT_SCRATCH")
	if out == "" {
		t.Skip("REPORT_SCRATCH not set")
	}
	run, err := Load(uploadDir)
	if err != nil {
		t.Fatal(err)
	}
	files, err := writeAll([]*Run{run}, filepath.Clean(out))
	if err != nil {
		t.Fatal(err)
	}
	Terminal(os.Stdout, run, files.Verdicts, files.Gate)
	if _, err := writeAll([]*Run{run, loadUpload(t)}, filepath.Join(out, "compare")); err != nil {
		t.Fatal(err)
	}
	if _, err := writeAll([]*Run{longRun().run()}, filepath.Join(out, "long")); err != nil {
		t.Fatal(err)
	}
}

// loadUpload loads the testdata run or fails the test.
func loadUpload(t testing.TB) *Run {
	t.Helper()
	run, err := Load(uploadDir)
	if err != nil {
		t.Fatalf("Load(%s): %v", uploadDir, err)
	}
	return run
}
