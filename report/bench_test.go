package report

import (
	"testing"
)

// BenchmarkWriteAll renders every output of a ten-minute run sampled
// every 100 ms with two targets. The budget is 2 s per run.
func BenchmarkWriteAll(b *testing.B) {
	b.ReportAllocs()
	spec := longRun()
	dir := b.TempDir()
	for b.Loop() {
		run := spec.run()
		if _, err := writeAll([]*Run{run}, dir); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad reads the recorded testdata run from disk.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(uploadDir); err != nil {
			b.Fatal(err)
		}
	}
}
