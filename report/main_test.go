package report

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/oomlab/oomlab/report/saved"

	"github.com/oomlab/oomlab/report/saved/savedtest"
)

// TestScratch writes every output of the testdata run to $REPORT_SCRATCH
// for a person to look at.
func TestScratch(t *testing.T) {
	out := os.Getenv("REPORT_SCRATCH")
	if out == "" {
		t.Skip("REPORT_SCRATCH not set")
	}
	run, err := saved.Load(savedtest.UploadDir())
	if err != nil {
		t.Fatal(err)
	}
	files, err := writeAll([]*saved.Run{run}, filepath.Clean(out))
	if err != nil {
		t.Fatal(err)
	}
	Terminal(os.Stdout, run, files.Verdicts, files.Gate)
	if _, err := writeAll([]*saved.Run{run, savedtest.Upload(t)}, filepath.Join(out, "compare")); err != nil {
		t.Fatal(err)
	}
	if _, err := writeAll([]*saved.Run{savedtest.LongRun().Run()}, filepath.Join(out, "long")); err != nil {
		t.Fatal(err)
	}
}
