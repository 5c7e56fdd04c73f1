//go:build linux

package sample

import (
	"fmt"
	"os"
	"testing"

	"github.com/shirou/gopsutil/v4/process"
)

// BenchmarkSample samples the test binary itself: the whole cost of one
// tick for one target, and how listing /proc/PID/fd grows with open
// descriptors (a server under load holds one per connection).
func BenchmarkSample(b *testing.B) {
	for _, fds := range []int{0, 1000} {
		b.Run(fmt.Sprintf("fds=%d", fds), func(b *testing.B) {
			for range fds {
				f, err := os.Open(os.DevNull)
				if err != nil {
					b.Fatal(err)
				}
				defer f.Close()
			}
			s, err := Self()
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Sample(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReadStatus reads /proc/self/status: through a Sampler's reused
// buffer, and through ReadStatus, which allocates one.
func BenchmarkReadStatus(b *testing.B) {
	pid := os.Getpid()
	b.Run("reused-buffer", func(b *testing.B) {
		path := statusPath("/proc", pid)
		var buf []byte
		b.ReportAllocs()
		for b.Loop() {
			if _, err := readStatus(path, &buf); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ReadStatus", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ReadStatus("/proc", pid); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkGopsutil breaks Sample's gopsutil calls down, and prices
// NumThreads, which Sample does not call (the thread count comes from
// the status read it makes anyway).
func BenchmarkGopsutil(b *testing.B) {
	p, err := process.NewProcess(int32(os.Getpid()))
	if err != nil {
		b.Fatal(err)
	}
	calls := []struct {
		name string
		call func() error
	}{
		{"MemoryInfo", func() error { _, err := p.MemoryInfo(); return err }},
		{"Times", func() error { _, err := p.Times(); return err }},
		{"NumFDs", func() error { _, err := p.NumFDs(); return err }},
		{"NumThreads", func() error { _, err := p.NumThreads(); return err }},
	}
	for _, c := range calls {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := c.call(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
