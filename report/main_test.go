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
// checks that it loads.
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

func TestScratchMemory(t *testing.T) {
	out := os.Getenv("REPORT_SCRATCH")
	if out == "" {
		t.Skip("REPORT_SCRATCH not set")
	}
	run, err := Load(uploadDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteMemoryPlot(run, filepath.Clean(out)); err != nil {
		t.Fatal(err)
	}
}
