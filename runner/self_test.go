package runner

import (
	"os"
	"path/filepath"
	"testing"
)

// TestSampleSelfReadsStatusOnly: the harness's own sample needs nothing
// but /proc/PID/status — no stat, statm or fd listing, which under load
// holds one entry per connection and, read on every tick of every
// parallel target, stalled their monitors. The fake tree has the status
// file alone.
func TestSampleSelfReadsStatusOnly(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "4242")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	status := "Name:\toomlab\nState:\tS (sleeping)\nVmHWM:\t   81920 kB\nVmRSS:\t   40960 kB\nThreads:\t12\n"
	if err := os.WriteFile(filepath.Join(dir, "status"), []byte(status), 0o644); err != nil {
		t.Fatal(err)
	}
	h := &harness{selfProc: root, selfPID: 4242}
	for _, want := range []int64{40 << 20, 40 << 20} {
		if got := h.sampleSelf(); got != want {
			t.Fatalf("sampleSelf = %d; want %d (VmRSS)", got, want)
		}
	}
	if h.selfPeak != 40<<20 || h.selfN != 2 || h.selfSum != 80<<20 {
		t.Errorf("peak %d, n %d, sum %d; want %d, 2, %d", h.selfPeak, h.selfN, h.selfSum, 40<<20, 80<<20)
	}
	h.selfPID = 4243 // gone
	if got := h.sampleSelf(); got != -1 {
		t.Errorf("sampleSelf of a missing process = %d; want -1", got)
	}
}

// BenchmarkSampleSelf: one sample of the harness's own memory, taken on
// every tick of every target.
func BenchmarkSampleSelf(b *testing.B) {
	h := &harness{selfProc: "/proc", selfPID: os.Getpid()}
	for b.Loop() {
		if h.sampleSelf() < 0 {
			b.Fatal("sampleSelf failed")
		}
	}
}
