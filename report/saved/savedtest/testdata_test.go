package savedtest

import (
	"testing"

	"github.com/oomlab/oomlab/report/saved"
)

// TestTestdata regenerates the recorded run in report/testdata with
// -update and checks that it loads cleanly.
func TestTestdata(t *testing.T) {
	if *Update {
		if err := UploadProxy().WriteDir(UploadDir()); err != nil {
			t.Fatal(err)
		}
	}
	run, err := saved.Load(UploadDir())
	if err != nil {
		t.Fatalf("Load(%s): %v", UploadDir(), err)
	}
	if len(run.Notes) != 0 {
		t.Errorf("Load(%s).Notes = %q; want none", UploadDir(), run.Notes)
	}
}
