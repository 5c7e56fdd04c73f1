package saved_test

import (
	"testing"

	"github.com/oomlab/oomlab/report/saved"
	"github.com/oomlab/oomlab/report/saved/savedtest"
)

// BenchmarkLoad reads the recorded testdata run from disk.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := saved.Load(savedtest.UploadDir()); err != nil {
			b.Fatal(err)
		}
	}
}
