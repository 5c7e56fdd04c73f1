package report

import (
	"testing"

	"github.com/oomlab/oomlab/report/saved"

	"github.com/oomlab/oomlab/report/saved/savedtest"
)

// BenchmarkWriteAll renders every output of a ten-minute run sampled
// every 100 ms with two targets. The budget is 2 s per run.
func BenchmarkWriteAll(b *testing.B) {
	b.ReportAllocs()
	spec := savedtest.LongRun()
	dir := b.TempDir()
	for b.Loop() {
		run := spec.Run()
		if _, err := writeAll([]*saved.Run{run}, dir); err != nil {
			b.Fatal(err)
		}
	}
}
